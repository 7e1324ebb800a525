"""Reallocation candidates (điều chuyển kế hoạch vốn) of a snapshot and stream."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics

from disbursement.api import serializers as s
from disbursement.api.base import SNAPSHOT_PARAMETERS, ApiMixin, SnapshotQueryMixin, validated
from disbursement.api.conditional import conditional_response
from disbursement.api.views import figure_context
from disbursement.figures.selectors import reallocation_candidates
from disbursement.filtersets import ReallocationFilterSet


@extend_schema(
    tags=["Số liệu"],
    parameters=[
        *SNAPSHOT_PARAMETERS,
        OpenApiParameter("stream", OpenApiTypes.STR, required=True, description="Mã dòng vốn, ví dụ city_assigned."),
    ],
)
class ReallocationView(ApiMixin, SnapshotQueryMixin, generics.GenericAPIView):
    """Đơn vị giải ngân chậm có thể bị điều chuyển kế hoạch vốn, theo một dòng vốn.

    group=slow: đơn vị có cảnh báo chậm và còn vốn chưa giải ngân (amount = số chưa giải ngân);
    group=fast: đơn vị gần hết kế hoạch, có thể nhận thêm vốn (amount = số còn lại của kế hoạch).
    """

    serializer_class = s.CandidateSerializer
    filter_backends: list = []

    def get(self, request):
        stream = validated(ReallocationFilterSet(request.query_params)).form.cleaned_data["stream"]

        def build():
            snapshot = self.get_snapshot()
            context = figure_context(snapshot, self.basis)
            candidates = reallocation_candidates(snapshot, stream)
            # Slow units first (largest undisbursed first), then the units that could take more.
            rows = [("slow", c) for c in candidates.slow] + [("fast", c) for c in candidates.fast]
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(s.CandidateSerializer(page, many=True, context=context).data).data

        return conditional_response(request, self.get_snapshot_stamp(), build)
