"""/ambassador/, the verification queue and the leaderboard use a fixed number of queries,
whatever the number of members, actions, badges and organisations (sizes 1 and 4)."""

import pytest
from django.urls import reverse

from ambassadors.programme import actions as programme_actions
from ambassadors.programme import services
from tests.ambassadors.conftest import climb
from tests.factories import (
    log_action,
    make_charter,
    make_core_course,
    make_member,
    make_organisation,
    make_trainer,
    verify,
)
from tests.test_query_counts import NO_GRANTS, PERMISSIONS, SIGNED_IN, get


@pytest.fixture(params=[1, 4], ids=["size1", "size4"])
def programme_world(request, db):
    size = request.param
    course = make_core_course()
    charter = make_charter(1)
    organisations = [make_organisation() for _ in range(size)]
    trainer = make_trainer(organisation=organisations[0], whole_network=True)
    viewer = climb(
        make_member(organisation=organisations[0]),
        4,
        trainer=trainer,
        course=course,
        charter=charter,
    )
    services.leaderboard_visibility_set(profile=viewer, visible=True)
    for index in range(size * 3):
        action = log_action(viewer, ["share", "reply", "story"][index % 3], language="pt")
        if index % 3 == 0:
            verify(action, trainer)
        elif index % 3 == 1:
            programme_actions.action_decide(
                action=action, reviewer=trainer, decision="returned", note="n"
            )
    for index in range(size * 4):
        other = make_member(organisation=organisations[index % size])
        services.leaderboard_visibility_set(profile=other, visible=True)
        for _ in range(size):
            verify(log_action(other, "share"), trainer)
            log_action(other, "reply")  # waiting in the queue
    return {"viewer": viewer, "trainer": trainer}


def test_programme_page_queries(client, programme_world, django_assert_num_queries):
    client.force_login(programme_world["viewer"].user)
    get(client, reverse("ambassadors:programme"))  # first visit may record course facts
    # membership; sync (completions, passed quizzes, recorded facts, current charter
    # accepted); levels; facts (course completed, current charter, action counts, months);
    # core course; my actions + their decisions; points; my badges; my organisation's
    # official accounts (organisation + accounts)
    with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 1 + 4 + 1 + 4 + 1 + 2 + 1 + 1 + 2):
        get(client, reverse("ambassadors:programme"))


def test_dashboard_with_level_queries(client, programme_world, django_assert_num_queries):
    client.force_login(programme_world["viewer"].user)
    get(client, reverse("ambassadors:dashboard"))
    # membership; sync (completions, passed quizzes, recorded facts, current charter
    # accepted); my level; courses
    with django_assert_num_queries(SIGNED_IN + NO_GRANTS + 1 + 4 + 1 + 1):
        get(client, reverse("ambassadors:dashboard"))


def test_review_queue_queries(client, programme_world, django_assert_num_queries):
    client.force_login(programme_world["trainer"])
    # count and page of waiting actions (with people, types, platforms); the filter's
    # organisations and types
    with django_assert_num_queries(SIGNED_IN + PERMISSIONS + 2 + 2):
        get(client, reverse("ambassadors:review"))


@pytest.mark.parametrize("by", ["organisation", "country"])
def test_leaderboard_queries(client, programme_world, django_assert_num_queries, by):
    client.force_login(programme_world["viewer"].user)
    # membership; countries; my organisation; levels; people; team totals; and the
    # organisations of the filter (not shown when teams are countries)
    expected = SIGNED_IN + NO_GRANTS + 7 - (1 if by == "country" else 0)
    with django_assert_num_queries(expected):
        get(client, reverse("ambassadors:leaderboard") + f"?by={by}&period=all")
