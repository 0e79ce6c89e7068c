"""Signing in through the organisation's provider in a real browser: our log-in page's button,
the provider's own sign-in page (an OpenID Connect provider on loopback), back to "My
training" in the person's organisation; then signing out, with the provider's sign-out offered."""

import pytest
from playwright.sync_api import expect

from ambassadors.models import EmailDomain, StaffProfile
from tests.e2e.test_accessibility import axe_violations, describe
from tests.factories import make_course, make_manager, make_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_sign_in_through_the_providers_page(page, site_url, oidc_provider, csp_violations):
    portugal = make_organisation("Dianova Portugal", country="PT", language="pt")
    EmailDomain.objects.create(domain="dianova.pt", organisation=portugal)
    course = make_course()
    manager = make_manager(manages=[portugal], organisation=portugal)
    from ambassadors.people.services import assignment_create

    assignment_create(course=course, assigned_by=manager, organisations=[portugal])
    oidc_provider.put_user(
        "marta", email="marta@dianova.pt", email_verified=True, given_name="Marta", locale="en"
    )

    page.goto(f"{site_url}/accounts/login/")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.get_by_role("button", name="Sign in with Dianova ID").click()
    # The provider's own page (another origin): choose the identity and authorize.
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    assert page.url.startswith(oidc_provider.url)
    page.get_by_label("Subject").fill("marta")
    page.get_by_role("button", name="Authorize", exact=True).click()

    expect(page.get_by_role("link", name=course.title).first).to_be_visible()
    assert page.url == f"{site_url}/"
    profile = StaffProfile.objects.get(user__email="marta@dianova.pt")
    assert profile.organisation == portugal

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Sign out of Dianova ID too")).to_be_visible()
    page.get_by_role("link", name="Sign out of Dianova ID too").click()
    assert page.url.startswith(f"{oidc_provider.url}/oauth2/end_session")
    assert not csp_violations
