"""Answering a request as the unit's form does, for tests that start after the answer."""

from __future__ import annotations

import datetime as dt

from disbursement.followup import services
from disbursement.models import Explanation, ExplanationCause


def answer(request, *commitments: tuple[dt.date, int], now: dt.datetime | None = None) -> Explanation:
    return services.submit_explanation(
        request.pk,
        services.ExplanationData(
            cause=ExplanationCause.objects.get(name="Giải phóng mặt bằng"),
            cause_detail="",
            actions="Phối hợp quận bàn giao mặt bằng trong tháng 8.",
            responsible_name="Trần Văn Bình",
            responsible_title="Giám đốc",
            commitments=[services.CommitmentData(due, amount) for due, amount in commitments],
        ),
        now=now,
    )
