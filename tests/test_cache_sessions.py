"""The signed-in baseline: sessions, the user with its profile, and the shared cache (CACHE_URL).

The Redis tests start Debian's redis-server on a free loopback port (`.ci/run` installs it);
without it they are skipped, except in CI where they fail.
"""

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD, make_user


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """redis://127.0.0.1:<port>/0 of a throwaway redis-server, stopped after the tests."""
    if os.environ.get("TEST_REDIS_URL"):
        yield os.environ["TEST_REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def shared_cache(redis_url):
    """Settings as with CACHE_URL: Django's Redis cache, sessions cached in it."""
    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": f"test-{os.getpid()}",
    }
    with override_settings(
        CACHES={"default": redis, "second-host": redis},
        SESSION_ENGINE="dianova_training.sessions.cached_db",
    ):
        caches["default"].clear()
        yield
        caches["default"].clear()


def log_in(user) -> Client:
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, follow=False
    )
    assert response.status_code == 302
    return client


def test_signed_in_request_reads_session_and_user_with_profile(
    db, client, django_assert_num_queries
):
    user = make_user(language="fr")
    client.force_login(user)
    with django_assert_num_queries(2):  # the session, the user joined with its profile
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "fr"  # the profile's language, no query


def test_user_without_profile_is_served(db, client):
    user = make_user()
    user.profile.delete()
    client.force_login(user)
    assert client.get("/healthz/live").status_code == 200


def test_inactive_user_is_signed_out(db):
    user = make_user()
    client = log_in(user)
    user.is_active = False
    user.save()
    response = client.get(reverse("ambassadors:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sessions_come_from_the_shared_cache(db, shared_cache, django_assert_num_queries):
    client = log_in(make_user(language="pt"))
    with django_assert_num_queries(1):  # only the user and profile: the session is cached
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "pt"


def test_a_session_missing_from_the_shared_cache_is_read_from_the_database(db, shared_cache):
    """A Redis restart or eviction keeps people signed in: the row is read (a prepared query,
    dianova_training/sessions) and put back in the cache."""
    client = log_in(make_user(language="it"))
    caches["default"].clear()
    response = client.get(reverse("ambassadors:dashboard"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "it"
    key = f"django.contrib.sessions.cached_db{client.cookies['sessionid'].value}"
    assert caches["second-host"].has_key(key)


ODD_COOKIES = [
    "short",
    "x" * 300,
    "é" * 40,
    "' OR '1'='1' --abcdefgh",
    "abcdefghijklmnopqrstuvwxyz012345",  # the shape of a key, but no such session
]


@pytest.mark.parametrize("cookie", ODD_COOKIES)
@pytest.mark.parametrize("shared", [False, True], ids=["database", "shared-cache"])
def test_odd_session_cookies_are_signed_out(db, request, cookie, shared):
    if shared:
        request.getfixturevalue("shared_cache")
    make_user()
    client = Client()
    client.cookies["sessionid"] = cookie
    response = client.get(reverse("ambassadors:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    # Signing in from there starts a new session under a new key, whatever the cookie held.
    user = make_user()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != cookie
    assert client.get(reverse("ambassadors:dashboard")).status_code == 200


def test_log_out_holds_on_every_host(db, shared_cache):
    """A stolen cookie replayed after log-out, to this worker or another one, is signed out."""
    user = make_user()
    client = log_in(user)
    cookie = client.cookies["sessionid"].value
    assert client.post(reverse("logout")).status_code == 302
    assert not caches["second-host"].has_key(f"django.contrib.sessions.cached_db{cookie}")
    thief = Client()
    thief.cookies["sessionid"] = cookie
    response = thief.get(reverse("ambassadors:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change_signs_out_cached_sessions(db, shared_cache):
    user = make_user()
    client = log_in(user)
    user.set_password("another-horse-battery-staple")
    user.save()
    response = client.get(reverse("ambassadors:dashboard"))
    assert response.status_code == 302


def settings_for(**env) -> str:
    """CACHES and SESSION_ENGINE as a fresh process computes them from ``env``."""
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "dianova_training.settings"}
    environment.pop("CACHE_URL", None)
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def test_cache_url_configures_redis_and_cached_sessions():
    assert settings_for() == (
        "django.core.cache.backends.locmem.LocMemCache dianova_training.sessions.db"
    )
    assert settings_for(CACHE_URL="redis://127.0.0.1:6379/1") == (
        "dianova_training.cache.SharedRedisCache dianova_training.sessions.cached_db"
    )
    assert "CACHE_URL must start with redis://" in settings_for(CACHE_URL="memcached://x")
