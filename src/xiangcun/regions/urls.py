from django.urls import path, re_path

from xiangcun.regions import views

app_name = "regions"
urlpatterns = [
    re_path(r"^regions/(?P<code>\d{6}|\d{9})/$", views.region_detail, name="region"),
    re_path(r"^villages/(?P<code>\d{12})/$", views.village_detail, name="village"),
    re_path(r"^villages/(?P<code>\d{12})/edit/$", views.village_edit, name="village_edit"),
    path("villages/", views.village_search, name="search"),
]
