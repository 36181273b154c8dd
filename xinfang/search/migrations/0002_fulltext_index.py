"""The database's full-text index over SearchEntry.tokens, for the database in use.

SQLite: an FTS5 table with external content (the entry table), kept by three
triggers, so the index changes in the statement that changes the row.
PostgreSQL: a stored generated tsvector column ('simple' configuration: the
tokens are already segmented by jieba) and a GIN index over it; no extension.
Also the first synonym groups (an administrator edits them in the admin)."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "tokens, content='search_searchentry', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
]
SQLITE_BACK = [
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES = [
    "ALTER TABLE search_searchentry ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, tokens)) STORED",
    "CREATE INDEX search_entry_tsv ON search_searchentry USING GIN (tsv)",
]
POSTGRES_BACK = [
    "DROP INDEX IF EXISTS search_entry_tsv",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS tsv",
]

SYNONYMS = [
    "拖欠工资 欠薪 讨薪 拖欠薪资 欠工资 工资拖欠 拖欠工钱",
    "农民工 务工人员 外来务工人员",
    "拆迁 房屋征收",
    "征地 土地征收 征收土地",
    "物业费 物业服务费",
    "低保 最低生活保障",
    "养老金 退休金 养老保险金",
    "噪音 噪声",
    "违建 违章建筑 违法建设",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


def seed_synonyms(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for words in SYNONYMS:
        Synonym.objects.get_or_create(words=words)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_BACK, "postgresql": POSTGRES_BACK}),
        ),
        migrations.RunPython(seed_synonyms, migrations.RunPython.noop),
    ]
