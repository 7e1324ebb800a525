"""Every list, add and change page of the data apps opens for an administrator, with the sample year loaded."""

import pytest
from django.contrib import admin
from django.urls import reverse

DATA_APPS = {"districts", "investors", "disbursement"}


@pytest.mark.django_db
def test_every_data_admin_page_opens(admin_client_vi, ranked_year):
    opened = 0
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in DATA_APPS:
            continue
        base = f"admin:{meta.app_label}_{meta.model_name}"
        assert admin_client_vi.get(reverse(f"{base}_changelist")).status_code == 200, meta.label
        obj = model._default_manager.first()
        if obj is not None:
            assert admin_client_vi.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200, meta.label
            assert admin_client_vi.get(reverse(f"{base}_history", args=[obj.pk])).status_code == 200, meta.label
        opened += 1
    assert opened >= 10
