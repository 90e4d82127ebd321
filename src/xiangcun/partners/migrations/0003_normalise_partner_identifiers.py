"""Stored phone numbers in their normal form (full-width digits, spaces, hyphens, +86 removed:
``core.identity.normalise_phone``) and ID numbers trimmed and upper-cased, before 0004 makes both
unique. A value that is no phone number we recognise is left as it was (the next edit of the profile
asks for a valid one). Duplicates found after normalising stop the migration with their ids: they
must be resolved by hand (which profile keeps the number), never silently.

It reads and writes only the rows that change, in batches, so it stays cheap at province scale.
"""

from collections import defaultdict

from django.db import migrations

from xiangcun.core.identity import IdentityError, normalise_id_number, normalise_phone

BATCH = 2000


def normalise(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    changed = []
    phones, ids = defaultdict(list), defaultdict(list)
    rows = Partner.objects.exclude(phone="", id_number="").only("pk", "phone", "id_number")
    for partner in rows.iterator(chunk_size=BATCH):
        phone, id_number = partner.phone, normalise_id_number(partner.id_number)
        try:
            phone = normalise_phone(partner.phone)
        except IdentityError:
            pass
        if (phone, id_number) != (partner.phone, partner.id_number):
            partner.phone, partner.id_number = phone, id_number
            changed.append(partner)
        if phone:
            phones[phone].append(partner.pk)
        if id_number:
            ids[id_number].append(partner.pk)
        if len(changed) >= BATCH:
            Partner.objects.bulk_update(changed, ["phone", "id_number"])
            changed = []
    duplicates = [
        f"{label} {value}: {pks}"
        for label, seen in (("phone", phones), ("id_number", ids))
        for value, pks in seen.items()
        if len(pks) > 1
    ]
    if duplicates:
        raise RuntimeError(
            "Partners share a phone or ID number; resolve before migrating (0004 makes them unique): "
            + "; ".join(duplicates[:20])
        )
    Partner.objects.bulk_update(changed, ["phone", "id_number"])


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_partner_title_and_talent")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
