from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xiangcun.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.utils import translation

        from xiangcun.core import vocab

        # Vocabulary labels (categories, partner kinds…) follow the page's language.
        vocab.current_language = lambda: "en" if (translation.get_language() or "").startswith("en") else "zh"
