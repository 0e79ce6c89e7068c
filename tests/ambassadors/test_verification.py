"""Trainers' queue: scope, filters, decisions recorded, one decision when two trainers act."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from ambassadors.models import Action, ActionDecision
from ambassadors.programme import actions as programme_actions
from ambassadors.programme import services
from tests.ambassadors.conftest import reload
from tests.factories import (
    log_action,
    make_charter,
    make_member,
    make_organisation,
    make_trainer,
    make_user,
)


@pytest.fixture
def queue(db, portugal, spain, trainer):
    ana = make_member(organisation=portugal, username="ana", first_name="Ana", last_name="Silva")
    lucia = make_member(
        organisation=spain, username="lucia", first_name="Lucía", last_name="García"
    )
    return {
        "ana_share": log_action(ana, "share", language="pt"),
        "ana_reply": log_action(ana, "reply", language="en"),
        "lucia_share": log_action(lucia, "share", language="es"),
        "trainer_own": log_action(make_member(trainer), "share"),
        "ana": ana,
        "lucia": lucia,
    }


def queue_page(client, **params):
    response = client.get(reverse("ambassadors:review"), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_review_queue_shows_only_organisations_the_trainer_reviews(client, trainer, queue):
    client.force_login(trainer)
    page = queue_page(client)
    assert queue["ana_share"].url in page and queue["ana_reply"].url in page
    assert queue["lucia_share"].url not in page  # Spain is not the trainer's
    assert queue["trainer_own"].url not in page  # never one's own actions


@pytest.mark.django_db
def test_review_queue_trainer_with_managed_organisations(client, spain, queue):
    other = make_trainer(organisation=make_organisation(), manages=[spain])
    client.force_login(other)
    page = queue_page(client)
    assert queue["lucia_share"].url in page
    assert queue["ana_share"].url not in page


@pytest.mark.django_db
def test_review_queue_filters(client, trainer, portugal, spain, queue):
    trainer.profile.managed_organisations.set([spain])
    client.force_login(trainer)
    page = queue_page(client, organisation=spain.pk)
    assert queue["lucia_share"].url in page and queue["ana_share"].url not in page
    page = queue_page(client, language="en")
    assert queue["ana_reply"].url in page and queue["ana_share"].url not in page
    page = queue_page(client, action_type=queue["ana_reply"].action_type_id)
    assert queue["ana_reply"].url in page and queue["lucia_share"].url not in page
    page = queue_page(client, organisation="99999", language="xx")
    assert "Unknown filter value" in page
    assert queue["ana_share"].url in page


@pytest.mark.django_db
def test_review_queue_forbidden_to_staff(client, queue):
    client.force_login(queue["ana"].user)
    assert client.get(reverse("ambassadors:review")).status_code == 403
    url = reverse("ambassadors:review-decide", kwargs={"action": queue["lucia_share"].pk})
    assert client.post(url, {"decision": "verified"}).status_code == 403


@pytest.mark.django_db
def test_review_decide_outside_scope_or_forged_is_404(client, trainer, queue):
    client.force_login(trainer)
    for action_id in (queue["lucia_share"].pk, queue["trainer_own"].pk, 10**12):
        url = reverse("ambassadors:review-decide", kwargs={"action": action_id})
        assert client.post(url, {"decision": "verified"}).status_code == 404
    assert reload(queue["lucia_share"]).status == Action.Status.SUBMITTED


@pytest.mark.django_db
def test_review_decide_records_who_when_and_note(client, trainer, queue):
    client.force_login(trainer)
    share = queue["ana_share"]
    url = reverse("ambassadors:review-decide", kwargs={"action": share.pk})
    response = client.post(url, {"decision": "returned", "note": ""})
    assert response.status_code == 302
    assert reload(share).status == Action.Status.SUBMITTED  # a note is required
    client.post(url, {"decision": "returned", "note": "Please link the post itself."})
    share = reload(share)
    assert share.status == Action.Status.RETURNED and share.points == 0
    decision = ActionDecision.objects.get(action=share)
    assert decision.decided_by == trainer
    assert decision.note == "Please link the post itself."
    assert decision.decided_at is not None

    programme_actions.action_resubmit(action=share, user=share.user, data=_same(share))
    client.post(url, {"decision": "verified"})
    share = reload(share)
    assert share.status == Action.Status.VERIFIED and share.points == 5
    assert list(share.decisions.values_list("decision", "submission")) == [
        ("returned", 1),
        ("verified", 2),
    ]
    reply = queue["ana_reply"]
    client.post(
        reverse("ambassadors:review-decide", kwargs={"action": reply.pk}),
        {"decision": "rejected", "note": "Not a reply to a supporter."},
    )
    assert reload(reply).status == Action.Status.REJECTED


def _same(action):
    from ambassadors.programme.actions import ActionInput

    return ActionInput(
        action_type=action.action_type,
        url=action.url,
        platform=action.platform,
        language=action.language,
        follows_charter=True,
    )


@pytest.mark.django_db
def test_review_decide_twice_gives_one_decision_and_a_message(client, trainer, queue):
    client.force_login(trainer)
    url = reverse("ambassadors:review-decide", kwargs={"action": queue["ana_share"].pk})
    client.post(url, {"decision": "verified"})
    response = client.post(url, {"decision": "rejected", "note": "Too late"}, follow=True)
    assert "Another trainer has already decided" in response.content.decode()
    assert ActionDecision.objects.filter(action=queue["ana_share"]).count() == 1
    assert reload(queue["ana_share"]).status == Action.Status.VERIFIED


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite is serial)"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_trainers_deciding_at_once_produce_one_decision():
    portugal = make_organisation("Dianova Portugal")
    make_charter(1)
    member = make_member(organisation=portugal)
    trainers = [make_trainer(organisation=portugal) for _ in range(2)]
    for attempt in range(5):  # several rounds: the race must never produce two decisions
        action = log_action(member, "share")
        barrier = threading.Barrier(2)
        outcomes = []

        def decide(trainer, decision, action=action, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait()
                programme_actions.action_decide(
                    action=Action.objects.get(pk=action.pk),
                    reviewer=trainer,
                    decision=decision,
                    note="Decided",
                )
                outcomes.append(decision)
            except services.AlreadyDecided:
                outcomes.append("already decided")
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=decide, args=(trainers[0], "verified")),
            threading.Thread(target=decide, args=(trainers[1], "rejected")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes).count("already decided") == 1, (attempt, outcomes)
        assert ActionDecision.objects.filter(action=action).count() == 1
        winner = next(o for o in outcomes if o != "already decided")
        action.refresh_from_db()
        assert action.status == winner
        assert action.points == (5 if winner == "verified" else 0)


@pytest.mark.django_db
def test_superuser_reviews_every_organisation(client, queue):
    admin = make_user("admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = queue_page(client)
    assert queue["lucia_share"].url in page and queue["ana_share"].url in page


@pytest.mark.django_db
def test_actions_of_members_who_left_leave_the_queue(client, trainer, queue):
    services.programme_leave(profile=queue["ana"])
    client.force_login(trainer)
    page = queue_page(client)
    assert queue["ana_share"].url not in page


@pytest.mark.django_db
def test_review_queue_absurd_filter_values_are_a_message_not_an_error(client, trainer, queue):
    client.force_login(trainer)
    for params in (
        {"organisation": "9" * 30},
        {"action_type": "-1"},
        {"page": "-1"},
        {"page": str(10**9)},
        {"language": "<script>"},
    ):
        response = client.get(reverse("ambassadors:review"), params)
        assert response.status_code == 200
