from django.urls import path

from xiangcun.partners import views

app_name = "partners"
urlpatterns = [
    path("partners/", views.partner_list, name="list"),
    path("partners/register/", views.partner_register, name="register"),
    path("partners/queue/", views.verification_queue, name="queue"),
    path("partners/export.xlsx", views.partner_export, name="export"),
    path("partners/<int:pk>/", views.partner_detail, name="detail"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="edit"),
    path("partners/<int:pk>/verify/", views.partner_verify, name="verify"),
]
