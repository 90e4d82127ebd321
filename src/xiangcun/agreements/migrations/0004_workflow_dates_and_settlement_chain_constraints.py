"""Invariants of the workflow: dates in order, 补录 with a reason, an answer with its outcome, a
correction naming the version it corrects."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("agreements", "0003_answered_objections_dismissed_settlement_chain")]

    operations = [
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(('publicity_start__isnull', True), ('objection_deadline__isnull', True), ('objection_deadline__gte', models.F('publicity_start')), _connector='OR'), name='agreement_objections_after_publicity'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(('signed_on__isnull', True), ('objection_deadline__isnull', True), ('signed_on__gt', models.F('objection_deadline')), _connector='OR'), name='agreement_signed_after_objections'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(('in_force_on__isnull', True), ('signed_on__isnull', True), ('in_force_on__gte', models.F('signed_on')), _connector='OR'), name='agreement_in_force_after_signing'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('backfill_reason', ''), ('backfilled_at__isnull', True)), models.Q(('backfilled_at__isnull', False), models.Q(('backfill_reason', ''), _negated=True)), _connector='OR'), name='agreement_backfill_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='objection',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('answered_at__isnull', True), ('outcome', '')), models.Q(('answered_at__isnull', False), ('outcome__in', ['dismissed', 'upheld'])), _connector='OR'), name='objection_answer_has_outcome'),
        ),
        migrations.AddConstraint(
            model_name='settlement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('corrects__isnull', True), ('version', 1)), models.Q(('corrects__isnull', False), ('version__gt', 1)), _connector='OR'), name='settlement_correction_names_version'),
        ),
    ]
