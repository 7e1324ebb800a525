"""Exports of a snapshot's ranking: the workbook and the CSV of the same query."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import http_date, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from disbursement.api.base import (
    LEVEL_PARAMETER,
    SNAPSHOT_PARAMETERS,
    SOURCE_PARAMETER,
    ApiMixin,
    RankingQueryMixin,
    SnapshotQueryMixin,
)
from disbursement.api.conditional import _not_modified, snapshot_validators
from disbursement.api.negotiation import FirstRendererNegotiation
from disbursement.exporting.csvfiles import DIALECTS, MACHINE
from disbursement.exporting.services import ranking_csv, ranking_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportBase(ApiMixin, RankingQueryMixin, SnapshotQueryMixin, APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRendererNegotiation
    content_type = ""
    extension = ""

    def content(self, snapshot, query: dict) -> bytes:
        raise NotImplementedError

    def export_query(self) -> dict:
        """The streams and source a ranking query reads; without ?stream, every stream of the level."""
        stream, source = self.get_requested_stream(), self.get_source()
        return {
            "stream_code": stream.code if stream else None,
            "level": self.get_level(),
            "source_code": source.code if source else None,
        }

    def get(self, request):
        query = self.export_query()
        snapshot = self.get_snapshot()
        etag, modified = snapshot_validators(snapshot, request)
        headers = {"ETag": quote_etag(etag), "Last-Modified": http_date(modified.timestamp())}
        if _not_modified(request, etag, modified):
            return HttpResponse(status=304, headers=headers)
        name = f"xep-hang-{snapshot.year}-{snapshot.as_of:%Y-%m-%d}.{self.extension}"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return HttpResponse(self.content(snapshot, query), content_type=self.content_type, headers=headers)


EXPORT_PARAMETERS = [
    *SNAPSHOT_PARAMETERS[:3],
    LEVEL_PARAMETER,
    OpenApiParameter("stream", OpenApiTypes.STR, description="Mã dòng vốn; mặc định mọi dòng vốn của cấp đã chọn."),
    SOURCE_PARAMETER,
]


@extend_schema(
    tags=["Xuất dữ liệu"],
    parameters=EXPORT_PARAMETERS,
    responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="Bảng xếp hạng (Excel).")},
)
class RankingWorkbookView(ExportBase):
    """Bảng xếp hạng của một kỳ dưới dạng tệp Excel."""

    content_type = XLSX
    extension = "xlsx"

    def content(self, snapshot, query: dict) -> bytes:
        return ranking_workbook(snapshot.pk, **query)


DIALECT_PARAMETER = OpenApiParameter(
    "dialect",
    OpenApiTypes.STR,
    enum=list(DIALECTS),
    description=(
        "machine (mặc định): dấu phẩy giữa các cột, dấu chấm thập phân, ngày YYYY-MM-DD; "
        "excel: dấu chấm phẩy giữa các cột, dấu phẩy thập phân, ngày dd/mm/yyyy, mở đúng bằng Excel tiếng Việt. "
        "Số tiền (triệu đồng) và tỷ lệ (%) là số, không có dấu phân cách hàng nghìn."
    ),
)


@extend_schema(
    tags=["Xuất dữ liệu"],
    parameters=[*EXPORT_PARAMETERS, DIALECT_PARAMETER],
    responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="Bảng xếp hạng (CSV, UTF-8).")},
)
class RankingCsvView(ExportBase):
    """Bảng xếp hạng của một kỳ dưới dạng CSV."""

    content_type = "text/csv; charset=utf-8"
    extension = "csv"

    def export_query(self) -> dict:
        dialect = self.request.query_params.get("dialect") or MACHINE.code
        if dialect not in DIALECTS:
            raise ValidationError({"dialect": [f"Chọn một trong: {', '.join(DIALECTS)}."]})
        return {**super().export_query(), "dialect": dialect}

    def content(self, snapshot, query: dict) -> bytes:
        return ranking_csv(snapshot.pk, **query)
