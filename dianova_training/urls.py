from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from nested_admin.views import server_data_js as nested_admin_data

from dianova_training.views import healthz, live

urlpatterns = [
    path("", include("ambassadors.urls")),
    path("courses/", include("courses.urls")),
    path("certificates/", include("courses.certificate_urls")),
    path("badges/", include("ambassadors.programme.badge_urls")),
    # Log-in page with the single sign-on buttons, log-out, OpenID Connect (before Django's).
    path("", include("ambassadors.people.sso.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    # The nested inlines' settings as a script file (django-nested-admin; CSP-safe).
    path("_nested_admin/server-data.js", nested_admin_data, name="nesting_server_data"),
    path("healthz", healthz, name="healthz"),
    path("healthz/live", live, name="live"),
]

# Friendly pages; 400, 403 and 404 use Django's views with templates/400.html, 403.html, 404.html.
handler500 = "dianova_training.views.server_error"


def media(request, path: str):
    """Uploaded lesson images (checked with Pillow on upload); see SERVE_MEDIA in settings."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", media))
