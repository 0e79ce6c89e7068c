"""The project's URLs plus views that fail on purpose, for the error-page tests."""

from django.db import OperationalError
from django.urls import path

from dianova_training.urls import handler500  # noqa: F401 - Django looks it up on this module
from dianova_training.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("a bug, for the test")


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/database/", database_gone),
    *project_urlpatterns,
]
