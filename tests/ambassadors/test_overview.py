import csv
import io
import json
import re
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors.reports import overview as reports_overview
from courses.models import Enrolment
from tests.ambassadors.test_course_report import pass_course
from tests.factories import make_course, make_manager, make_organisation, make_user

URL = reverse("ambassadors:reports")


@pytest.fixture
def network(db):
    today = timezone.localdate()
    portugal = make_organisation("Dianova Portugal", country="PT")
    spain = make_organisation("Dianova Spain", country="ES")
    first = make_course(modules=1, lessons=1)
    second = make_course(modules=1, lessons=1)
    pt = [make_user(f"pt{n}", organisation=portugal) for n in range(4)]
    es = [make_user(f"es{n}", organisation=spain) for n in range(2)]
    pass_course(pt[0], first)
    pass_course(pt[1], first)
    pass_course(es[0], second)
    late = today - timedelta(days=3)
    Enrolment.objects.create(user=pt[2], course=first, assigned=True, due_date=late)
    Enrolment.objects.create(user=es[1], course=first, assigned=True, due_date=late)
    # completed before being late: not overdue
    Enrolment.objects.filter(user=pt[0], course=first).update(assigned=True, due_date=late)
    Enrolment.objects.create(
        user=pt[3], course=second, assigned=True, due_date=today + timedelta(days=3)
    )
    manager_pt = make_manager(manages=[portugal], username="manager-pt")
    manager = make_manager(whole_network=True, username="manager")
    return locals()


def _by_title(overview):
    return {c.course.title: c for c in overview.courses}


@pytest.mark.django_db
def test_overview_completion_and_overdue_per_course_and_organisation(network):
    overview = reports_overview.overview(manager=network["manager"])
    first, second = network["first"], network["second"]
    courses = _by_title(overview)
    assert (courses[first.title].completed, courses[first.title].overdue) == (2, 2)
    assert courses[first.title].staff == 6
    assert courses[first.title].rate == 33
    assert (courses[second.title].completed, courses[second.title].overdue) == (1, 0)
    organisations = {o.organisation.name: o for o in overview.by_organisation}
    portugal = organisations["Dianova Portugal"]
    order = [c.course for c in overview.courses]
    assert portugal.staff == 4
    assert dict(zip(order, portugal.completed, strict=True)) == {first: 2, second: 0}
    assert dict(zip(order, portugal.rates, strict=True)) == {first: 50, second: 0}
    assert portugal.overdue == 1
    assert organisations["Dianova Spain"].overdue == 1
    assert overview.overdue == 2
    assert overview.ambassadors.available  # figures in tests/ambassadors/test_programme_reports.py


@pytest.mark.django_db
def test_overview_only_counts_the_managers_scope(client, network):
    client.force_login(network["manager_pt"])
    response = client.get(URL)
    overview = response.context["overview"]
    assert [o.organisation.name for o in overview.by_organisation] == ["Dianova Portugal"]
    assert overview.staff == 4
    assert overview.overdue == 1
    html = response.content.decode()
    assert "Dianova Spain" not in html
    for export in ("?format=csv&table=organisations", "?format=xlsx"):
        body = b"".join(client.get(URL + export).streaming_content)
        assert b"Dianova Spain" not in body and b"es0" not in body


@pytest.mark.django_db
def test_overview_charts_get_the_numbers_of_the_tables_without_inline_script(client, network):
    client.force_login(network["manager"])
    response = client.get(URL)
    html = response.content.decode()
    data = json.loads(re.search(r'id="report-charts"[^>]*>(.*?)</script>', html, re.S).group(1))
    overview = response.context["overview"]
    assert data["courses"]["datasets"][0]["data"] == [c.rate for c in overview.courses]
    assert data["overdue"]["datasets"][0]["data"] == [o.overdue for o in overview.by_organisation]
    assert data["organisations"]["labels"] == ["Dianova Portugal", "Dianova Spain"]
    # every <script> either loads a file or is the JSON data block: nothing inline runs
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag
    assert "chart.umd.min" in html and "js/reports" in html
    # completion per course and per organisation, overdue, ambassador levels, actions per week
    assert html.count("<canvas") == 5 and html.count("<table") == 4
    funnel = overview.ambassadors.staff_per_level
    assert data["levels"]["datasets"][0]["data"] == [n for _name, n in funnel]


@pytest.mark.django_db
def test_overview_exports_match_the_page(client, network):
    client.force_login(network["manager"])
    overview = client.get(URL).context["overview"]
    courses_csv = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get(URL + "?format=csv&table=courses").streaming_content).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    organisations_csv = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(URL + "?format=csv&table=organisations").streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(URL + "?format=xlsx").streaming_content)), read_only=True
    )
    assert workbook.sheetnames == [
        "Courses",
        "Organisations",
        "Ambassador levels",
        "Verified actions",
    ]
    sheet_courses = list(workbook["Courses"].iter_rows(min_row=2, values_only=True))
    sheet_organisations = list(workbook["Organisations"].iter_rows(min_row=2, values_only=True))
    for summary, text, cells in zip(overview.courses, courses_csv[1:], sheet_courses, strict=True):
        expected = [summary.staff, summary.started, summary.completed, summary.overdue]
        assert [int(v) for v in text[2:6]] == list(cells[2:6]) == expected
        assert int(text[6]) == cells[6] == summary.rate
    for summary, text, cells in zip(
        overview.by_organisation, organisations_csv[1:], sheet_organisations, strict=True
    ):
        assert text[0] == cells[0] == summary.organisation.name
        assert int(text[2]) == cells[2] == summary.staff
        assert int(text[-1]) == cells[-1] == summary.overdue
        assert [int(v) for v in text[3:-1]] == list(cells[3:-1])
        assert list(cells[3:-1:2]) == summary.completed
        assert list(cells[4:-1:2]) == summary.rates
