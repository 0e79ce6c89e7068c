from django.contrib import admin
from django.urls import include, path

from ambassadors.views import healthz, live

urlpatterns = [
    path("", include("ambassadors.urls")),
    path("courses/", include("courses.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("healthz/live", live, name="live"),
]

# Friendly pages; 400, 403 and 404 use Django's views with templates/400.html, 403.html, 404.html.
handler500 = "ambassadors.views.server_error"
