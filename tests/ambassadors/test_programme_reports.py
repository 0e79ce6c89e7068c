"""The ambassador programme's figures in the managers' overview and per-person page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors.models import Action, Level
from ambassadors.programme import services
from ambassadors.reports import overview as reports_overview
from tests.factories import (
    log_action,
    make_manager,
    make_member,
    make_organisation,
    make_trainer,
    make_user,
    verify,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    portugal = make_organisation("Dianova Portugal", country="PT")
    spain = make_organisation("Dianova Spain", country="ES")
    trainer = make_trainer("trainer", organisation=portugal, whole_network=True)
    ana = make_member(organisation=portugal, username="ana")
    rui = make_member(organisation=portugal, username="rui")
    make_user("nuno", organisation=portugal)  # never joined
    lucia = make_member(organisation=spain, username="lucia")
    gone = make_member(organisation=portugal, username="gone")
    shared = verify(log_action(ana, "share"), trainer)
    # verified two days after it was logged
    Action.objects.filter(pk=shared.pk).update(created_at=shared.verified_at - timedelta(days=2))
    log_action(rui, "share")  # awaiting verification
    verify(log_action(lucia, "share"), trainer)
    verify(log_action(gone, "share"), trainer)
    services.programme_leave(profile=gone)
    manager_pt = make_manager(manages=[portugal], username="manager-pt")
    return locals()


def test_overview_counts_members_of_the_scope_only(programme):
    figures = reports_overview.overview(manager=programme["manager_pt"]).ambassadors
    # Portugal's staff: ana, rui, nuno, gone (left) and the trainer
    assert figures.active_ambassadors == 1  # ana; lucia is in Spain, gone has left
    assert figures.active_ambassadors_rate == 20
    assert figures.verification_backlog == 1  # rui's share
    assert figures.median_days_to_verify == 2
    funnel = dict(figures.staff_per_level)
    assert funnel["Not in the programme"] == 3  # nuno, gone and the trainer
    assert sum(funnel.values()) == 5
    assert [name for name, _n in figures.staff_per_level][2:] == list(
        Level.objects.order_by("rank").values_list("name", flat=True)
    )
    week = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert figures.verified_actions_over_time == [(week, 1)]


def test_overview_page_and_export_show_the_same_funnel(client, programme):
    client.force_login(programme["manager_pt"])
    page = client.get(reverse("ambassadors:reports"))
    funnel = page.context["overview"].ambassadors.staff_per_level
    exported = b"".join(
        client.get(reverse("ambassadors:reports") + "?format=csv&table=levels").streaming_content
    ).decode("utf-8-sig")
    lines = exported.strip().splitlines()[1:]
    assert [line.rsplit(",", 1)[1] for line in lines] == [str(n) for _name, n in funnel]


def test_person_page_lists_actions_of_members_only(client, programme):
    client.force_login(programme["manager_pt"])
    ana = client.get(
        reverse("ambassadors:person-report", kwargs={"person": programme["ana"].user_id})
    )
    assert [a.action_type.key for a in ana.context["report"].ambassador_actions] == ["share"]
    gone = client.get(
        reverse("ambassadors:person-report", kwargs={"person": programme["gone"].user_id})
    )
    assert gone.context["report"].ambassador_actions == []
    spain = client.get(
        reverse("ambassadors:person-report", kwargs={"person": programme["lucia"].user_id})
    )
    assert spain.status_code == 404
