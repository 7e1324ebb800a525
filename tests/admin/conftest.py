import pytest

from tests.builders import build_ranked_year
from tests.factories import UserFactory


@pytest.fixture
def ranked_year(db):
    return build_ranked_year()


@pytest.fixture
def admin_client_vi(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def role_user(db):
    """A staff member in one of the role groups: role_user('Người xem')."""
    from django.contrib.auth.models import Group

    from disbursement.access import ensure_roles

    ensure_roles()

    def make(role: str):
        user = UserFactory(is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user

    return make
