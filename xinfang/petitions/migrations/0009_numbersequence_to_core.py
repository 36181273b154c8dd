# The number sequences moved to core (core.numbering): the table stays, only
# Django's idea of which app owns the model changes.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("petitions", "0008_review_chain_and_returns")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="NumberSequence")],
            database_operations=[],
        )
    ]
