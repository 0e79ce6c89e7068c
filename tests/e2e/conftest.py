import importlib

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


@pytest.fixture(autouse=True)
def _migration_data(transactional_db):
    """Recreate the groups and permissions that migrations create, when they are missing.

    Browser tests are transactional: the database is flushed after each one, and the
    serialized copy that ``serialized_rollback`` restores is not always available to them
    (it hangs on the connection object of the thread-or-context that set the databases up),
    so a second browser test could start with no "Managers" group at all.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    if Group.objects.exists():
        return
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    groups = importlib.import_module("ambassadors.migrations.0002_groups").GROUPS
    for name, codenames in groups.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in codenames
        )


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
