"""补录 fields on agreements, the outcome of an objection's answer, the version a settlement corrects
(schema only; filled by 0003, constrained by 0004)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0001_initial'),
        ('matching', '0002_initial'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='agreement',
            name='backfill_reason',
            field=models.CharField(blank=True, max_length=300, verbose_name='补录原因'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='backfilled_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='补录时间'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='backfilled_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='补录人'),
        ),
        migrations.AddField(
            model_name='objection',
            name='outcome',
            field=models.CharField(blank=True, choices=[('dismissed', '驳回'), ('upheld', '成立')], max_length=10, verbose_name='答复结论'),
        ),
        migrations.AddField(
            model_name='settlement',
            name='corrects',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.RESTRICT, related_name='corrected_by', to='agreements.settlement', verbose_name='更正的版本'),
        ),
    ]
