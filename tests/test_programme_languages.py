"""Every programme page and every report page speaks the reader's language, data included:
rendered in French, Spanish, Portuguese and Italian with the demo's data, none shows the
English name of a level, an action type, a badge or a course (issue 12)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from ambassadors.models import (
    Action,
    ActionType,
    AmbassadorProfile,
    BadgeAward,
    BadgeClass,
    Level,
    StaffProfile,
)
from courses.models import Course

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(600)]


def english_names() -> set[str]:
    names = set()
    for model in (Level, ActionType, BadgeClass):
        names.update(model.objects.values_list("name_en", flat=True))
    names.update(Course.objects.filter(language="en").values_list("title", flat=True))
    return {name for name in names if name}


def leaks(html: str, names: set[str]) -> list[str]:
    return sorted(name for name in names if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", html))


def pages(member, manager) -> list[tuple[object, str]]:
    """(who, url) for every programme page and every report page, with real objects."""
    action = Action.objects.filter(user=member).order_by("pk").first()
    award = BadgeAward.objects.filter(user=member).first()
    course = Course.objects.in_use().get()
    urls = [
        (member, reverse("ambassadors:dashboard")),
        (member, reverse("ambassadors:programme")),
        (member, reverse("ambassadors:action-new")),
        (member, reverse("ambassadors:action", kwargs={"action": action.pk})),
        (member, reverse("ambassadors:leaderboard")),
        (member, reverse("ambassadors:charter")),
        (member, reverse("ambassadors:checklist")),
        (member, reverse("ambassadors:privacy")),
        (manager, reverse("ambassadors:review")),
        (manager, reverse("ambassadors:reports")),
        (manager, reverse("ambassadors:course-report", kwargs={"course": course.slug})),
        (manager, reverse("ambassadors:person-report", kwargs={"person": member.pk})),
        (manager, reverse("ambassadors:assignments")),
        (None, reverse("badges:award", kwargs={"award": award.pk})),
    ]
    urls += [
        (None, reverse("badges:class", kwargs={"slug": slug}))
        for slug in BadgeClass.objects.values_list("slug", flat=True)
    ]
    return urls


def test_programme_and_report_pages_show_no_english_names(client, settings):
    from ambassadors.demo import load_demo

    settings.DEBUG = True  # load_demo refuses to run on a production site
    load_demo(password="demo-password-for-tests")
    names = english_names()
    assert {"Trained", "Share of official content", "Level 6 · Ambassador"} <= names
    member = (
        AmbassadorProfile.objects.active()
        .filter(level=6, user__badge_awards__isnull=False)
        .select_related("user")
        .first()
        .user
    )
    manager = get_user_model().objects.get(username="manager")
    manager.groups.add(*get_user_model().objects.get(username="trainer").groups.all())
    found = {}
    for language in ("fr", "es", "pt", "it"):
        StaffProfile.objects.filter(user__in=[member, manager]).update(language=language)
        for who, url in pages(member, manager):
            if who is None:
                client.logout()
                client.cookies["django_language"] = language
            else:
                client.force_login(who)
            response = client.get(url)
            assert response.status_code == 200, url
            if wrong := leaks(response.content.decode(), names):
                found[language, url] = wrong
    assert found == {}
