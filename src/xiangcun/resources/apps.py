from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "xiangcun.resources"
    label = "resources"
    verbose_name = "资源"

    def ready(self) -> None:
        # The village's resources on its page (regions sits below this app).
        from xiangcun.core.sections import Section
        from xiangcun.regions.sections import VILLAGE_PAGE
        from xiangcun.resources import views

        VILLAGE_PAGE.register(
            Section(
                name="resources.resources",
                order=20,
                template="resources/_village_resources.html",
                context=views.village_resources_section,
            )
        )
