"""Staff pages are in Vietnamese with Vietnamese number and date notation."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from tests.factories import AllocationRevisionFactory, DistrictFactory, SnapshotFactory


def test_integers_get_thousands_dots_and_decimals_a_comma():
    with translation.override("vi"):
        assert formats.number_format(1234567, use_l10n=True, force_grouping=False) == "1.234.567"
        assert formats.number_format(1234.5, 1, use_l10n=True) == "1.234,5"
        assert formats.date_format(dt.date(2024, 7, 20), "SHORT_DATE_FORMAT") == "20/07/2024"


@pytest.mark.django_db
def test_integer_columns_of_a_list_page_use_thousands_dots(admin_client_vi):
    DistrictFactory(name="Thử", order=1200)
    html = admin_client_vi.get(reverse("admin:districts_district_changelist")).content.decode()
    assert "1.200" in html


@pytest.mark.django_db
def test_money_is_shown_in_ty_dong_and_years_without_dots(admin_client_vi):
    AllocationRevisionFactory(amount=22_770_828 * 10**6)
    html = admin_client_vi.get(reverse("admin:disbursement_allocation_changelist")).content.decode()
    assert "22.770,828" in html
    assert "Kế hoạch đang có hiệu lực (tỷ đồng)" in html
    assert ">2024<" in html
    assert "2.024" not in html


@pytest.mark.django_db
def test_dates_in_lists_are_day_first(admin_client_vi):
    SnapshotFactory(as_of=dt.date(2024, 3, 4))
    html = admin_client_vi.get(reverse("admin:disbursement_snapshot_changelist")).content.decode()
    assert "04/03/2024" in html
    # The year column, filter and date drill-down write the year as a year.
    assert "2.024" not in html


@pytest.mark.django_db
def test_admin_is_in_vietnamese(admin_client_vi):
    login = Client().get(reverse("admin:login")).content.decode()
    assert "Đăng nhập" in login
    index = admin_client_vi.get(reverse("admin:index")).content.decode()
    assert "Theo dõi giải ngân vốn đầu tư công" in index
    assert "Nhật ký thay đổi" in index
    assert 'lang="vi"' in index
    page = admin_client_vi.get(reverse("admin:investors_investor_add")).content.decode()
    assert "Thêm chủ đầu tư" in page
    assert "Thủ trưởng đơn vị" in page


def test_time_zone_is_hanoi_time(settings):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"
