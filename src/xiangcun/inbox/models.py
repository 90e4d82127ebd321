"""In-app notifications (站内通知): one row per recipient and event, derived from the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import Msg, render


class Notification(models.Model):
    """What happened that ``recipient`` must hear about. ``message`` is a Chinese msgid with
    ``{placeholders}`` filled from ``params`` (user text such as a notice title), rendered in the
    reader's language; ``link`` is the page where the recipient acts on it; ``entry`` the audit entry
    it was derived from."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=60)
    message = models.CharField(_("消息"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    entry = models.BigIntegerField(_("审计记录"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        indexes = [
            # The unread count on every page: recipient = ? AND read_at IS NULL.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return self.text_in("zh-hans")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def text_in(self, language: str) -> str:
        """The message in ``language`` (a missing placeholder leaves the msgid's text as it is)."""
        try:
            return render(Msg(self.message, **(self.params or {})), language)
        except (KeyError, IndexError, ValueError):
            return render(self.message, language)

    @property
    def text(self) -> str:
        from xiangcun.core.errors import active_language

        return self.text_in(active_language())
