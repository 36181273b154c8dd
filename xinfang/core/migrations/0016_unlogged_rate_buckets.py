from django.db import migrations


def unlogged(apps, schema_editor):
    # The rate-limit counters (core.ratelimit): every public form and look-up
    # writes one, and each write was a commit waiting for the write-ahead log's
    # flush. Losing them in a crash only forgets a few minutes of counting (the
    # cache's table is unlogged for the same reason, 0004); on PostgreSQL only.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_ratebucket SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_ratebucket SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("core", "0015_outbox_and_workers")]

    operations = [migrations.RunPython(unlogged, logged)]
