from django.db import migrations


def default_row(apps, schema_editor):
    """The wording of the 'units change' section, editable in the admin like the other sections."""
    from disbursement.report.wording import DEFAULTS

    title, body = DEFAULTS["units_change"]
    apps.get_model("disbursement", "ReportTemplate").objects.get_or_create(
        section="units_change", stream=None, defaults={"title": title, "body": body}
    )


def remove_default_row(apps, schema_editor):
    apps.get_model("disbursement", "ReportTemplate").objects.filter(section="units_change").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("disbursement", "0011_comparison_basis_and_units_change"),
    ]

    operations = [
        migrations.RunPython(default_row, remove_default_row),
    ]
