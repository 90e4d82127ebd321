from django.urls import path

from xiangcun.resources import views

app_name = "resources"
urlpatterns = [
    path("map/", views.resource_map, name="map"),
    path("resources/", views.resource_list, name="list"),
    path("resources/new/", views.resource_create, name="create"),
    path("resources/export.xlsx", views.resource_export, name="export"),
    path("resources/export/<int:pk>/", views.export_progress, name="export_progress"),
    path("resources/export/<int:pk>/status/", views.export_status, name="export_status"),
    path("resources/export/<int:pk>/resources.xlsx", views.export_download, name="export_download"),
    path("resources/import/", views.import_upload, name="import"),
    path("resources/import/template.xlsx", views.import_template, name="import_template"),
    path("resources/import/<int:pk>/", views.import_progress, name="import_progress"),
    path("resources/import/<int:pk>/status/", views.import_status, name="import_status"),
    path("resources/import/<int:pk>/result/", views.import_result, name="import_result"),
    path("resources/import/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("resources/<int:pk>/", views.resource_detail, name="detail"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="edit"),
    path("resources/<int:pk>/photos/", views.resource_photo_add, name="photo_add"),
]
