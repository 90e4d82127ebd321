"""Partners (合伙人): people and organisations who bring capital, skills or services to villages."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core import vocab
from xiangcun.core.models import BaseModel

KIND_CHOICES = vocab.choices(vocab.PARTNER_KINDS)


class PartnerStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    VERIFIED = "verified", _("已认证")
    REFUSED = "refused", _("未通过")
    CLOSED = "closed", _("已注销")  # the partner deleted their personal data (``partner_anonymise``)


class Partner(BaseModel):
    """A partner profile. ``contact_name``, ``phone`` and ``id_number`` are personal identifiers:
    shown in full only to the city office and the partner themself (see ``selectors.partner_view``),
    every such view by the city office logged (``accounts.privacy``). ``phone`` is stored normalised
    and ``id_number`` checked (``core.identity``); both are unique among the profiles that hold one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_profile",
    )
    name = models.CharField(_("姓名或机构名称"), max_length=100)
    is_organisation = models.BooleanField(_("机构"), default=False)
    kind = models.CharField(_("合伙人类型"), max_length=30, choices=KIND_CHOICES)
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    id_number = models.CharField(_("身份证号/统一社会信用代码"), max_length=20, blank=True)
    home_county = models.ForeignKey(
        "regions.Region",
        verbose_name=_("籍贯县（市、区）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    liaocheng_born = models.BooleanField(_("聊城籍"), default=False)
    title_level = models.CharField(
        _("专业技术职称"), max_length=20, choices=vocab.choices(vocab.TITLE_LEVELS), blank=True
    )
    high_level_talent = models.BooleanField(_("省市高层次人才"), default=False)
    capital_min = models.DecimalField(
        _("可投入资金下限（万元）"),
        validators=[MinValueValidator(Decimal("0"))],
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    capital_max = models.DecimalField(
        _("可投入资金上限（万元）"),
        validators=[MinValueValidator(Decimal("0"))],
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    skills = models.JSONField(_("专长"), default=list, blank=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    preferred_counties = models.JSONField(_("意向县（市、区）"), default=list, blank=True)
    preferred_categories = models.JSONField(_("意向项目类别"), default=list, blank=True)
    cooperation_forms = models.JSONField(_("合作方式"), default=list, blank=True)
    resources_wanted = models.JSONField(_("所需资源"), default=list, blank=True)
    profile = models.TextField(_("个人/机构简介"), blank=True)
    track_record = models.TextField(_("过往业绩"), blank=True)
    certifications = models.TextField(_("资质证书"), blank=True)
    status = models.CharField(
        _("认证状态"),
        max_length=10,
        choices=PartnerStatus.choices,
        default=PartnerStatus.PENDING,
        db_index=True,
    )
    refusal_reason = models.CharField(_("未通过理由"), max_length=300, blank=True)
    verified_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("合伙人")
        verbose_name_plural = _("合伙人")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capital_min__isnull=True)
                | models.Q(capital_max__isnull=True)
                | models.Q(capital_min__lte=models.F("capital_max")),
                name="partner_capital_min_le_max",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
                name="partner_refusal_has_reason",
            ),
            # One profile per person or organisation and per phone (an erased profile holds neither).
            models.UniqueConstraint(
                fields=["id_number"], condition=~models.Q(id_number=""), name="partner_id_number_unique"
            ),
            models.UniqueConstraint(
                fields=["phone"], condition=~models.Q(phone=""), name="partner_phone_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def kind_label(self) -> str:
        return vocab.label("kind", self.kind)

    def match_text(self) -> str:
        """Profile, skills and track record: the text the fit reads."""
        return "。".join(p for p in (self.profile, "、".join(self.skills), self.track_record) if p)
