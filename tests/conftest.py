import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Share the serialized test database with every connection object.

    Playwright's sync API runs later tests in another context, where Django's context-local
    connection objects are new ones without ``_test_serialized_contents``; browser tests'
    ``serialized_rollback`` then silently restored nothing, and the second browser test of a
    run found no groups. The class attribute reaches every connection object.
    """
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """Compile the .po files when a .mo is missing or older (`make messages` does it too), so
    that running pytest directly never tests stale translations."""
    stale = [
        po
        for po in LOCALE_DIR.glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        from django.core.management import call_command
        from django.utils.translation import trans_real

        call_command("compilemessages", ignore_patterns=[".venv", "node_modules"], verbosity=0)
        trans_real._translations = {}  # forget catalogs loaded before the compilation


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        reason = f"no Chromium at {CHROMIUM}: apt-get install -y chromium (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI must always run the browser tests
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture
def organisation(db):
    from tests.factories import make_organisation

    return make_organisation("Dianova Portugal", country="PT", language="pt")


@pytest.fixture
def other_organisation(db):
    from tests.factories import make_organisation

    return make_organisation("Dianova Spain", country="ES", language="es")


@pytest.fixture
def learner(organisation):
    from tests.factories import make_user

    return make_user("learner", organisation=organisation, first_name="Ana", last_name="Silva")


@pytest.fixture
def course(db):
    from tests.factories import make_course

    return make_course()


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a database file, as production does, instead of an in-memory database.

    Threads sharing an in-memory database fail at once with "database table is locked"
    instead of waiting their turn (``transaction_mode=IMMEDIATE`` + ``timeout``), which would
    make the concurrency tests (tests/courses/test_quiz_concurrency.py) test nothing real.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        test_file = tmp_path_factory.mktemp("db") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(test_file)


@pytest.fixture(scope="session", autouse=True)
def migration_data(request):
    """The database contents the migrations created (groups, permissions…), as serialized
    by Django for ``serialized_rollback`` tests; None when no test asked for it.

    Taken at the start of the session: under Playwright's event loop Django hands out
    another connection object, which lacks it (see tests/e2e/conftest.py).
    """
    if not any(item.get_closest_marker("django_db") for item in request.session.items):
        return None
    request.getfixturevalue("django_db_setup")
    from django.db import connections

    return getattr(connections["default"], "_test_serialized_contents", None)


# A real OpenID Connect provider on loopback, for the sign-in tests (tests/oidc_provider.py).
from tests.oidc_provider import oidc_provider, oidc_provider_server  # noqa: E402, F401
