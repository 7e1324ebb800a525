"""Default wording of the report, as the 2024 monthly reports write it.

Each non-empty line a template produces is one paragraph. The staff edit
copies of these in the admin (ReportTemplate); these texts are what a fresh
installation starts from and what the service falls back to when a row is
missing.

Variables each section receives:
- heading (the draft's title): year, as_of, is_estimate.
- city: year, year_start, as_of, is_estimate, disbursed, plan, ratio,
  plan_pm, ratio_pm, sources (name, short_name, disbursed, plan, ratio,
  plan_pm, ratio_pm).
- same_period: year, as_of, disbursed, plan, ratio, plan_pm, ratio_pm.
- stream: stream_name, noun ('quận, huyện', 'chủ đầu tư', 'huyện'),
  disbursed, plan, ratio, average, total, bands (label, kind
  'not_disbursed' | 'range' | 'no_plan', count, count_text '01',
  count_of_total '09/15', total, entries, names, plan_total (the capital
  allocated to the band's units), sentence (true for the not-disbursed band
  when the band config writes it as one sentence with its total)).
- unit_entry (one unit of a list): name, disbursed, plan, ratio,
  not_disbursed, no_plan, complete (disbursed the whole plan).
Amounts come with their unit ('183,384 tỷ đồng'), ratios with '%'.
"""

from __future__ import annotations

HEADING_BODY = (
    "Tình hình giải ngân kế hoạch vốn đầu tư công năm {{ year }} "
    "(số liệu {% if is_estimate %}ước {% endif %}đến hết ngày {{ as_of }})"
)

CITY_TITLE = "Tình hình giải ngân kế hoạch vốn đầu tư công toàn thành phố"
CITY_BODY = (
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

SAME_PERIOD_TITLE = "Cùng kỳ năm {{ year }}"
SAME_PERIOD_BODY = (
    "Cùng kỳ năm {{ year }}, lũy kế giải ngân đến hết ngày {{ as_of }} là {{ disbursed }}"
    "{% if plan_pm %}, đạt {{ ratio_pm }} kế hoạch vốn Thủ tướng Chính phủ giao ({{ plan_pm }}){% endif %}"
    "{% if plan %}{% if plan_pm %} và{% else %},{% endif %}"
    " đạt {{ ratio }} kế hoạch vốn thành phố giao ({{ plan }}){% endif %}."
)

STREAM_TITLE = "{{ stream_name }}"
STREAM_BODY = (
    "{{ stream_name }}: kế hoạch vốn {{ plan }}, lũy kế giải ngân {{ disbursed }}, đạt {{ ratio }} kế hoạch.\n"
    "{% for band in bands %}{% if band.count %}- Có "
    "{% if band.sentence %}{{ band.count_text }} {{ noun }} chưa giải ngân"
    " với tổng số vốn được bố trí {{ band.plan_total }}.\n"
    "{% else %}"
    "{% if band.count == 1 %}{{ band.count_text }}{% else %}{{ band.count_of_total }}{% endif %} {{ noun }} "
    "{% if band.kind == 'range' %}giải ngân {% endif %}{{ band.label }}"
    "{% if band.count == 1 %} là {% else %}, gồm: {% endif %}{{ band.entries|join:'; ' }}.\n"
    "{% endif %}{% endif %}{% endfor %}"
)

UNIT_ENTRY_TITLE = ""
UNIT_ENTRY_BODY = (
    "{% if not_disbursed %}{{ name }} với tổng số vốn được bố trí là {{ plan }}"
    "{% elif no_plan %}{{ name }} (đã giải ngân {{ disbursed }})"
    "{% else %}{{ name }} ({{ disbursed }} / {{ plan }}, đạt {{ ratio }}){% endif %}"
)

DEFAULTS: dict[str, tuple[str, str]] = {
    "heading": ("", HEADING_BODY),
    "city": (CITY_TITLE, CITY_BODY),
    "same_period": (SAME_PERIOD_TITLE, SAME_PERIOD_BODY),
    "stream": (STREAM_TITLE, STREAM_BODY),
    "unit_entry": (UNIT_ENTRY_TITLE, UNIT_ENTRY_BODY),
}
