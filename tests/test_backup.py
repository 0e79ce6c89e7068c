"""Backup and restore: a backup restored into a fresh database gives the same report numbers.

The backup is taken in this process (it must see the test database, in-memory on SQLite);
the restore and the second reading of the numbers run as separate `manage.py` processes on a
brand-new database, exactly as an operator would run them.
"""

import json
import os
import shutil
import subprocess
import sys
import uuid
from datetime import date
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.utils import translation

from ambassadors.models import Organisation
from ambassadors.reports import course as reports_course
from ambassadors.reports import overview as reports_overview
from ambassadors.reports import person as reports_person
from courses.models import Course, Lesson, QuizAttempt, Status
from courses.services import attempt_start, attempt_submit, lesson_complete
from tests.factories import make_course, make_manager, make_organisation, make_user

ROOT = Path(__file__).resolve().parent.parent
MARKER = "REPORT-NUMBERS "
# Reports count "overdue" against a day; both readings use the same one.
TODAY = date(2026, 3, 2)


def as_text(tables) -> list:
    return [
        [
            [str(cell) for cell in table.headers],
            *[[str(cell) for cell in row] for row in table.rows],
        ]
        for table in tables
    ]


def report_numbers() -> dict:
    """Every figure a manager can see (the overview, each course report for everyone and per
    organisation, each person's page: the tables the exports write), plus the row count of
    every table, as plain JSON."""
    user_model = get_user_model()
    numbers = {"counts": {}, "managers": {}}
    for model in apps.get_models(include_auto_created=True):
        numbers["counts"][model._meta.label] = model._default_manager.count()
    with translation.override("en"):
        for manager in user_model.objects.filter(username__in=["manager", "manager-pt"]):
            seen = {
                "overview": as_text(
                    reports_overview.overview(manager=manager, today=TODAY).tables()
                )
            }
            organisations = [None, *Organisation.objects.visible_to(manager)]
            for course in Course.objects.published():
                for organisation in organisations:
                    report = reports_course.course_report(
                        manager=manager,
                        course=course,
                        filters=reports_course.CourseReportFilters(organisation=organisation),
                        today=TODAY,
                    )
                    key = f"course/{course.slug}/{organisation.slug if organisation else 'all'}"
                    seen[key] = as_text(report.tables())
            for person in reports_person.people_in_scope(manager):
                page = reports_person.person_report(person=person, today=TODAY)
                seen[f"person/{person.username}"] = as_text(page.tables())
            numbers["managers"][manager.username] = seen
    numbers["scores"] = sorted(
        str(score) for score in QuizAttempt.objects.values_list("score", flat=True)
    )
    return numbers


def print_report_numbers() -> None:
    """Entry point for the restored copy (see ``numbers_in``)."""
    print(MARKER + json.dumps(report_numbers(), sort_keys=True))


def pass_quiz(user, quiz, *, right: bool = True):
    attempt = attempt_start(user=user, quiz=quiz)
    # One choice per question, as a learner picks them (the questions are single-choice).
    answers = {
        q.pk: {next(c.pk for c in q.choices.all() if c.is_correct == right)}
        for q in attempt.questions.all()
    }
    return attempt_submit(attempt=attempt, answers=answers)


def build_world():
    portugal = make_organisation("Dianova Portugal", country="PT")
    spain = make_organisation("Dianova Spain", country="ES")
    main = make_course(modules=2, lessons=2, questions=3, final_quiz=True)
    short = make_course(modules=1, lessons=3, questions=2)
    make_course(modules=1, status=Status.DRAFT)  # never in reports
    ana = make_user("ana", organisation=portugal, first_name="Ana", last_name="Silva")
    rui = make_user("rui", organisation=portugal, first_name="Rui", last_name="Costa")
    lucia = make_user("lucia", organisation=spain, first_name="Lucía", last_name="García")
    marta = make_user("marta", organisation=spain, first_name="Marta", last_name="Ruiz")
    make_user("pedro", organisation=portugal)  # assigned nothing, did nothing
    for lesson in Lesson.objects.filter(module__course=main):
        lesson_complete(user=ana, lesson=lesson)
    for quiz in main.quizzes.all():
        pass_quiz(ana, quiz)
    first_lesson = Lesson.objects.filter(module__course=main).first()
    lesson_complete(user=rui, lesson=first_lesson)
    pass_quiz(rui, main.quizzes.first(), right=False)  # failed, 0%
    for lesson in Lesson.objects.filter(module__course=short):
        lesson_complete(user=lucia, lesson=lesson)
    pass_quiz(lucia, short.quizzes.get())
    attempt_start(user=marta, quiz=main.quizzes.first())  # still open
    make_manager(manages=[portugal], organisation=portugal, username="manager-pt")
    make_manager(whole_network=True, username="manager")


def database_url(name: str) -> str:
    settings = connection.settings_dict
    credentials = quote(settings["USER"] or "", safe="")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"], safe="")
    host = settings["HOST"] or "localhost"
    port = settings["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{name}"


def manage(*args: str, database_url: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def numbers_in(database: str) -> dict:
    output = manage(
        "shell",
        "-c",
        "from tests.test_backup import print_report_numbers; print_report_numbers()",
        database_url=database,
    )
    line = next(line for line in output.splitlines() if line.startswith(MARKER))
    return json.loads(line.removeprefix(MARKER))


@pytest.fixture
def migrated_data(transactional_db):
    """The rows migrations create (permissions, the working groups), even when this transactional
    test starts on a flushed database: Django's serialized-rollback snapshot does not survive
    every test order (after the Playwright tests it can be gone, leaving the database empty)."""
    if not Group.objects.exists():
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
        groups = import_module("ambassadors.migrations.0002_groups").GROUPS
        for name, codenames in groups.items():
            group = Group.objects.create(name=name)
            group.permissions.set(
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in codenames
            )


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of a brand-new, empty database of the same kind as the test database."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        reason = "pg_dump/pg_restore not installed (apt-get install postgresql-client)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name)
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_into_fresh_database_keeps_every_report_number(
    tmp_path, migrated_data, fresh_database
):
    build_world()
    before = json.loads(json.dumps(report_numbers(), sort_keys=True))
    courses_table = before["managers"]["manager"]["overview"][0]
    completed = courses_table[0].index("Completed")
    assert any(row[completed] != "0" for row in courses_table[1:]), "nothing to compare"
    assert len(before["managers"]["manager-pt"]) < len(before["managers"]["manager"])

    backup = tmp_path / "backup.dump"
    call_command("backup", output=str(backup))
    assert backup.stat().st_size > 0

    manage("restore", str(backup), "--noinput", database_url=fresh_database)
    after = numbers_in(fresh_database)

    assert after == before


@pytest.mark.django_db
def test_backup_never_overwrites_a_file(tmp_path):
    existing = tmp_path / "existing.dump"
    existing.write_text("precious")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=str(existing))
    assert existing.read_text() == "precious"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a backup at all", "is not a backup"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "backup"),
        (b"PGDMP" + b"\x00" * 200, "backup"),
    ],
    ids=["garbage", "broken-sqlite", "broken-pgdump"],
)
def test_restore_refuses_a_bad_file_and_changes_nothing(tmp_path, content, message):
    organisation = make_organisation("Dianova Italy", country="IT")
    bad = tmp_path / "bad.dump"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(bad), interactive=False)
    assert Organisation.objects.filter(pk=organisation.pk).exists()


@pytest.mark.django_db
def test_restore_needs_an_existing_file(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.dump"), interactive=False)


@pytest.mark.django_db
def test_restore_asks_first_and_a_no_changes_nothing(tmp_path, monkeypatch):
    organisation = make_organisation("Dianova Chile", country="CL")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(tmp_path / "whatever.dump"))
    assert Organisation.objects.filter(pk=organisation.pk).exists()
