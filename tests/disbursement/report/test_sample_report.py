"""The draft of the 20/7/2024 sample against the figures the city published in its July 2024 report."""

from __future__ import annotations

from core.figures import disbursement_ratio
from core.money import TRIEU, TY, parse_vn_decimal, to_dong
from core.notation import format_amount_with_unit, format_count_of, format_percent, format_unit_percent
from disbursement.report.services import draft_report
from tests.sample_rows import published


def _ty(text: str) -> int:
    return to_dong(parse_vn_decimal(text), TY)


def _section(draft, starts_with: str) -> str:
    return next(text for title, text in draft.sections if title.startswith(starts_with))


def test_citywide_paragraph_reproduces_the_published_figures(sample_snapshot):
    city = published()["city"]
    text = _section(draft_report(sample_snapshot.id), "Tình hình giải ngân")

    assert f"đến hết ngày 20/7/2024 là {city['disbursed']} tỷ đồng" in text
    assert f"đạt {city['pm_ratio_pct']}% kế hoạch vốn Thủ tướng Chính phủ giao ({city['pm_plan']} tỷ đồng)" in text
    assert f"đạt {city['city_ratio_pct']}% kế hoạch vốn thành phố giao ({city['city_plan']} tỷ đồng)" in text
    assert (
        f"Vốn ngân sách trung ương giải ngân {city['central_budget_disbursed']} tỷ đồng, "
        f"đạt {city['central_budget_ratio_pct']}%"
    ) in text
    assert (
        f"Vốn ngân sách địa phương giải ngân {city['local_budget_disbursed']} tỷ đồng, "
        f"đạt {city['local_budget_ratio_pct']}%"
    ) in text


def test_same_period_paragraph_uses_half_up_where_the_report_truncated(sample_snapshot):
    last_year = published()["same_period_2023"]
    text = _section(draft_report(sample_snapshot.id), "Cùng kỳ năm 2023")
    disbursed = _ty(last_year["disbursed"])
    ratio_pm = format_percent(disbursement_ratio(disbursed, _ty(last_year["pm_plan"])))
    ratio_city = format_percent(disbursement_ratio(disbursed, _ty(last_year["city_plan"])))

    # 67,698...% and 39,848...%: half-up gives 67,70% and 39,85%; the report printed 67,69% and 39,84%.
    assert (ratio_pm, ratio_city) == ("67,70%", "39,85%")
    assert ratio_pm != f"{last_year['pm_ratio_pct']}%"
    assert ratio_city != f"{last_year['city_ratio_pct_as_published']}%"
    assert f"đến hết ngày 20/7/2023 là {last_year['disbursed']} tỷ đồng" in text
    assert f"đạt {ratio_pm} kế hoạch vốn Thủ tướng Chính phủ giao ({last_year['pm_plan']} tỷ đồng)" in text
    assert f"đạt {ratio_city} kế hoạch vốn thành phố giao ({last_year['city_plan']} tỷ đồng)" in text


def test_targeted_capital_paragraph_reproduces_bands_and_order(sample_snapshot):
    targeted = published()["targeted_capital_to_districts"]
    text = _section(draft_report(sample_snapshot.id), "Vốn bổ sung có mục tiêu")
    rows = targeted["districts"]

    # The workbook's rows sum to 1 triệu đồng less than the published total: the draft reads the rows.
    row_total = sum(_ty(r["disbursed"]) for r in rows)
    assert _ty(targeted["disbursed"]) - row_total == TRIEU
    assert f"kế hoạch vốn {targeted['plan']} tỷ đồng" in text
    assert f"lũy kế giải ngân {format_amount_with_unit(row_total)}," in text
    ratio = disbursement_ratio(row_total, _ty(targeted["plan"]))
    assert f"đạt {format_percent(ratio)} kế hoạch" in text
    assert format_percent(ratio, 0) == f"{targeted['ratio_pct_as_published']}%"

    above, below = targeted["bands_as_published"]["above 35%"], targeted["bands_as_published"]["below 35%"]
    assert f"Có {format_count_of(above, len(rows))} quận, huyện giải ngân trên 35%, gồm: " in text
    assert f"Có {format_count_of(below, len(rows))} quận, huyện giải ngân dưới 35%, gồm: " in text

    entries = [
        f"{r['name']} ({r['disbursed']} tỷ đồng / {r['plan']} tỷ đồng, "
        f"đạt {format_unit_percent(disbursement_ratio(_ty(r['disbursed']), _ty(r['plan'])))})"
        for r in rows
    ]
    positions = [text.find(entry) for entry in entries]
    assert -1 not in positions, [e for e, p in zip(entries, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    # The first `above` districts are listed in the band above the limit, the rest below it.
    split = text.index("dưới 35%")
    assert all(p < split for p in positions[:above]) and all(p > split for p in positions[above:])
    assert "huyện Kiến Thụy (183,384 tỷ đồng / 270,020 tỷ đồng, đạt 67,9%)" in text


def test_investor_not_disbursed_is_written_in_the_singular(sample_snapshot):
    text = _section(draft_report(sample_snapshot.id), "Dự án do Ủy ban nhân dân thành phố")
    assert "Có 01 chủ đầu tư chưa giải ngân là Sở Y tế với tổng số vốn được bố trí là 0,040 tỷ đồng." in text
    assert "Sở Nông nghiệp và Phát triển nông thôn (1,752 tỷ đồng / 1,752 tỷ đồng, đạt 100%)" in text
