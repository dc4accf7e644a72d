# The economy line now lives in milestones (see milestones' 0003_economyline_from_finance);
# only Django's state changes here, the tables and their data stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("finance", "0002_import_batch"),
        ("milestones", "0003_economyline_from_finance"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="HistoricalEconomyLine"),
                migrations.DeleteModel(name="EconomyLine"),
            ],
        ),
    ]
