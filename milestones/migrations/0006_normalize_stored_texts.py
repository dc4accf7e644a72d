# Data migration: every stored text follows the one text rule (agreements/text.py), so the same
# words are stored in the same bytes whichever path wrote them.

from django.db import migrations

from agreements.text import normalize_stored_texts


def forwards(apps, schema_editor):
    normalize_stored_texts(apps, "milestones")


class Migration(migrations.Migration):

    dependencies = [
        ("milestones", "0005_history_source_text_rule_locked_cascade"),
    ]

    operations = [
        # The old bytes are not kept, so going back leaves the normalised texts as they are.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
