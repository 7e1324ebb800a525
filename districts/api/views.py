from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from districts.api.serializers import DistrictSerializer
from districts.filtersets import DistrictFilterSet
from districts.models import District


@extend_schema(tags=["Danh mục"])
class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    """Quận, huyện với thời gian hiệu lực, đơn vị kế thừa và các tên gọi khác."""

    queryset = District.objects.select_related("successor", "parent").prefetch_related("aliases")
    serializer_class = DistrictSerializer
    filterset_class = DistrictFilterSet
    ordering_fields = ["order", "name", "code", "valid_from", "id"]
    ordering = ["order", "name"]
    lookup_value_regex = r"[0-9]{1,9}"
