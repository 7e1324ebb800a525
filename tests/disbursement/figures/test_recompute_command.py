"""`manage.py recompute` rebuilds the stored figures of the years asked for, in date order."""

import datetime as dt
import io

from django.core.management import call_command

from core.money import TY
from disbursement.models import Figure
from tests.builders import allocate, investors, snapshot


def test_recompute_fills_snapshots_never_computed(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    allocate(unit, 100 * TY, year=2023, effective=dt.date(2023, 1, 1))
    early = snapshot(dt.date(2024, 6, 7), {unit: 10 * TY})
    late = snapshot(dt.date(2024, 6, 14), {unit: 30 * TY})
    other_year = snapshot(dt.date(2023, 6, 14), {unit: 5 * TY})
    out = io.StringIO()

    call_command("recompute", "2024", stdout=out)

    assert "Năm 2024: đã tính lại 2 kỳ số liệu." in out.getvalue()
    change = Figure.objects.get(snapshot=late, scope="investor", source=None)
    # Computed after the earlier snapshot, so the comparison reads it.
    assert change.previous_snapshot == early and change.change_amount == 20 * TY
    assert not Figure.objects.filter(snapshot=other_year).exists()

    call_command("recompute", stdout=io.StringIO())
    assert Figure.objects.filter(snapshot=other_year).exists()
