"""Checks on a parsed workbook before anything is written.

Errors stop the import; warnings are shown in the preview and accepted with
it. A figure that is implausible but not impossible (ten times the figure it
should be near, a ratio far above 100%, a city plan cut to a fraction, a
printed ratio its own row does not give) is a check to confirm: the import
waits until a person has confirmed that very item, at its cell. Every message
is located at a cell where possible.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings

from core.figures import disbursement_ratio
from core.fiscal import disbursement_deadline, in_disbursement_period
from core.money import UNIT_NAMES, dong_in
from core.notation import format_amount, format_number, format_percent
from disbursement.importing.issues import IssueList
from disbursement.importing.parser import NSDP, NSTW, TOTAL, CitySheet, Line, Section

# A figure this many times off the value it should be near is the wrong-scale mistake.
SCALE_LOW = 500
SCALE_HIGH = 2000
# Ten times the figure in force (plan) or the unit's latest figure (disbursed), either way: a slipped
# digit or a wrong scale that the thousand-times rule misses (tỷ written as trăm triệu, an extra 0).
JUMP_FACTOR = 10
# A city plan revised to less than half the plan in force: revisions move by a few percent (22.156,828
# to 22.770,828 tỷ đồng in 2023); half is the plan of one stream or one source, or a typing slip.
CITY_PLAN_CUT = Decimal("0.5")
KINDS = {"plan": "kế hoạch", "disbursed": "giải ngân"}
SOURCE_WORDS = {TOTAL: "tổng số", NSTW: "NSTW", NSDP: "NSĐP"}


def amount_text(dong: int, unit: int) -> str:
    return f"{format_number(dong_in(dong, unit), 3, drop_zero_fraction=True)} {UNIT_NAMES.get(unit, 'đồng')}"


def looks_thousand_times_off(value: int | None, reference: int | None) -> bool:
    if not value or not reference or value <= 0 or reference <= 0:
        return False
    ratio = Decimal(value) / Decimal(reference)
    return SCALE_LOW <= ratio <= SCALE_HIGH or Decimal(1) / SCALE_HIGH <= ratio <= Decimal(1) / SCALE_LOW


def jump_factor(value: int | None, reference: int | None) -> Decimal | None:
    """value / reference when one is at least JUMP_FACTOR times the other, else None."""
    if not value or not reference or value <= 0 or reference <= 0:
        return None
    factor = Decimal(value) / Decimal(reference)
    if factor >= JUMP_FACTOR or factor <= Decimal(1) / JUMP_FACTOR:
        return factor
    return None


def jump_text(factor: Decimal) -> str:
    """'gấp 12,5 lần' / 'chỉ bằng 1/10' of the figure compared with."""
    if factor >= 1:
        return f"gấp {format_number(factor, 1, drop_zero_fraction=True)} lần"
    return f"chỉ bằng 1/{format_number(1 / factor, 1, drop_zero_fraction=True)}"


def above_plan_points() -> Decimal:
    return Decimal(getattr(settings, "IMPORT_RATIO_ABOVE_PLAN_POINTS", 5))


def far_above_plan(disbursed: int | None, plan: int | None) -> Decimal | None:
    """The ratio, when it is above 100% plus the tolerance."""
    ratio = disbursement_ratio(disbursed or 0, plan) if plan else None
    if ratio is not None and ratio > 100 + above_plan_points():
        return ratio
    return None


def check_period(year: int, as_of: dt.date, issues: IssueList, position) -> None:
    where = {"sheet": position.sheet, "row": position.row, "column": position.column} if position else {}
    if not in_disbursement_period(year, as_of, extended=True):
        issues.error(
            "date_out_of_period",
            f"Ngày số liệu {as_of:%d/%m/%Y} nằm ngoài thời gian giải ngân kế hoạch năm {year} "
            f"(01/01/{year} – 31/12/{year + 1}); kiểm tra lại năm trong tiêu đề.",
            **where,
        )
    elif as_of > disbursement_deadline(year):
        issues.warning(
            "date_extended_period",
            f"Ngày số liệu {as_of:%d/%m/%Y} sau hạn giải ngân {disbursement_deadline(year):%d/%m/%Y}: "
            "chỉ vốn được kéo dài mới còn giải ngân.",
            **where,
        )


def check_line(line: Line, unit: int, split: bool, issues: IssueList) -> None:
    """Negative amounts, total vs parts, disbursed above plan, stated ratio."""
    for kind, values in (("plan", line.plan), ("disbursed", line.disbursed)):
        for source, value in values.items():
            if value is not None and value < 0:
                issues.error(
                    "negative_amount",
                    f"Số {KINDS[kind]} âm ({amount_text(value, unit)}) của '{line.name}'.",
                    sheet=line.sheet,
                    row=line.row,
                    column=line.columns.get((kind, source)),
                )
        if split and (kind, TOTAL) in line.columns:
            total = values.get(TOTAL) or 0
            parts = (values.get(NSTW) or 0) + (values.get(NSDP) or 0)
            if abs(total - parts) > unit:
                issues.error(
                    "total_not_sum_of_sources",
                    f"Tổng số {KINDS[kind]} ({amount_text(total, unit)}) khác NSTW + NSĐP ({amount_text(parts, unit)}) "
                    f"ở '{line.name}'.",
                    sheet=line.sheet,
                    row=line.row,
                    column=line.columns[(kind, TOTAL)],
                )
    plan = line.plan.get(TOTAL) or 0
    disbursed = line.disbursed.get(TOTAL) or 0
    ratio = far_above_plan(disbursed, plan)
    if ratio is not None:
        issues.confirm(
            "ratio_above_plan",
            f"'{line.name}' giải ngân {amount_text(disbursed, unit)}, bằng {format_percent(ratio)} kế hoạch "
            f"{amount_text(plan, unit)} (quá 100% + {format_number(above_plan_points())} điểm): "
            "kiểm tra số liệu hoặc đơn vị tính.",
            sheet=line.sheet,
            row=line.row,
            column=line.columns.get(("disbursed", TOTAL)),
        )
    elif disbursed > plan and disbursed > 0:
        issues.warning(
            "disbursed_above_plan",
            f"'{line.name}' giải ngân {amount_text(disbursed, unit)}, vượt kế hoạch {amount_text(plan, unit)}.",
            sheet=line.sheet,
            row=line.row,
            column=line.columns.get(("disbursed", TOTAL)),
        )
    check_stated_ratio(line, plan, disbursed, issues)


def check_stated_ratio(line: Line, plan: int, disbursed: int, issues: IssueList) -> None:
    """Each ratio the row prints (total, or per source) against the row's own disbursed / plan, at its cell."""
    printed = dict(line.ratios) or ({TOTAL: line.ratio} if line.ratio is not None else {})
    columns = dict(line.ratio_columns) or {TOTAL: line.ratio_column}
    for source, stated in printed.items():
        if stated is None:
            continue
        if source == TOTAL:
            computed = disbursement_ratio(disbursed, plan)
        else:
            computed = disbursement_ratio(line.disbursed.get(source) or 0, line.plan.get(source) or 0)
        if computed is None:
            continue
        if abs(stated - computed) <= _rounding_tolerance(stated):
            continue
        if _ratio_agrees(stated, computed, _rounding_tolerance(stated)):
            if source == TOTAL:
                line.ratio = stated * 100  # a fraction (0,2944 for 29,44%): kept in percent, as others write it
            continue
        which = "" if source == TOTAL else f" ({SOURCE_WORDS[source]})"
        issues.confirm(
            "ratio_mismatch",
            f"Tỷ lệ ghi trong tệp{which} ({format_number(stated, _places(stated))}%) không khớp với giải ngân / "
            f"kế hoạch của '{line.name}' trong chính tệp này ({format_percent(computed)}): một trong ba số bị nhầm "
            "(thường là đơn vị tính hoặc gõ nhầm).",
            sheet=line.sheet,
            row=line.row,
            column=columns.get(source),
        )


def check_subtotals(section: Section, issues: IssueList) -> None:
    subtotal = section.subtotal
    if subtotal is None:
        return
    check_stated_ratio(subtotal, subtotal.plan.get(TOTAL) or 0, subtotal.disbursed.get(TOTAL) or 0, issues)
    for (kind, source), column in subtotal.columns.items():
        stated = subtotal.plan.get(source) if kind == "plan" else subtotal.disbursed.get(source)
        if stated is None:
            continue
        total = section.totals.get((kind, source), 0)
        if abs(stated - total) > section.unit:
            issues.error(
                "subtotal_mismatch",
                f"Dòng cộng của phần {section.label} ({KINDS[kind]}, {SOURCE_WORDS[source]}) ghi "
                f"{amount_text(stated, section.unit)} nhưng tổng các dòng là {amount_text(total, section.unit)} "
                f"(chênh {amount_text(stated - total, section.unit)}).",
                sheet=subtotal.sheet,
                row=subtotal.row,
                column=column,
            )


def check_grand_total(line: Line, sections: list[Section], unit: int, issues: IssueList) -> None:
    check_stated_ratio(line, line.plan.get(TOTAL) or 0, line.disbursed.get(TOTAL) or 0, issues)
    for (kind, source), column in line.columns.items():
        stated = (line.plan if kind == "plan" else line.disbursed).get(source)
        if stated is None:
            continue
        total = 0
        for section in sections:
            if section.subtotal:
                total += (section.subtotal.plan if kind == "plan" else section.subtotal.disbursed).get(source) or 0
            else:
                total += section.totals.get((kind, source), 0)
        if abs(stated - total) > unit:
            issues.error(
                "total_mismatch",
                f"Dòng tổng cộng ({KINDS[kind]}, {SOURCE_WORDS[source]}) ghi {amount_text(stated, unit)} nhưng "
                f"tổng các phần là {amount_text(total, unit)}.",
                sheet=line.sheet,
                row=line.row,
                column=column,
            )


def check_against_history(
    *,
    name: str,
    line: Line,
    unit: int,
    plan: int | None,
    disbursed: int | None,
    plan_in_force: int | None,
    previous_disbursed: int | None,
    previous_date: dt.date | None,
    issues: IssueList,
) -> None:
    """Wrong scale or a tenfold jump against the plan in force or the unit's latest figure; cumulative going down."""
    where = {"sheet": line.sheet, "row": line.row}
    if looks_thousand_times_off(plan, plan_in_force):
        issues.error(
            "scale_error",
            f"Kế hoạch của '{name}' ({amount_text(plan, unit)}) lệch khoảng 1.000 lần so với kế hoạch đang có "
            f"hiệu lực ({format_amount(plan_in_force)} tỷ đồng): có thể nhầm đơn vị tính.",
            column=line.columns.get(("plan", TOTAL)),
            **where,
        )
    elif (factor := jump_factor(plan, plan_in_force)) is not None:
        issues.confirm(
            "plan_jump",
            f"Kế hoạch của '{name}' ({amount_text(plan, unit)}) {jump_text(factor)} kế hoạch đang có hiệu lực "
            f"({amount_text(plan_in_force, unit)}): kiểm tra số liệu hoặc đơn vị tính.",
            column=line.columns.get(("plan", TOTAL)),
            **where,
        )
    if plan is None and (ratio := far_above_plan(disbursed, plan_in_force)) is not None:
        issues.confirm(
            "ratio_above_plan",
            f"'{name}' giải ngân {amount_text(disbursed, unit)}, bằng {format_percent(ratio)} kế hoạch đang có "
            f"hiệu lực ({amount_text(plan_in_force, unit)}), quá 100% + {format_number(above_plan_points())} "
            "điểm: kiểm tra số liệu hoặc đơn vị tính.",
            column=line.columns.get(("disbursed", TOTAL)),
            **where,
        )
    if looks_thousand_times_off(disbursed, previous_disbursed):
        issues.error(
            "scale_error",
            f"Giải ngân của '{name}' ({amount_text(disbursed, unit)}) lệch khoảng 1.000 lần so với kỳ trước "
            f"({format_amount(previous_disbursed)} tỷ đồng): có thể nhầm đơn vị tính.",
            column=line.columns.get(("disbursed", TOTAL)),
            **where,
        )
    elif (factor := jump_factor(disbursed, previous_disbursed)) is not None:
        issues.confirm(
            "disbursed_jump",
            f"Lũy kế giải ngân của '{name}' ({amount_text(disbursed, unit)}) {jump_text(factor)} số liệu gần nhất "
            f"ngày {previous_date:%d/%m/%Y} ({amount_text(previous_disbursed, unit)}): kiểm tra số liệu hoặc "
            "đơn vị tính.",
            column=line.columns.get(("disbursed", TOTAL)),
            **where,
        )
    elif disbursed is not None and previous_disbursed is not None and disbursed < previous_disbursed:
        issues.warning(
            "cumulative_decreased",
            f"Lũy kế giải ngân của '{name}' ({amount_text(disbursed, unit)}) thấp hơn kỳ trước "
            f"{previous_date:%d/%m/%Y} ({amount_text(previous_disbursed, unit)}).",
            column=line.columns.get(("disbursed", TOTAL)),
            **where,
        )


CITY_LEVEL_WORDS = {
    "pm": "kế hoạch Thủ tướng Chính phủ giao",
    "city": "kế hoạch thành phố giao",
    "detailed": "kế hoạch đã phân bổ chi tiết",
    "disbursed": "lũy kế giải ngân",
}


def check_city(
    city: CitySheet,
    *,
    plans_in_force: dict[str, dict[str, int]],
    previous_disbursed: int | None,
    previous_date: dt.date | None,
    issues: IssueList,
) -> None:
    unit = city.unit
    for level, figures in [*city.plans.items(), ("disbursed", city.disbursed)]:
        for figure in figures.values():
            if figure.amount < 0:
                issues.error("negative_amount", "Số tiền âm.", sheet=city.sheet, row=figure.row, column=figure.column)
        if city.split and TOTAL in figures and NSTW in figures and NSDP in figures:
            parts = figures[NSTW].amount + figures[NSDP].amount
            if abs(figures[TOTAL].amount - parts) > unit:
                issues.error(
                    "total_not_sum_of_sources",
                    f"Tổng số ({amount_text(figures[TOTAL].amount, unit)}) khác NSTW + NSĐP "
                    f"({amount_text(parts, unit)}).",
                    sheet=city.sheet,
                    row=figures[TOTAL].row,
                    column=figures[TOTAL].column,
                )
        total = _city_total(figures)
        if total is None:
            continue
        reference = sum(plans_in_force.get(level, {}).values()) if level != "disbursed" else previous_disbursed
        cell = figures.get(TOTAL) or next(iter(figures.values()))
        where = {"sheet": city.sheet, "row": cell.row, "column": cell.column}
        compared = "kế hoạch đang có hiệu lực"
        if level == "disbursed" and previous_date is not None:
            compared = f"kỳ trước {previous_date:%d/%m/%Y}"
        if looks_thousand_times_off(total, reference):
            issues.error(
                "scale_error",
                f"Số liệu toàn thành phố ({amount_text(total, unit)}) lệch khoảng 1.000 lần so với "
                f"{'kỳ trước' if level == 'disbursed' else 'kế hoạch đang có hiệu lực'} "
                f"({format_amount(reference)} tỷ đồng): có thể nhầm đơn vị tính.",
                **where,
            )
        elif (factor := jump_factor(total, reference)) is not None:
            issues.confirm(
                "city_jump",
                f"{CITY_LEVEL_WORDS[level].capitalize()} toàn thành phố ({amount_text(total, unit)}) "
                f"{jump_text(factor)} {compared} ({amount_text(reference, unit)}): kiểm tra số liệu hoặc đơn vị tính.",
                **where,
            )
        elif level != "disbursed" and reference and total < reference * CITY_PLAN_CUT:
            issues.confirm(
                "city_plan_cut",
                f"{CITY_LEVEL_WORDS[level].capitalize()} toàn thành phố ({amount_text(total, unit)}) chỉ bằng "
                f"{format_percent(disbursement_ratio(total, reference))} kế hoạch đang có hiệu lực "
                f"({amount_text(reference, unit)}): một lần điều chỉnh giảm hơn một nửa kế hoạch là bất thường "
                "(tệp chỉ có một dòng vốn, một nguồn vốn, hay gõ nhầm?).",
                **where,
            )
        elif level == "disbursed" and previous_disbursed is not None and total < previous_disbursed:
            issues.warning(
                "cumulative_decreased",
                f"Lũy kế giải ngân toàn thành phố ({amount_text(total, unit)}) thấp hơn kỳ trước "
                f"{previous_date:%d/%m/%Y} ({amount_text(previous_disbursed, unit)}).",
                **where,
            )
    plan = _city_total(city.plans.get("city", {}))
    disbursed = _city_total(city.disbursed)
    if plan is not None and disbursed is not None and disbursed > plan:
        cell = city.disbursed.get(TOTAL) or next(iter(city.disbursed.values()))
        where = {"sheet": city.sheet, "row": cell.row, "column": cell.column}
        ratio = far_above_plan(disbursed, plan)
        if ratio is not None:
            issues.confirm(
                "ratio_above_plan",
                f"Giải ngân toàn thành phố ({amount_text(disbursed, unit)}) bằng {format_percent(ratio)} kế hoạch "
                f"thành phố giao ({amount_text(plan, unit)}), quá 100% + {format_number(above_plan_points())} "
                "điểm: kiểm tra số liệu hoặc đơn vị tính.",
                **where,
            )
        else:
            issues.warning("disbursed_above_plan", "Giải ngân toàn thành phố vượt kế hoạch thành phố giao.", **where)
    check_city_stated_ratios(city, issues)


def check_city_stated_ratios(city: CitySheet, issues: IssueList) -> None:
    """Ratios the summary prints, each against its own plan level, from the sheet's own figures, at its cell."""
    for (level, source), printed in city.stated_ratios.items():
        disbursed = _city_amount(city.disbursed, source)
        plan = _city_amount(city.plans.get(level, {}), source)
        computed = disbursement_ratio(disbursed, plan) if disbursed is not None and plan else None
        if computed is None or _ratio_agrees(printed.value, computed, _rounding_tolerance(printed.value)):
            continue
        issues.confirm(
            "ratio_mismatch",
            f"Tỷ lệ giải ngân toàn thành phố so {CITY_LEVEL_WORDS.get(level, level)} ({SOURCE_WORDS[source]}) ghi "
            f"trong tệp là {format_number(printed.value, _places(printed.value))}%, nhưng giải ngân / kế hoạch trong "
            f"chính tệp này cho {format_percent(computed)}: một trong ba số bị nhầm.",
            sheet=printed.sheet,
            row=printed.row,
            column=printed.column,
        )


def _city_amount(figures: dict, source: str) -> int | None:
    if source in figures:
        return figures[source].amount
    return _city_total(figures) if source == TOTAL else None


def _places(stated: Decimal) -> int:
    return max(0, -stated.as_tuple().exponent)


def _rounding_tolerance(stated: Decimal) -> Decimal:
    """Half a unit in the last place printed."""
    return Decimal(5) / Decimal(10) ** (_places(stated) + 1) + Decimal("0.000001")


def _ratio_agrees(stated: Decimal, computed: Decimal, tolerance: Decimal) -> bool:
    # A cell formatted as a percentage holds the fraction (0,2944 for 29,44%).
    return abs(stated - computed) <= tolerance or abs(stated * 100 - computed) <= tolerance * 100


def _city_total(figures: dict) -> int | None:
    if not figures:
        return None
    if TOTAL in figures:
        return figures[TOTAL].amount
    return sum(f.amount for f in figures.values())
