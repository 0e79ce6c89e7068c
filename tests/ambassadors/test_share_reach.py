"""Managers' reach of the share kit: figures, exports and scope."""

import csv
import io

import pytest

from ambassadors.programme import services as programme
from ambassadors.programme.share import services, tracking
from tests.factories import make_manager, make_member
from tests.share_factories import make_share_post

REACH = "/reports/reach/"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"


@pytest.fixture(autouse=True)
def _fresh_day_keys():
    tracking.forget_day_keys()


def share_and_click(client, profile, post, target="linkedin", visitors=1):
    share = services.share_record(profile=profile, post=post, target=target)
    for n in range(visitors):
        client.get(
            f"/s/{share.link.code}?via={target}",
            HTTP_USER_AGENT=BROWSER,
            REMOTE_ADDR=f"203.0.113.{n + 1}",
        )
    return share


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def network(client, member, spain, campaign):
    """Ana (Portugal) shares two posts (three visitors), Pilar (Spain) one (one visitor)."""
    post = make_share_post(campaign=campaign, name="Campaign post")
    other = make_share_post(texts={"fr": ("Autre", "x")}, name="Other post")
    pilar = make_member(organisation=spain, first_name="Pilar")
    share_and_click(client, member, post, visitors=2)
    share_and_click(client, member, other, target="x")
    share_and_click(client, pilar, post, target="facebook", visitors=1)
    return post, other, pilar


def test_manager_sees_reach_of_their_organisations_only(client, network, portugal):
    client.force_login(make_manager(manages=[portugal]))
    response = client.get(REACH)
    assert response.status_code == 200
    reach = response.context["reach"]
    assert [row.cells() for row in reach.organisations] == [["Dianova Portugal", 2, 3, 1]]
    assert reach.totals.cells()[1:] == [2, 3, 1]
    assert "Dianova Spain" not in response.content.decode()


def test_network_manager_reach_per_campaign_post_and_week(client, network, campaign):
    client.force_login(make_manager(whole_network=True))
    reach = client.get(REACH).context["reach"]
    assert [row.cells() for row in reach.organisations] == [
        ["Dianova Portugal", 2, 3, 1],
        ["Dianova Spain", 1, 1, 1],
    ]
    assert [row.cells() for row in reach.campaigns] == [
        [campaign.name, 2, 3, 2],
        ["No campaign", 1, 1, 1],
    ]
    assert sorted(row.cells() for row in reach.posts) == [
        ["Autre", 1, 1, 1],
        ["Semaine de la prévention", 2, 3, 2],
    ]
    this_week = reach.over_time[-1]
    assert this_week[1:] == (3, 4, 2)
    assert len(reach.over_time) == 12


def test_members_who_left_appear_only_in_anonymous_totals(client, network, member):
    programme.programme_leave(profile=member)
    client.force_login(make_manager(whole_network=True))
    reach = client.get(REACH).context["reach"]
    assert [row.cells() for row in reach.organisations] == [
        ["Dianova Spain", 1, 1, 1],
        ["Members who left the programme", 2, 3, 1],
    ]
    assert reach.totals.cells()[1:] == [3, 4, 2]


def test_reach_exports_csv_and_xlsx(client, network, portugal):
    client.force_login(make_manager(manages=[portugal]))
    rows = csv_rows(client.get(REACH + "?format=csv"))
    assert rows == [
        ["Organisation", "Shares", "Clicks", "Active sharers"],
        ["Dianova Portugal", "2", "3", "1"],
        ["Total", "2", "3", "1"],
    ]
    response = client.get(REACH + "?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('share-kit-reach.xlsx"')


def test_reach_is_for_managers_only(client, member):
    client.force_login(member.user)
    assert client.get(REACH).status_code == 403


@pytest.mark.parametrize("extra_members", [0, 5])
def test_reach_query_count(client, network, spain, extra_members, django_assert_num_queries):
    post = network[0]
    for _ in range(extra_members):
        share_and_click(client, make_member(organisation=spain), post, visitors=2)
    client.force_login(make_manager(whole_network=True))
    client.get(REACH)
    # session, user with profile, scope; org shares, sharers, clicks; totals, former, clicks;
    # post shares, sharers, clicks, posts, texts; sharers per campaign; weeks (2); menu
    with django_assert_num_queries(18):
        client.get(REACH)
