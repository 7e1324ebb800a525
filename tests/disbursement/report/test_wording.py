"""The wording: singular and plural, units in triệu đồng, templates the staff edit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.money import TY
from disbursement.models import BandConfig, ReportTemplate
from disbursement.report.services import ReportError, draft_report
from disbursement.report.wording import UNIT_ENTRY_BODY
from tests.disbursement.report.helpers import stream_snapshot
from tests.factories import SnapshotFactory, stream


def _stream_text(snapshot) -> str:
    return draft_report(snapshot.id).sections[-1][1]


def test_one_unit_is_written_in_the_singular_and_several_in_the_plural(db):
    snapshot = stream_snapshot([("Tiên Lãng", 100 * TY, 0), ("An Lão", 100 * TY, 0), ("Vĩnh Bảo", 300 * TY, 150 * TY)])
    text = _stream_text(snapshot)
    assert "Có 02/03 quận, huyện chưa giải ngân, gồm: huyện An Lão với tổng số vốn" in text
    # The limit is the stream's average, 150 / 500 = 30%.
    assert (
        "Có 01 quận, huyện giải ngân trên 30% là huyện Vĩnh Bảo (150,000 tỷ đồng / 300,000 tỷ đồng, đạt 50%)."
    ) in text


def test_empty_bands_are_left_out(db):
    snapshot = stream_snapshot([("Kiến Thụy", 100 * TY, 60 * TY), ("An Dương", 100 * TY, 20 * TY)])
    text = _stream_text(snapshot)
    assert "chưa giải ngân" not in text
    assert "chưa có kế hoạch vốn" not in text


def test_unit_without_plan_is_listed_with_what_it_disbursed(db):
    snapshot = stream_snapshot([("Cát Hải", 0, 2 * TY), ("Đồ Sơn", 100 * TY, 50 * TY)])
    text = _stream_text(snapshot)
    assert "Có 01 quận, huyện chưa có kế hoạch vốn là huyện Cát Hải (đã giải ngân 2,000 tỷ đồng)." in text


def test_triệu_unit_and_two_decimal_ratios_follow_the_band_config(db):
    snapshot = stream_snapshot([("Sở Y tế", 40_000_000, 0), ("Sở Xây dựng", 3 * TY, 1_234_567_890)], "city_assigned")
    BandConfig.objects.filter(stream=stream("city_assigned"), year=2024).update(
        amount_unit=BandConfig.Unit.TRIEU, ratio_places=2
    )
    text = _stream_text(snapshot)
    assert "Có 01 chủ đầu tư chưa giải ngân là Sở Y tế với tổng số vốn được bố trí là 40 triệu đồng." in text
    assert "Sở Xây dựng (1.235 triệu đồng / 3.000 triệu đồng, đạt 41,15%)" in text


def test_edited_wording_changes_the_draft_and_keeps_history(db):
    snapshot = stream_snapshot([("Kiến Thụy", 100 * TY, 60 * TY)])
    template = ReportTemplate.objects.get(section="unit_entry", stream=None)
    template.body = "{{ name }}: {{ ratio }}"
    template.save()
    assert "huyện Kiến Thụy: 60%" in _stream_text(snapshot)
    assert [h.body for h in template.history.order_by("history_date")] == [UNIT_ENTRY_BODY, "{{ name }}: {{ ratio }}"]


def test_a_stream_can_have_its_own_wording(db):
    snapshot = stream_snapshot([("Kiến Thụy", 100 * TY, 60 * TY)])
    ReportTemplate.objects.create(
        section="stream", stream=stream("district_transfer"), title="Vốn cho quận, huyện", body="Riêng: {{ ratio }}"
    )
    assert draft_report(snapshot.id).sections[-1] == ("Vốn cho quận, huyện", "Riêng: 60,00%")


def test_wording_with_a_syntax_error_is_refused(db):
    template = ReportTemplate.objects.get(section="city", stream=None)
    template.body = "{% if plan %}không đóng thẻ"
    with pytest.raises(ValidationError) as excinfo:
        template.full_clean()
    assert "body" in excinfo.value.message_dict


def test_band_limits_that_are_not_numbers_are_refused(db):
    config = BandConfig(stream=stream("district_transfer"), year=2030, limits="0; mười")
    with pytest.raises(ValidationError) as excinfo:
        config.full_clean()
    assert "limits" in excinfo.value.message_dict


def test_snapshot_not_yet_computed_has_no_draft(db):
    with pytest.raises(ReportError):
        draft_report(SnapshotFactory().id)
