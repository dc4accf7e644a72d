# The economy line belongs to the round (locked and versioned with it), so the model moves from
# finance to milestones. This migration only tells Django's state that the model (and its
# history) now lives here; the tables and their data stay as they are. finance's
# 0003_economyline_to_milestones removes the model from finance's state, and
# 0004_economyline_tables renames the tables.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

SMILEYS = [
    ("green", "Grøn"),
    ("yellow", "Gul"),
    ("red", "Rød"),
    ("not_assessed", "Ikke vurderet"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("agreements", "0001_initial"),
        ("finance", "0002_import_batch"),
        ("milestones", "0002_frozen_report"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="HistoricalEconomyLine",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("text", models.TextField(blank=True, max_length=4000, verbose_name="økonomi")),
                        ("smiley", models.CharField(choices=SMILEYS, default="not_assessed", max_length=20, verbose_name="smiley")),
                        ("status_text", models.TextField(blank=True, max_length=4000, verbose_name="status")),
                        ("version", models.PositiveIntegerField(default=1, verbose_name="version")),
                        ("updated_at", models.DateTimeField(blank=True, editable=False, verbose_name="ændret")),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        ("history_type", models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1)),
                        ("history_user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("initiative", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="agreements.initiative", verbose_name="indsats")),
                        ("round", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="milestones.followupround", verbose_name="opfølgning")),
                        ("updated_by", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="ændret af")),
                    ],
                    options={
                        "verbose_name": "historik for økonomilinje",
                        "verbose_name_plural": "historical økonomilinjer",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                        "db_table": "finance_historicaleconomyline",
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="EconomyLine",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("text", models.TextField(blank=True, max_length=4000, verbose_name="økonomi")),
                        ("smiley", models.CharField(choices=SMILEYS, default="not_assessed", max_length=20, verbose_name="smiley")),
                        ("status_text", models.TextField(blank=True, max_length=4000, verbose_name="status")),
                        ("version", models.PositiveIntegerField(default=1, verbose_name="version")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="ændret")),
                        ("initiative", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="economy_lines", to="agreements.initiative", verbose_name="indsats")),
                        ("round", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="economy_lines", to="milestones.followupround", verbose_name="opfølgning")),
                        ("updated_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="ændret af")),
                    ],
                    options={
                        "verbose_name": "økonomilinje",
                        "verbose_name_plural": "økonomilinjer",
                        "ordering": ["round", "initiative"],
                        "db_table": "finance_economyline",
                        "constraints": [
                            models.UniqueConstraint(fields=("initiative", "round"), name="economy_line_unique"),
                            models.CheckConstraint(condition=models.Q(("smiley__in", ["green", "red", "not_assessed"])), name="economy_line_smiley_valid"),
                        ],
                    },
                ),
            ],
        ),
    ]
