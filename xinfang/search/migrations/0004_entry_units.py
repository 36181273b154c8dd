"""A matter's reach units on its search entry (SearchEntry.units), filled for the
entries there are, and on PostgreSQL a GIN index over them: a search cuts with
them first (engine.py), then applies the lists' visibility."""

from django.db import migrations, models

# The reach units of petitions.permissions.reach_unit_ids: the six scope fields
# and the assisting units, as sorted strings.
FILL_POSTGRES = """
UPDATE search_searchentry e SET units = k.units
FROM (
    SELECT p.id, to_jsonb(ARRAY(
        SELECT DISTINCT u::text FROM unnest(
            ARRAY[p.place_id, p.registering_unit_id, p.office_id, p.responsible_unit_id,
                  p.review_unit_id, p.re_review_unit_id]
            || ARRAY(SELECT a.unit_id FROM petitions_petition_assisting_units a
                     WHERE a.petition_id = p.id)
        ) u WHERE u IS NOT NULL ORDER BY 1
    )) AS units
    FROM petitions_petition p
) k
WHERE e.kind = 'petition' AND e.object_id = k.id
"""


# SQLite adds the column by making the table again, which drops its triggers:
# those of 0002, which keep the FTS5 table, are made again (and the FTS5 table
# rebuilt from the rows, as they were copied).
SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS search_entry_ai AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS search_entry_ad AFTER DELETE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS search_entry_au AFTER UPDATE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_POSTGRES)
        schema_editor.execute(
            "CREATE INDEX search_entry_units_tsv ON search_searchentry USING GIN (units, tsv)"
        )
        return
    SearchEntry = apps.get_model("search", "SearchEntry")
    Petition = apps.get_model("petitions", "Petition")
    fields = ("place", "registering_unit", "office", "responsible_unit", "review_unit")
    fields += ("re_review_unit",)
    entries = SearchEntry.objects.filter(kind="petition")
    for entry in entries.iterator(chunk_size=500):
        p = Petition.objects.filter(pk=entry.object_id).first()
        if p is None:
            continue
        ids = {getattr(p, f"{name}_id") for name in fields}
        ids |= set(p.assisting_units.values_list("pk", flat=True))
        ids.discard(None)
        entry.units = sorted(str(u) for u in ids)
        entry.save(update_fields=["units"])


def triggers(apps, schema_editor):
    """Backwards, after the column is gone (the table made again once more)."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_units_tsv")


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0012_forward_assignment"),
        ("search", "0003_routing_model"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, triggers),
        migrations.AddField(
            model_name="searchentry",
            name="units",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(fill, unfill),
    ]
