from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "xiangcun.recruitment"
    label = "recruitment"
    verbose_name = "招募令"

    def ready(self) -> None:
        # The notices of a county, town or village on its page (regions sits below this app).
        from xiangcun.core.sections import Section
        from xiangcun.recruitment import views
        from xiangcun.regions.models import Level
        from xiangcun.regions.sections import REGION_PAGE, VILLAGE_PAGE

        VILLAGE_PAGE.register(
            Section(
                name="recruitment.notices",
                order=10,
                template="recruitment/_village_notices.html",
                context=views.village_notices_section,
            )
        )
        REGION_PAGE.register(
            Section(
                name="recruitment.notices",
                order=10,
                template="recruitment/_region_notices.html",
                context=views.region_notices_section,
                applies=lambda region: region.level in (Level.COUNTY, Level.TOWN),
            )
        )
