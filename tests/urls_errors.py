"""The project's URLs plus views that fail on purpose, for the error-page and crawl tests."""

import uuid

from django.db import OperationalError
from django.http import HttpResponseForbidden
from django.urls import path

from ambassadors.models import Organisation
from courses.models import Lesson
from dianova_training.urls import handler500  # noqa: F401 - Django looks it up on this module
from dianova_training.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("a bug, for the test")


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def unchecked_lookup(request, lesson):
    """A bug the crawl must find: an unknown id escapes as an exception (a 500)."""
    Lesson.objects.get(pk=lesson)
    return HttpResponseForbidden()


def writes_then_refuses(request):
    """A bug the crawl must find: a refused request that saved something first."""
    Organisation.objects.create(name=f"Leak {uuid.uuid4()}", slug=uuid.uuid4().hex, country="PT")
    return HttpResponseForbidden()


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/database/", database_gone),
    path("test-errors/crawl/lesson/<int:lesson>/", unchecked_lookup),
    path("test-errors/crawl/refuse/", writes_then_refuses),
    *project_urlpatterns,
]
