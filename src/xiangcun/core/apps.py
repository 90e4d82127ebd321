from django.apps import AppConfig

from xiangcun.core import errors


class CoreConfig(AppConfig):
    name = "xiangcun.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.utils import translation

        from xiangcun.core import vocab

        # Vocabulary labels (categories, partner kinds…) follow the page's language.
        vocab.current_language = lambda: "en" if (translation.get_language() or "").startswith("en") else "zh"

        errors.hooks = _DjangoTranslation()

        from xiangcun.core.audit import on_entry
        from xiangcun.core.readcache import on_audit_entry

        # Every audited write gives its app's public data a new version (core/readcache.py).
        on_entry(on_audit_entry)


class _DjangoTranslation(errors._Hooks):
    """Error messages through Django's catalogue and the request's language (see ``core/errors.py``)."""

    def gettext(self, msgid: str, language: str) -> str:
        from django.utils import translation

        with translation.override(language):
            return translation.gettext(msgid)

    def active_language(self) -> str:
        from django.utils import translation

        return translation.get_language() or "zh-hans"

    def render_lazy(self, message: object, language: str) -> str:
        from django.utils import translation

        with translation.override(language):
            return str(message)
