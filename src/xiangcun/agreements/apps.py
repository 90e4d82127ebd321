from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "xiangcun.agreements"
    label = "agreements"
    verbose_name = "合伙人协议"

    def ready(self) -> None:
        # The village's public agreements on its page (regions sits below this app).
        from xiangcun.agreements import views
        from xiangcun.core.sections import Section
        from xiangcun.matching.sections import PAIRING_PAGE
        from xiangcun.regions.sections import VILLAGE_PAGE

        # 起草协议 / 查看协议 on a pairing's page (matching sits below this app).
        PAIRING_PAGE.register(
            Section(
                name="agreements.pairing_agreement",
                order=10,
                template="agreements/_pairing_agreement.html",
                context=views.pairing_agreement_section,
            )
        )
        VILLAGE_PAGE.register(
            Section(
                name="agreements.agreements",
                order=30,
                template="agreements/_village_agreements.html",
                context=views.village_agreements_section,
            )
        )
