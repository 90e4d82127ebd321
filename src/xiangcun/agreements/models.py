"""Partner agreements (合伙人协议): parties and contributions, the distribution mechanism, the
collective's member share register, labour commitments, the approval → 公示 → signing workflow
with objections, and the annual settlements (immutable versions) with guaranteed payments."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core.models import BaseModel

ZERO = Decimal("0")
code18 = RegexValidator(r"^\d{18}$", "合同编号应为 18 位数字")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("村民代表大会已通过")
    PUBLICIZED = "publicized", _("公示中")
    SIGNED = "signed", _("已签署")
    IN_FORCE = "in_force", _("履行中")
    ENDED = "ended", _("已终止")


class ObjectionOutcome(models.TextChoices):
    """How an objection raised during 公示 was answered: 驳回 (not upheld: the agreement stands) or
    成立 (upheld: the agreement goes back to 草稿, to be corrected, approved and publicised again)."""

    DISMISSED = "dismissed", _("驳回")
    UPHELD = "upheld", _("成立")


class DistributionMode(models.TextChoices):
    ADDITIVE = "additive", _("保底收益 + 按股分红")
    HIGHER_OF = "higher_of", _("保底与分红取高")


class PartyRole(models.TextChoices):
    COLLECTIVE = "collective", _("村集体")
    PARTNER = "partner", _("合伙人")
    OTHER = "other", _("其他出资方")


class ContributionKind(models.TextChoices):
    LAND = "land", _("土地（租金折现）")
    HOUSE = "house", _("房屋（重置成本折旧）")
    APPRAISED = "appraised", _("评估作价资产")
    CASH = "cash", _("现金")
    TECHNOLOGY = "technology", _("技术作价")


class Agreement(BaseModel):
    """One partner agreement between a village collective, one or more partners and others.

    ``code`` is the 18-digit contract number (see ``services.contract_code``): county code (6) +
    year (4) + sequence within county and year (7) + Luhn check digit (1).
    """

    code = models.CharField(_("合同编号"), max_length=18, unique=True, validators=[code18])
    title = models.CharField(_("项目名称"), max_length=120)
    village = models.ForeignKey(
        "regions.Village", verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="agreements"
    )
    pairing = models.ForeignKey(
        "matching.Pairing",
        verbose_name=_("来源对接"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements",
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
        db_index=True,
    )
    description = models.TextField(_("项目内容"), blank=True)
    mode = models.CharField(
        _("分配方式"), max_length=12, choices=DistributionMode.choices, default=DistributionMode.ADDITIVE
    )
    guarantee = models.DecimalField(
        _("村集体年度保底收益（元）"),
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    reserve_rate = models.DecimalField(
        _("公积公益金提取比例"),
        max_digits=5,
        decimal_places=4,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(1))],
    )
    expected_profit = models.DecimalField(
        _("预计正常年份可分配利润（元）"), max_digits=16, decimal_places=2, default=ZERO
    )
    total_contribution = models.DecimalField(
        _("出资总额（元）"), max_digits=16, decimal_places=2, default=ZERO
    )
    term_start = models.DateField(_("合作期起"))
    term_end = models.DateField(_("合作期止"))
    exit_clause = models.TextField(_("退出条款"), blank=True)
    buyback_clause = models.TextField(_("回购条款"), blank=True)
    # 村民代表大会
    assembly_date = models.DateField(_("村民代表大会日期"), null=True, blank=True)
    assembly_attendees = models.PositiveIntegerField(_("应到代表人数"), null=True, blank=True)
    assembly_present = models.PositiveIntegerField(_("实到代表人数"), null=True, blank=True)
    assembly_votes_for = models.PositiveIntegerField(_("赞成票"), null=True, blank=True)
    assembly_resolution = models.TextField(_("决议摘要"), blank=True)
    # 公示
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    objection_deadline = models.DateField(_("异议截止日（工作日计）"), null=True, blank=True)
    signed_on = models.DateField(_("签署日期"), null=True, blank=True)
    in_force_on = models.DateField(_("生效日期"), null=True, blank=True)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=300, blank=True)
    # 补录: the 公示 (and signing) happened on paper and were entered afterwards, with their own dates,
    # by the city office (``services.agreement_backfill``); shown on the agreement as "补录：<reason>".
    backfill_reason = models.CharField(_("补录原因"), max_length=300, blank=True)
    backfilled_at = models.DateTimeField(_("补录时间"), null=True, blank=True)
    backfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("补录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("合伙人协议")
        verbose_name_plural = _("合伙人协议")
        indexes = [models.Index(fields=["status", "village"], name="agreement_status_village")]
        constraints = [
            models.CheckConstraint(condition=models.Q(guarantee__gte=0), name="agreement_guarantee_ge_0"),
            models.CheckConstraint(
                condition=models.Q(reserve_rate__gte=0, reserve_rate__lte=1), name="agreement_reserve_0_1"
            ),
            models.CheckConstraint(
                condition=models.Q(term_end__gt=models.F("term_start")), name="agreement_term_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=["additive", "higher_of"]), name="agreement_mode_known"
            ),
            # The workflow's dates follow each other (whoever writes them, 补录 included).
            models.CheckConstraint(
                condition=models.Q(publicity_start__isnull=True)
                | models.Q(objection_deadline__isnull=True)
                | models.Q(objection_deadline__gte=models.F("publicity_start")),
                name="agreement_objections_after_publicity",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_on__isnull=True)
                | models.Q(objection_deadline__isnull=True)
                | models.Q(signed_on__gt=models.F("objection_deadline")),
                name="agreement_signed_after_objections",
            ),
            models.CheckConstraint(
                condition=models.Q(in_force_on__isnull=True)
                | models.Q(signed_on__isnull=True)
                | models.Q(in_force_on__gte=models.F("signed_on")),
                name="agreement_in_force_after_signing",
            ),
            models.CheckConstraint(
                condition=models.Q(backfilled_at__isnull=True, backfill_reason="")
                | (models.Q(backfilled_at__isnull=False) & ~models.Q(backfill_reason="")),
                name="agreement_backfill_has_reason",
            ),
            # A pairing leads to one agreement (drafted from it at 签约, corrected while a draft).
            models.UniqueConstraint(
                fields=["pairing"],
                condition=models.Q(pairing__isnull=False),
                name="agreement_one_per_pairing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.code}）"

    @property
    def is_backfilled(self) -> bool:
        return self.backfilled_at is not None

    @property
    def county_code(self) -> str:
        return str(self.village_id)[:6]


class AgreementParty(BaseModel):
    """A party with its computed contribution and share (percent, two decimals, summing to 100.00)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    position = models.PositiveSmallIntegerField(_("序号"))
    role = models.CharField(_("角色"), max_length=12, choices=PartyRole.choices)
    name = models.CharField(_("名称"), max_length=100)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("合伙人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    contribution = models.DecimalField(_("出资折价（元）"), max_digits=16, decimal_places=2, default=ZERO)
    share = models.DecimalField(_("股份比例（%）"), max_digits=5, decimal_places=2, default=ZERO)

    class Meta:
        ordering = ("agreement", "position")
        verbose_name = _("协议参与方")
        verbose_name_plural = _("协议参与方")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "position"], name="party_position_unique"),
            models.UniqueConstraint(
                fields=["agreement"], condition=models.Q(role="collective"), name="party_one_collective"
            ),
            models.CheckConstraint(
                condition=models.Q(share__gte=0, share__lte=100), name="party_share_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.share}%）"


class Contribution(BaseModel):
    """What a party brings. Resources keep their valuation method and parameters inline (``params``,
    the fields of ``resources.valuation``), so the value can be recomputed and audited."""

    party = models.ForeignKey(AgreementParty, on_delete=models.CASCADE, related_name="contributions")
    position = models.PositiveSmallIntegerField(_("序号"))
    kind = models.CharField(_("出资方式"), max_length=12, choices=ContributionKind.choices)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    params = models.JSONField(_("估值参数"), default=dict, blank=True)
    resource = models.ForeignKey(
        "resources.Resource",
        verbose_name=_("资源台账"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreement_contributions",
    )
    value = models.DecimalField(_("折价（元）"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ("party", "position")
        verbose_name = _("出资")
        verbose_name_plural = _("出资")
        constraints = [
            models.UniqueConstraint(fields=["party", "position"], name="contribution_position_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="contribution_value_ge_0"),
        ]


class Member(BaseModel):
    """A member household in the collective's share register (成员股): the second level of settlement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="members")
    household = models.CharField(_("户编号"), max_length=30)
    head_name = models.CharField(_("户主"), max_length=40)
    shares = models.DecimalField(
        _("成员股数"), max_digits=10, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )

    class Meta:
        ordering = ("agreement", "household")
        verbose_name = _("成员户")
        verbose_name_plural = _("成员股名册")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "household"], name="member_household_unique"),
            models.CheckConstraint(condition=models.Q(shares__gte=0), name="member_shares_ge_0"),
        ]


class LabourCommitment(BaseModel):
    """Jobs the project commits to villagers, with the wage."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="labour_commitments")
    position = models.CharField(_("岗位"), max_length=60)
    jobs = models.PositiveIntegerField(_("岗位数"))
    monthly_wage = models.DecimalField(
        _("月工资（元）"), max_digits=10, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )

    class Meta:
        ordering = ("agreement", "id")
        verbose_name = _("用工承诺")
        verbose_name_plural = _("用工承诺")


class AgreementEvent(BaseModel):
    """The audit trail: every state transition (and objection, answer) with who and when."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="events")
    # PROTECT both ways: the history of a record is kept with it, and its actors with it (accounts
    # are deactivated, not deleted); ``None`` is the system (e.g. closing expired notices).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(_("原状态"), max_length=12, choices=AgreementStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=AgreementStatus.choices)
    note = models.TextField(_("记录"), blank=True)

    class Meta:
        ordering = ("agreement", "created_at", "id")
        verbose_name = _("协议记录")
        verbose_name_plural = _("协议记录")


class Objection(BaseModel):
    """An objection raised during 公示, and its answer with its outcome (驳回 or 成立)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="objections")
    raised_by = models.CharField(_("异议人"), max_length=40)
    content = models.TextField(_("异议内容"))
    answer = models.TextField(_("答复"), blank=True)
    outcome = models.CharField(_("答复结论"), max_length=10, choices=ObjectionOutcome.choices, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("agreement", "created_at", "id")
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True, outcome="")
                | models.Q(answered_at__isnull=False, outcome__in=["dismissed", "upheld"]),
                name="objection_answer_has_outcome",
            ),
        ]


class Settlement(BaseModel):
    """One version of one year's settlement, never changed once written (a correction is a new
    version with a reason). ``inputs`` and ``result`` are the JSON of §3.2 (``agreements.contracts``).

    The versions of an agreement-year form one chain: each correction names the version it corrects
    (``corrects``, unique), so no version is corrected twice and exactly one — the one nobody
    corrects — is current, whatever two officials do at the same moment."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="settlements")
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("更正的版本"),
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="corrected_by",
    )
    reason = models.CharField(_("更正原因"), max_length=300, blank=True)
    profit = models.DecimalField(_("可分配利润（元）"), max_digits=16, decimal_places=2)
    labour_total = models.DecimalField(_("劳务收入合计（元）"), max_digits=16, decimal_places=2, default=ZERO)
    collective_income = models.DecimalField(_("村集体收益（元）"), max_digits=16, decimal_places=2)
    reserve = models.DecimalField(_("公积公益金（元）"), max_digits=16, decimal_places=2)
    distributed = models.DecimalField(_("分配给成员户（元）"), max_digits=16, decimal_places=2)
    inputs = models.JSONField(_("结算输入"))
    result = models.JSONField(_("结算结果"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("agreement", "-year", "-version")
        verbose_name = _("年度结算")
        verbose_name_plural = _("年度结算")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "version"], name="settlement_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(version=1) | ~models.Q(reason=""), name="settlement_correction_has_reason"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=1990, year__lte=2100), name="settlement_year"
            ),
            models.CheckConstraint(
                condition=models.Q(version=1, corrects__isnull=True)
                | models.Q(version__gt=1, corrects__isnull=False),
                name="settlement_correction_names_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.code} {self.year} 年度结算 v{self.version}"


class GuaranteePayment(BaseModel):
    """The payment of one year's guaranteed income to the collective (recorded when paid)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="guarantee_payments")
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(
        _("支付金额（元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    paid_on = models.DateField(_("支付日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("agreement", "year")
        verbose_name = _("保底收益支付")
        verbose_name_plural = _("保底收益支付")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="guarantee_paid_once_per_year"),
        ]
