import pytest

from tests.builders import load_master_data


@pytest.fixture
def master_data(db):
    load_master_data()
