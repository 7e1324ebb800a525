"""Budget sources and capital streams, as the reports name them."""

from django.db import migrations

SOURCES = [
    ("nstw", "Ngân sách trung ương", "NSTW", 1),
    ("nsdp", "Ngân sách địa phương", "NSĐP", 2),
    ("other", "Nguồn khác", "Khác", 3),
    ("unsplit", "Chưa tách nguồn", "Tổng", 9),
]

STREAMS = [
    (
        "city_assigned",
        "Dự án do Ủy ban nhân dân thành phố giao kế hoạch vốn",
        "investor",
        False,
        "ủy ban nhân dân thành phố giao;ubnd thành phố giao;thành phố giao kế hoạch vốn;dự án do",
        1,
    ),
    (
        "district_transfer",
        "Vốn bổ sung có mục tiêu, vốn phân cấp cho các quận, huyện",
        "district",
        False,
        "bổ sung có mục tiêu;phân cấp cho;cho các quận, huyện;cho quận, huyện",
        2,
    ),
    ("new_rural", "Vốn xây dựng nông thôn mới", "district", True, "nông thôn mới;ntm", 3),
    ("other", "Vốn khác", "investor", False, "khác", 4),
]


def forwards(apps, schema_editor):
    BudgetSource = apps.get_model("disbursement", "BudgetSource")
    CapitalStream = apps.get_model("disbursement", "CapitalStream")
    for code, name, short, order in SOURCES:
        BudgetSource.objects.update_or_create(code=code, defaults={"name": name, "short_name": short, "order": order})
    for code, name, level, rural, keywords, order in STREAMS:
        CapitalStream.objects.update_or_create(
            code=code,
            defaults={"name": name, "unit_level": level, "rural_only": rural, "keywords": keywords, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("disbursement", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
