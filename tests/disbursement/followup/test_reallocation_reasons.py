"""A missed commitment makes a unit a reallocation candidate, and the reasons say so."""

from __future__ import annotations

import datetime as dt

from core.money import TY
from disbursement.digest.selectors import week_start
from disbursement.digest.services import render_digest
from disbursement.figures.selectors import reallocation_candidates
from disbursement.models import DigestRecipient
from tests.builders import computed, snapshot
from tests.disbursement.followup.helpers import answer
from tests.factories import stream


def test_a_missed_commitment_is_a_reason_to_move_capital_away(lagging):
    request = lagging.ask()
    answer(request, (dt.date(2024, 9, 30), 80 * TY))
    # 70% of its plan, above the stream's ratio and every threshold, but 10 tỷ short of its commitment.
    october = computed(snapshot(dt.date(2024, 10, 4), {lagging.unit: 70 * TY, lagging.other: 65 * TY}))

    candidates = reallocation_candidates(october, stream("city_assigned"))

    # The other unit, below the stream's ratio, is slow for that reason; this one for its commitment alone.
    slow = next(c for c in candidates.slow if c.figure.investor == lagging.unit)
    assert slow.amount == 30 * TY
    assert any(
        reason.startswith("Cam kết giải ngân lũy kế 80,000 tỷ đồng đến hết ngày 30/09/2024")
        and reason.endswith("còn thiếu 10,000 tỷ đồng.")
        for reason in slow.reasons
    )


def test_the_digest_says_why_each_unit_is_a_candidate(lagging):
    request = lagging.ask()
    answer(request, (dt.date(2024, 9, 30), 80 * TY))
    computed(snapshot(dt.date(2024, 10, 4), {lagging.unit: 70 * TY, lagging.other: 65 * TY}))

    rendered = render_digest(DigestRecipient.objects.get(email="phongkh@example.vn"), week_start(dt.date(2024, 10, 7)))

    proposals = rendered.text[rendered.text.index("4. ĐỀ XUẤT ĐIỀU CHUYỂN") :]
    line = (
        "  - Sở Xây dựng (70,000 tỷ đồng / 100,000 tỷ đồng, đạt 70%)\n"
        "      Lý do: Cam kết giải ngân lũy kế 80,000 tỷ đồng"
    )
    assert line in proposals
