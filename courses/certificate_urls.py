"""Public certificate URLs, mounted at /certificates/ (no login)."""

from django.urls import path

from . import certificate_views as views

app_name = "certificates"

urlpatterns = [
    path("<str:code>/", views.certificate_verify, name="verify"),
    path("<str:code>/pdf/", views.certificate_pdf, name="pdf"),
]
