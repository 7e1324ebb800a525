"""Flags keep one row per episode: the last date a flag was seen, and its history (FlagEvent).

Existing flags are seen until the last current snapshot before they cleared (or the latest one while
open), and their history starts with the figure they were raised with. The next computation brings
their figure and text up to date.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_last_seen_and_history(apps, schema_editor):
    Flag = apps.get_model("disbursement", "Flag")
    FlagEvent = apps.get_model("disbursement", "FlagEvent")
    Snapshot = apps.get_model("disbursement", "Snapshot")
    dates: dict[int, list[tuple]] = {}
    for year, as_of, snapshot_id in (
        Snapshot.objects.filter(is_current=True).order_by("as_of").values_list("year", "as_of", "id")
    ):
        dates.setdefault(year, []).append((as_of, snapshot_id))
    events = []
    for flag in Flag.objects.all().iterator():
        seen = [
            (as_of, snapshot_id)
            for as_of, snapshot_id in dates.get(flag.year, [])
            if flag.raised_on <= as_of and (flag.cleared_on is None or as_of < flag.cleared_on)
        ]
        flag.last_seen_on, flag.last_seen_snapshot_id = seen[-1] if seen else (flag.raised_on, flag.raised_snapshot_id)
        flag.save(update_fields=["last_seen_on", "last_seen_snapshot"])
        events.append(
            FlagEvent(
                flag=flag, on=flag.raised_on, snapshot_id=flag.raised_snapshot_id, value=flag.value, reason=flag.reason
            )
        )
    FlagEvent.objects.bulk_create(events, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("disbursement", "0008_submissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="flag",
            name="last_seen_snapshot",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="disbursement.snapshot",
                verbose_name="kỳ gần nhất còn cảnh báo",
            ),
        ),
        migrations.AddField(
            model_name="flag",
            name="last_seen_on",
            field=models.DateField(null=True, verbose_name="còn cảnh báo đến ngày"),
        ),
        migrations.CreateModel(
            name="FlagEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("on", models.DateField(verbose_name="số liệu đến ngày")),
                (
                    "value",
                    models.DecimalField(blank=True, decimal_places=6, max_digits=24, null=True, verbose_name="số liệu"),
                ),
                ("reason", models.TextField(verbose_name="lý do")),
                (
                    "flag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="disbursement.flag",
                        verbose_name="cảnh báo",
                    ),
                ),
                (
                    "snapshot",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="disbursement.snapshot",
                        verbose_name="kỳ số liệu",
                    ),
                ),
            ],
            options={
                "verbose_name": "diễn biến cảnh báo",
                "verbose_name_plural": "diễn biến cảnh báo",
                "ordering": ["flag", "on"],
                "constraints": [models.UniqueConstraint(fields=("flag", "on"), name="flag_event_unique_date")],
            },
        ),
        migrations.RunPython(fill_last_seen_and_history, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="flag",
            name="last_seen_on",
            field=models.DateField(verbose_name="còn cảnh báo đến ngày"),
        ),
        migrations.AddConstraint(
            model_name="flag",
            constraint=models.CheckConstraint(
                condition=models.Q(("last_seen_on__gte", models.F("raised_on"))), name="flag_seen_from_raised"
            ),
        ),
        migrations.AddConstraint(
            model_name="flag",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("cleared_on__isnull", True), ("cleared_on__gt", models.F("last_seen_on")), _connector="OR"
                ),
                name="flag_cleared_after_seen",
            ),
        ),
    ]
