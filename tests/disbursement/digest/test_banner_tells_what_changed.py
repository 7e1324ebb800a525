"""The digest's banner and its tables tell one story: both read the same stored changes.

A week without a new snapshot says that no new figures arrived and what the changes shown are
measured against; "không thay đổi" appears only when no figure in the tables moved.
"""

from __future__ import annotations

import datetime as dt
import re

from disbursement.digest import selectors, services
from disbursement.figures.services import compute_snapshot
from disbursement.models import CityDisbursement, SnapshotLine
from disbursement.snapshots.services import create_snapshot
from tests.disbursement.digest.conftest import WEEK

NEXT_WEEK = WEEK + dt.timedelta(days=7)


def _shows_a_change(text: str) -> bool:
    """A table line of the text digest with a non-zero change in points or in rank."""
    return bool(re.search(r"[+-]\d[\d.,]* điểm %|tăng \d+ bậc|giảm \d+ bậc", text))


def test_a_week_with_new_figures_says_so_and_against_which_date(digest_data):
    text = services.render_digest(digest_data.staff, WEEK).text

    assert "Số liệu mới đến hết ngày 20/07/2024. Các thay đổi ghi dưới đây là so với kỳ trước" in text
    assert "2. THAY ĐỔI SO VỚI KỲ TRƯỚC (ĐẾN HẾT NGÀY 13/07/2024)" in text
    assert _shows_a_change(text)
    assert "không thay đổi" not in text


def test_a_week_without_new_figures_never_says_unchanged_while_its_tables_show_changes(digest_data):
    rendered = services.render_digest(digest_data.staff, NEXT_WEEK)

    assert _shows_a_change(rendered.text)
    assert "không thay đổi" not in rendered.text
    assert "không thay đổi" not in rendered.html
    assert "Chưa có số liệu mới kể từ bản tin tuần trước" in rendered.html
    # The movers and flags of the week are those of the same comparison, not left out.
    assert "Tăng tỷ lệ nhiều nhất: không có" not in rendered.text
    assert "Ban Quản lý dự án đầu tư xây dựng công trình giao thông: +30 điểm %" in rendered.text


def test_unchanged_is_said_only_when_no_figure_moved(digest_data):
    # A new version of 20/07 becomes a new date 27/07 with every line as it was: nothing moved.
    latest = digest_data.snapshots[dt.date(2024, 7, 20)]
    same = create_snapshot(year=2024, as_of=dt.date(2024, 7, 27), file_name="giai-ngan-2024-07-27.xlsx")
    for line in SnapshotLine.objects.filter(snapshot=latest):
        line.pk, line.snapshot = None, same
        line.save()
    for row in CityDisbursement.objects.filter(snapshot=latest):
        row.pk, row.snapshot = None, same
        row.save()
    compute_snapshot(same.id)

    changes = selectors.full_digest(dt.date(2024, 7, 29)).changes
    text = services.render_digest(digest_data.staff, dt.date(2024, 7, 29)).text

    assert changes.new_since_last_digest and not changes.changed
    assert "Số liệu không thay đổi so với kỳ trước (đến hết ngày 20/07/2024)." in text
    assert not _shows_a_change(text)


def test_the_unit_digest_uses_the_same_account(digest_data):
    digest_data.investors["health"].head_email = "giamdoc@soyte.example.vn"
    digest_data.investors["health"].save()
    recipient = services.sync_head_recipient(digest_data.investors["health"])

    text = services.render_digest(recipient, NEXT_WEEK).text

    assert "Chưa có số liệu mới kể từ bản tin tuần trước" in text
    assert "Thay đổi so với kỳ trước (đến hết ngày 13/07/2024): +2,000 tỷ đồng (+1 điểm %)" in text
    assert "không thay đổi" not in text
