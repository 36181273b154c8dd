# The number sequences of petitions, disputes and cases, now owned by core
# (core.numbering). The table was created by petitions 0001 and keeps its name.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_calendarfingerprint"),
        ("petitions", "0009_numbersequence_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="NumberSequence",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("prefix", models.CharField(max_length=40, unique=True)),
                        ("last", models.PositiveIntegerField(default=0)),
                    ],
                    options={"db_table": "petitions_numbersequence"},
                )
            ],
            database_operations=[],
        )
    ]
