"""A version computed from the version it superseded reads exactly as a full compute of it.

When a file lands on a date that already has computed figures, the recompute it asks for
builds the new version's figures from the superseded version's stored figures and the file's
own lines. Every stored figure field and every flag must be what a full compute of the same
version, from all its lines and the plans in force, gives.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from disbursement.figures import corrections
from disbursement.figures.corrections import incremental_base
from disbursement.figures.lineage import UnitChanges
from disbursement.figures.services import compute_snapshot, recompute_year
from disbursement.figures.tasks import recompute_from_task
from disbursement.followup import services as followup
from disbursement.importing.services import import_workbook
from disbursement.models import Commitment, Figure, Flag, FlagRule, Snapshot
from disbursement.models.flags import FlagEvent
from tests.builders import (
    SECTION_A,
    SECTION_B,
    Row,
    SectionSpec,
    WorkbookSpec,
    build_workbook,
    figure_rows,
    load_master_data,
    revise,
)
from tests.disbursement.followup.helpers import answer

JUNE = dt.date(2024, 6, 20)
JULY = dt.date(2024, 7, 20)
INVESTORS = [
    Row("Sở Nông nghiệp và Phát triển nông thôn", 0, 1752, 0, 1200),
    Row("UBND huyện An Lão", 0, 7120, 0, 2986),
    Row("Sở Y tế", 0, 40, 0, 0),
    Row("Ban Quản lý dự án đầu tư xây dựng các công trình giao thông", 455463, 3456937, 80517, 1023713),
    Row("Sở Xây dựng", 0, 2000, 0, 500),
]
DISTRICTS = [
    Row("huyện Kiến Thụy", 0, 270020, 0, 183384),
    Row("huyện Tiên Lãng", 0, 162533, 0, 107902),
    Row("huyện Bạch Long Vĩ", 0, 41351, 0, 23785),
]
CITY = {"pm": (755463, 16263735), "city": (755463, 19217278), "disbursed": (133717, 5952426)}


def workbook(as_of: dt.date, *, investors=(), districts=(), city=None, split: bool = True) -> bytes:
    sections = []
    if investors:
        sections.append(SectionSpec("A", SECTION_A, [Row(**vars(r)) for r in investors]))
    if districts:
        sections.append(SectionSpec("B", SECTION_B, [Row(**vars(r)) for r in districts]))
    return build_workbook(
        WorkbookSpec(
            sections=sections,
            city=city,
            split=split,
            date_line=f"(Số liệu tính đến hết ngày {as_of.day}/{as_of.month}/{as_of.year})",
            disbursed_header=f"Giải ngân từ 01/01/2024 đến {as_of.day}/{as_of.month}/{as_of.year}",
        )
    )


def land(data: bytes, name: str) -> Snapshot:
    """Import a file and run the recompute it asks for, as the worker does."""
    result = import_workbook(io.BytesIO(data), file_name=name, confirm_warnings=True)
    assert result.status == "imported", [str(e) for e in result.errors]
    return result.snapshot


def flag_rows() -> list[tuple]:
    """Every flag and every event of its history, without their ids (a flag is known by its rule and unit)."""
    rows = []
    for model in (Flag, FlagEvent):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        if model is FlagEvent:
            fields = ["flag__rule_id", "flag__investor_id", "flag__district_id", "flag__stream_id", *fields]
        rows += [(model.__name__, *row) for row in model.objects.values_list(*fields)]
    return sorted(rows, key=lambda row: tuple((v is None, str(v)) for v in row))


@pytest.fixture
def year(db, monkeypatch, django_capture_on_commit_callbacks):
    """June from the investors alone; July from the investors and the districts, with a city summary; computed.

    Plans recorded by these imports count as seen by the figures computed after them (no settling time).
    """
    monkeypatch.setattr(corrections, "PLAN_WRITES_SETTLE", dt.timedelta(0))
    load_master_data()
    land(workbook(JUNE, investors=INVESTORS[:4]), "thang-6.xlsx")
    land(workbook(JULY, investors=INVESTORS[:3], districts=DISTRICTS, city=CITY), "thang-7.xlsx")
    recompute_year(2024)
    return Snapshot.objects.current().get(as_of=JULY)


def corrected(data: bytes, name: str, *, patched: bool | None = None) -> tuple[Snapshot, Snapshot]:
    """Land a file on July and compute it as the import's recompute does; returns (superseded, new version).

    `patched`: whether the new version's figures are built from the few the file moves (patch_from_base),
    rather than from all the superseded version's.
    """
    before = Snapshot.objects.current().get(as_of=JULY)
    after = land(data, name)
    assert incremental_base(after) == before, "the new version is computed from the one it superseded"
    if patched is not None:
        assert (corrections.patch_from_base(after, before, UnitChanges.read()) is not None) == patched
    recompute_from_task(2024, JULY.isoformat())
    return before, after


def assert_same_as_full_compute(snapshot: Snapshot) -> None:
    incremental = (figure_rows(snapshot), flag_rows())
    assert incremental[0] and incremental[1], "figures were computed and flags raised"
    compute_snapshot(snapshot.id, cascade=False, incremental=False)
    assert (figure_rows(snapshot), flag_rows()) == incremental


def test_a_correction_that_lifts_one_investor_above_the_others(year):
    lifted = Row("Sở Y tế", 0, 40, 0, 38)
    _, after = corrected(workbook(JULY, investors=[lifted]), "sua-so-y-te.xlsx", patched=True)

    health = Figure.objects.get(
        snapshot=after, scope=Figure.Scope.INVESTOR, source=None, investor__name="Sở Y tế", stream__code="city_assigned"
    )
    assert health.rank == 1 and health.disbursed == 38 * 10**6
    assert_same_as_full_compute(after)


def test_a_unit_whose_lines_the_file_replaces_by_another_split(year):
    # The board's July figure is carried from June (NSTW and NSĐP lines); its correction gives one total
    # (the file does not split sources): those two lines leave the date, one line takes their place.
    board = Row("Ban Quản lý dự án đầu tư xây dựng các công trình giao thông", 0, 3912400, 0, 1500000)
    before, after = corrected(workbook(JULY, investors=[board], split=False), "sua-ban-giao-thong.xlsx", patched=False)

    def sources(snapshot):
        return set(snapshot.lines.filter(investor__name=board.name).values_list("source__code", flat=True)) or set(
            Figure.objects.filter(snapshot=snapshot, investor__name=board.name, source__isnull=False)
            .exclude(disbursed=None)
            .values_list("source__code", flat=True)
        )

    assert sources(before) == {"nstw", "nsdp"}
    assert sources(after) == {"unsplit"}
    assert_same_as_full_compute(after)


def test_a_unit_new_on_the_date(year):
    newcomer = Row("Sở Xây dựng", 0, 0, 0, 700)
    before, after = corrected(workbook(JULY, investors=[newcomer]), "so-xay-dung.xlsx", patched=False)

    assert not Figure.objects.filter(snapshot=before, investor__name="Sở Xây dựng").exists()
    assert Figure.objects.filter(snapshot=after, investor__name="Sở Xây dựng", source=None).get().disbursed == (
        700 * 10**6
    )
    assert_same_as_full_compute(after)


def test_a_city_summary_replaced(year):
    summary = {**CITY, "disbursed": (140000, 6100000)}
    _, after = corrected(workbook(JULY, city=summary), "kbnn-tong-hop.xlsx", patched=True)

    city = Figure.objects.get(snapshot=after, scope=Figure.Scope.CITY)
    assert city.disbursed == 6_240_000 * 10**6 and not city.is_partial
    assert_same_as_full_compute(after)


def test_a_district_list_corrected_after_a_plan_revision_is_computed_in_full(year):
    revise(
        Snapshot.objects.current().get(as_of=JULY).lines.filter(district__isnull=False).first().district,
        300_000 * 10**6,
        effective=dt.date(2024, 7, 1),
        stream_code="district_transfer",
    )
    before = Snapshot.objects.current().get(as_of=JULY)
    after = land(workbook(JULY, districts=[Row("huyện Tiên Lãng", 0, 162533, 0, 110000)]), "sua-tien-lang.xlsx")

    # The plans in force are no longer those the superseded version's figures were computed with.
    assert before.computed_at is not None
    assert incremental_base(after) is None
    recompute_from_task(2024, JULY.isoformat())
    assert_same_as_full_compute(after)


def test_a_correction_of_one_unit_writes_only_the_figures_it_moves(year):
    lifted = Row("Sở Y tế", 0, 40, 0, 38)
    before, after = corrected(workbook(JULY, investors=[lifted]), "sua-so-y-te.xlsx")

    read = Figure.objects.of(after).count()
    assert read == Figure.objects.of(before).count()
    written = Figure.objects.filter(snapshot=after).count()
    assert 0 < written < read / 2, "the other units' figures are shared with the superseded version"
    assert_same_as_full_compute(after)


def test_rules_edited_since_the_superseded_version_judge_every_unit_again(year):
    rule = FlagRule.objects.filter(kind=FlagRule.Kind.BELOW_THRESHOLD, is_active=True).order_by("id").first()
    assert rule is not None, "the default rules judge units below a threshold"
    # A threshold above every unit's ratio: every unit that disbursed something is below it now.
    rule.threshold = 99
    rule.save()

    _, after = corrected(workbook(JULY, investors=[Row("Sở Y tế", 0, 40, 0, 38)]), "sua-so-y-te.xlsx")

    below = Flag.objects.filter(kind=FlagRule.Kind.BELOW_THRESHOLD, cleared_on=None, last_seen_on=JULY)
    assert below.count() > 1, "units the file does not list are judged by the edited rule too"
    assert_same_as_full_compute(after)


def test_a_version_computed_after_it_was_superseded_leaves_the_flags_to_be_judged_whole(year):
    # Two files land before the first one's figures are computed: the first is computed once superseded,
    # without judging flags; the second, computed from it, must judge every unit.
    first = land(workbook(JULY, investors=[Row("Sở Y tế", 0, 40, 0, 30)]), "sua-lan-1.xlsx")
    second = land(workbook(JULY, investors=[Row("Sở Y tế", 0, 40, 0, 38)]), "sua-lan-2.xlsx")
    compute_snapshot(first.id, cascade=False)
    assert incremental_base(second) == first

    recompute_from_task(2024, JULY.isoformat())

    assert_same_as_full_compute(second)


def unit_figure(snapshot: Snapshot, name: str) -> Figure:
    return Figure.objects.of(snapshot).get(source=None, investor__name=name)


def test_two_units_of_one_file_tie_and_cross_another(year):
    # Both at 50%: they share the first rank, above An Lão (41,9%), which each crossed.
    rows = [Row(INVESTORS[0].name, 0, 1752, 0, 876), Row("Sở Y tế", 0, 40, 0, 20)]
    _, after = corrected(workbook(JULY, investors=rows), "sua-hai-don-vi.xlsx", patched=True)

    assert [unit_figure(after, r.name).rank for r in [*rows, INVESTORS[1]]] == [1, 1, 3]
    assert_same_as_full_compute(after)


def test_a_unit_corrected_to_the_ratio_of_one_the_file_does_not_list(year):
    corrected(workbook(JULY, investors=[Row("Sở Y tế", 0, 40, 0, 20)]), "sua-so-y-te.xlsx", patched=True)
    # Then the department of agriculture to the same 50%, from 68,5%: it ties with Sở Y tế, unlisted now.
    tied = Row(INVESTORS[0].name, 0, 1752, 0, 876)
    _, after = corrected(workbook(JULY, investors=[tied]), "sua-so-nong-nghiep.xlsx", patched=True)

    assert unit_figure(after, tied.name).rank == unit_figure(after, "Sở Y tế").rank == 1
    assert_same_as_full_compute(after)


def test_a_unit_carried_from_an_earlier_date_reports_on_the_date(year):
    board = INVESTORS[3]
    stream = "city_assigned"
    before_coverage = (
        Figure.objects.of(Snapshot.objects.current().get(as_of=JULY))
        .get(scope=Figure.Scope.STREAM, source=None, stream__code=stream)
        .coverage
    )
    again = Row(board.name, board.plan_nstw, board.plan_nsdp, 90000, 1100000)
    _, after = corrected(workbook(JULY, investors=[again]), "sua-ban-giao-thong.xlsx", patched=True)

    figure = unit_figure(after, board.name)
    assert figure.reported_on == JULY and figure.disbursed == 1_190_000 * 10**6
    coverage = Figure.objects.of(after).get(scope=Figure.Scope.STREAM, source=None, stream__code=stream).coverage
    assert coverage["units_reported_on_date"] == before_coverage["units_reported_on_date"] + 1
    assert coverage["units_carried"] == before_coverage["units_carried"] - 1
    assert_same_as_full_compute(after)


def test_a_district_corrected_moves_its_stream_average_past_the_others(year):
    # Tiên Lãng from 66,4% to 98,4%: the districts' average moves by points, so every district is judged again.
    _, after = corrected(
        workbook(JULY, districts=[Row("huyện Tiên Lãng", 0, 162533, 0, 160000)]), "sua-tien-lang.xlsx", patched=True
    )

    stream = Figure.objects.of(after).get(scope=Figure.Scope.STREAM, source=None, stream__code="district_transfer")
    assert stream.disbursed == (183384 + 160000 + 23785) * 10**6
    assert_same_as_full_compute(after)


def test_a_commitment_of_a_unit_the_file_does_not_list_is_judged_on_its_figure(year, settings):
    settings.SITE_URL = "http://testserver"
    board = INVESTORS[3]
    flag = Flag.objects.get(investor__name=board.name, kind="below_stream_average")
    flag.investor.head_email = "giamdoc@example.vn"
    flag.investor.save()
    (request,) = followup.create_requests([flag], now=timezone.make_aware(dt.datetime(2024, 6, 24, 9))).created
    # Due before July's date, above what the board has disbursed: July judges it missed.
    answer(request, (dt.date(2024, 7, 1), 2_000_000 * 10**6), now=timezone.make_aware(dt.datetime(2024, 6, 25, 9)))
    recompute_year(2024)
    (commitment,) = Commitment.objects.all()
    disbursed = (board.disbursed_nstw + board.disbursed_nsdp) * 10**6
    assert (commitment.status, commitment.disbursed) == ("missed", disbursed)

    # A district's correction: the board's stream is not touched, its commitment is judged all the same.
    district = Row("huyện Kiến Thụy", 0, 270020, 0, 183390)
    _, after = corrected(workbook(JULY, districts=[district]), "sua-kien-thuy.xlsx", patched=True)

    commitment.refresh_from_db()
    assert (commitment.status, commitment.disbursed, commitment.evaluated_snapshot_id) == (
        "missed",
        disbursed,
        after.id,
    )
    assert Flag.objects.filter(investor__name=board.name, kind="missed_commitment", cleared_on=None).exists()
    assert_same_as_full_compute(after)
