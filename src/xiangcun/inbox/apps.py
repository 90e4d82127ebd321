from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "xiangcun.inbox"
    label = "inbox"
    verbose_name = "站内通知"

    def ready(self) -> None:
        from xiangcun.core.audit import on_entry
        from xiangcun.inbox.services import notify_from_audit

        # Notifications are derived from the audit log: each entry of a change someone else must
        # hear about (``inbox/rules.py``) becomes their notification, in the change's transaction.
        if notify_from_audit not in _registered:
            on_entry(notify_from_audit)
            _registered.append(notify_from_audit)


_registered: list[object] = []
