"""The band configuration in the admin: the choice of how a band at the average is written, explained."""

from __future__ import annotations

from django.urls import reverse

from disbursement.models import BandConfig
from tests.factories import stream


def _form_data(config: BandConfig, **changes) -> dict:
    data = {
        "stream": config.stream_id,
        "year": config.year,
        "limits": config.limits,
        "order": config.order,
        "average_limit": config.average_limit,
        "average_places": config.average_places,
        "ratio_places": config.ratio_places,
        "amount_unit": config.amount_unit,
        "amount_places": "",
    }
    data.update(changes)
    return data


def test_band_config_page_shows_the_average_limit_choice_and_the_sentence_option(client, staff_user):
    client.force_login(staff_user)
    config = BandConfig.objects.get(stream=stream("district_transfer"), year=2024)
    page = client.get(reverse("admin:disbursement_bandconfig_change", args=[config.id])).content.decode()
    assert "Ngưỡng tỷ lệ chung (TB)" in page
    assert "Ghi đúng tỷ lệ chung và xếp nhóm theo tỷ lệ đó" in page
    assert "nên đơn vị đạt 35,3% nằm trong nhóm 'trên 35%'" in page
    assert "nhóm chưa giải ngân viết thành một câu" in page.lower()
    assert "Có 15 chủ đầu tư chưa giải ngân với tổng số vốn được bố trí 476 tỷ đồng" in page


def test_saving_the_choices_in_the_admin_changes_the_config(client, staff_user):
    client.force_login(staff_user)
    config = BandConfig.objects.get(stream=stream("city_assigned"), year=2024)
    url = reverse("admin:disbursement_bandconfig_change", args=[config.id])
    response = client.post(
        url,
        _form_data(
            config,
            average_limit=BandConfig.AverageLimit.EXACT,
            average_places=2,
            ratio_places=2,
            amount_unit=BandConfig.Unit.TRIEU,
            not_disbursed_sentence="on",
        ),
    )
    assert response.status_code == 302
    config.refresh_from_db()
    assert (config.average_limit, config.average_places, config.ratio_places) == ("exact", 2, 2)
    assert config.amount_unit == BandConfig.Unit.TRIEU
    assert config.not_disbursed_sentence is True


def test_exact_average_without_decimals_is_refused_in_the_admin(client, staff_user):
    client.force_login(staff_user)
    config = BandConfig.objects.get(stream=stream("city_assigned"), year=2024)
    url = reverse("admin:disbursement_bandconfig_change", args=[config.id])
    response = client.post(url, _form_data(config, average_limit=BandConfig.AverageLimit.EXACT, average_places=0))
    assert response.status_code == 200
    assert "Khi ghi đúng tỷ lệ chung, cần ít nhất 1 chữ số thập phân" in response.content.decode()
    config.refresh_from_db()
    assert config.average_limit == BandConfig.AverageLimit.WRITTEN
