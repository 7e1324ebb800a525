"""What every view of the API shares: who may call, throttling, pagination, errors in the schema."""

from __future__ import annotations

import re

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.utils.text import capfirst
from django_filters.utils import translate_validation
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework.exceptions import NotFound
from rest_framework.settings import api_settings
from rest_framework.views import get_view_name as default_view_name

from disbursement.api.authentication import request_api_key
from disbursement.api.conditional import (
    SnapshotStamp,
    conditional_response,
    data_stamp,
    resolve_snapshot,
    with_revision_times,
)
from disbursement.api.serializers import ErrorSerializer
from disbursement.filtersets import BASIS_CHOICES, FigureQueryFilterSet, RankingFilterSet
from disbursement.models import BudgetSource, CapitalStream, Snapshot

# Integer path ids are bounded so that an absurd id is a 404, not a database overflow.
ID_REGEX = r"[0-9]{1,9}"

ERROR_EXAMPLES = {
    "400": OpenApiExample(
        "Dữ liệu không hợp lệ",
        value={
            "error": {
                "code": "invalid",
                "message": "Dữ liệu gửi lên không hợp lệ.",
                "details": {"year": ["Cần một số nguyên hợp lệ."]},
            }
        },
        response_only=True,
        status_codes=["400"],
    ),
    "401": OpenApiExample(
        "Chưa xác thực",
        value={
            "error": {
                "code": "not_authenticated",
                "message": "Chưa xác thực: cần khóa API hoặc đăng nhập.",
                "details": None,
            }
        },
        response_only=True,
        status_codes=["401"],
    ),
    "403": OpenApiExample(
        "Không có quyền",
        value={
            "error": {
                "code": "permission_denied",
                "message": "Bạn không có quyền thực hiện thao tác này.",
                "details": None,
            }
        },
        response_only=True,
        status_codes=["403"],
    ),
    "404": OpenApiExample(
        "Không tìm thấy",
        value={"error": {"code": "not_found", "message": "Không tìm thấy.", "details": None}},
        response_only=True,
        status_codes=["404"],
    ),
    "429": OpenApiExample(
        "Quá nhiều yêu cầu",
        value={"error": {"code": "throttled", "message": "Quá nhiều yêu cầu, vui lòng thử lại sau.", "details": None}},
        response_only=True,
        status_codes=["429"],
    ),
}


# The summary of a model viewset's standard actions, from the model's Vietnamese names.
ACTION_SUMMARIES = {
    "list": "Danh sách {plural}",
    "retrieve": "Xem một {name}",
    "create": "Thêm {name}",
}
# The first clause of a docstring: up to its first full stop, colon, semicolon or line end.
FIRST_CLAUSE = re.compile(r"^(.+?)(?:[.:;](?:\s|$)|\n|$)")


def first_clause(text: str | None) -> str:
    match = FIRST_CLAUSE.match(text or "")
    return match.group(1).strip() if match else ""


def view_name(view) -> str:
    """REST_FRAMEWORK VIEW_NAME_FUNCTION: a view's Vietnamese name, for OPTIONS and the browsable API.

    An extra action by the first clause of its docstring (DRF would say 'Revoke'); a model viewset by its
    model's names; another view by the first clause of its docstring.
    """
    name = getattr(view, "name", None)
    if name is not None:
        for extra in getattr(type(view), "get_extra_actions", list)():
            if extra.kwargs.get("name") == name and get_doc(extra):
                return first_clause(get_doc(extra))
        return name
    queryset = getattr(view, "queryset", None)
    suffix = getattr(view, "suffix", None)
    if suffix in ("List", "Instance") and queryset is not None:
        opts = queryset.model._meta
        return capfirst(opts.verbose_name_plural if suffix == "List" else opts.verbose_name)
    return first_clause(get_doc(type(view))) or default_view_name(view)


class ApiAutoSchema(AutoSchema):
    """Every operation documents the common error responses in the one error format, and has a summary:
    the one given with extend_schema, else one made from the model's names (list, retrieve, create of a
    model viewset), else the first clause of the operation's docstring."""

    def get_summary(self) -> str | None:
        summary = super().get_summary()
        if summary:
            return summary
        action = getattr(self.view, "action", None)
        queryset = getattr(self.view, "queryset", None)
        if action in ACTION_SUMMARIES and queryset is not None:
            opts = queryset.model._meta
            return capfirst(ACTION_SUMMARIES[action].format(name=opts.verbose_name, plural=opts.verbose_name_plural))
        handler = getattr(self.view, action or self.method.lower(), None)
        return first_clause(get_doc(handler) or get_doc(self.view.__class__)) or None

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["400", "401", "403", "429"]
        if self.method == "GET" or "{" in self.path:
            codes.append("404")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses

    def get_examples(self):
        return [*super().get_examples(), *ERROR_EXAMPLES.values()]


class ApiMixin:
    """Authentication, permissions, throttling, pagination and schema come from REST_FRAMEWORK settings."""

    lookup_value_regex = ID_REGEX

    def perform_authentication(self, request):
        super().perform_authentication(request)
        if request_api_key(request) is not None:
            # The change history records the account behind a write; a call with a key has none.
            request._request.user = AnonymousUser()


class DataBoundListMixin:
    """A list of what imports, computes and plan revisions write (flags, snapshots, files, plans): ETag and
    Last-Modified from conditional.data_stamp, 304 to a client that has the current version."""

    def list_stamp(self) -> SnapshotStamp:
        return data_stamp()

    def list(self, request, *args, **kwargs):
        return conditional_response(
            request, self.list_stamp(), lambda: super(DataBoundListMixin, self).list(request, *args, **kwargs).data
        )


def validated(filterset):
    """A FilterSet whose parameters are valid, else the API's 400 with the details per parameter
    (errors of the query as a whole under 'non_field_errors', as DRF names them)."""
    if not filterset.is_valid():
        errors = {
            (api_settings.NON_FIELD_ERRORS_KEY if k == NON_FIELD_ERRORS else k): v for k, v in filterset.errors.items()
        }
        raise translate_validation(ErrorDict(errors))
    return filterset


class SnapshotNotFound(NotFound):
    default_detail = "Không có kỳ số liệu phù hợp."
    api_code = "snapshot_not_found"


SNAPSHOT_PARAMETERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="Năm kế hoạch, ví dụ 2024. Mặc định: năm của kỳ mới nhất."),
    OpenApiParameter(
        "as_of",
        OpenApiTypes.DATE,
        description="Số liệu đến hết ngày (ISO 8601). Dùng kỳ đang dùng gần nhất không sau ngày này; "
        "mặc định: kỳ mới nhất.",
    ),
    OpenApiParameter(
        "snapshot", OpenApiTypes.INT, description="Mã kỳ số liệu cụ thể (kể cả kỳ đã bị thay); ưu tiên hơn year, as_of."
    ),
    OpenApiParameter(
        "basis",
        OpenApiTypes.STR,
        enum=[c for c, _ in BASIS_CHOICES],
        description="Kế hoạch dùng để tính tỷ lệ: city = thành phố giao (mặc định), pm = Thủ tướng Chính phủ giao, "
        "detailed = vốn đã phân bổ chi tiết.",
    ),
]


LEVEL_PARAMETER = OpenApiParameter(
    "level",
    OpenApiTypes.STR,
    enum=["investor", "district"],
    description="Xếp hạng chủ đầu tư (investor) hay quận, huyện (district).",
)
SOURCE_PARAMETER = OpenApiParameter(
    "source",
    OpenApiTypes.STR,
    description="Mã nguồn vốn, ví dụ nstw hoặc nsdp: xếp hạng theo giải ngân và kế hoạch của riêng nguồn đó; "
    "mặc định mọi nguồn.",
)


class SnapshotQueryMixin:
    """Resolves the snapshot a figure request reads: ?snapshot, or ?year and ?as_of, default the latest."""

    def snapshot_query(self) -> FigureQueryFilterSet:
        if not hasattr(self, "_snapshot_query"):
            self._snapshot_query = validated(
                FigureQueryFilterSet(self.request.query_params, queryset=with_revision_times(Snapshot.objects.all()))
            )
        return self._snapshot_query

    @property
    def basis(self) -> str:
        return self.snapshot_query().chosen_basis

    def _find_snapshot(self) -> Snapshot | None:
        return self.snapshot_query().qs.first()

    def get_snapshot_stamp(self) -> SnapshotStamp:
        """The snapshot the request reads, as its validators need it; cheap when the query was seen recently."""
        if not hasattr(self, "_stamp"):
            stamp = resolve_snapshot(self.snapshot_query().shape, self._find_snapshot)
            if stamp is None:
                raise SnapshotNotFound()
            self._stamp = stamp
        return self._stamp

    def get_snapshot(self) -> Snapshot:
        if not hasattr(self, "_snapshot"):
            if hasattr(self, "_stamp"):
                # The same snapshot the validators were computed from.
                snapshot = with_revision_times(Snapshot.objects.filter(pk=self._stamp.pk)).first()
            else:
                snapshot = self._find_snapshot()
            if snapshot is None:
                raise SnapshotNotFound()
            self._snapshot = snapshot
        return self._snapshot


class RankingQueryMixin:
    """?level, ?stream and ?source of a ranking query (RankingFilterSet), read alike by the rankings and exports."""

    def ranking_query(self) -> RankingFilterSet:
        if not hasattr(self, "_ranking_query"):
            self._ranking_query = validated(RankingFilterSet(self.request.query_params))
        return self._ranking_query

    def get_level(self) -> str | None:
        return self.ranking_query().chosen_level

    def get_requested_stream(self) -> CapitalStream | None:
        return self.ranking_query().requested_stream

    def get_stream(self) -> CapitalStream | None:
        """The stream asked for, else the first stream of the level asked for."""
        return self.ranking_query().chosen_stream

    def get_source(self) -> BudgetSource | None:
        """?source=nstw: the units' figures and ranks within that source, against their plans of it."""
        return self.ranking_query().chosen_source


PATH_PARAMETER_DESCRIPTIONS = {
    "id": "Mã số (id) của đối tượng.",
    "code": "Mã, ví dụ city_assigned hoặc nsdp.",
}


def describe_path_parameters(result, generator, request, public):
    """Schema postprocessing: Vietnamese descriptions for path parameters that have none."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if not parameter.get("description") and parameter["name"] in PATH_PARAMETER_DESCRIPTIONS:
                    parameter["description"] = PATH_PARAMETER_DESCRIPTIONS[parameter["name"]]
    return result
