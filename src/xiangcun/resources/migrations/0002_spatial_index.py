"""The spatial index for bbox queries, per vendor (see resources/spatial.py for the choice):
an R-tree virtual table in SQLite, filled from the table; a GiST index on point(lng, lat) in PostgreSQL."""

from django.db import migrations

CREATE = {
    "sqlite": [
        "CREATE VIRTUAL TABLE IF NOT EXISTS resources_resource_rtree USING rtree(id, min_lng, max_lng, min_lat, max_lat)",
        "INSERT OR REPLACE INTO resources_resource_rtree SELECT id, lng, lng, lat, lat FROM resources_resource",
    ],
    "postgresql": [
        "CREATE INDEX IF NOT EXISTS resource_point_gist ON resources_resource USING gist (point(lng, lat))",
    ],
}
DROP = {
    "sqlite": ["DROP TABLE IF EXISTS resources_resource_rtree"],
    "postgresql": ["DROP INDEX IF EXISTS resource_point_gist"],
}


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_resources_photos_imports")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
