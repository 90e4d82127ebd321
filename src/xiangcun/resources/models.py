"""Village resources (资源): land, buildings and cultural assets a village can bring into a project.

A resource lies in one village; its point (WGS-84) must lie inside that village's county, checked by
the services with shapely against the county's real boundary. The bbox queries of the map use a
spatial index kept beside the table (see ``spatial.py``): an SQLite R-tree virtual table, or a GiST
index on ``point(lng, lat)`` in PostgreSQL, both created by migration ``0002``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core import vocab
from xiangcun.core.models import BaseModel

KIND_CHOICES = vocab.choices(vocab.RESOURCE_KINDS)


class RightType(models.TextChoices):
    OWNERSHIP = "ownership", _("所有权")
    CONTRACT = "contract", _("承包经营权")
    USE = "use", _("使用权")


class OwnerType(models.TextChoices):
    COLLECTIVE = "collective", _("村集体")
    HOUSEHOLD = "household", _("农户")


class AreaUnit(models.TextChoices):
    MU = "mu", _("亩")
    SQUARE_METRE = "m2", _("平方米")


class ResourceStatus(models.TextChoices):
    AVAILABLE = "available", _("可招商")
    NEGOTIATING = "negotiating", _("洽谈中")
    SIGNED = "signed", _("已签约")
    UNAVAILABLE = "unavailable", _("暂不可用")


class ValuationMethod(models.TextChoices):
    """The three methods of ``valuation.py``."""

    LAND = "land", _("收益还原法（土地租金）")
    HOUSE = "house", _("重置成本法（房屋）")
    APPRAISED = "appraised", _("评估报告")


class Resource(BaseModel):
    """One resource of a village, with its place on the map and its valuation."""

    name = models.CharField(_("资源名称"), max_length=100)
    kind = models.CharField(_("资源类型"), max_length=40, choices=KIND_CHOICES, db_index=True)
    right = models.CharField(
        _("权利类型"), max_length=12, choices=RightType.choices, default=RightType.OWNERSHIP
    )
    owner_type = models.CharField(
        _("权利人类型"), max_length=12, choices=OwnerType.choices, default=OwnerType.COLLECTIVE
    )
    owner_name = models.CharField(_("权利人"), max_length=60, blank=True)
    area = models.DecimalField(
        _("面积"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    unit = models.CharField(_("面积单位"), max_length=4, choices=AreaUnit.choices, default=AreaUnit.MU)
    # The area in 亩 whatever the unit: what the filters, sums and the choropleth use.
    area_mu = models.DecimalField(_("折合面积（亩）"), max_digits=14, decimal_places=4, default=Decimal("0"))
    village = models.ForeignKey(
        "regions.Village", verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="resources"
    )
    lng = models.FloatField(_("经度"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    lat = models.FloatField(_("纬度"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    boundary = models.JSONField(_("地块边界（GeoJSON）"), null=True, blank=True)
    current_use = models.CharField(_("现状用途"), max_length=200, blank=True)
    permitted_use = models.CharField(_("规划（允许）用途"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ResourceStatus.choices,
        default=ResourceStatus.AVAILABLE,
        db_index=True,
    )
    description = models.TextField(_("说明"), blank=True)
    # Valuation, filled by the agreements issue (valuation.py computes the value).
    valuation_method = models.CharField(
        _("估值方法"), max_length=12, choices=ValuationMethod.choices, blank=True
    )
    valuation_parameters = models.JSONField(_("估值参数"), default=dict, blank=True)
    appraised_value = models.DecimalField(
        _("评估价值（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    appraised_on = models.DateField(_("评估日期"), null=True, blank=True)
    appraiser = models.CharField(_("评估机构/评估人"), max_length=100, blank=True)
    notices = models.ManyToManyField(
        "recruitment.Notice", verbose_name=_("招募令"), related_name="offered_resources", blank=True
    )
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
        verbose_name = _("资源")
        verbose_name_plural = _("资源")
        indexes = [
            models.Index(fields=["village", "kind"], name="resource_village_kind"),
            models.Index(fields=["status", "kind"], name="resource_status_kind"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(area__gte=0), name="resource_area_ge_0"),
            models.CheckConstraint(condition=models.Q(lat__gte=-90, lat__lte=90), name="resource_lat_range"),
            models.CheckConstraint(
                condition=models.Q(lng__gte=-180, lng__lte=180), name="resource_lng_range"
            ),
            models.CheckConstraint(
                condition=models.Q(appraised_value__isnull=True) | models.Q(appraised_value__gte=0),
                name="resource_appraised_value_ge_0",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region_code(self) -> str:
        """The code every scope check uses: the village's."""
        return str(self.village_id)

    @property
    def county_code(self) -> str:
        return str(self.village_id)[:6]

    def kind_label(self) -> str:
        return vocab.label("resource", self.kind)


def photo_path(instance: ResourcePhoto, filename: str) -> str:
    return f"resources/{instance.resource_id}/{filename}"


class ResourcePhoto(BaseModel):
    """An uploaded photo and the thumbnail made from it."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=photo_path)
    thumbnail = models.ImageField(_("缩略图"), upload_to=photo_path, blank=True)
    caption = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        ordering = ("resource", "id")
        verbose_name = _("资源照片")
        verbose_name_plural = _("资源照片")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    VALIDATING = "validating", _("校验中")
    WRITING = "writing", _("写入中")
    DONE = "done", _("已完成")
    REJECTED = "rejected", _("校验未通过")
    FAILED = "failed", _("失败")


class ImportJob(BaseModel):
    """One upload of villages and resources: validated whole, then written all or nothing."""

    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    summary = models.JSONField(_("结果"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Liveness (``jobs.py``): the running job writes ``heartbeat_at`` every chunk; a job without one
    # for ``JOB_HEARTBEAT_TIMEOUT`` is reaped. ``batch`` names this run's staged rows (a retry gets a
    # new one, so a presumed-dead run that wakes up can no longer commit); ``task_id`` is the task
    # queue's row (django-tasks), reconciled when the job is reaped.
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    batch = models.CharField(_("写入批次"), max_length=32, blank=True, default="")
    task_id = models.CharField(_("队列任务编号"), max_length=64, blank=True, default="")

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    @property
    def percent(self) -> int:
        if self.status in (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED):
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED)


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(BaseModel):
    """One large resource export, built by the task queue and downloadable by its creator only."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT, related_name="+"
    )
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("错误"), blank=True, default="")
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    task_id = models.CharField(_("队列任务编号"), max_length=64, blank=True, default="")

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)


class ImportStagedResource(BaseModel):
    """A new resource of an import that is still being written: the import writes these in short
    chunks (each its own transaction, so other writers are never held up for long), then one short
    final transaction copies the whole batch into ``Resource`` (``INSERT … SELECT``). Nobody reads this
    table, so no reader ever sees half an import; a dead job's rows are deleted by the reaper.

    The columns are ``Resource``'s, by the same names (``test_jobs.py`` checks that they stay so). On
    SQLite each row carries the id reserved for its resource, so that its point goes into the R-tree
    with its chunk (an R-tree entry without a resource matches nothing) rather than in the final
    transaction."""

    batch = models.CharField(max_length=32)
    seq = models.PositiveIntegerField()
    resource_id = models.BigIntegerField(null=True, blank=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=40)
    right = models.CharField(max_length=12)
    owner_type = models.CharField(max_length=12)
    owner_name = models.CharField(max_length=60, blank=True)
    area = models.DecimalField(max_digits=12, decimal_places=2)
    unit = models.CharField(max_length=4)
    area_mu = models.DecimalField(max_digits=14, decimal_places=4)
    village_id = models.CharField(max_length=12)
    lng = models.FloatField()
    lat = models.FloatField()
    boundary = models.JSONField(null=True, blank=True)
    current_use = models.CharField(max_length=200, blank=True)
    permitted_use = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12)
    description = models.TextField(blank=True)
    valuation_method = models.CharField(max_length=12, blank=True)
    valuation_parameters = models.JSONField(default=dict, blank=True)
    appraised_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    appraised_on = models.DateField(null=True, blank=True)
    appraiser = models.CharField(max_length=100, blank=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ("batch", "seq")
        constraints = [models.UniqueConstraint(fields=["batch", "seq"], name="staged_resource_batch_seq")]
        verbose_name = _("导入暂存资源")
        verbose_name_plural = _("导入暂存资源")
