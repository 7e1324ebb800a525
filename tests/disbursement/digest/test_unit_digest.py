"""A unit head's digest of their own unit: ratio, rank, change, amount required per week."""

from disbursement.digest import services
from disbursement.models import DigestRecipient, Figure
from tests.disbursement.digest.conftest import TY, WEEK


def test_investor_head_reads_ratio_rank_and_change_of_their_unit(digest_data):
    head = DigestRecipient.objects.create(
        name="Nguyễn Văn An",
        email="giamdoc.syt@example.vn",
        kind=DigestRecipient.Kind.UNIT_HEAD,
        investor=digest_data.investors["health"],
    )

    rendered = services.render_digest(head, WEEK)

    assert rendered.subject == "Bản tin giải ngân tuần 22/07/2024 – Sở Y tế"
    assert "Đã giải ngân / kế hoạch: 12,000 tỷ đồng / 200,000 tỷ đồng" in rendered.text
    assert "Tỷ lệ giải ngân: 6%" in rendered.text
    assert "Xếp hạng: 3/3 (giữ nguyên)" in rendered.text
    assert "Thay đổi so với kỳ trước (đến hết ngày 13/07/2024): +2,000 tỷ đồng (+1 điểm %)" in rendered.text
    assert "Sở Giao thông vận tải" not in rendered.text  # other units only appear in the chart


def test_the_weekly_amount_required_to_reach_the_target_is_shown_when_computed(digest_data):
    snapshot = digest_data.snapshots[max(k for k in digest_data.snapshots if k != "last_year")]
    Figure.objects.filter(snapshot=snapshot, investor=digest_data.investors["health"]).update(
        remaining_amount=188 * TY, weekly_required=7_520_000_000
    )
    head = DigestRecipient.objects.create(
        name="Nguyễn Văn An", email="a@example.vn", kind="unit_head", investor=digest_data.investors["health"]
    )

    text = services.render_digest(head, WEEK).text

    assert "Còn phải giải ngân để đạt mục tiêu: 188,000 tỷ đồng" in text
    assert "Bình quân mỗi tuần cần giải ngân từ nay: 7,520 tỷ đồng" in text


def test_district_recipient_reads_the_district_role_not_the_committee_as_investor(digest_data):
    head = DigestRecipient.objects.create(
        name="Chủ tịch UBND huyện An Lão",
        email="chutich.anlao@example.vn",
        kind=DigestRecipient.Kind.UNIT_HEAD,
        district=digest_data.districts["an_lao"],
    )

    rendered = services.render_digest(head, WEEK)

    assert "huyện An Lão" in rendered.subject
    assert "Vốn bổ sung có mục tiêu, vốn phân cấp cho các quận, huyện" in rendered.text
    assert "Tỷ lệ giải ngân: 20%" in rendered.text
    assert "Xếp hạng: 2/2" in rendered.text
    assert "Dự án do Ủy ban nhân dân thành phố giao" not in rendered.text
