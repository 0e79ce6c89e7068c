"""Regression tests for the defects found by outside testing (issue 13): server errors."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse


@pytest.mark.django_db
def test_login_with_overlong_username_is_a_wrong_login(client, learner):
    """A 256+ character username once overflowed django-axes' 255-character column (500 on
    PostgreSQL); it is an ordinary wrong login, stored no longer than the column."""
    username = "é" * 300
    response = client.post(reverse("login"), {"username": username, "password": "x"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    for model in (AccessAttempt, AccessFailureLog):
        for row in model.objects.all():
            assert len(row.username or "") <= 255
    # Still counted, under the username cut to the column's length.
    assert AccessAttempt.objects.get().username == "é" * 255


BAD_NEXT = [
    "foo",
    "🙂",
    "a\x00b",
    "javascript:alert(1)",
    "//evil.example/x",
    "https://evil.example/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("bad", BAD_NEXT)
def test_language_switch_with_any_next_or_referer_goes_somewhere_safe(client, settings, debug, bad):
    """``next=foo`` once reached ``redirect("foo")``, which tried ``reverse("foo")``: a 500."""
    settings.DEBUG = debug
    response = client.post("/language/", {"language": "fr", "next": bad})
    assert response.status_code == 302
    assert response["Location"] == reverse("ambassadors:dashboard")
    response = client.post("/language/", {"language": "fr"}, HTTP_REFERER=bad)
    assert response.status_code == 302
    assert response["Location"] == reverse("ambassadors:dashboard")


@pytest.mark.django_db
def test_language_switch_goes_back_to_a_page_of_this_site(client):
    response = client.post("/language/", {"language": "fr", "next": "/courses/?page=2"})
    assert response["Location"] == "/courses/?page=2"
    response = client.post(
        "/language/", {"language": "fr"}, HTTP_REFERER="http://testserver/reports/"
    )
    assert response["Location"] == "http://testserver/reports/"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD_NEXT)
def test_review_decision_with_any_next_goes_back_to_the_queue(client, bad):
    from tests.factories import log_action, make_member, make_organisation, make_trainer

    portugal = make_organisation("Dianova Portugal", country="PT", language="pt")
    trainer = make_trainer("trainer", organisation=portugal)
    action = log_action(make_member(organisation=portugal, username="ana"), "share")
    client.force_login(trainer)
    url = reverse("ambassadors:review-decide", args=[action.pk])
    response = client.post(url, {"decision": "verified", "next": bad})
    assert response.status_code == 302
    assert response["Location"] == reverse("ambassadors:review")
    action.refresh_from_db()
    response = client.post(url, {"decision": "nonsense", "next": "/ambassador/review/?page=2"})
    assert response["Location"] == "/ambassador/review/?page=2"


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_more_than_a_thousand_query_fields_is_a_400_in_development_too(settings, debug):
    """Django refuses over 1,000 fields (TooManyFieldsSent: 400); with DEBUG on its debug page
    read the query string again and turned that into a 500."""
    from django.test import Client

    from tests.factories import make_manager

    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    client.force_login(make_manager(whole_network=True))
    query = "&".join(f"f{i}=1" for i in range(1001))
    response = client.get(f"/reports/?{query}")
    assert response.status_code == 400
    body = "&".join(f"f{i}=1" for i in range(1001))
    response = client.post("/language/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/accounts/oidc/%00/login/", "/courses/%00/", "/s/ab%00cd", "/certificates/AB%00CD/pdf/"],
)
def test_a_nul_in_the_path_is_a_404_before_any_database_lookup(client, path):
    """PostgreSQL refuses NUL in a query: a path carrying one (into a library's view as much as
    ours) is a page that cannot exist."""
    assert client.get(path).status_code == 404
    assert client.post(path, {"x": "y"}).status_code in {403, 404}
