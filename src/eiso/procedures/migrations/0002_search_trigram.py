"""PostgreSQL: a trigram index on the procedures' folded search text, so "contains every word" uses an
index instead of scanning the catalogue (32 ms → 2 ms at 20,000 procedures; docs/benchmarks.md).

SQLite scans the column; the catalogue is small enough for that (same document).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS procedure_search_trgm "
        "ON procedures_procedure USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS procedure_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
