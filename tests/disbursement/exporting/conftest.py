import pytest

from disbursement.figures.services import compute_snapshot
from disbursement.importing.services import import_workbook
from tests.builders import SAMPLE_WORKBOOK, load_master_data


@pytest.fixture
def sample_snapshot(db):
    load_master_data()
    result = import_workbook(SAMPLE_WORKBOOK, file_name=SAMPLE_WORKBOOK.name)
    assert result.status == "imported", [str(e) for e in result.errors + result.warnings]
    compute_snapshot(result.snapshot.id)
    return result.snapshot
