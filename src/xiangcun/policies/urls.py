from django.urls import path

from xiangcun.policies import views

app_name = "policies"
urlpatterns = [
    path("policies/", views.calculator, name="calculator"),
    path("policies/save/", views.evaluation_save, name="save"),
    path("policies/library/", views.library, name="library"),
    path("policies/manage/", views.manage, name="manage"),
    path("policies/versions/", views.version_list, name="versions"),
    path("policies/versions/<int:number>/", views.version_detail, name="version"),
]
