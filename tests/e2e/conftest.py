import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.views.static import serve

from tests.e2e.site import site  # noqa: F401 - the fixture every page-kind check uses


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


@pytest.fixture(autouse=True)
def _restore_migration_data(request, migration_data):
    """Put back the groups and permissions the migrations created, before a browser test.

    ``serialized_rollback`` should do it, but under Playwright's event loop Django's
    connection object for this thread is not the one the test database was set up with, so
    it silently restores nothing: a browser test running after another transactional test
    would find the database flushed (no groups; content types and permissions recreated
    with new ids). Runs before the test's own fixtures create any data.
    """
    if "live_server" not in request.fixturenames or not migration_data:
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connections

    if not Group.objects.exists():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connections["default"].creation.deserialize_db_from_string(migration_data)


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
