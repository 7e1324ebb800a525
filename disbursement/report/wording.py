"""Default wording of the report, as the 2024 monthly reports write it.

Each non-empty line a template produces is one paragraph. The staff edit
copies of these in the admin (ReportTemplate); these texts are what a fresh
installation starts from and what the service falls back to when a row is
missing, or when a row does not use a variable the snapshot needs
(is_partial, not_reported, reported_on, available, sentence).

Variables each section receives:
- heading (the draft's title): year, as_of, is_estimate.
- city: year, year_start, as_of, is_estimate, disbursed, plan, ratio,
  plan_pm, ratio_pm, sources (name, short_name, disbursed, plan, ratio,
  plan_pm, ratio_pm); is_partial (true when no city-wide summary was
  received and the total is the sum of the reports received: the ratios
  then compare a part with the whole plan) and coverage (what such a sum
  covers: streams (name, noun, units_reported, units_total, count_of_total
  '13/15', complete, units_carried and carried_text '02': units whose
  figure comes from an earlier report), sources (name, short_name),
  summary).
- same_period: year (last year), target_date (the same day last year),
  available (false when last year has no snapshot near that day); when
  available: as_of, disbursed, plan, ratio, plan_pm, ratio_pm.
- stream: stream_name, noun ('quận, huyện', 'chủ đầu tư', 'huyện'),
  disbursed, plan, ratio, average, total (every unit of the stream),
  bands (label, kind 'not_disbursed' | 'range' | 'no_plan', count,
  count_text '01', count_of_total '09/15', total, entries, names,
  plan_total (the capital allocated to the band's units), sentence (true
  for the not-disbursed band when the band config writes it as one
  sentence with its total)); not_reported (units with no report this year,
  never counted as not disbursed: count, count_text, count_of_total,
  names, plan_total); is_partial (the stream's total sums only the units
  that have reported), has_reports, reported_count, reported_of_total
  '13/15', carried_count (units whose figure comes from an earlier report).
- unit_entry (one unit of a list): name, disbursed, plan, ratio,
  not_disbursed, no_plan, complete (disbursed the whole plan), carried
  (the figure comes from the unit's latest earlier report of the year) and
  reported_on (that report's date, '13/7/2024'; empty when the figure is
  of the snapshot's own date).
- follow_up (units asked to explain why they lag): as_of; not_explained
  (requests past their deadline without an answer: name, stream, requested,
  deadline, days_overdue), not_explained_count_text '02'; missed
  (commitments not reached on the first snapshot on or after their date:
  name, stream, due, committed, disbursed, shortfall, as_of),
  missed_count_text; explained_count (requests answered).
- units_change (units that changed during the year, up to the snapshot's
  date; written only when there are some): year, as_of, changes (one per
  date: date '01/7/2025', district_level (true when the district level gave
  way to communes, wards and special zones that day), districts_count(_text),
  communes_count(_text), merges (from: names, to: name), splits (from: name,
  to: names), transfers (from, to), events (each of those written out:
  'Sở Giao thông vận tải sáp nhập vào Sở Xây dựng')), not_comparable (units compared with no
  earlier figure: formed by a split or a partial transfer since then).
Amounts come with their unit ('183,384 tỷ đồng'), ratios with '%'.
"""

from __future__ import annotations

HEADING_BODY = (
    "Tình hình giải ngân kế hoạch vốn đầu tư công năm {{ year }} "
    "(số liệu {% if is_estimate %}ước {% endif %}đến hết ngày {{ as_of }})"
)

CITY_TITLE = (
    "Tình hình giải ngân kế hoạch vốn đầu tư công "
    "{% if is_partial %}theo các báo cáo đã nhận{% else %}toàn thành phố{% endif %}"
)
# Without a city-wide summary the total is a sum of the reports received: it is written as such,
# with what it covers, and not set against the city's plan as if it were the whole city.
CITY_PARTIAL_BODY = (
    "Chưa có số liệu tổng hợp giải ngân của toàn thành phố đến hết ngày {{ as_of }}. "
    "Cộng các báo cáo đã nhận, số vốn đầu tư công năm {{ year }} đã giải ngân từ ngày {{ year_start }}"
    " đến hết ngày {{ as_of }}{% if is_estimate %} (số ước){% endif %} là {{ disbursed }}; "
    "đây là tổng các báo cáo đã nhận, chưa phải số liệu của toàn thành phố"
    "{% if coverage.streams %}, gồm:{% else %}.{% endif %}\n"
    "{% for s in coverage.streams %}- {{ s.name }}: "
    "{% if s.units_reported %}{{ s.count_of_total }} {{ s.noun }} đã báo cáo"
    "{% if s.units_carried %} ({{ s.carried_text }} {{ s.noun }} lấy số liệu của báo cáo trước đó){% endif %}"
    "{% else %}chưa có báo cáo{% endif %}"
    "{% if forloop.last %}.{% else %};{% endif %}\n{% endfor %}"
    "{% if coverage.sources %}Nguồn vốn có trong các báo cáo đã nhận: "
    "{% for s in coverage.sources %}vốn {{ s.name|lower }}{% if not forloop.last %}, {% endif %}{% endfor %}.\n"
    "{% endif %}"
)
CITY_COMPLETE_BODY = (
    "Lũy kế giải ngân kế hoạch vốn đầu tư công năm {{ year }} từ ngày {{ year_start }} đến hết ngày {{ as_of }}"
    "{% if is_estimate %} (số ước){% endif %} là {{ disbursed }}"
    "{% if plan_pm %}, đạt {{ ratio_pm }} kế hoạch vốn Thủ tướng Chính phủ giao ({{ plan_pm }}){% endif %}"
    "{% if plan %}{% if plan_pm %} và{% else %},{% endif %}"
    " đạt {{ ratio }} kế hoạch vốn thành phố giao ({{ plan }}){% endif %}"
    "{% if sources %}; trong đó:{% else %}.{% endif %}\n"
    "{% for s in sources %}- Vốn {{ s.name|lower }} giải ngân {{ s.disbursed }}"
    "{% if s.plan %}, đạt {{ s.ratio }} kế hoạch vốn thành phố giao ({{ s.plan }}){% endif %}"
    "{% if forloop.last %}.{% else %};{% endif %}\n{% endfor %}"
)
CITY_BODY = f"{{% if is_partial %}}{CITY_PARTIAL_BODY}{{% else %}}{CITY_COMPLETE_BODY}{{% endif %}}"

SAME_PERIOD_TITLE = "Cùng kỳ năm {{ year }}"
SAME_PERIOD_BODY = (
    "{% if available %}"
    "Cùng kỳ năm {{ year }}, lũy kế giải ngân đến hết ngày {{ as_of }} là {{ disbursed }}"
    "{% if plan_pm %}, đạt {{ ratio_pm }} kế hoạch vốn Thủ tướng Chính phủ giao ({{ plan_pm }}){% endif %}"
    "{% if plan %}{% if plan_pm %} và{% else %},{% endif %}"
    " đạt {{ ratio }} kế hoạch vốn thành phố giao ({{ plan }}){% endif %}."
    "{% else %}"
    "Năm {{ year }} không có số liệu cùng kỳ (quanh ngày {{ target_date }}) để so sánh."
    "{% endif %}"
)

STREAM_TITLE = "{{ stream_name }}"
STREAM_BODY = (
    "{% if has_reports %}"
    "{{ stream_name }}: kế hoạch vốn {{ plan }}, lũy kế giải ngân {{ disbursed }}"
    "{% if is_partial %} (tổng số liệu của {{ reported_of_total }} {{ noun }} đã báo cáo){% endif %}"
    ", đạt {{ ratio }} kế hoạch.\n"
    "{% else %}"
    "{{ stream_name }}: kế hoạch vốn {{ plan }}; chưa có {{ noun }} nào báo cáo số liệu giải ngân.\n"
    "{% endif %}"
    "{% for band in bands %}{% if band.count %}- Có "
    "{% if band.sentence %}{{ band.count_text }} {{ noun }} chưa giải ngân"
    " với tổng số vốn được bố trí {{ band.plan_total }}.\n"
    "{% else %}"
    "{% if band.count == 1 %}{{ band.count_text }}{% else %}{{ band.count_of_total }}{% endif %} {{ noun }} "
    "{% if band.kind == 'range' %}giải ngân {% endif %}{{ band.label }}"
    "{% if band.count == 1 %} là {% else %}, gồm: {% endif %}{{ band.entries|join:'; ' }}.\n"
    "{% endif %}{% endif %}{% endfor %}"
    "{% if not_reported.count %}- Có "
    "{% if not_reported.count == 1 %}{{ not_reported.count_text }}{% else %}{{ not_reported.count_of_total }}"
    "{% endif %} {{ noun }} chưa báo cáo số liệu: {{ not_reported.names|join:', ' }}.\n"
    "{% endif %}"
)

UNIT_ENTRY_TITLE = ""
# A figure carried from the unit's latest earlier report carries that report's date.
UNIT_ENTRY_BODY = (
    "{% if not_disbursed %}{{ name }} với tổng số vốn được bố trí là {{ plan }}"
    "{% if carried %} (số liệu đến {{ reported_on }}){% endif %}"
    "{% elif no_plan %}{{ name }} ({% if carried %}số liệu đến {{ reported_on }}: {% endif %}"
    "đã giải ngân {{ disbursed }})"
    "{% else %}{{ name }} ({% if carried %}số liệu đến {{ reported_on }}: {% endif %}"
    "{{ disbursed }} / {{ plan }}, đạt {{ ratio }}){% endif %}"
)

FOLLOW_UP_TITLE = "Việc giải trình và thực hiện cam kết giải ngân của các đơn vị"
FOLLOW_UP_BODY = (
    "{% if not not_explained and not missed %}"
    "Đến hết ngày {{ as_of }}, không có đơn vị nào quá hạn giải trình hoặc không đạt cam kết giải ngân.\n"
    "{% endif %}"
    "{% if not_explained %}- Có {{ not_explained_count_text }} đơn vị chưa giải trình theo yêu cầu dù đã quá hạn: "
    "{% for u in not_explained %}{{ u.name }} ({{ u.stream }}; hạn {{ u.deadline }}, quá {{ u.days_overdue }} ngày)"
    "{% if not forloop.last %}; {% endif %}{% endfor %}.\n{% endif %}"
    "{% if missed %}- Có {{ missed_count_text }} cam kết giải ngân không đạt: "
    "{% for u in missed %}{{ u.name }} cam kết giải ngân lũy kế {{ u.committed }} đến hết ngày {{ u.due }}"
    " ({{ u.stream }}), đến ngày {{ u.as_of }} đạt {{ u.disbursed }}, còn thiếu {{ u.shortfall }}"
    "{% if not forloop.last %}; {% endif %}{% endfor %}.\n{% endif %}"
)

UNITS_CHANGE_TITLE = "Sắp xếp đơn vị hành chính và chủ đầu tư trong năm {{ year }}"
UNITS_CHANGE_BODY = (
    "{% for c in changes %}- Từ ngày {{ c.date }}"
    "{% if c.district_level %}, không còn cấp huyện: số liệu của {{ c.districts_count_text }} quận, huyện đến hết ngày"
    " trước đó được tổng hợp theo quận, huyện; vốn được giao tiếp cho {{ c.communes_count_text }} xã, phường, đặc khu"
    " kế thừa và từ ngày {{ c.date }} số liệu được tổng hợp, xếp hạng theo xã, phường, đặc khu{% endif %}"
    "{% if c.events %}{% if c.district_level %}; {% else %}, {% endif %}{{ c.events|join:'; ' }}{% endif %}.\n"
    "{% endfor %}"
    "{% if changes %}- Đơn vị sáp nhập được so sánh với tổng số liệu của các đơn vị trước sắp xếp; "
    "đơn vị chia tách hoặc nhận điều chuyển một phần không so sánh được với số liệu trước khi sắp xếp"
    "{% if not_comparable %} (kỳ này: {{ not_comparable|join:', ' }}){% endif %}.\n{% endif %}"
)

DEFAULTS: dict[str, tuple[str, str]] = {
    "heading": ("", HEADING_BODY),
    "city": (CITY_TITLE, CITY_BODY),
    "same_period": (SAME_PERIOD_TITLE, SAME_PERIOD_BODY),
    "stream": (STREAM_TITLE, STREAM_BODY),
    "unit_entry": (UNIT_ENTRY_TITLE, UNIT_ENTRY_BODY),
    "follow_up": (FOLLOW_UP_TITLE, FOLLOW_UP_BODY),
    "units_change": (UNITS_CHANGE_TITLE, UNITS_CHANGE_BODY),
}
