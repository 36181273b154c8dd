"""API tokens were rest_framework.authtoken's, stored in clear; they are knox's now
(hashed). The old table goes with every token in it: an old token must not be
readable from a backup, and it no longer logs in anyway."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("knox", "0009_extend_authtoken_field")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
