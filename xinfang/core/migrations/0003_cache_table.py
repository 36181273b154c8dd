from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # The shared cache (rate limits) lives in the database by default; the table
    # is made here so that `migrate` is the only set-up step.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendaryear_calendarday_and_more")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
