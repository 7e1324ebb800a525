"""What an import writes for a date that already has figures: the file's lines, and every other line carried.

A correction of one investor makes a new version of the date that reads the file's
line and, unchanged and with the file each came from, every line of the version
it supersedes outside the file's scope (the units it lists, in the streams it
lists them under). Those lines are shared, not written again. The superseded
version keeps reading all its lines.
"""

from __future__ import annotations

import io

import pytest

from disbursement.importing.services import import_workbook
from disbursement.models import CapitalStream, SnapshotLine
from disbursement.sample.loader import SAMPLE_DIR, load_master_data, read_master
from tests.builders import SECTION_B, Row, SectionSpec, WorkbookSpec, build_workbook

SUMMARY = "giai-ngan-2024-07-20.xlsx"
CORRECTION = "sua-so-lieu-2024-07-20.xlsx"
# Every column a line has, but its id and the version it belongs to.
COLUMNS = [f.attname for f in SnapshotLine._meta.concrete_fields if f.attname not in ("id", "snapshot_id", "until_id")]


@pytest.fixture
def master(db):
    load_master_data(read_master(), city_snapshots=False)


def imported(data: bytes, name: str):
    result = import_workbook(io.BytesIO(data), file_name=name, confirm_warnings=True)
    assert result.status == "imported", [str(e) for e in result.errors]
    return result


def lines_of(snapshot) -> list[tuple]:
    return sorted(
        SnapshotLine.objects.of(snapshot).values_list(*COLUMNS),
        key=lambda row: tuple((v is None, str(v)) for v in row),
    )


def unit_key(row: tuple) -> tuple:
    values = dict(zip(COLUMNS, row, strict=True))
    return (values["stream_id"], values["investor_id"], values["district_id"])


def test_a_correction_carries_every_line_outside_its_scope_unchanged(master):
    first = imported((SAMPLE_DIR / SUMMARY).read_bytes(), SUMMARY)
    before = lines_of(first.snapshot)

    second = imported((SAMPLE_DIR / CORRECTION).read_bytes(), CORRECTION)

    after = lines_of(second.snapshot)
    from_file = [row for row in after if dict(zip(COLUMNS, row, strict=True))["submission_id"] == second.submission.id]
    scope = {unit_key(row) for row in from_file}
    replaced = [row for row in before if unit_key(row) in scope]
    assert len(scope) == 1 and replaced, "the correction lists one unit the summary had"
    assert sorted(from_file) == sorted(row for row in after if unit_key(row) in scope)
    assert [row for row in after if unit_key(row) not in scope] == [row for row in before if unit_key(row) not in scope]
    # The superseded version is kept as it was.
    assert lines_of(first.snapshot) == before


def test_a_correction_writes_only_the_lines_of_its_own_file(master):
    first = imported((SAMPLE_DIR / SUMMARY).read_bytes(), SUMMARY)
    stored = SnapshotLine.objects.count()

    second = imported((SAMPLE_DIR / CORRECTION).read_bytes(), CORRECTION)

    own = SnapshotLine.objects.filter(snapshot=second.snapshot)
    assert own.exists() and set(own.values_list("submission_id", flat=True)) == {second.submission.id}
    assert SnapshotLine.objects.count() == stored + own.count()
    # The lines it restates end at the new version and stay in the old one.
    ended = SnapshotLine.objects.filter(snapshot=first.snapshot, until=second.snapshot)
    assert ended.exists()
    assert set(ended.values_list("investor_id", flat=True)) == set(own.values_list("investor_id", flat=True))


def test_a_unit_listed_under_one_stream_keeps_its_lines_in_the_others(master):
    transfer = CapitalStream.objects.get(code=CapitalStream.DISTRICT_TRANSFER)
    rural = CapitalStream.objects.get(code=CapitalStream.NEW_RURAL)
    both = [
        SectionSpec(
            "B", SECTION_B, [Row("huyện Tiên Lãng", 0, 162533, 0, 107902), Row("huyện Vĩnh Bảo", 0, 90000, 0, 40000)]
        ),
        SectionSpec("C", "VỐN XÂY DỰNG NÔNG THÔN MỚI", [Row("huyện Tiên Lãng", 0, 50000, 0, 20000)]),
    ]
    first = imported(build_workbook(WorkbookSpec(sections=both)), "hai-dong-von.xlsx")
    before = lines_of(first.snapshot)
    tien_lang = SnapshotLine.objects.get(snapshot=first.snapshot, stream=rural).district_id
    assert {unit_key(row) for row in before} >= {(transfer.id, None, tien_lang), (rural.id, None, tien_lang)}

    one_stream = [SectionSpec("B", SECTION_B, [Row("huyện Tiên Lãng", 0, 162533, 0, 120000)])]
    second = imported(build_workbook(WorkbookSpec(sections=one_stream)), "mot-dong-von.xlsx")

    after = lines_of(second.snapshot)
    scope = {(transfer.id, None, tien_lang)}
    replaced = [dict(zip(COLUMNS, row, strict=True)) for row in after if unit_key(row) in scope]
    assert [(line["disbursed"], line["submission_id"]) for line in replaced] == [
        (120_000 * 10**6, second.submission.id)
    ]
    kept = [row for row in before if unit_key(row) not in scope]
    assert (rural.id, None, tien_lang) in {unit_key(row) for row in kept}, "its new-rural line is carried"
    assert [row for row in after if unit_key(row) not in scope] == kept
