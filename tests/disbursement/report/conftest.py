import pytest

from tests.disbursement.report.sample_data import load_sample


@pytest.fixture
def sample_snapshot(db):
    return load_sample()
