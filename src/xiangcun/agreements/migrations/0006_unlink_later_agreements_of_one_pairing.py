"""Before a pairing may lead to one agreement only (0007): where a pairing already led to several
(the drafting form never refused a second one), the agreement furthest along the workflow keeps
the link — the first drafted among equals — and the others are unlinked, each with a note in its
own history naming the pairing and the agreement that kept it. Nothing else changes; undoing
this migration leaves the links as they are now (the old ones are in the notes)."""

from django.db import migrations

ORDER = ["ended", "in_force", "signed", "publicized", "approved", "draft"]


def unlink_later(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    AgreementEvent = apps.get_model("agreements", "AgreementEvent")
    by_pairing = {}
    for agreement in Agreement.objects.filter(pairing__isnull=False).order_by("id"):
        by_pairing.setdefault(agreement.pairing_id, []).append(agreement)
    for pairing_id, agreements in by_pairing.items():
        if len(agreements) < 2:
            continue
        kept = min(agreements, key=lambda a: (ORDER.index(a.status) if a.status in ORDER else 99, a.id))
        for agreement in agreements:
            if agreement.pk == kept.pk:
                continue
            agreement.pairing_id = None
            agreement.save(update_fields=["pairing"])
            AgreementEvent.objects.create(
                agreement=agreement,
                actor=None,
                from_status=agreement.status,
                to_status=agreement.status,
                note=f"与对接记录 {pairing_id} 的关联已解除：该对接只保留一份协议（合同编号 {kept.code}）",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0005_history_protected"),
    ]

    operations = [migrations.RunPython(unlink_later, migrations.RunPython.noop)]
