from django.urls import path

from xiangcun.agreements import views

app_name = "agreements"
urlpatterns = [
    path("agreements/", views.agreement_list, name="list"),
    path("agreements/new/", views.agreement_new, name="new"),
    path("agreements/publicity/", views.publicity, name="publicity"),
    path("agreements/guarantees/", views.guarantees, name="guarantees"),
    path("agreements/new/partners/", views.partner_options, name="partner_options"),
    path("agreements/new/resources/", views.resource_options, name="resource_options"),
    path("agreements/<int:pk>/", views.agreement_detail, name="detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("agreements/<int:pk>/step/", views.agreement_step, name="step"),
    path("agreements/<int:pk>/backfill/", views.agreement_backfill, name="backfill"),
    path("agreements/<int:pk>/objections/", views.objection_add, name="objection_add"),
    path("agreements/objections/<int:pk>/answer/", views.objection_reply, name="objection_reply"),
    path("agreements/<int:pk>/guarantee/", views.guarantee_pay, name="guarantee_pay"),
    path("agreements/<int:pk>/pdf/", views.agreement_pdf, name="pdf"),
    path("agreements/<int:pk>/settle/", views.settlement_new, name="settle"),
    path("agreements/<int:pk>/settlements/<int:year>/", views.settlement_detail, name="settlement"),
    path("agreements/<int:pk>/settlements/<int:year>/pdf/", views.settlement_pdf, name="settlement_pdf"),
    path("agreements/<int:pk>/settlements/<int:year>/xlsx/", views.settlement_xlsx, name="settlement_xlsx"),
    path(
        "agreements/<int:pk>/settlements/<int:year>/households/<path:household>/pdf/",
        views.statement_pdf,
        name="statement_pdf",
    ),
    path("agreements/<int:pk>/simulate/", views.simulator, name="simulate"),
]
