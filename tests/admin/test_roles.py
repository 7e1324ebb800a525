"""Role groups: viewers read, editors import and revise plans, administrators manage users and rules."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from disbursement.access import ADMINISTRATOR, EDITOR, VIEWER, ensure_roles


@pytest.mark.django_db
def test_setup_roles_is_idempotent():
    out = io.StringIO()
    call_command("setup_roles", stdout=out)
    assert VIEWER in out.getvalue()
    counts = {g.name: g.permissions.count() for g in Group.objects.filter(name__in=[VIEWER, EDITOR, ADMINISTRATOR])}
    ensure_roles()
    again = {g.name: g.permissions.count() for g in Group.objects.filter(name__in=[VIEWER, EDITOR, ADMINISTRATOR])}
    assert counts == again
    assert counts[VIEWER] < counts[EDITOR] < counts[ADMINISTRATOR]


@pytest.mark.django_db
def test_viewer_reads_rankings_but_cannot_import_or_revise(client, role_user, ranked_year):
    client.force_login(role_user(VIEWER))
    snapshot = ranked_year["current"]
    assert (
        client.get(reverse("admin:disbursement_snapshot_rankings", args=[snapshot.pk, "city_assigned"])).status_code
        == 200
    )
    assert client.get(reverse("admin:disbursement_audit_log")).status_code == 200
    assert client.get(reverse("admin:disbursement_snapshot_import")).status_code == 403
    assert client.get(reverse("admin:disbursement_allocationrevision_add")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


@pytest.mark.django_db
def test_editor_imports_and_revises_plans_but_does_not_manage_users(client, role_user):
    client.force_login(role_user(EDITOR))
    assert client.get(reverse("admin:disbursement_snapshot_import")).status_code == 200
    assert client.get(reverse("admin:disbursement_allocationrevision_add")).status_code == 200
    assert client.get(reverse("admin:disbursement_cityplan_add")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    user = role_user(EDITOR)
    assert not user.has_perm("disbursement.delete_allocationrevision")
    assert not user.has_perm("disbursement.delete_snapshot")
    assert user.has_perm("investors.delete_investoralias")


@pytest.mark.django_db
def test_administrator_manages_users_and_everything_in_the_data_apps(client, role_user):
    admin = role_user(ADMINISTRATOR)
    client.force_login(admin)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200
    assert admin.has_perm("disbursement.delete_allocationrevision")
    assert admin.has_perm("disbursement.change_capitalstream")
