from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "xiangcun.matching"
    label = "matching"
    verbose_name = "需求对接"

    def ready(self) -> None:
        # 我要合作 on a notice's page (recruitment sits below this app).
        from xiangcun.core.sections import Section
        from xiangcun.matching import views
        from xiangcun.recruitment.sections import NOTICE_PAGE

        NOTICE_PAGE.register(
            Section(
                name="matching.cooperate",
                order=10,
                template="matching/_notice_cooperate.html",
                context=views.notice_cooperate_section,
            )
        )
