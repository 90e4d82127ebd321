"""Recruitment notices (招募令): what villages offer and whom they seek, with their workflow."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core import vocab
from xiangcun.core.models import BaseModel

CATEGORY_CHOICES = vocab.choices(vocab.PROJECT_CATEGORIES)
RESOURCE_CHOICES = vocab.choices(vocab.RESOURCE_KINDS)


class NoticeLevel(models.TextChoices):
    COUNTY = "county", _("县级")
    CITY = "city", _("市级")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("乡镇已审核")
    PUBLISHED = "published", _("已发布")
    MATCHED = "matched", _("已对接")
    CLOSED = "closed", _("已关闭")
    REJECTED = "rejected", _("已退回")


class AreaUnit(models.TextChoices):
    """The same codes as the resource ledger's units (``resources.AreaUnit``), plus 项 for things
    counted rather than measured (a craft, a festival)."""

    MU = "mu", _("亩")
    SQUARE_METRE = "m2", _("平方米")
    ITEM = "item", _("项")


class NoticeBatch(BaseModel):
    """A 招募令 batch: the city and its counties publish their notices on the same date."""

    title = models.CharField(_("批次名称"), max_length=100)
    date = models.DateField(_("发布日期"))
    issuer_level = models.CharField(
        _("发布层级"), max_length=10, choices=NoticeLevel.choices, default=NoticeLevel.CITY
    )
    region_code = models.CharField(_("发布机关区划代码"), max_length=9)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ("-date", "-id")
        verbose_name = _("招募令批次")
        verbose_name_plural = _("招募令批次")

    def __str__(self) -> str:
        return f"{self.title}（{self.date:%Y-%m-%d}）"


class Notice(BaseModel):
    """One recruitment notice for one or several villages."""

    title = models.CharField(_("标题"), max_length=120)
    level = models.CharField(
        _("层级"), max_length=10, choices=NoticeLevel.choices, default=NoticeLevel.COUNTY
    )
    category = models.CharField(_("项目类别"), max_length=30, choices=CATEGORY_CHOICES)
    cooperation_forms = models.JSONField(_("合作方式"), default=list, blank=True)
    kinds_wanted = models.JSONField(_("需要的合伙人类型"), default=list, blank=True)
    investment_min = models.DecimalField(
        _("投资下限（万元）"),
        validators=[MinValueValidator(Decimal("0"))],
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    investment_max = models.DecimalField(
        _("投资上限（万元）"),
        validators=[MinValueValidator(Decimal("0"))],
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    incentives = models.TextField(_("优惠条件"), blank=True)
    description = models.TextField(_("项目介绍"), blank=True)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    deadline = models.DateField(_("截止日期"), null=True, blank=True)
    # The first village: the notice's home for scoping (user_scope on its code) and for the county.
    village = models.ForeignKey(
        "regions.Village", verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="notices"
    )
    villages = models.ManyToManyField(
        "regions.Village", verbose_name=_("涉及村庄"), related_name="joint_notices", blank=True
    )
    county = models.ForeignKey(
        "regions.Region", verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="notices"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT, db_index=True
    )
    rejection_reason = models.CharField(_("退回理由"), max_length=300, blank=True)
    batch = models.ForeignKey(
        NoticeBatch,
        verbose_name=_("招募令批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("招募令")
        verbose_name_plural = _("招募令")
        indexes = [
            models.Index(fields=["status", "county"], name="notice_status_county"),
            models.Index(fields=["status", "category"], name="notice_status_category"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(investment_min__isnull=True)
                | models.Q(investment_max__isnull=True)
                | models.Q(investment_min__lte=models.F("investment_max")),
                name="notice_investment_min_le_max",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="notice_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def region_code(self) -> str:
        """The code every scope check uses: the first village's."""
        return str(self.village_id)

    def category_label(self) -> str:
        return vocab.label("category", self.category)

    def kinds_labels(self) -> list[str]:
        return [vocab.label("kind", c) for c in self.kinds_wanted]

    def forms_labels(self) -> list[str]:
        return [vocab.label("form", c) for c in self.cooperation_forms]

    def match_text(self) -> str:
        """Title, description, resources and incentives: the text the fit reads."""
        parts = [
            self.title,
            self.description,
            *(r.description for r in self.resources.all()),
            self.incentives,
        ]
        return "。".join(p for p in parts if p)


class NoticeResource(BaseModel):
    """A resource a notice offers: kind, area and unit, description."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("资源类型"), max_length=40, choices=RESOURCE_CHOICES)
    area = models.DecimalField(
        _("面积/数量"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    unit = models.CharField(_("单位"), max_length=6, choices=AreaUnit.choices, default=AreaUnit.MU)
    description = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ("notice", "id")
        verbose_name = _("提供的资源")
        verbose_name_plural = _("提供的资源")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area__isnull=True) | models.Q(area__gte=0),
                name="notice_resource_area_ge_0",
            )
        ]

    def kind_label(self) -> str:
        return vocab.label("resource", self.kind)


class NoticeTransition(BaseModel):
    """One step of a notice's workflow: who, when, from, to, why."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="transitions")
    # PROTECT both ways: the history of a record is kept with it, and its actors with it (accounts
    # are deactivated, not deleted); ``None`` is the system (e.g. closing expired notices).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(_("原状态"), max_length=12, choices=NoticeStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=NoticeStatus.choices)
    reason = models.CharField(_("理由"), max_length=300, blank=True)

    class Meta:
        ordering = ("notice", "created_at", "id")
        verbose_name = _("招募令流转记录")
        verbose_name_plural = _("招募令流转记录")
