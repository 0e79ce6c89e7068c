"""People's screens in a real browser (issue 13, items 15–17): every page kind passes axe
in French, Spanish, Portuguese and Italian too, nothing scrolls sideways on a 390 px phone,
the course page shows its outline before the introduction, and the course report fits a
desktop screen."""

import re

import pytest
from playwright.sync_api import expect

from ambassadors.models import CharterVersion, StaffProfile
from ambassadors.programme.services import charter_accept
from courses.models import Course
from tests.e2e.conftest import login
from tests.e2e.site import PAGES, Site
from tests.e2e.test_accessibility import axe_violations, describe
from tests.factories import PASSWORD, make_charter, make_core_course, make_member, make_user
from tests.factories import pass_course as complete_course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
# The deepest elements that stick out of the screen on the right, to say what to fix.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5)
  .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""


def _login(page, site_url: str, username: str) -> None:
    """Sign in whatever the page's language (the shared helper finds fields by English label)."""
    page.goto(f"{site_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form input[name=password]").press("Enter")
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


def _visit_all(page, site_url, site: Site, check) -> list[str]:
    """Open every page of the accessibility table as its role; ``check(page, name)`` returns
    a problem or ''. Signs in once per role."""
    problems = []
    current_role = None
    for checked in sorted(PAGES, key=lambda p: p.role or ""):
        if checked.role != current_role:
            page.context.clear_cookies()
            if checked.role:
                _login(page, site_url, checked.role)
            current_role = checked.role
        response = page.goto(f"{site_url}{checked.url(site)}")
        assert response.status == checked.status, f"{checked.name}: HTTP {response.status}"
        page.wait_for_load_state("load")
        if problem := check(page, checked.name):
            problems.append(problem)
    return problems


@pytest.fixture
def charter_pending(site):
    """A trained member who accepted charter v1 while v2 is out: the charter-pending alert."""
    course = make_core_course()
    rosa = make_user("pendente", organisation=StaffProfile.objects.first().organisation)
    complete_course(rosa, course)
    member = make_member(user=rosa)
    charter_accept(profile=member, charter=CharterVersion.objects.get(version=1))
    make_charter(version=2, languages=("fr", "en", "es", "pt", "it"))
    return rosa


# English, page by page, is tests/e2e/test_accessibility.py.
@pytest.mark.parametrize("language", ["fr", "es", "pt", "it"])
def test_every_page_kind_passes_axe_in_each_language(
    page, site_url, site, charter_pending, csp_violations, language
):
    StaffProfile.objects.update(language=language)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site_url}])

    def check(page, name):
        found = axe_violations(page)
        return f"{name}:\n{describe(found)}" if found else ""

    problems = _visit_all(page, site_url, site, check)
    # The charter-pending alert and its link (its contrast once failed).
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site_url}])
    _login(page, site_url, "pendente")
    page.goto(f"{site_url}/ambassador/")
    expect(page.locator(".alert-warning a.alert-link")).to_be_visible()
    if found := axe_violations(page):
        problems.append(f"charter pending:\n{describe(found)}")
    assert not problems, "\n".join(problems)
    assert csp_violations == []


def test_no_page_scrolls_sideways_on_a_phone(browser, site_url, site, charter_pending):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()

    def check(page, name):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width <= PHONE["width"]:
            return ""
        culprits = page.evaluate(WIDEST)
        return f"{name}: {width} px wide on a 390 px screen; widest: {culprits}"

    problems = _visit_all(page, site_url, site, check)
    context.close()
    assert not problems, "\n".join(problems)


def test_long_post_link_and_actions_table_fit_a_phone(browser, site_url, site):
    from ambassadors.models import Action

    long_link = "https://www.facebook.com/dianova/posts/" + "pfbid0" * 30
    Action.objects.filter(pk=site.action.pk).update(url=long_link)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    login(page, site_url, "ana", PASSWORD)

    page.goto(f"{site_url}{site.action.get_absolute_url()}")
    link = page.locator(f'a[href="{long_link}"]').first
    box = link.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"], "the post link runs off-screen"

    page.goto(f"{site_url}/ambassador/")
    for header in ("Status", "Points"):
        cell = page.get_by_role("columnheader", name=header).first
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"], f"{header} is cut"
    context.close()


def test_course_outline_comes_first_on_a_phone(browser, site_url, site):
    Course.objects.filter(pk=site.course.pk).update(
        description="\n\n".join(["A long introduction paragraph. " * 12] * 25)
    )
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    login(page, site_url, "ana", PASSWORD)
    page.goto(f"{site_url}{site.course.get_absolute_url()}")
    first_step = page.locator("#course-contents ~ ol a").first
    assert first_step.bounding_box()["y"] < PHONE["height"] * 1.5
    context.close()


def test_course_report_fits_a_desktop_screen(browser, site_url, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, site_url, "manager", PASSWORD)
    page.goto(f"{site_url}/reports/courses/{site.course.slug}/")
    table = page.locator("table.report-table")
    widths = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the report table is {widths[0]} px in {widths[1]} px"
    page.get_by_text("of 2 taken").first.click()  # the quiz scores open on demand
    expect(page.locator("details.quiz-scores[open] dt").first).to_be_visible()
    context.close()
