"""Organisation data in the course: the communications contact and the official accounts.

Both are edited on the member organisation in the admin; lessons show them through live blocks
(courses/blocks.py, providers in ambassadors), and the ambassador page shows the accounts.
"""

import pytest
from django.urls import reverse

from ambassadors.models import OfficialAccount, Organisation, Platform
from courses.models import Lesson
from tests.factories import make_course, make_member, make_organisation, make_user


def lesson_page(client, course, body: str) -> str:
    lesson = Lesson.objects.filter(module__course=course).first()
    lesson.body = body
    lesson.save()
    url = reverse("courses:lesson", kwargs={"course": course.slug, "lesson": lesson.pk})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def with_contact(organisation: Organisation) -> Organisation:
    organisation.communications_contact_name = "Marta Reis"
    organisation.communications_contact_email = "comunicacao@example.org"
    organisation.communications_contact_phone = "+351 210 000 000"
    organisation.communications_out_of_hours = "+351 910 000 000 (on call)"
    organisation.save()
    return organisation


def facebook() -> Platform:
    platform, _ = Platform.objects.get_or_create(slug="facebook", defaults={"name": "Facebook"})
    platform.domains.get_or_create(domain="facebook.com")
    return platform


@pytest.mark.django_db
def test_lesson_shows_the_readers_own_communications_contact(client):
    mine = with_contact(make_organisation("Dianova Example"))
    other = with_contact(make_organisation("Another member"))
    other.communications_contact_name = "Someone Else"
    other.save()
    client.force_login(make_user(organisation=mine))
    body = "### Contact\n\n<!-- block: communications-contact -->"
    html = lesson_page(client, make_course(), body)
    assert "Marta Reis" in html and "Someone Else" not in html
    assert 'href="mailto:comunicacao@example.org"' in html
    assert 'href="tel:+351210000000"' in html
    assert "+351 910 000 000 (on call)" in html


@pytest.mark.django_db
def test_contact_block_speaks_the_lessons_language_and_says_what_to_do_without_data(client):
    organisation = make_organisation("Dianova Sin Datos", country="ES", language="es")
    client.force_login(make_user(organisation=organisation))
    html = lesson_page(client, make_course(language="es"), "<!-- block: communications-contact -->")
    assert "Dianova Sin Datos" in html and "responsable" in html  # Spanish advice, no contact

    client.force_login(make_user())  # no organisation at all
    html = lesson_page(client, make_course(), "<!-- block: communications-contact -->")
    assert "not linked to a member organisation" in html


@pytest.mark.django_db
def test_official_accounts_block_lists_the_network_with_the_readers_own_first(client):
    platform = facebook()
    other = make_organisation("Alpha member")
    mine = make_organisation("Zeta member")
    make_organisation("Member without accounts")
    OfficialAccount.objects.create(
        organisation=other, platform=platform, url="https://www.facebook.com/alpha", handle="@alpha"
    )
    OfficialAccount.objects.create(
        organisation=mine, platform=platform, url="https://www.facebook.com/zeta", handle="@zeta"
    )
    mine.hashtags = "#ZetaCares #Prevention"
    mine.save()
    client.force_login(make_user(organisation=mine))
    html = lesson_page(client, make_course(), "<!-- block: official-accounts -->")
    assert html.index("Zeta member") < html.index("Alpha member")
    assert "Your organisation" in html
    assert 'href="https://www.facebook.com/zeta"' in html and "@alpha" in html
    assert "#ZetaCares" in html and "#Prevention" in html
    assert "Member without accounts" not in html


@pytest.mark.django_db
def test_official_accounts_block_costs_the_same_queries_for_one_or_many_members(client):
    platform = facebook()
    course = make_course()
    client.force_login(make_user(organisation=make_organisation()))
    lesson = Lesson.objects.filter(module__course=course).first()
    lesson.body = "<!-- block: official-accounts -->"
    lesson.save()
    url = reverse("courses:lesson", kwargs={"course": course.slug, "lesson": lesson.pk})

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    organisation = make_organisation()
    OfficialAccount.objects.create(
        organisation=organisation, platform=platform, url="https://facebook.com/one"
    )
    queries()  # the first request builds the course structure cache
    few = queries()
    for n in range(5):
        member = make_organisation()
        for m in range(3):
            OfficialAccount.objects.create(
                organisation=member, platform=platform, url=f"https://facebook.com/m{n}-{m}"
            )
    assert queries() == few


@pytest.mark.django_db
def test_ambassador_page_shows_the_members_official_accounts_and_hashtags(client):
    organisation = make_organisation("Dianova Example")
    organisation.hashtags = "#DianovaExample"
    organisation.save()
    OfficialAccount.objects.create(
        organisation=organisation,
        platform=facebook(),
        url="https://www.facebook.com/example",
        handle="@dianova.example",
    )
    member = make_member(organisation=organisation)
    client.force_login(member.user)
    html = client.get(reverse("ambassadors:programme")).content.decode()
    assert "@dianova.example" in html and "#DianovaExample" in html


@pytest.mark.django_db
def test_admin_edits_contact_accounts_and_hashtags_and_refuses_bad_ones(admin_client):
    platform = facebook()
    organisation = make_organisation("Dianova Example")
    url = reverse("admin:ambassadors_organisation_change", args=[organisation.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "communications_contact_name": "Marta Reis",
            "communications_contact_email": "comunicacao@example.org",
            "hashtags": "#Dianova #Prevention",
            "official_accounts-TOTAL_FORMS": "1",
            "official_accounts-INITIAL_FORMS": "0",
            "official_accounts-0-platform": str(platform.pk),
            "official_accounts-0-url": "https://www.facebook.com/dianova.example",
            "official_accounts-0-handle": "@dianova.example",
            "official_accounts-0-order": "0",
        }
    )
    data = {key: value for key, value in data.items() if value is not None}
    bad = dict(data, hashtags="Dianova #ok")
    response = admin_client.post(url, bad)
    assert response.status_code == 200 and "#" in response.content.decode()
    assert not OfficialAccount.objects.exists()

    wrong_site = dict(data, **{"official_accounts-0-url": "https://example.com/dianova"})
    response = admin_client.post(url, wrong_site)
    assert response.status_code == 200
    assert "is not on" in response.content.decode()
    assert not OfficialAccount.objects.exists()

    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation.refresh_from_db()
    assert organisation.communications_contact_name == "Marta Reis"
    assert organisation.hashtag_list == ["#Dianova", "#Prevention"]
    assert organisation.official_accounts.get().handle == "@dianova.example"
