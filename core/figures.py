"""The figures people read, computed in one place.

A ratio is disbursed / plan in percent, exact as Decimal; it is rounded
only when shown (core.notation).
"""

from __future__ import annotations

from decimal import Decimal, localcontext

RATIO_API_PLACES = 4


def disbursement_ratio(disbursed: int | None, plan: int | None) -> Decimal | None:
    """Percent of `plan` disbursed, or None when there is no plan to measure against or nothing reported."""
    if not plan or disbursed is None:
        return None
    with localcontext() as ctx:
        ctx.prec = 34
        return Decimal(disbursed) * 100 / Decimal(plan)


def change_in_points(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Change of a ratio in percentage points."""
    if current is None or previous is None:
        return None
    return current - previous
