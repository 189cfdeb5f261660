"""On PostgreSQL, compare `Agency.path` bytewise (COLLATE "C").

With a linguistic collation (even C.UTF-8 on PostgreSQL 15) the unique index on `path` cannot serve
a prefix match (`path LIKE '00000001/%'`) nor `ORDER BY path`, which every scoped list uses
(docs/benchmarks.md). Paths are ASCII digits and slashes, so bytewise order is the tree order.
SQLite already compares with BINARY. A later AlterField on `path` would drop the collation: keep
this in mind (see the comment on the field).
"""

from django.db import migrations


def collate_c(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE organizations_agency ALTER COLUMN path TYPE varchar(255) COLLATE "C"')


def default_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE organizations_agency ALTER COLUMN path TYPE varchar(255)")


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(collate_c, default_collation)]
