from django.contrib import admin
from django.urls import include, path

from ambassadors.views import healthz

urlpatterns = [
    path("", include("ambassadors.urls")),
    path("courses/", include("courses.urls")),
    path("badges/", include("ambassadors.badge_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
