"""The cached course structure is never stale in any worker, and never anyone else's progress.

Each "worker" below has its own per-process dictionary and its own cache, as gunicorn's
processes do (LocMemCache, the default), or shares a Redis cache (CACHE_URL) while keeping its
own dictionary. An authoring change made anywhere must show on the next request in each.
"""

from collections import OrderedDict
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.test import Client

from courses import content, outline_html, structure
from courses.models import Course, Lesson, Module, Quiz, Status
from courses.services import lesson_complete
from tests.factories import make_course, make_user
from tests.test_cache_sessions import redis_url  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


class Workers:
    """Separate processes in miniature: each its own structure dictionary and cache."""

    def __init__(self, shared_cache=None):
        self.shared_cache = shared_cache
        self.state: dict[str, tuple] = {}

    @contextmanager
    def worker(self, name: str):
        if name not in self.state:
            cache = self.shared_cache or LocMemCache(f"worker-{name}", {})
            self.state[name] = (OrderedDict(), cache, OrderedDict())
        local, cache, outlines = self.state[name]
        with (
            mock.patch.object(structure, "_local", local),
            mock.patch.object(structure, "cache", cache),
            mock.patch.object(outline_html, "_rendered", outlines),
        ):
            yield

    def page(self, name: str, client: Client, url: str) -> str:
        with self.worker(name):
            response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()


@pytest.fixture
def learner_client():
    learner = make_user()
    client = Client()
    client.force_login(learner)
    return client


@pytest.fixture
def course():
    return make_course(modules=2, lessons=2)


def both_workers_cached(workers, client, url, expect):
    for name in ("a", "b"):
        assert expect in workers.page(name, client, url)


CHANGES = {
    "lesson renamed": (
        lambda course: _save(Lesson.objects.get(module__course=course, key="m1-l1"), "Renamed"),
        "Renamed lesson",
    ),
    "lesson added": (
        lambda course: Lesson.objects.create(
            module=course.modules.get(key="m2"),
            title="Brand new lesson",
            body="x",
            order=9,
            status=Status.PUBLISHED,
        ),
        "Brand new lesson",
    ),
    "quiz renamed": (
        lambda course: _save(Quiz.objects.get(course=course, key="quiz-m2"), "Renamed"),
        "Renamed quiz",
    ),
    "module renamed": (
        lambda course: _save(course.modules.get(key="m1"), "Renamed"),
        "Renamed module",
    ),
}


def _save(obj, prefix: str):
    obj.title = f"{prefix} {obj._meta.model_name}"
    obj.save()


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_an_authoring_change_shows_on_the_next_request_in_every_worker(
    learner_client, course, change
):
    workers = Workers()
    url = course.get_absolute_url()
    both_workers_cached(workers, learner_client, url, "Lesson 1.1")
    make_change, expected = CHANGES[change]
    make_change(course)  # as the admin does it, in this process (another worker's)
    for name in ("a", "b"):
        assert expected in workers.page(name, learner_client, url)


def test_unpublishing_or_deleting_hides_the_step_in_every_worker(learner_client, course):
    workers = Workers()
    url = course.get_absolute_url()
    both_workers_cached(workers, learner_client, url, "Lesson 2.2")
    lesson = Lesson.objects.get(module__course=course, key="m2-l2")
    lesson.status = Status.DRAFT
    lesson.save()
    assert "Lesson 2.2" not in workers.page("a", learner_client, url)
    module = Module.objects.get(course=course, key="m1")
    module.delete()
    for name in ("a", "b"):
        page = workers.page(name, learner_client, url)
        assert "Lesson 1.1" not in page
        assert "Lesson 2.2" not in page
        assert "Lesson 2.1" in page


def test_lesson_moved_to_another_course_leaves_both_outlines_right(learner_client, course):
    workers = Workers()
    other = make_course(modules=1, lessons=1)
    both_workers_cached(workers, learner_client, course.get_absolute_url(), "Lesson 1.2")
    both_workers_cached(workers, learner_client, other.get_absolute_url(), "Lesson 1.1")
    lesson = Lesson.objects.get(module__course=course, key="m1-l2")
    lesson.module = other.modules.get()
    lesson.save()
    for name in ("a", "b"):
        assert "Lesson 1.2" not in workers.page(name, learner_client, course.get_absolute_url())
        assert "Lesson 1.2" in workers.page(name, learner_client, other.get_absolute_url())


def test_the_content_loader_bulk_changes_show_in_every_worker(learner_client):
    """load_content drafts what a file no longer has with bulk updates (no signals)."""
    data = {
        "key": "cached",
        "language": "en",
        "slug": "cached-course",
        "title": "Cached",
        "modules": [
            {
                "key": "one",
                "title": "One",
                "lessons": [
                    {"key": "kept", "title": "Kept lesson", "body": "Text."},
                    {"key": "dropped", "title": "Dropped lesson", "body": "Text."},
                ],
            }
        ],
    }
    course = content.load_course(data)
    workers = Workers()
    url = course.get_absolute_url()
    both_workers_cached(workers, learner_client, url, "Dropped lesson")
    data["modules"][0]["lessons"].pop()
    content.load_course(data)
    for name in ("a", "b"):
        page = workers.page(name, learner_client, url)
        assert "Kept lesson" in page
        assert "Dropped lesson" not in page


def test_a_shared_redis_cache_is_never_stale_either(learner_client, course, redis_url):  # noqa: F811
    shared = RedisCache(redis_url, {"KEY_PREFIX": "structure-test"})
    shared.clear()
    workers = Workers(shared_cache=shared)
    url = course.get_absolute_url()
    both_workers_cached(workers, learner_client, url, "Lesson 1.1")
    _save(Lesson.objects.get(module__course=course, key="m1-l1"), "Renamed")
    for name in ("a", "b", "c"):  # "c": a new host that only knows the shared cache
        assert "Renamed lesson" in workers.page(name, learner_client, url)
    shared.clear()


def test_the_cache_never_shows_another_learners_progress(course):
    workers = Workers()
    url = course.get_absolute_url()
    busy, fresh = make_user(), make_user()
    for lesson in Lesson.objects.filter(module__course=course, module__key="m1"):
        lesson_complete(user=busy, lesson=lesson)
    clients = {}
    for user in (busy, fresh):
        clients[user] = Client()
        clients[user].force_login(user)
    # The busy learner fills the worker's cache first; the fresh one is served from it.
    busy_page = workers.page("a", clients[busy], url)
    fresh_page = workers.page("a", clients[fresh], url)
    assert "2 of 6 steps done" in busy_page
    assert "0 of 6 steps done" in fresh_page
    assert busy_page.count("step-done") == 2
    assert fresh_page.count("step-done") == 0
    # and the other way round in a fresh worker
    assert "0 of 6 steps done" in workers.page("b", clients[fresh], url)
    assert "2 of 6 steps done" in workers.page("b", clients[busy], url)


def test_drafts_are_cached_apart_for_previewing_trainers(learner_client, course):
    lesson = Lesson.objects.get(module__course=course, key="m1-l1")
    lesson.status = Status.DRAFT
    lesson.save()
    trainer = make_user(groups=("Trainers",), is_staff=True)
    trainer_client = Client()
    trainer_client.force_login(trainer)
    workers = Workers()
    url = course.get_absolute_url()
    assert "Lesson 1.1" in workers.page("a", trainer_client, url)
    assert "Lesson 1.1" not in workers.page("a", learner_client, url)


def test_course_version_is_bumped_by_every_authoring_save(course):
    version = Course.objects.get(pk=course.pk).structure_version
    quiz = Quiz.objects.get(course=course, key="quiz-m1")
    quiz.required = False
    quiz.save()
    assert Course.objects.get(pk=course.pk).structure_version > version


def test_rendered_outlines_follow_progress_language_and_page(course):
    """The outline's HTML is kept per state (courses/outline_html.py): learners at another
    point of the course, in another language or on another step never get someone else's."""
    workers = Workers()
    english, french = make_user(), make_user(language="fr")
    ahead = make_user()
    lesson_complete(user=ahead, lesson=Lesson.objects.get(module__course=course, key="m1-l1"))
    clients = {}
    for user in (english, french, ahead):
        clients[user] = Client()
        clients[user].force_login(user)
    url = course.get_absolute_url()
    assert "steps done</span>" in workers.page("a", clients[english], url)
    french_page = workers.page("a", clients[french], url)
    assert "steps done</span>" not in french_page
    assert "étapes terminées</span>" in french_page
    assert workers.page("a", clients[ahead], url).count("step-done") == 1
    assert workers.page("a", clients[english], url).count("step-done") == 0
    # the same learner on two lessons: the current step is marked on each
    lessons = list(Lesson.objects.filter(module__course=course).order_by("module__order", "order"))
    for lesson in lessons[:2]:
        page = workers.page("a", clients[english], lesson.get_absolute_url())
        outline = page.split("course-outline", 1)[1]
        current = outline.split('aria-current="page"')[0].rsplit("<a", 1)[1]
        assert f'href="{lesson.get_absolute_url()}"' in current
    # one state per (structure, language, preview, steps): English at 0, French at 0, one
    # lesson done, and each of the two lessons current
    assert len(workers.state["a"][2]) == 5
