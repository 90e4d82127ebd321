"""Notice resources store their unit as the resource ledger's codes (mu, m2) plus item, not as
Chinese words: the data migration rewrites existing rows, and back."""

from django.db import migrations, models

FORWARD = {"亩": "mu", "平方米": "m2", "项": "item"}
BACKWARD = {code: word for word, code in FORWARD.items()}


def _rewrite(apps, mapping):
    NoticeResource = apps.get_model("recruitment", "NoticeResource")
    for old, new in mapping.items():
        NoticeResource.objects.filter(unit=old).update(unit=new)


def forward(apps, schema_editor):
    _rewrite(apps, FORWARD)


def backward(apps, schema_editor):
    _rewrite(apps, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="noticeresource",
            name="unit",
            field=models.CharField(
                choices=[("mu", "亩"), ("m2", "平方米"), ("item", "项")],
                default="mu",
                max_length=6,
                verbose_name="单位",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
