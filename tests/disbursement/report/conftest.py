import pytest

from tests.sample_rows import load_sample_rows


@pytest.fixture
def sample_snapshot(db):
    return load_sample_rows().snapshot
