import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.views.static import serve


def _serve_collected(self, request):
    """Serve what collectstatic wrote (hashed names), as whitenoise does in production.

    The live server's own handler looks files up by their source names, which the
    manifest storage's hashed URLs do not match.
    """
    return serve(request, self.file_path(request.path), document_root=settings.STATIC_ROOT)


StaticFilesHandler.serve = _serve_collected


@pytest.fixture
def site_url(live_server):
    return live_server.url


def login(page, site_url: str, username: str, password: str) -> None:
    page.goto(f"{site_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def csp_violations(page):
    """Collect Content-Security-Policy violations reported in the browser console."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


@pytest.fixture(autouse=True)
def _migrated_data(transactional_db):
    """Give each browser test the data the migrations create (the working groups and their
    permissions), even when its connection object lost Django's serialised copy."""
    from django.db import connections

    from tests.conftest import MIGRATED_DATA

    for alias, contents in MIGRATED_DATA.items():
        connection = connections[alias]
        if getattr(connection, "_test_serialized_contents", None) is None:
            connection._test_serialized_contents = contents  # flush, not post_migrate, after
            connection.creation.deserialize_db_from_string(contents)
