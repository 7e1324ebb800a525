from rest_framework import serializers

from investors.models import Investor, InvestorAlias


class InvestorAliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvestorAlias
        fields = ["name"]


class InvestorSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True, help_text="Tên dùng trong báo cáo.")
    district = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Mã quận, huyện khi chủ đầu tư là UBND quận, huyện."
    )
    aliases = InvestorAliasSerializer(many=True, read_only=True)

    class Meta:
        model = Investor
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "display_name",
            "kind",
            "district",
            "active",
            "valid_from",
            "valid_to",
            "aliases",
        ]
