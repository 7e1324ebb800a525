"""Who may do what through the API, for every operation of the OpenAPI schema.

The operations come from drf-spectacular's generator, so a new endpoint is in this matrix the moment it is
routed: it fails here until it is classified in OPERATIONS. Each kind says what each caller gets:

- anonymous: 401 everywhere;
- Người xem (viewer, an admin session): reads, no write;
- Biên tập viên (editor): reads and imports (the admin asks disbursement.add_snapshot), no key management;
- Quản trị viên (administrator): everything;
- a read key reads; a write key reads and imports, never resolves names (that creates units) nor manages keys.

"Allowed" on a write means the permission check let it through: the answer is the endpoint's own (201, 202,
400 for an empty upload, 409 for a job in the wrong state), never 401, 403 or a server error.
"""

from __future__ import annotations

import functools

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from disbursement.access import ADMINISTRATOR, EDITOR, VIEWER, ensure_roles
from disbursement.api.keys import create_api_key
from disbursement.followup import services
from disbursement.models import (
    Allocation,
    AllocationRevision,
    CityPlan,
    CityPlanRevision,
    Explanation,
    ExplanationCause,
    ExplanationRequest,
    Flag,
    ImportJob,
    Snapshot,
    Submission,
)
from districts.models import District
from investors.models import Investor
from tests.api.conftest import key_client
from tests.factories import UserFactory

ACTORS = ("anonymous", "viewer", "editor", "administrator", "read_key", "write_key")

OK, DENIED, UNAUTHENTICATED = "ok", "denied", "unauthenticated"
KINDS = {
    # Reading figures, plans, reference data, flags, imports.
    "read": dict.fromkeys(ACTORS, OK) | {"anonymous": UNAUTHENTICATED},
    # Uploading and confirming an import: the admin's import permission.
    "import": {
        "anonymous": UNAUTHENTICATED,
        "viewer": DENIED,
        "editor": OK,
        "administrator": OK,
        "read_key": DENIED,
        "write_key": OK,
    },
    # Resolving unknown names adds aliases and units: staff with the permissions only, never a key.
    "import_by_staff": {
        "anonymous": UNAUTHENTICATED,
        "viewer": DENIED,
        "editor": OK,
        "administrator": OK,
        "read_key": DENIED,
        "write_key": DENIED,
    },
    # Asking units to explain their flags: the admin's permission to add a request (editors), or a write key.
    "follow_up": {
        "anonymous": UNAUTHENTICATED,
        "viewer": DENIED,
        "editor": OK,
        "administrator": OK,
        "read_key": DENIED,
        "write_key": OK,
    },
    # API keys: administrators only, reading included.
    "key_management": dict.fromkeys(ACTORS, DENIED) | {"anonymous": UNAUTHENTICATED, "administrator": OK},
}

OPERATIONS = {
    ("GET", "/api/v1/allocation-revisions/"): "read",
    ("GET", "/api/v1/allocation-revisions/{id}/"): "read",
    ("GET", "/api/v1/allocations/"): "read",
    ("GET", "/api/v1/allocations/{id}/"): "read",
    ("GET", "/api/v1/api-keys/"): "key_management",
    ("POST", "/api/v1/api-keys/"): "key_management",
    ("GET", "/api/v1/api-keys/{id}/"): "key_management",
    ("POST", "/api/v1/api-keys/{id}/revoke/"): "key_management",
    ("GET", "/api/v1/city-plan-revisions/"): "read",
    ("GET", "/api/v1/city-plan-revisions/{id}/"): "read",
    ("GET", "/api/v1/city-plans/"): "read",
    ("GET", "/api/v1/city-plans/{id}/"): "read",
    ("GET", "/api/v1/coverage/"): "read",
    ("GET", "/api/v1/commitments/"): "read",
    ("GET", "/api/v1/commitments/{id}/"): "read",
    ("GET", "/api/v1/districts/"): "read",
    ("GET", "/api/v1/districts/{id}/"): "read",
    ("GET", "/api/v1/explanation-requests/"): "read",
    ("POST", "/api/v1/explanation-requests/"): "follow_up",
    ("GET", "/api/v1/explanation-requests/{id}/"): "read",
    ("GET", "/api/v1/explanations/"): "read",
    ("GET", "/api/v1/explanations/{id}/"): "read",
    ("GET", "/api/v1/exports/ranking.csv"): "read",
    ("GET", "/api/v1/exports/ranking.xlsx"): "read",
    ("GET", "/api/v1/flags/"): "read",
    ("GET", "/api/v1/flags/{id}/"): "read",
    ("GET", "/api/v1/flags/open/"): "read",
    ("GET", "/api/v1/health/"): "read",
    ("GET", "/api/v1/imports/"): "read",
    ("POST", "/api/v1/imports/"): "import",
    ("GET", "/api/v1/imports/{id}/"): "read",
    ("POST", "/api/v1/imports/{id}/confirm/"): "import",
    ("GET", "/api/v1/imports/{id}/errors/"): "read",
    ("POST", "/api/v1/imports/{id}/resolve/"): "import_by_staff",
    ("GET", "/api/v1/investors/"): "read",
    ("GET", "/api/v1/investors/{id}/"): "read",
    ("GET", "/api/v1/rankings/"): "read",
    ("GET", "/api/v1/ratios/"): "read",
    ("GET", "/api/v1/reallocation-candidates/"): "read",
    ("GET", "/api/v1/series/"): "read",
    ("GET", "/api/v1/snapshots/"): "read",
    ("GET", "/api/v1/snapshots/{id}/"): "read",
    ("GET", "/api/v1/sources/"): "read",
    ("GET", "/api/v1/sources/{code}/"): "read",
    ("GET", "/api/v1/streams/"): "read",
    ("GET", "/api/v1/streams/{code}/"): "read",
    ("GET", "/api/v1/submissions/"): "read",
    ("GET", "/api/v1/submissions/{id}/"): "read",
    ("GET", "/api/v1/summary/"): "read",
}

# Query strings an operation needs to answer 200.
QUERIES = {
    "/api/v1/series/": {"year": 2024, "stream": "city_assigned", "investor": "SGTVT"},
    "/api/v1/reallocation-candidates/": {"stream": "city_assigned"},
}

# Bodies of the writes: valid where a success is harmless, else the smallest the endpoint validates.
BODIES = {
    "/api/v1/api-keys/": ({"name": "Bảng điều khiển ma trận", "scope": "read"}, "json"),
    "/api/v1/imports/": ({}, "multipart"),
    # No flag named: the endpoint's own 400, nothing mailed.
    "/api/v1/explanation-requests/": ({"flags": []}, "json"),
    "/api/v1/imports/{id}/confirm/": ({}, "json"),
    "/api/v1/imports/{id}/resolve/": ([{"name": "Sở Không Có", "action": "map", "unit_id": 1}], "json"),
}


@functools.cache
def schema_operations() -> list[tuple[str, str]]:
    """Every (method, path) of the API's OpenAPI schema, as drf-spectacular generates it."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted((method.upper(), path) for path, operations in schema["paths"].items() for method in operations)


def _object_of(path: str, objects: dict) -> object:
    """The object a path's {id} or {code} names: a row of the resource the path is about."""
    resource = path.removeprefix("/api/v1/").split("/")[0]
    return objects[resource]


def _url(path: str, objects: dict) -> str:
    if "{id}" in path:
        return path.replace("{id}", str(_object_of(path, objects).pk))
    if "{code}" in path:
        return path.replace("{code}", _object_of(path, objects).code)
    return path


@pytest.fixture
def objects(world):
    """One row of each resource read by id or code: the world's plans and figures, a flag, a file, a job, a key."""
    snapshot = world["current"]
    job = ImportJob.objects.create(file="imports/ma-tran.xlsx", file_name="ma-tran.xlsx", status="failed")
    submission = Submission.objects.filter(snapshot__year=2024).first() or Submission.objects.create(
        year=2024, as_of=snapshot.as_of, file_name="giai-ngan.xlsx", snapshot=snapshot
    )
    flag = Flag.objects.order_by("pk").first()
    assert flag is not None, "the world raises at least one flag"
    explanation = _explained(flag)
    return {
        "allocation-revisions": AllocationRevision.objects.order_by("pk").first(),
        "allocations": Allocation.objects.order_by("pk").first(),
        "api-keys": create_api_key(name="Khóa để thu hồi").api_key,
        "city-plan-revisions": CityPlanRevision.objects.order_by("pk").first(),
        "city-plans": CityPlan.objects.order_by("pk").first(),
        "commitments": explanation.commitments.get(),
        "explanation-requests": explanation.request,
        "explanations": explanation,
        "districts": District.objects.order_by("pk").first(),
        "flags": flag,
        "imports": job,
        "investors": Investor.objects.order_by("pk").first(),
        "snapshots": Snapshot.objects.get(pk=snapshot.pk),
        "sources": snapshot.figures.exclude(source=None).first().source,
        "streams": snapshot.figures.exclude(stream=None).first().stream,
        "submissions": submission,
    }


def _explained(flag: Flag) -> Explanation:
    """A request about a unit's flag, answered with one commitment."""
    unit_flag = Flag.objects.filter(investor__isnull=False).order_by("pk").first() or flag
    unit = unit_flag.investor or unit_flag.district
    request = ExplanationRequest.objects.create(
        year=unit_flag.year,
        stream=unit_flag.stream,
        investor=unit_flag.investor,
        district=unit_flag.district,
        summary=unit_flag.reason,
        recipients=[f"{unit.code.lower()}@example.vn"],
        requested_at=timezone.now(),
        working_days=5,
        deadline=timezone.localdate(),
    )
    return services.submit_explanation(
        request.pk,
        services.ExplanationData(
            cause=ExplanationCause.objects.first(),
            cause_detail="",
            actions="Đẩy nhanh thanh toán.",
            responsible_name="Nguyễn Văn A",
            responsible_title="",
            commitments=[services.CommitmentData(timezone.localdate(), 1)],
        ),
    )


def _staff(role: str) -> APIClient:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def actors(db) -> dict[str, APIClient]:
    ensure_roles()
    return {
        "anonymous": APIClient(),
        "viewer": _staff(VIEWER),
        "editor": _staff(EDITOR),
        "administrator": _staff(ADMINISTRATOR),
        "read_key": key_client("read")[0],
        "write_key": key_client("write")[0],
    }


def _call(client: APIClient, method: str, path: str, url: str):
    if method == "GET":
        return client.get(url, QUERIES.get(path, {}))
    body, fmt = BODIES.get(path, ({}, "json"))
    return client.generic(method, url) if body is None else getattr(client, method.lower())(url, body, format=fmt)


def test_every_operation_of_the_schema_is_classified():
    unknown = [f"{method} {path}" for method, path in schema_operations() if (method, path) not in OPERATIONS]
    assert not unknown, f"new operations: classify them in OPERATIONS (who may call them): {unknown}"


def test_every_classified_operation_is_in_the_schema():
    stale = set(OPERATIONS) - set(schema_operations())
    assert not stale, f"classified but no longer in the schema: {sorted(stale)}"


def _wrong(expected: str, method: str, response) -> str | None:
    """What is wrong with the answer to a caller, or None."""
    status = response.status_code
    if expected == UNAUTHENTICATED:
        return None if status == 401 else f"{status}, expected 401"
    if expected == DENIED:
        if status != 403 or response.json()["error"]["code"] != "permission_denied":
            return f"{status}, expected 403"
        return None
    if method == "GET":
        # Whoever may read gets the data, not just "not refused".
        return None if status == 200 else f"{status}, expected 200: {response.content[:200]!r}"
    if status in (401, 403) or status >= 500:
        return f"{status}, expected the endpoint's own answer: {response.content[:200]!r}"
    return None


@pytest.mark.parametrize("actor", ACTORS)
def test_each_caller_gets_what_its_role_allows(actor, actors, objects):
    wrong = {}
    for method, path in schema_operations():
        kind = OPERATIONS.get((method, path))
        if kind is None:
            continue  # reported by test_every_operation_of_the_schema_is_classified
        response = _call(actors[actor], method, path, _url(path, objects))
        problem = _wrong(KINDS[kind][actor], method, response)
        if problem:
            wrong[f"{method} {path}"] = problem
    assert not wrong, wrong
