"""A round's selection mode (DESIGN.md §3.3) and the other mode's result beside it.

Every round stored before this migration was selected by the exact optimum, and its 公示 said so:
those rows get ``mode = max_total_score`` (the column is added with that default), so what they
store and published stays true. Rounds created from now on default to ``rank_order``. The old
``greedy_score`` was the total of walking the ranking — the rank-order total — which for those
rounds is the other mode's total: it is renamed, not dropped. Migration 0003 fills in which
applications rank order funds in them.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0001_initial"),
    ]

    operations = [
        # Existing rows: the optimum they were selected by.
        migrations.AddField(
            model_name="fundinground",
            name="mode",
            field=models.CharField(
                choices=[
                    ("rank_order", "按得分排序择优（预算内依次支持）"),
                    ("max_total_score", "总分最优（预算内总分最高的项目组合）"),
                ],
                default="max_total_score",
                max_length=20,
                verbose_name="遴选方式",
            ),
        ),
        # New rounds: rank order.
        migrations.AlterField(
            model_name="fundinground",
            name="mode",
            field=models.CharField(
                choices=[
                    ("rank_order", "按得分排序择优（预算内依次支持）"),
                    ("max_total_score", "总分最优（预算内总分最高的项目组合）"),
                ],
                default="rank_order",
                max_length=20,
                verbose_name="遴选方式",
            ),
        ),
        migrations.RenameField(model_name="fundinground", old_name="greedy_score", new_name="other_total_score"),
        migrations.AlterField(
            model_name="fundinground",
            name="other_total_score",
            field=models.DecimalField(
                blank=True, decimal_places=4, max_digits=12, null=True, verbose_name="另一方案总分"
            ),
        ),
        migrations.AddField(
            model_name="fundinground",
            name="other_total_requested",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=16,
                null=True,
                verbose_name="另一方案申请金额合计（元）",
            ),
        ),
        migrations.AddField(
            model_name="fundingapplication",
            name="other_selected",
            field=models.BooleanField(blank=True, null=True, verbose_name="另一方案中获支持"),
        ),
        migrations.AlterField(
            model_name="fundingapplication",
            name="selected",
            field=models.BooleanField(default=False, verbose_name="获支持"),
        ),
        migrations.AlterField(
            model_name="fundinground",
            name="total_requested",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=16,
                null=True,
                verbose_name="获支持项目申请金额合计（元）",
            ),
        ),
        migrations.AlterField(
            model_name="fundinground",
            name="total_score",
            field=models.DecimalField(
                blank=True, decimal_places=4, max_digits=12, null=True, verbose_name="获支持项目总分"
            ),
        ),
    ]
