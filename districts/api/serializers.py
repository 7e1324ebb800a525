from rest_framework import serializers

from districts.models import District, DistrictAlias


class DistrictAliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = DistrictAlias
        fields = ["name"]


class DistrictSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True, help_text="Tên như báo cáo viết, ví dụ 'huyện Kiến Thụy'.")
    successor = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Mã đơn vị nhận toàn bộ đơn vị này (sáp nhập), nếu có."
    )
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Mã đơn vị cấp trên, nếu có.")
    aliases = DistrictAliasSerializer(many=True, read_only=True)

    class Meta:
        model = District
        fields = [
            "id",
            "code",
            "name",
            "display_name",
            "kind",
            "level",
            "parent",
            "valid_from",
            "valid_to",
            "successor",
            "order",
            "aliases",
        ]
