"""The crawl: every URL of the URL conf, for every role, attacked a little.

For each role (anonymous, learner, trainer, manager-pt, manager, admin) and each URL pattern
(found in the URL conf, so new pages are crawled without touching this file), with real ids and
forged ones, the crawl sends a GET, a POST with an empty body, a POST with a garbage body, and
GETs with malformed query strings. It asserts:
- never a 500 (nor an exception escaping a view, nor one while streaming a download);
- a rejected request (4xx, a redirect to the login page, or a junk POST answered by showing a
  form again) writes nothing: the row count of every table is the same before and after.

To extend it: a URL whose keyword arguments are all in REAL_VALUES needs nothing. A URL with a
new keyword argument makes the crawl FAIL, naming the URL: add the argument to REAL_VALUES
with real values taken from the World (forged values are tried automatically).
"""

import re
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ambassadors.models import BadgeAward, BadgeClass
from ambassadors.people.services import assignment_create
from ambassadors.programme import services
from ambassadors.programme.share.services import share_record
from courses.models import CourseCompletion, Lesson, Status
from courses.services import attempt_start, certificate_issue, certificate_revoke
from tests.factories import (
    log_action,
    make_charter,
    make_core_course,
    make_course,
    make_manager,
    make_member,
    make_organisation,
    make_user,
    pass_course,
    verify,
)
from tests.share_factories import make_share_post

# --- what the crawl visits -------------------------------------------------------------------

# Django's admin is Django's to test (and its own permission checks guard it).
SKIP_NAMESPACES = {"admin"}
SKIP_PREFIXES = tuple(
    prefix.lstrip("/") for prefix in (settings.STATIC_URL, settings.MEDIA_URL) if prefix
)
# Tables that rejected requests may write to, on purpose: sessions (logging out deletes one)
# and django-axes' record of failed logins (that is how throttling works).
UNCOUNTED_TABLES = {"django_session"}
UNCOUNTED_PREFIXES = ("axes_",)
# A refused sign-in must leave its line in the audit trail (like axes' failed log-ins): those
# lines are the one write a rejected request may make; every other audit line still counts.
COUNTED_WHERE = {"ambassadors_auditevent": "verb <> 'sso_refused'"}


@dataclass(frozen=True)
class Route:
    route: str  # "courses/<slug:course>/lessons/<int:lesson>/"
    name: str  # "courses:lesson"
    kwargs: tuple[str, ...]
    buildable: bool = True  # False for re_path() patterns, which the crawl cannot fill in


def collect_routes(
    patterns=None, prefix: str = "", namespace: str = "", regex: bool = False
) -> Iterator[Route]:
    """Every URL pattern of the URL conf, recursively, minus the admin and static files."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        is_regex = regex or not isinstance(pattern.pattern, RoutePattern)
        if route.lstrip("^").startswith(SKIP_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIP_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from collect_routes(pattern.url_patterns, route, inner, is_regex)
        elif isinstance(pattern, URLPattern):
            yield Route(
                route=route,
                name=f"{namespace}{pattern.name or route}",
                kwargs=tuple(pattern.pattern.regex.groupindex),
                buildable=not is_regex,
            )


PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


def build_path(route: Route, values: dict[str, str]) -> str:
    """Fill the route's parameters with raw path text (forged values are not escaped)."""
    return "/" + PARAMETER.sub(lambda m: values[m.group("name")], route.route)


# --- the world the crawl runs in ---------------------------------------------------------------


@dataclass
class World:
    users: dict[str, Any]  # role → user (None for anonymous)
    learner: Any
    course: Any
    lesson: Any
    quiz: Any
    attempt: Any
    draft_course: Any
    draft_lesson: Any
    draft_quiz: Any
    other_course: Any
    other_lesson: Any
    other_quiz: Any
    stranger: Any
    stranger_attempt: Any
    assignments: list
    certificates: list
    actions: list
    badge_classes: list
    awards: list
    share_posts: list
    share_codes: list


def build_world() -> World:
    portugal = make_organisation("Dianova Portugal", country="PT")
    spain = make_organisation("Dianova Spain", country="ES")
    learner = make_user("learner", organisation=portugal, first_name="Ana", last_name="Silva")
    stranger = make_user("lucia", organisation=spain)
    users = {
        "anonymous": None,
        "learner": learner,
        "trainer": make_user(
            "trainer", organisation=portugal, groups=("Staff", "Trainers"), is_staff=True
        ),
        "manager-pt": make_manager(manages=[portugal], organisation=portugal, username="mpt"),
        "manager": make_manager(whole_network=True, username="manager"),
        "admin": make_user("admin", is_staff=True, is_superuser=True),
    }
    course = make_course(modules=2, lessons=2, final_quiz=True)
    draft = make_course(modules=1, status=Status.DRAFT)
    other = make_course(modules=1, language="fr")
    quiz = course.quizzes.first()
    attempt = attempt_start(user=learner, quiz=quiz)
    stranger_attempt = attempt_start(user=stranger, quiz=quiz)
    assignments = [
        assignment_create(course=course, assigned_by=users["admin"], organisations=[org])[0]
        for org in (portugal, spain)
    ]
    certificates = []
    for person in (learner, stranger):
        completion = CourseCompletion.objects.create(
            user=person, course=other, completed_at=timezone.now()
        )
        certificates.append(certificate_issue(completion=completion))
    certificate_revoke(certificate=certificates[1], reason="Issued by mistake")
    # The ambassador programme: the learner is a member with a badge and an action awaiting
    # review; the Spanish colleague has a verified action; the trainer decides.
    core = make_core_course()
    make_charter(1)
    profiles = [make_member(user=person) for person in (learner, stranger)]
    for person in (learner, stranger):
        pass_course(person, core)
        services.programme_sync(user=person)
    pending = log_action(profiles[0], "share")
    decided = verify(log_action(profiles[1], "share"), users["trainer"])
    awards = list(BadgeAward.objects.filter(user__in=[learner, stranger]).order_by("user_id"))
    badge_classes = [
        awards[0].badge_class,
        BadgeClass.objects.exclude(pk=awards[0].badge_class_id)[0],
    ]
    # The share kit: a post for Portugal the learner shared, one for Spain only.
    share_posts = [
        make_share_post(organisations=[portugal]),
        make_share_post(organisations=[spain], status="draft"),
    ]
    shared = share_record(profile=profiles[0], post=share_posts[0], target="linkedin")
    return World(
        users=users,
        learner=learner,
        course=course,
        lesson=Lesson.objects.filter(module__course=course).first(),
        quiz=quiz,
        attempt=attempt,
        draft_course=draft,
        draft_lesson=Lesson.objects.filter(module__course=draft).first(),
        draft_quiz=draft.quizzes.first(),
        other_course=other,
        other_lesson=Lesson.objects.filter(module__course=other).first(),
        other_quiz=other.quizzes.first(),
        stranger=stranger,
        stranger_attempt=stranger_attempt,
        assignments=assignments,
        certificates=certificates,
        actions=[pending, decided],
        badge_classes=badge_classes,
        awards=awards,
        share_posts=share_posts,
        share_codes=[shared.link.code],
    )


# Keyword argument → its real values in the World. Values at the same position form a chain
# used together: position 0 is the learner's own course, lesson, quiz and attempt; later
# positions are a draft course's objects, another course's, another learner's attempt.
REAL_VALUES: dict[str, Callable[[World], list]] = {
    "course": lambda w: [w.course.slug, w.draft_course.slug, w.other_course.slug],
    "lesson": lambda w: [w.lesson.pk, w.draft_lesson.pk, w.other_lesson.pk],
    "quiz": lambda w: [w.quiz.pk, w.draft_quiz.pk, w.other_quiz.pk],
    "attempt": lambda w: [w.attempt.pk, w.stranger_attempt.pk],
    "uidb64": lambda w: [urlsafe_base64_encode(force_bytes(w.learner.pk))],
    "token": lambda w: [default_token_generator.make_token(w.learner), "set-password"],
    # Portugal's assignment (in manager-pt's scope), then Spain's (outside it).
    "assignment": lambda w: [a.pk for a in w.assignments],
    # The learner (Portugal), someone in Spain, the superuser.
    "person": lambda w: [w.learner.pk, w.stranger.pk, w.users["admin"].pk],
    # The learner's certificate, then a revoked one of someone else.
    "code": lambda w: [c.code for c in w.certificates] + w.share_codes,
    # Posts to share: one the learner may share, then one for Spain only (a draft).
    "post": lambda w: [p.pk for p in w.share_posts],
    "target": lambda w: ["linkedin", "link"],
    # The learner's action awaiting review, then someone else's verified one.
    "action": lambda w: [a.pk for a in w.actions],
    # A badge the learner holds, then another badge class.
    "slug": lambda w: [b.slug for b in w.badge_classes],
    # The OpenID Connect provider on loopback (tests/oidc_provider.py), configured as "mock".
    "provider_id": lambda w: ["mock"],
    # The learner's badge award, then the Spanish colleague's.
    "award": lambda w: [w.awards[0].pk, w.awards[-1].pk],
}
# Tried in every parameter, as raw path text: ids that exist nowhere, an integer no column
# holds, path traversal, a NUL byte, a negative number, something long.
FORGED_VALUES = [
    "0",
    "999999999",
    str(2**63),
    str(uuid.UUID(int=12345)),
    "../etc",
    "%00",
    "-1",
    "x" * 300,
]
MALFORMED_QUERIES = [
    "page=-1",
    f"page={10**9}",
    "page=%00",
    "format=evil",
    "format=csv",
    "format=xlsx",
    "format=csv&organisation=abc",
    "organisation=abc",
    "organisation=-1",
    "organisation=0",
    f"organisation={10**20}",
    "q=" + "x" * 5000,
    "%ff%fe=%ff",
    "next=https://evil.example/",
    "page=1&page=2&format=csv&format=evil",
]
GARBAGE_POST = {
    "action": "submit",
    "username": "' OR 1=1 --",
    "password": "\x00",
    "email": "not-an-email",
    "old_password": "nope",
    "new_password1": "a",
    "new_password2": "b",
    "q1": "999999999",
    "q2": ["-1", "abc", str(2**63)],
    "organisation": "abc",
    "next": "https://evil.example/",
    "x" * 200: "y" * 5000,
}
ROLES = ["anonymous", "learner", "trainer", "manager-pt", "manager", "admin"]


def missing_kwargs(routes) -> list[str]:
    """One message per URL the crawl cannot fill in, naming it and what to do."""
    problems = []
    for route in routes:
        if not route.buildable:
            problems.append(
                f"URL {route.route!r} ({route.name}) is a re_path(); the crawl fills in path() "
                "routes only: use path() or teach build_path() about it."
            )
        for kwarg in route.kwargs:
            if kwarg not in REAL_VALUES:
                problems.append(
                    f"URL {route.route!r} ({route.name}) has keyword argument {kwarg!r} that "
                    "REAL_VALUES in tests/test_crawl.py does not know: add real values for it."
                )
    return problems


def chain_count(route: Route, world: World) -> int:
    """How many chains of real values ``path_variants`` starts with."""
    return max((len(REAL_VALUES[k](world)) for k in route.kwargs), default=1)


def path_variants(route: Route, world: World) -> list[str]:
    """Every chain of real values, then each parameter in turn given every other real and
    every forged value (the rest from chain 0)."""
    if not route.kwargs:
        return [build_path(route, {})]
    real = {k: [str(v) for v in REAL_VALUES[k](world)] for k in route.kwargs}
    length = chain_count(route, world)
    chains = [
        {k: values[min(i, len(values) - 1)] for k, values in real.items()} for i in range(length)
    ]
    variants = [build_path(route, chain) for chain in chains]
    for kwarg in route.kwargs:
        for value in real[kwarg][1:] + FORGED_VALUES:
            variants.append(build_path(route, {**chains[0], kwarg: value}))
    return variants


# --- the checks ------------------------------------------------------------------------------


def counting_sql() -> str:
    """One query giving the row count of every counted table."""
    tables = sorted(
        t
        for t in connection.introspection.django_table_names(only_existing=True)
        if t not in UNCOUNTED_TABLES and not t.startswith(UNCOUNTED_PREFIXES)
    )
    quote = connection.ops.quote_name
    # Table names come from the model registry, never from input.
    counts = [
        f"(SELECT COUNT(*) FROM {quote(t)} WHERE {COUNTED_WHERE.get(t, '1 = 1')})"  # noqa: S608
        for t in tables
    ]
    return "SELECT " + ", ".join(counts)


class Crawler:
    def __init__(self, role: str, world: World):
        self.role = role
        self.user = world.users[role]
        self.client = Client()
        self.failures: list[str] = []
        self.requests = 0
        self.statuses: Counter[int] = Counter()
        self.log_in()
        self.sql = counting_sql()
        self.counts = self.table_counts()

    def table_counts(self) -> tuple[int, ...]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql)
            return tuple(cursor.fetchone())

    def log_in(self):
        if self.user is not None:
            self.client.force_login(self.user)

    def rejected(self, method: str, response, junk_post: bool) -> bool:
        if 400 <= response.status_code < 500:
            return True
        if response.status_code in (301, 302, 303, 307, 308):
            return response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        return junk_post and response.status_code == 200

    def visit(self, method: str, path: str, *, data=None, query: str = "", junk: bool = False):
        label = f"{self.role}: {method} {path}{'?' + query if query else ''}"
        if data is not None:
            label += " (garbage body)" if data else " (empty body)"
        self.requests += 1
        try:
            if method == "GET":
                response = self.client.get(path, QUERY_STRING=query)
            elif data == b"":
                response = self.client.post(path, data=b"", content_type="text/plain")
            else:
                response = self.client.post(path, data=data)
            if response.streaming:
                b"".join(response.streaming_content)
        except Exception as error:  # every error escaping a view is a finding
            frame = traceback.extract_tb(error.__traceback__)[-1]
            self.failures.append(f"{label} raised {error!r} at {frame.filename}:{frame.lineno}")
            self.counts = self.table_counts()
            self.log_in()
            return
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.failures.append(f"{label} answered {response.status_code}")
        counts = self.table_counts()
        if self.rejected(method, response, junk) and counts != self.counts:
            self.failures.append(
                f"{label} was rejected ({response.status_code}) but wrote to the database"
            )
        self.counts = counts
        if method == "POST" and self.user and not self.client.session.get("_auth_user_id"):
            self.log_in()  # a POST to /accounts/logout/ ended the session: carry on

    def crawl(self, route: Route, world: World):
        variants = path_variants(route, world)
        chains = chain_count(route, world)
        for index, path in enumerate(variants):
            self.visit("GET", path)
            # The body only matters once the ids resolve: both bodies on real chains, the
            # garbage one alone on forged ids (still the only way into POST-only views).
            if index < chains:
                self.visit("POST", path, data=b"", junk=True)
            self.visit("POST", path, data=GARBAGE_POST, junk=True)
        for query in MALFORMED_QUERIES:
            self.visit("GET", variants[0], query=query)


# --- the tests -------------------------------------------------------------------------------


def test_crawl_finds_the_project_urls():
    names = {route.name for route in collect_routes()}
    expected = {
        "ambassadors:dashboard",
        "ambassadors:course-report",
        "courses:lesson",
        "courses:attempt",
        "login",
        "password_reset_confirm",
        "healthz",
    }
    assert expected <= names
    assert not any(name.startswith("admin:") for name in names)


def test_crawl_knows_every_url_kwarg():
    problems = missing_kwargs(collect_routes())
    assert not problems, "\n".join(problems)


def test_crawl_names_a_url_with_an_unknown_kwarg():
    new = Route(route="badges/<int:badge>/", name="ambassadors:badge", kwargs=("badge",))
    problems = missing_kwargs([new])
    assert len(problems) == 1
    assert "'badges/<int:badge>/'" in problems[0] and "'badge'" in problems[0]


def test_path_variants_cover_chains_and_forged_values(db):
    world = build_world()
    route = next(r for r in collect_routes() if r.name == "courses:lesson")
    variants = path_variants(route, world)
    assert variants[0] == f"/courses/{world.course.slug}/lessons/{world.lesson.pk}/"
    assert f"/courses/{world.draft_course.slug}/lessons/{world.draft_lesson.pk}/" in variants
    assert f"/courses/{world.course.slug}/lessons/../etc/" in variants
    assert f"/courses/%00/lessons/{world.lesson.pk}/" in variants


@pytest.mark.django_db
@pytest.mark.urls("tests.urls_errors")
def test_crawl_reports_a_500_and_a_write_by_a_rejected_request():
    world = build_world()
    crawler = Crawler("learner", world)
    for route in collect_routes():
        if route.route.startswith("test-errors/crawl/"):
            crawler.crawl(route, world)
    found = "\n".join(crawler.failures)
    assert f"learner: GET /test-errors/crawl/lesson/{2**63}/ raised" in found
    assert "learner: GET /test-errors/crawl/refuse/ was rejected (403) but wrote" in found


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_crawl_never_500_and_rejections_write_nothing(role, oidc_provider):
    routes = list(collect_routes())
    problems = missing_kwargs(routes)
    assert not problems, "\n".join(problems)
    world = build_world()
    crawler = Crawler(role, world)
    for route in routes:
        crawler.crawl(route, world)
    # The crawl must really reach pages, not only bounce off the URL conf.
    assert crawler.requests > 500
    assert crawler.statuses[200] > 20 and crawler.statuses[404] > 50, crawler.statuses
    shown = "\n".join(crawler.failures[:40])
    assert not crawler.failures, f"{len(crawler.failures)} problems:\n{shown}"
