"""Matching records: the fit weights, county pairing runs, pairings and their audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core.models import BaseModel


class MatchingWeights(BaseModel):
    """The one row of fit weights (``scoring.Weights``) and the pairing threshold, set by the city."""

    values = models.JSONField(_("权重"), default=dict)
    threshold = models.FloatField(_("配对最低匹配度"), default=0.5)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("id",)
        verbose_name = _("匹配权重")
        verbose_name_plural = _("匹配权重")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gte=0, threshold__lte=1), name="weights_threshold_0_1"
            )
        ]


class PairingStatus(models.TextChoices):
    INTENT = "intent", _("意向")
    NEGOTIATING = "negotiating", _("洽谈")
    SIGNED = "signed", _("签约")
    PERFORMING = "performing", _("履约")
    WITHDRAWN = "withdrawn", _("已退出")


ACTIVE_STATUSES = (
    PairingStatus.INTENT,
    PairingStatus.NEGOTIATING,
    PairingStatus.SIGNED,
    PairingStatus.PERFORMING,
)


class PairingOrigin(models.TextChoices):
    PARTNER = "partner", _("合伙人意向")
    OFFICE = "office", _("组织邀请")


class PairingMethod(models.TextChoices):
    MAX_FIT = "max_fit", _("总匹配度最高")
    STABLE = "stable", _("稳定配对")


class PairingRun(BaseModel):
    """A county's pairing proposals, reviewed before invitations: the max-fit pairing (dense
    assignment) and beside it the stable pairing (no pair that both prefer each other to what they
    got), each with its total fit and its number of such blocking pairs; the reviewer sends one."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    threshold = models.FloatField(_("最低匹配度"))
    total_fit = models.FloatField(_("总匹配度"), default=0)
    proposal = models.JSONField(_("配对方案"), default=dict)
    stable_proposal = models.JSONField(_("稳定配对方案"), default=dict, blank=True)
    method = models.CharField(
        _("发出邀请的方案"), max_length=10, choices=PairingMethod.choices, default=PairingMethod.MAX_FIT
    )
    invitations_sent = models.BooleanField(_("已发出邀请"), default=False)

    def proposal_of(self, method: str) -> dict:  # type: ignore[type-arg]
        """The proposal JSON of ``method`` (runs made before the stable option have only max-fit)."""
        return self.stable_proposal if method == PairingMethod.STABLE else self.proposal

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("配对方案")
        verbose_name_plural = _("配对方案")


class Pairing(BaseModel):
    """A notice–partner pairing and its stage: 意向 → 洽谈 → 签约 → 履约, or 已退出."""

    notice = models.ForeignKey("recruitment.Notice", on_delete=models.CASCADE, related_name="pairings")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="pairings")
    status = models.CharField(
        _("阶段"), max_length=12, choices=PairingStatus.choices, default=PairingStatus.INTENT, db_index=True
    )
    origin = models.CharField(_("来源"), max_length=10, choices=PairingOrigin.choices)
    fit = models.FloatField(_("匹配度"), null=True, blank=True)
    run = models.ForeignKey(
        PairingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="pairings"
    )
    withdraw_reason = models.CharField(_("退出理由"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("对接")
        verbose_name_plural = _("对接")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "partner"],
                condition=~models.Q(status="withdrawn"),
                name="pairing_one_active_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | ~models.Q(withdraw_reason=""),
                name="pairing_withdrawal_has_reason",
            ),
        ]


class PairingEvent(BaseModel):
    """An audited step or note of a pairing: stage changes, site visits and meetings (with dates)."""

    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="events")
    # PROTECT both ways: the history of a record is kept with it, and its actors with it (accounts
    # are deactivated, not deleted); ``None`` is the system (e.g. closing expired notices).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(_("原阶段"), max_length=12, choices=PairingStatus.choices, blank=True)
    to_status = models.CharField(_("新阶段"), max_length=12, choices=PairingStatus.choices)
    note = models.TextField(_("记录"), blank=True)
    meeting_date = models.DateField(_("日期"), null=True, blank=True)

    class Meta:
        ordering = ("pairing", "created_at", "id")
        verbose_name = _("对接记录")
        verbose_name_plural = _("对接记录")
