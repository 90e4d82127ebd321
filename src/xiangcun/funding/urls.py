from django.urls import path

from xiangcun.funding import views

app_name = "funding"
urlpatterns = [
    path("funding/", views.round_list, name="list"),
    path("funding/<int:pk>/", views.round_detail, name="detail"),
    path("funding/<int:pk>/apply/", views.application_new, name="apply"),
    path("funding/applications/<int:pk>/verify/", views.application_verify, name="verify"),
    path("funding/<int:pk>/select/", views.round_select, name="select"),
    path("funding/<int:pk>/publish/", views.round_publish, name="publish"),
    path("funding/<int:pk>/analysis/", views.round_analysis, name="analysis"),
    path("funding/<int:pk>/xlsx/", views.round_export, name="xlsx"),
]
