"""A digest of a date assembled from separate reports: partial totals say so, silent units are not 0%."""

import datetime as dt

import pytest

from disbursement.digest import selectors, services
from disbursement.models import DigestRecipient
from tests.disbursement.digest.conftest import WEEK
from tests.provenance import make_partial


@pytest.fixture
def partial(digest_data):
    """On 20/07/2024 An Lão has not reported this year; Kiến Thụy's latest report is of 13/07/2024."""
    return make_partial(
        digest_data.snapshots[dt.date(2024, 7, 20)],
        not_reported=digest_data.districts["an_lao"],
        carried=digest_data.districts["kien_thuy"],
        carried_on=dt.date(2024, 7, 13),
    )


def test_staff_digest_says_the_city_total_is_a_partial_sum(digest_data, partial):
    rendered = services.render_digest(digest_data.staff, WEEK)
    for text in (rendered.text, rendered.html):
        assert "Lưu ý, số toàn thành phố ở trên: Tổng các báo cáo đã nhận" in text
        assert "01/02 đơn vị đã báo cáo" in text


def test_a_unit_that_has_not_reported_is_listed_as_such_never_as_zero(digest_data, partial):
    digest = selectors.full_digest(WEEK)
    districts = next(s for s in digest.streams if s.name.startswith("Vốn bổ sung"))
    an_lao = next(u for u in districts.units if u.name == "huyện An Lão")
    assert (an_lao.disbursed, an_lao.ratio) == ("chưa báo cáo", "chưa báo cáo")
    assert [u.name for u in districts.not_reported] == ["huyện An Lão"]
    text = services.render_digest(digest_data.staff, WEEK).text
    an_lao_line = next(line for line in text.splitlines() if "huyện An Lão" in line and "Hạng" in line)
    assert "chưa báo cáo" in an_lao_line
    assert "đạt" not in an_lao_line and "0%" not in an_lao_line and " 0,000 tỷ đồng" not in an_lao_line
    assert "Đơn vị chưa báo cáo: 1." in text


def test_a_carried_figure_carries_its_date(digest_data, partial):
    text = services.render_digest(digest_data.staff, WEEK).text
    kien_thuy = next(line for line in text.splitlines() if "huyện Kiến Thụy (" in line and "Hạng" in line)
    assert "(số liệu ngày 13/7/2024)" in kien_thuy
    head = DigestRecipient.objects.create(
        name="Trưởng phòng", email="kt@example.vn", kind=DigestRecipient.Kind.UNIT_HEAD,
        district=digest_data.districts["kien_thuy"],
    )  # fmt: skip
    assert "(số liệu ngày 13/7/2024)" in services.render_digest(head, WEEK).text
