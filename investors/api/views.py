from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from investors.api.serializers import InvestorSerializer
from investors.filtersets import InvestorFilterSet
from investors.models import Investor


@extend_schema(tags=["Danh mục"])
class InvestorViewSet(viewsets.ReadOnlyModelViewSet):
    """Chủ đầu tư: sở, ngành, ban quản lý dự án, UBND quận, huyện."""

    queryset = Investor.objects.select_related("district").prefetch_related("aliases")
    serializer_class = InvestorSerializer
    filterset_class = InvestorFilterSet
    ordering_fields = ["name", "code", "kind", "id"]
    ordering = ["name"]
    lookup_value_regex = r"[0-9]{1,9}"
