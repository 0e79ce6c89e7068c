"""A manager in a real browser: the overview's charts, the course report filtered to one
organisation with an overdue person, and the XLSX download that matches the screen."""

import io
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Enrolment, Lesson
from courses.services import lesson_complete
from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_course, make_manager, make_organisation, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_manager_filters_sees_overdue_and_downloads_matching_xlsx(page, site_url, csp_violations):
    today = timezone.localdate()
    portugal = make_organisation("Dianova Portugal", country="PT")
    spain = make_organisation("Dianova Spain", country="ES")
    course = make_course(modules=2, lessons=2)
    rita = make_user("rita", organisation=portugal, first_name="Rita", last_name="Lopes")
    tiago = make_user("tiago", organisation=portugal, first_name="Tiago", last_name="Almeida")
    make_user("lucia", organisation=spain, first_name="Lucía", last_name="García")
    Enrolment.objects.create(
        user=rita, course=course, assigned=True, due_date=today - timedelta(days=5)
    )
    for lesson in Lesson.objects.filter(module__course=course)[:3]:
        lesson_complete(user=tiago, lesson=lesson)
    make_manager(username="manager", whole_network=True)

    login(page, site_url, "manager", PASSWORD)
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Training overview")).to_be_visible()
    # Chart.js drew the charts (each canvas gets a size), and the tables say the same.
    expect(page.locator("canvas[data-chart='courses']")).to_have_attribute(
        "height", re.compile(r"\d+")
    )
    expect(page.locator("[data-figure='overdue']")).to_have_text("1")

    page.get_by_role("link", name=course.title).click()
    page.get_by_label("Organisation").select_option(label="Dianova Portugal")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(rf"organisation={portugal.pk}"))
    expect(page.get_by_text("Lucía García")).to_have_count(0)
    rita_row = page.get_by_role("row", name=re.compile("Rita Lopes"))
    expect(rita_row).to_contain_text("Overdue")
    expect(page.get_by_role("link", name=re.compile("Overdue"))).to_contain_text("1")

    # The page shows name and username, organisation and country, status, progress (the
    # files carry every column): keyed by username, as the files are.
    screen = {}
    for row in page.locator("table.report-table tbody tr").all():
        cells = [c.inner_text().strip().split("\n") for c in row.locator("th, td").all()]
        name, username = cells[0]
        organisation, _country = cells[1]
        screen[username] = [name, username, organisation, cells[2][0], cells[3][0]]
    assert set(screen) == {"rita", "tiago"}

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    header, *rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert header[:6] == ("Name", "Username", "Organisation", "Country", "Status", "Progress (%)")
    assert {row[1] for row in rows} == set(screen)
    for row in rows:
        cells = screen[row[1]]
        assert row[0] == cells[0]
        assert row[2] == cells[2] == "Dianova Portugal"
        assert row[4] == cells[3]
        assert f"{row[5]}%" == cells[4]
    assert {row[1]: row[4] for row in rows} == {"rita": "Overdue", "tiago": "In progress"}
    assert {row[1]: row[5] for row in rows}["tiago"] == 50  # 3 of 4 lessons + 2 quizzes
    assert csp_violations == []
