from django.urls import path

from xiangcun.matching import views

app_name = "matching"
urlpatterns = [
    path("matching/recommendations/", views.recommendations, name="recommendations"),
    path("matching/county/", views.county_pairing, name="county"),
    path("matching/runs/<int:pk>/", views.run_detail, name="run"),
    path("matching/runs/<int:pk>/send/", views.run_send, name="run_send"),
    path("matching/mine/", views.my_pairings, name="mine"),
    path("matching/pairings/<int:pk>/", views.pairing_detail, name="pairing"),
    path("matching/pairings/<int:pk>/step/", views.pairing_step, name="pairing_step"),
    path("matching/pairings/<int:pk>/note/", views.pairing_note, name="pairing_note"),
    path("matching/pairings/<int:pk>/contact/", views.pairing_contact, name="pairing_contact"),
    path("matching/interest/<int:notice_pk>/", views.express_interest, name="interest"),
    path("matching/weights/", views.weights_edit, name="weights"),
    path("matching/notices/<int:pk>/contact/", views.notice_contact, name="notice_contact"),
    path(
        "matching/notices/<int:pk>/recommendations/",
        views.notice_recommendations,
        name="notice_recommendations",
    ),
]
