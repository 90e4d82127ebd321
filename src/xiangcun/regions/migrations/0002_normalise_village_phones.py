"""Villages' contact phones in their normal form (``core.identity.normalise_phone``): ``0635-8231234``,
``13912345678``. A value that is no phone number we recognise is left as it was. Only the rows that
change are written, in batches."""

from django.db import migrations

from xiangcun.core.identity import IdentityError, normalise_phone

BATCH = 2000


def normalise(apps, schema_editor):
    Village = apps.get_model("regions", "Village")
    changed = []
    for village in Village.objects.exclude(contact_phone="").only("pk", "contact_phone").iterator(chunk_size=BATCH):
        try:
            phone = normalise_phone(village.contact_phone)
        except IdentityError:
            continue
        if phone != village.contact_phone:
            village.contact_phone = phone
            changed.append(village)
        if len(changed) >= BATCH:
            Village.objects.bulk_update(changed, ["contact_phone"])
            changed = []
    Village.objects.bulk_update(changed, ["contact_phone"])


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
