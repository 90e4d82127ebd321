"""Stored phone numbers in their normal form (full-width digits, spaces, hyphens, +86 removed:
``core.identity.normalise_phone``) and ID numbers trimmed and upper-cased, before 0004 makes both
unique. A value that is no phone number we recognise is left as it was (the next edit of the profile
asks for a valid one). Among synthetic demo profiles (``is_demo``, random numbers that may repeat at
province scale) a repeated number is blanked on all but the first. Any other duplicate stops the
migration with the ids: it must be resolved by hand (which profile keeps the number), never silently.

It reads and writes only the rows that change, in batches, so it stays cheap at province scale.
"""

from collections import defaultdict

from django.db import migrations

from xiangcun.core.identity import IdentityError, normalise_id_number, normalise_phone

BATCH = 2000


def normalise(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    changed = []
    seen = {"phone": defaultdict(list), "id_number": defaultdict(list)}  # value -> [(pk, is_demo)]
    rows = Partner.objects.exclude(phone="", id_number="").only("pk", "phone", "id_number", "is_demo")
    for partner in rows.order_by("pk").iterator(chunk_size=BATCH):
        phone, id_number = partner.phone, normalise_id_number(partner.id_number)
        try:
            phone = normalise_phone(partner.phone)
        except IdentityError:
            pass
        if (phone, id_number) != (partner.phone, partner.id_number):
            partner.phone, partner.id_number = phone, id_number
            changed.append(partner)
        for field, value in (("phone", phone), ("id_number", id_number)):
            if value:
                seen[field][value].append((partner.pk, partner.is_demo))
        if len(changed) >= BATCH:
            Partner.objects.bulk_update(changed, ["phone", "id_number"])
            changed = []
    Partner.objects.bulk_update(changed, ["phone", "id_number"])
    duplicates, blank = [], {"phone": [], "id_number": []}
    for field, values in seen.items():
        for value, rows_with in values.items():
            if len(rows_with) < 2:
                continue
            if all(is_demo for _, is_demo in rows_with[1:]):
                blank[field] += [pk for pk, _ in rows_with[1:]]
            else:
                duplicates.append(f"{field} {value}: {[pk for pk, _ in rows_with]}")
    if duplicates:
        raise RuntimeError(
            "Partners share a phone or ID number; resolve before migrating (0004 makes them unique): "
            + "; ".join(duplicates[:20])
        )
    for field, pks in blank.items():
        for start in range(0, len(pks), BATCH):
            Partner.objects.filter(pk__in=pks[start : start + BATCH]).update(**{field: ""})


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_partner_title_and_talent")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
