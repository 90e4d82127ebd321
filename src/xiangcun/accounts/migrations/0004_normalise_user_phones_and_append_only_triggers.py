"""Users' phone numbers in their normal form (``core.identity.normalise_phone``; unrecognised values
left as they were), and on PostgreSQL a trigger that refuses UPDATE and DELETE on the read log (the ORM
already refuses them: ``accounts.models.AppendOnly``). The consent records have the ORM's guard only:
they go with their account when a synthetic demo account is deleted (real accounts are deactivated)."""

from django.db import migrations

from xiangcun.core.identity import IdentityError, normalise_phone

TABLES = ("accounts_personaldataread",)
FUNCTION = """
CREATE OR REPLACE FUNCTION xiangcun_personal_data_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def normalise(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    changed = []
    for user in User.objects.exclude(phone="").only("pk", "phone").iterator(chunk_size=2000):
        try:
            phone = normalise_phone(user.phone)
        except IdentityError:
            continue
        if phone != user.phone:
            user.phone = phone
            changed.append(user)
    User.objects.bulk_update(changed, ["phone"], batch_size=2000)


def triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # no placeholders: RAISE uses a literal %
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION xiangcun_personal_data_append_only();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_privacy_consent_and_read_log")]

    operations = [
        migrations.RunPython(normalise, migrations.RunPython.noop),
        migrations.RunPython(triggers, drop_triggers),
    ]
