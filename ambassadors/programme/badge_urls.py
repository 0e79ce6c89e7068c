"""Stable public URLs of the ambassador badges (Open Badges 2.0 hosted verification)."""

from django.urls import path

from ambassadors.programme import badge_views

app_name = "badges"

urlpatterns = [
    path("issuer.json", badge_views.issuer, name="issuer"),
    path("issuer.svg", badge_views.issuer_image, name="issuer-image"),
    path("classes/<slug:slug>/", badge_views.badge_class_page, name="class"),
    path("classes/<slug:slug>.json", badge_views.badge_class_json, name="class-json"),
    path("classes/<slug:slug>/image.svg", badge_views.badge_class_image, name="class-image"),
    path("<uuid:award>/", badge_views.award_page, name="award"),
    path("<uuid:award>.json", badge_views.assertion, name="assertion"),
]
