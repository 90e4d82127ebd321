from django.urls import path

from xiangcun.recruitment import views

app_name = "recruitment"
urlpatterns = [
    path("notices/", views.notice_list, name="list"),
    path("notices/mine/", views.notice_mine, name="mine"),
    path("notices/new/", views.notice_create, name="create"),
    path("notices/export.xlsx", views.notice_export, name="export"),
    path("notices/<int:pk>/", views.notice_detail, name="detail"),
    path("notices/<int:pk>/edit/", views.notice_edit, name="edit"),
    path("notices/<int:pk>/transition/", views.notice_transition, name="transition"),
    path("notices/batches/", views.batch_list, name="batches"),
    path("notices/batches/<int:pk>/", views.batch_detail, name="batch"),
]
