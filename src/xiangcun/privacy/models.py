"""The record of each erasure of a person's data (PIPL art. 47): who, when, and what was kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.models import AppendOnly


class Erasure(AppendOnly):
    """A person deleted their personal data (``services.personal_data_erase``). ``kept`` counts what the
    law requires to keep (agreements, settlements, pairings, consents, the read log). Append-only; the
    account id is kept without a database constraint, like the read log's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    partner_id = models.PositiveIntegerField(_("合伙人编号"), null=True, blank=True)
    kept = models.JSONField(_("依法保留"), default=dict)

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("个人信息删除记录")
        verbose_name_plural = _("个人信息删除记录")

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M}"
