"""Files received and, for a date, who has reported, from which file, and who has not."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.views import APIView

from disbursement.api.base import SNAPSHOT_PARAMETERS, ApiMixin, DataBoundListMixin, SnapshotQueryMixin
from disbursement.api.conditional import conditional_response
from disbursement.api.serializers import UnitSerializer, source_file_data, unit_data
from disbursement.figures.coverage import coverage
from disbursement.models import Submission


class SubmissionSerializer(serializers.ModelSerializer):
    streams = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    sources = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    snapshot = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="Kỳ số liệu (phiên bản của ngày) mà tệp này tạo ra."
    )

    class Meta:
        model = Submission
        fields = [
            "id",
            "year",
            "as_of",
            "sender",
            "file_name",
            "imported_at",
            "snapshot",
            "states_city",
            "streams",
            "sources",
            "units",
        ]


class FileReference(serializers.Serializer):
    id = serializers.IntegerField()
    file_name = serializers.CharField()
    sender = serializers.CharField()
    imported_at = serializers.DateTimeField()


class UnitCoverageSerializer(serializers.Serializer):
    unit = UnitSerializer()
    status = serializers.ChoiceField(
        choices=["reported", "carried", "not_reported"],
        help_text="reported: có số liệu đến ngày của kỳ; carried: dùng số liệu báo cáo trước (ngày ghi ở "
        "reported_on); not_reported: chưa báo cáo trong năm (không có số liệu, không phải 0).",
    )
    reported_on = serializers.DateField(allow_null=True)
    disbursed = serializers.IntegerField(allow_null=True, help_text="Lũy kế giải ngân (đồng); null khi chưa báo cáo.")
    source_file = FileReference(allow_null=True)


class StreamCoverageSerializer(serializers.Serializer):
    stream = serializers.CharField()
    stream_name = serializers.CharField()
    units_total = serializers.IntegerField()
    units_reported = serializers.IntegerField()
    units_carried = serializers.IntegerField()
    units_not_reported = serializers.IntegerField()
    units = UnitCoverageSerializer(many=True)


class CoverageSerializer(serializers.Serializer):
    snapshot = serializers.IntegerField()
    year = serializers.IntegerField()
    as_of = serializers.DateField()
    city_summary = FileReference(allow_null=True, help_text="Báo cáo tổng hợp toàn thành phố của ngày, nếu có.")
    city_is_partial = serializers.BooleanField(
        help_text="true: chưa có báo cáo tổng hợp; số liệu toàn thành phố là tổng các báo cáo đã nhận."
    )
    submissions = SubmissionSerializer(many=True)
    streams = StreamCoverageSerializer(many=True)


def _file(submission: Submission | None) -> dict | None:
    if submission is None:
        return None
    return {"id": submission.id, **source_file_data(submission)}


def coverage_data(snapshot) -> dict:
    data = coverage(snapshot)
    streams = []
    for item in data.streams:
        units = []
        for unit in item.units:
            figure = unit.figure
            units.append(
                {
                    "unit": unit_data(figure),
                    "status": unit.status,
                    "reported_on": figure.reported_on,
                    "disbursed": figure.disbursed,
                    "source_file": _file(figure.submission),
                }
            )
        streams.append(
            {
                "stream": item.stream.code,
                "stream_name": item.stream.name,
                "units_total": len(item.units),
                "units_reported": item.reported,
                "units_carried": item.carried,
                "units_not_reported": item.not_reported,
                "units": units,
            }
        )
    return {
        "snapshot": snapshot.id,
        "year": snapshot.year,
        "as_of": snapshot.as_of,
        "city_summary": _file(data.city_summary),
        "city_is_partial": data.city_is_partial,
        "submissions": data.submissions,
        "streams": streams,
    }


class SubmissionViewSet(ApiMixin, DataBoundListMixin, viewsets.ReadOnlyModelViewSet):
    """Các tệp (báo cáo) đã nhận: mỗi tệp chỉ thay phần số liệu nó có cho ngày của nó."""

    serializer_class = SubmissionSerializer
    queryset = Submission.objects.prefetch_related("streams", "sources").order_by("-as_of", "-imported_at", "-id")
    filterset_fields = ["year", "as_of", "states_city"]


class CoverageView(ApiMixin, SnapshotQueryMixin, APIView):
    """Tình trạng báo cáo của một ngày: tệp đã nhận, đơn vị đã báo cáo, dùng số liệu trước, chưa báo cáo."""

    @extend_schema(parameters=SNAPSHOT_PARAMETERS, responses=CoverageSerializer, summary="Tình trạng báo cáo")
    def get(self, request):
        return conditional_response(
            request,
            self.get_snapshot_stamp(),
            lambda: CoverageSerializer(coverage_data(self.get_snapshot())).data,
        )
