"""Funding rounds (择优遴选): a round with budget, weights, a minimum score and its selection mode;
applications from agreements in force with their verified outcome figures; the stored selection in
the round's mode (what its 公示 shows) and, beside it, the other mode's for the officials' analysis
(DESIGN.md §3.3)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core.models import BaseModel

ZERO = Decimal("0")


class SelectionMode(models.TextChoices):
    """The two modes of ``selection.Mode``, with the sentence the 公示 states."""

    RANK_ORDER = "rank_order", _("按得分排序择优（预算内依次支持）")
    MAX_TOTAL_SCORE = "max_total_score", _("总分最优（预算内总分最高的项目组合）")


# The mode's name in a comparison ("另一方案（总分最优）…").
MODE_SHORT = {SelectionMode.RANK_ORDER: _("按得分排序"), SelectionMode.MAX_TOTAL_SCORE: _("总分最优")}


class RoundStatus(models.TextChoices):
    OPEN = "open", _("受理申报")
    SELECTED = "selected", _("已评审遴选")
    PUBLISHED = "published", _("已公示")


class FundingRound(BaseModel):
    """A city funding round. ``weights`` maps the five criteria of §3.3 to weights summing to 1."""

    name = models.CharField(_("批次名称"), max_length=120)
    year = models.PositiveSmallIntegerField(_("年度"))
    budget = models.DecimalField(
        _("资金总额（元）"), max_digits=16, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    weights = models.JSONField(_("评审权重"))
    min_score = models.DecimalField(
        _("最低分"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(100))],
    )
    mode = models.CharField(
        _("遴选方式"), max_length=20, choices=SelectionMode.choices, default=SelectionMode.RANK_ORDER
    )
    opens_on = models.DateField(_("申报开始"))
    closes_on = models.DateField(_("申报截止"))
    status = models.CharField(
        _("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN, db_index=True
    )
    selected_at = models.DateTimeField(_("遴选时间"), null=True, blank=True)
    # The selection in the round's mode (published) and in the other mode (the officials' analysis).
    total_requested = models.DecimalField(
        _("获支持项目申请金额合计（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    total_score = models.DecimalField(
        _("获支持项目总分"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    other_total_requested = models.DecimalField(
        _("另一方案申请金额合计（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    other_total_score = models.DecimalField(
        _("另一方案总分"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示截止"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ("-year", "-created_at")
        verbose_name = _("遴选批次")
        verbose_name_plural = _("遴选批次")
        constraints = [
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="round_budget_ge_0"),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="round_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FundingApplication(BaseModel):
    """An application of one agreement in force, with its outcome figures (yuan; social_benefit a
    0–100 review score) and, after selection, its score, rank and outcome with the reason."""

    round = models.ForeignKey(FundingRound, on_delete=models.CASCADE, related_name="applications")
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="funding_applications"
    )
    requested = models.DecimalField(
        _("申请金额（元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    investment = models.DecimalField(
        _("实际投资（元）"), max_digits=16, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    profit_tax = models.DecimalField(
        _("利税（元）"), max_digits=16, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    social_benefit = models.DecimalField(
        _("社会效益评审分"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(100))],
    )
    farmer_income_increase = models.DecimalField(
        _("带动农民增收（元）"), max_digits=16, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    collective_income_increase = models.DecimalField(
        _("村集体增收（元）"), max_digits=16, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    verified = models.BooleanField(_("数据已核实"), default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=8, decimal_places=4, null=True, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    selected = models.BooleanField(_("获支持"), default=False)
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    other_selected = models.BooleanField(_("另一方案中获支持"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("round", "rank", "id")
        verbose_name = _("遴选申报")
        verbose_name_plural = _("遴选申报")
        constraints = [
            models.UniqueConstraint(fields=["round", "agreement"], name="application_once_per_round"),
            models.CheckConstraint(
                condition=models.Q(social_benefit__gte=0, social_benefit__lte=100),
                name="application_social_benefit_0_100",
            ),
        ]
