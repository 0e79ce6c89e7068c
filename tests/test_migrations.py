"""No migration of this round loses a row: a copy of the demo database is taken back to the
previous round's schema, then migrated forward again, and every table keeps its rows.

Runs ``manage.py`` on a SQLite file of its own (the test database is not touched); once, on
the SQLite run of the suite.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

# The last migrations of the previous round (what a deployed database has before this one).
PREVIOUS_ROUND = {"ambassadors": "0008", "courses": "0004"}
# Django's own bookkeeping grows with new models and migrations; it is not data.
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission"}
BOOKKEEPING_GROWS = {"auth_group_permissions"}  # new models' permissions for the demo groups

pytestmark = pytest.mark.skipif(
    "sqlite" not in settings.DATABASES["default"]["ENGINE"],
    reason="runs once, with the SQLite run of the suite",
)


def manage(database: Path, *args: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "true",
        "DEMO_PASSWORD": "migration-test-demo-password",
    }
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=900,
    )


def row_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


def test_migrating_the_demo_database_forward_keeps_every_row(tmp_path):
    database = tmp_path / "demo.sqlite3"
    manage(database, "migrate", "--noinput")
    manage(database, "load_demo")
    for app, migration in PREVIOUS_ROUND.items():
        manage(database, "migrate", app, migration, "--noinput")
    before = row_counts(database)
    assert before["ambassadors_staffprofile"] > 0 and before["courses_enrolment"] > 0

    manage(database, "migrate", "--noinput")
    after = row_counts(database)

    lost = {
        table: (count, after.get(table))
        for table, count in before.items()
        if table not in BOOKKEEPING
        and (after.get(table) != count if table not in BOOKKEEPING_GROWS else after[table] < count)
    }
    assert lost == {}
