from django.urls import path

from xiangcun.privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.notice, name="notice"),
    path("privacy/me/", views.me, name="me"),
    path("privacy/me/data.json", views.data_json, name="data_json"),
    path("privacy/me/data.xlsx", views.data_xlsx, name="data_xlsx"),
    path("privacy/me/delete/", views.erase, name="delete"),
    path("privacy/reads/", views.read_log, name="reads"),
]
