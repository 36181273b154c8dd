from django.db import migrations


def unlogged(apps, schema_editor):
    # The cache holds only rate-limit counters: losing it in a crash is harmless,
    # so on PostgreSQL its writes skip the write-ahead log.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE xinfang_cache SET UNLOGGED")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_cache_table")]

    operations = [migrations.RunPython(unlogged, migrations.RunPython.noop)]
