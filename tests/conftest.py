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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Let every connection object restore the serialized test data (serialized_rollback).

    Django keeps the data serialized at set-up on the connection object of the main context.
    Playwright's sync API runs browser tests in another greenlet, whose context gets fresh
    connection objects (asgiref Local) without it: a browser test that follows another
    transactional test then starts on an empty, flushed database (no groups, no levels).
    """
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents


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
