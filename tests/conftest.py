import os
import shutil

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


# The database contents right after migrations (groups and their permissions), as Django
# serialised them for the browser tests' serialized_rollback. Kept here because Playwright's
# sync API runs an event loop in the test thread, and inside it Django's thread-local
# connections can be new objects that lack the serialised copy (see tests/e2e/conftest.py).
MIGRATED_DATA: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            MIGRATED_DATA[alias] = contents
