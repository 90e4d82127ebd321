"""Data for 0002: objections answered before outcomes existed did not stop signing, so they were
dismissed (驳回); each correction of a settlement corrects the version before it."""

from django.db import migrations


def forwards(apps, schema_editor):
    Objection = apps.get_model("agreements", "Objection")
    Settlement = apps.get_model("agreements", "Settlement")
    Objection.objects.filter(answered_at__isnull=False, outcome="").update(outcome="dismissed")
    for row in Settlement.objects.filter(version__gt=1, corrects__isnull=True).order_by("id"):
        previous = Settlement.objects.filter(
            agreement_id=row.agreement_id, year=row.year, version=row.version - 1
        ).first()
        if previous is not None:
            row.corrects = previous
            row.save(update_fields=["corrects"])


def backwards(apps, schema_editor):
    Objection = apps.get_model("agreements", "Objection")
    Settlement = apps.get_model("agreements", "Settlement")
    Settlement.objects.update(corrects=None)
    Objection.objects.update(outcome="")


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_agreement_backfill_objection_outcome_settlement_corrects")]

    operations = [migrations.RunPython(forwards, backwards)]
