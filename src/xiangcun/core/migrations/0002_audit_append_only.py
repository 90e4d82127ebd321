"""The database refuses to change the audit log: on PostgreSQL a trigger refuses UPDATE and DELETE
(TRUNCATE, used only by the test-suite's flush, is a separate statement the trigger does not cover);
on SQLite a trigger refuses UPDATE (DELETE stays for the test-suite's flush; a deleted entry shows
as a gap that ``audit verify`` names)."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION core_auditentry_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_refuse();
"""
SQLITE_FORWARD = """
CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only (UPDATE refused)'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS core_auditentry_no_update;"


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    sql = {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(schema_editor.connection.vendor)
    if sql:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    sql = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(schema_editor.connection.vendor)
    if sql:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_audit_log")]

    operations = [migrations.RunPython(forward, backward)]
