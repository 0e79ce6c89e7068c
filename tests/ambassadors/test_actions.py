"""Logging actions: evidence links, weekly caps, automatic actions once, and who sees what."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import Action, ActionType, Platform
from ambassadors.programme import actions as programme_actions
from ambassadors.programme import services
from tests.ambassadors.conftest import reload
from tests.factories import log_action, make_member, make_user, pass_course, verify

pytestmark = pytest.mark.django_db


def form_data(type_key="share", **fields):
    action_type = ActionType.objects.get(key=type_key)
    data = {
        "action_type": action_type.pk,
        "platform": Platform.objects.get(slug="facebook").pk,
        "url": "https://www.facebook.com/dianova/posts/123",
        "language": "pt",
        "note": "",
        "follows_charter": "on",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client


def test_action_log_form_saves_a_share_awaiting_verification(member_client, member):
    response = member_client.post(reverse("ambassadors:action-new"), form_data())
    assert response.status_code == 302
    action = Action.objects.get(user=member.user)
    assert action.status == Action.Status.SUBMITTED
    assert action.points == 0  # points only once verified
    assert action.platform.slug == "facebook"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "Only web links starting with https://"),
        ("ftp://www.facebook.com/file", "Only web links starting with https://"),
        ("https://evil.example.org/post/1", "not on the list of allowed platforms"),
        ("https://www.instagram.com/p/abc/", "This link is not on Facebook"),
        ("https://www.facebook.com/" + "a" * 600, "This link is too long"),
        ("https://www.facebook.com/x?<script>alert(1)</script>", "never has"),
        ("https://www.facebook.com/x?q=%3Cscript%3Ealert(1)%3C/script%3E", "never has"),
        ("https://www.facebook.com/x?q=%253Cscript%253E", "never has"),
        ('https://www.facebook.com/x"onmouseover="alert(1)', "never has"),
        ("https://www.facebook.com@evil.example.org/", "user name or password"),
        ("https://user:pw@www.facebook.com/", "user name or password"),
        ("https://facebook.com.evil.example.org/", "not on the list of allowed platforms"),
    ],
)
def test_action_log_bad_link_gives_a_clear_message_and_saves_nothing(member_client, url, message):
    response = member_client.post(reverse("ambassadors:action-new"), form_data(url=url))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "nothing was saved" in response.content.decode()
    assert not Action.objects.exists()


def test_action_log_link_on_a_subdomain_of_the_platform_is_accepted(member_client):
    response = member_client.post(
        reverse("ambassadors:action-new"), form_data(url="https://m.facebook.com/story.php?id=1")
    )
    assert response.status_code == 302
    assert Action.objects.count() == 1


def test_action_log_requirements_of_the_type(member_client, colleague):
    cases = [
        (form_data(url=""), "Give the link to the post"),
        (form_data("story", consent_confirmed=None), "need everyone"),
        (form_data("campaign"), "Choose the campaign"),
        (form_data("mentoring", url="", platform=""), "Choose the colleague"),
        (form_data(follows_charter=None), "Only posts that follow the charter"),
    ]
    for data, message in cases:
        response = member_client.post(reverse("ambassadors:action-new"), data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Action.objects.exists()


def test_action_log_needs_membership(client, portugal):
    user = make_user(organisation=portugal)
    client.force_login(user)
    response = client.post(reverse("ambassadors:action-new"), form_data())
    assert response.status_code == 302
    assert response.url == reverse("ambassadors:programme")
    assert not Action.objects.exists()


def test_action_without_verification_is_verified_at_once_within_its_cap(member):
    for number in range(4):
        log_action(member, "suggestion", note=f"Idea {number}")
    actions = Action.objects.filter(user=member.user, action_type__key="suggestion")
    assert all(a.status == Action.Status.VERIFIED for a in actions)
    assert sorted(a.points for a in actions) == [0, 3, 3, 3]  # weekly cap: 3 a week
    assert actions.filter(capped=True).count() == 1


def test_weekly_cap_stops_points_farming_but_not_verification(member, trainer):
    ActionType.objects.filter(key="share").update(weekly_cap=2)
    shares = [log_action(member, "share") for _ in range(3)]
    for share in shares:
        verify(share, trainer)
    assert [s.points for s in shares] == [5, 5, 0]
    assert shares[2].status == Action.Status.VERIFIED and shares[2].capped
    # The next week the cap starts again.
    next_week = log_action(member, "share")
    Action.objects.filter(pk=next_week.pk).update(created_at=timezone.now() + timedelta(days=7))
    assert verify(next_week, trainer).points == 5


def test_automatic_actions_are_recorded_once(member, core_course, charter):
    pass_course(member.user, core_course)
    for _ in range(3):
        services.programme_sync(user=member.user)
    # Pass the quiz again: a second passing attempt gives no second "quiz passed".
    from courses.services import attempt_start, attempt_submit

    quiz = core_course.quizzes.get()
    attempt = attempt_start(user=member.user, quiz=quiz)
    attempt_submit(
        attempt=attempt,
        answers={
            q.pk: {c.pk for c in q.choices.all() if c.is_correct} for q in attempt.questions.all()
        },
    )
    services.programme_sync(user=member.user)
    services.charter_accept(profile=reload(member), charter=charter)
    services.charter_accept(profile=reload(member), charter=charter)
    automatic = Action.objects.filter(user=member.user).exclude(action_type__automatic="")
    assert sorted(automatic.values_list("action_type__key", flat=True)) == [
        "charter-accepted",
        "course-completed",
        "quiz-passed",
    ]
    assert sum(a.points for a in automatic) == 20 + 5 + 10


def test_automatic_actions_for_course_facts_before_joining(portugal, core_course, charter):
    user = make_user(organisation=portugal)
    pass_course(user, core_course)  # before joining: nothing recorded
    assert not Action.objects.exists()
    profile = make_member(user)
    assert profile.level == 1
    assert Action.objects.filter(user=user).count() == 2  # course completed + quiz passed


def test_automatic_action_database_constraint(member):
    course_type = ActionType.objects.get(automatic="course_completed")
    Action.objects.create(user=member.user, action_type=course_type, source_key="course:1")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(user=member.user, action_type=course_type, source_key="course:1")


def test_my_page_lists_only_my_actions(client, member, portugal):
    other = make_member(organisation=portugal, username="rui")
    mine = log_action(member, "share", note="Mine")
    theirs = log_action(other, "share", note="Someone else's")
    client.force_login(member.user)
    page = client.get(reverse("ambassadors:programme")).content.decode()
    assert mine.get_absolute_url() in page
    assert theirs.get_absolute_url() not in page
    assert theirs.url not in page


def test_action_detail_of_someone_else_or_forged_is_404(client, member, portugal):
    other = make_member(organisation=portugal, username="rui")
    theirs = log_action(other, "share")
    client.force_login(member.user)
    assert (
        client.get(reverse("ambassadors:action", kwargs={"action": theirs.pk})).status_code == 404
    )
    assert client.get("/ambassador/actions/999999/").status_code == 404
    assert client.get("/ambassador/actions/99999999999999999999999/").status_code == 404
    assert client.get("/ambassador/actions/abc/").status_code == 404


def test_returned_action_is_edited_by_its_owner_and_resubmitted(client, member, trainer, portugal):
    action = log_action(member, "share", url="https://www.facebook.com/wrong")
    programme_actions.action_decide(
        action=action, reviewer=trainer, decision="returned", note="Link to the post itself"
    )
    edit_url = reverse("ambassadors:action-edit", kwargs={"action": action.pk})

    intruder = make_member(organisation=portugal, username="rui")
    client.force_login(intruder.user)
    assert client.get(edit_url).status_code == 404
    assert client.post(edit_url, form_data()).status_code == 404

    client.force_login(member.user)
    page = client.get(edit_url).content.decode()
    assert "Link to the post itself" in page
    response = client.post(edit_url, form_data(url="https://www.facebook.com/dianova/posts/9"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.SUBMITTED
    assert action.submissions == 2
    assert action.url.endswith("/posts/9")
    # Once resubmitted it cannot be edited again until a trainer returns it.
    response = client.post(edit_url, form_data(url="https://www.facebook.com/dianova/posts/10"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.url.endswith("/posts/9")


def test_returned_action_edit_with_bad_link_saves_nothing(client, member, trainer):
    action = log_action(member, "share")
    programme_actions.action_decide(
        action=action, reviewer=trainer, decision="returned", note="Fix"
    )
    client.force_login(member.user)
    edit_url = reverse("ambassadors:action-edit", kwargs={"action": action.pk})
    response = client.post(edit_url, form_data(url="javascript:alert(1)"))
    assert response.status_code == 200
    action.refresh_from_db()
    assert action.status == Action.Status.RETURNED
    assert action.url.startswith("https://www.facebook.com/")


def test_action_logged_twice_is_refused_with_a_message(member_client, member, colleague):
    url = reverse("ambassadors:action-new")
    assert member_client.post(url, form_data()).status_code == 302
    response = member_client.post(url, form_data())  # a double click, or the same post again
    assert "You have already logged this post." in response.content.decode()
    data = form_data("mentoring", url="", platform="", colleague=colleague.pk)
    assert member_client.post(url, data).status_code == 302
    response = member_client.post(url, data)
    assert "You have already logged mentoring this colleague." in response.content.decode()
    data = form_data("suggestion", url="", platform="", note="A video of the garden")
    assert member_client.post(url, data).status_code == 302
    response = member_client.post(url, data)
    assert "You logged exactly this a moment ago." in response.content.decode()
    assert Action.objects.filter(user=member.user, action_type__automatic="").count() == 3


def test_action_one_post_one_action_in_the_database(member):
    from django.db import IntegrityError, transaction

    first = log_action(member, "share")
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(user=member.user, action_type=first.action_type, url=first.url)


def test_action_detail_shows_the_decisions(client, member, trainer):
    action = log_action(member, "share")
    programme_actions.action_decide(
        action=action, reviewer=trainer, decision="returned", note="Fix link"
    )
    client.force_login(member.user)
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Returned for changes" in page and "Fix link" in page and "Tiago Trainer" in page
    assert reverse("ambassadors:action-edit", kwargs={"action": action.pk}) in page
    assert client.get(reverse("ambassadors:leave")).status_code == 200
    assert client.get(reverse("ambassadors:privacy")).status_code == 200
    assert client.get(reverse("ambassadors:checklist")).status_code == 200


BIDI = ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"]


@pytest.mark.parametrize("control", BIDI)
def test_action_log_link_with_bidi_controls_is_refused(member_client, control):
    """``https://facebook.com/p/abc‮gnp.exe`` displayed reversed ("…abcexe.png") in the
    trainer's queue."""
    for url in (
        f"https://www.facebook.com/p/abc{control}gnp.exe",
        f"https://www.facebook.com/p/abc{quote(control)}gnp.exe",  # percent-encoded
    ):
        response = member_client.post(reverse("ambassadors:action-new"), form_data(url=url))
        assert response.status_code == 200
        assert "change the direction of the text" in response.content.decode()
    assert not Action.objects.exists()


def test_bidi_controls_are_removed_from_notes_and_decisions(member_client, member, trainer):
    from django.test import Client

    note = "Posted \u202eevil\u202c text \u2067here\u2069"
    member_client.post(reverse("ambassadors:action-new"), form_data(note=note))
    action = Action.objects.get(user=member.user)
    assert action.note == "Posted evil text here"
    reviewer = Client()
    reviewer.force_login(trainer)
    reviewer.post(
        reverse("ambassadors:review-decide", args=[action.pk]),
        {"decision": "returned", "note": "Fix \u202egnp.exe"},
    )
    assert action.decisions.get().note == "Fix gnp.exe"
