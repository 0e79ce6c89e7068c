"""In a real browser: a learner with a Greek name finds the course assigned to her
organisation, meets a locked quiz, completes the course, downloads her certificate and
checks it on the public verification page, which a visitor can open without logging in."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from ambassadors.people.services import assignment_create
from courses.models import Certificate
from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_course, make_manager, make_organisation, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_learner_completes_course_and_verifies_certificate(page, site_url, csp_violations):
    greece = make_organisation("Dianova Hellas", country="GR")
    course = make_course(modules=1, lessons=1, questions=2)
    course.sequential = True
    course.save()
    make_user("eleni", organisation=greece, first_name="Ελένη", last_name="Παπαδοπούλου")
    due = timezone.localdate() + timedelta(days=10)
    assignment_create(
        course=course,
        organisations=[greece],
        due_date=due,
        assigned_by=make_manager(whole_network=True),
    )

    login(page, site_url, "eleni", PASSWORD)
    card = page.locator(".card", has_text=course.title)
    expect(card).to_contain_text("Assigned · due")
    card.get_by_role("link", name=course.title).click()
    # the quiz is shown locked, with the reason, and cannot be opened from the page
    expect(
        page.get_by_text("Complete every lesson of this module to open its quiz.")
    ).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Quiz 1"))).to_have_count(0)
    page.get_by_role("link", name=re.compile("Start the course")).click()
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz 1")
    page.get_by_role("button", name="Start the quiz").click()
    for number in (1, 2):
        page.get_by_label(f"Right {number}").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("Passed. Well done!")).to_be_visible()
    page.get_by_role("link", name="Course overview").click()
    expect(page.get_by_text("You have completed this course")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my certificate (PDF)").click()
    pdf = PdfReader(Path(download_info.value.path()))
    text = pdf.pages[0].extract_text()
    assert "Ελένη Παπαδοπούλου" in text
    assert course.title in text
    certificate = Certificate.objects.get(user__username="eleni")
    assert certificate.code in text

    page.get_by_role("link", name="Public verification page").click()
    expect(page.get_by_text("Valid certificate.")).to_be_visible()
    expect(page.locator(".certificate-facts")).to_contain_text("Ελένη Παπαδοπούλου")
    page.context.clear_cookies()

    # anyone can verify the code, without logging in; a forged one is clearly not found
    page.goto(f"{site_url}/certificates/{certificate.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate verification")
    expect(page.locator(".certificate-facts")).to_contain_text(course.title)
    response = page.goto(f"{site_url}/certificates/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate not found")
    assert csp_violations == []
