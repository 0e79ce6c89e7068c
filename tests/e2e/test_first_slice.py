"""The whole path in a real browser: a trainer authors a lesson in the admin, a learner reads
it, completes it and passes the module quiz, and a manager sees the completion in the report."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from courses.models import Lesson, Module
from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_course, make_manager, make_organisation, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_trainer_learner_manager_slice(page, site_url, csp_violations):
    portugal = make_organisation("Dianova Portugal", country="PT")
    course = make_course(modules=1, lessons=1, questions=3)
    make_user("learner", organisation=portugal, first_name="Ana", last_name="Silva")
    make_user("trainer", organisation=portugal, groups=("Trainers",), is_staff=True)
    make_manager(username="manager", whole_network=True)
    module = Module.objects.get(course=course)

    # The trainer adds a lesson to the module in the admin.
    login(page, site_url, "trainer", PASSWORD)
    page.goto(f"{site_url}/admin/courses/module/{module.pk}/change/")
    page.get_by_text("Add another Lesson").click()
    page.locator("#id_lessons-1-title").fill("Why stories work")
    page.locator("#id_lessons-1-body").fill(
        "### Stories\n\nPeople remember **stories** better than facts."
    )
    page.locator("#id_lessons-1-order").fill("2")
    # A new lesson starts as a draft: the trainer publishes it.
    page.locator("#id_lessons-1-status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    new_lesson = Lesson.objects.get(title="Why stories work")
    page.context.clear_cookies()

    # The learner reads both lessons, completes them and passes the quiz.
    login(page, site_url, "learner", PASSWORD)
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    page.get_by_role("link", name=course.title).click()
    page.get_by_role("link", name=re.compile("Start the course")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson 1.1")
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Why stories work")
    expect(page.locator(".lesson-body strong")).to_have_text("stories")
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz 1")
    page.get_by_role("button", name="Start the quiz").click()
    for number in range(1, 4):
        page.get_by_label(f"Right {number}").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("Your score: 100%")).to_be_visible()
    expect(page.get_by_text("Passed. Well done!")).to_be_visible()
    page.get_by_role("link", name="Course overview").click()
    expect(page.get_by_text("You have completed this course")).to_be_visible()
    assert new_lesson.completions.count() == 1
    page.context.clear_cookies()

    # The manager sees the completion in the report.
    login(page, site_url, "manager", PASSWORD)
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name=course.title).click()
    row = page.get_by_role("row", name=re.compile("Ana Silva"))
    expect(row).to_contain_text("Completed")
    expect(row).to_contain_text("100%")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "Ana Silva" in content and "Completed" in content
    assert csp_violations == []
