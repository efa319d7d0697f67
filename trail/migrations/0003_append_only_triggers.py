"""The trail's tables refuse UPDATE and DELETE in the database itself.

PostgreSQL: a trigger raises on UPDATE or DELETE of an audit entry or a checkpoint. TRUNCATE (used
by `flush` and by the test suite's teardown) does not fire row triggers; removing rows that way is
caught by the signed checkpoints. The chain head stays updatable.

SQLite: the same for UPDATE; DELETE stays possible because `flush` empties tables with DELETE.
"""

from django.db import migrations

TABLES = ("trail_auditentry", "trail_checkpoint")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION trail_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION trail_append_only()"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: UPDATE on {table} refused'); END"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS trail_append_only()")
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")


class Migration(migrations.Migration):

    dependencies = [
        ("trail", "0002_checkpoint"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
