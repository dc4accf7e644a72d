# The moved economy line's tables get the names of their new app, and the content types (to
# which permissions and admin log entries refer) follow the model, so nothing is lost.

from django.db import migrations

MOVED = ["economyline", "historicaleconomyline"]


def move_content_types(apps, schema_editor, source="finance", target="milestones"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        if ContentType.objects.filter(app_label=target, model=model).exists():
            # Created by an earlier migrate run; the old one carries the permissions and log.
            ContentType.objects.filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="milestones", target="finance")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("finance", "0003_economyline_to_milestones"),
        ("milestones", "0003_economyline_from_finance"),
    ]

    operations = [
        migrations.AlterModelTable(name="economyline", table=None),
        migrations.AlterModelTable(name="historicaleconomyline", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
