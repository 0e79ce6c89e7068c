"""Structured logs: JSON lines on stdout, one per request, every line tagged with the request id."""

import io
import json
import logging
import os
import sys
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from dianova_training.logs import JsonFormatter, RequestIdFilter, current_request_id

ROOT = Path(__file__).resolve().parent.parent


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def configured_console_handler() -> logging.StreamHandler:
    """The handler settings.LOGGING installs on the root logger."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    assert len(handlers) == 1, "LOGGING must give the root logger one JSON console handler"
    return handlers[0]


@pytest.fixture
def log_lines():
    """Every line logged during the test, formatted exactly as the console handler does."""
    console = configured_console_handler()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    for log_filter in console.filters:  # the request id, the redaction of secrets
        handler.addFilter(log_filter)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_logs_go_to_stdout_as_json():
    console = configured_console_handler()
    assert console.stream is sys.stdout
    record = logging.LogRecord("dianova", logging.WARNING, __file__, 1, "hello %s", ("you",), None)
    RequestIdFilter().filter(record)
    line = json.loads(console.formatter.format(record))
    assert line["message"] == "hello you"
    assert line["level"] == "WARNING"
    assert line["logger"] == "dianova"
    assert "time" in line


@pytest.mark.django_db
def test_every_request_logs_one_line_with_id_method_path_status_and_duration(
    learner_client, log_lines
):
    response = learner_client.get("/courses/no-such-course/")
    lines = log_lines()
    request_lines = [line for line in lines if line["logger"] == "dianova.requests"]
    assert len(request_lines) == 1
    line = request_lines[0]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["method"] == "GET"
    assert line["path"] == "/courses/no-such-course/"
    assert line["status"] == 404
    assert line["view"] == "courses:course"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    # Django's own "Not Found" warning for the same request carries the same id.
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found and not_found[0]["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_request_id_from_the_proxy_is_kept_and_a_forged_one_replaced(client, log_lines):
    response = client.get(reverse("live"), headers={"x-request-id": "lb-4f2a9c1e-77"})
    assert response["X-Request-ID"] == "lb-4f2a9c1e-77"
    response = client.get(reverse("live"), headers={"x-request-id": 'x" injected=1'})
    assert response["X-Request-ID"] != 'x" injected=1'
    assert len(response["X-Request-ID"]) == 32
    ids = [line["request_id"] for line in log_lines() if line["logger"] == "dianova.requests"]
    assert ids == ["lb-4f2a9c1e-77", response["X-Request-ID"]]
    assert current_request_id.get() is None  # lines logged between requests carry no id


@pytest.mark.django_db
def test_password_reset_links_are_logged_without_their_token(client, learner, log_lines):
    token = default_token_generator.make_token(learner)
    uid = urlsafe_base64_encode(force_bytes(learner.pk))
    client.get(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))
    output = json.dumps(log_lines())
    assert token not in output
    assert "/accounts/reset/<uidb64>/<token>/" in output


@pytest.mark.django_db
def test_password_reset_links_answered_before_their_view_keep_their_token_out_of_logs(
    client, settings, learner, log_lines
):
    """An HTTPS redirect answers before URL resolution, and Django's own warning lines name
    the path ("Not Found: /accounts/reset/…"): neither may show the token."""
    token = default_token_generator.make_token(learner)
    uid = urlsafe_base64_encode(force_bytes(learner.pk))
    url = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(url).status_code == 301
    # A link mangled by a mail client: no route, and Django warns "Not Found: <path>".
    assert client.get(url + "x/", secure=True).status_code == 404
    output = json.dumps(log_lines())
    assert "Not Found" in output
    assert token not in output


def test_gunicorn_access_log_is_off_by_default(monkeypatch):
    """The app's JSON line is the access log; gunicorn's own would repeat every URL."""
    import runpy

    monkeypatch.delenv("GUNICORN_ACCESSLOG", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["accesslog"] is None
    assert config["logger_class"] == "dianova_training.redaction.RedactingLogger"


@pytest.mark.parametrize("accesslog", ["", "-"])
def test_gunicorn_never_logs_a_password_reset_token(tmp_path, accesslog):
    """gunicorn on loopback with the project's config, as in production (DEBUG off, HTTPS
    redirect on): a password-reset link is requested; no line of output holds its token,
    with gunicorn's access log off (the default) or on."""
    import socket
    import subprocess
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = "cz5xkq-0123456789abcdef0123456789abcdef"
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "SECURE_PROXY_SSL_HEADER_ENABLED": "true",
        "SECURE_SSL_REDIRECT": "true",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESSLOG": accesslog,
    }
    output = tmp_path / "gunicorn.log"
    with output.open("wb") as sink:
        server = subprocess.Popen(
            [
                sys.executable,  # not .venv/bin/gunicorn: its #! may name another venv
                "-m",
                "gunicorn",
                "dianova_training.wsgi",
                "--config",
                str(ROOT / "gunicorn.conf.py"),
            ],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}/accounts/reset/zz/{token}/"
            statuses = []
            for headers in ({}, {"X-Forwarded-Proto": "https"}):
                deadline = time.monotonic() + 30
                while True:
                    request = urllib.request.Request(url, headers=headers)
                    try:
                        opener = urllib.request.build_opener(_NoRedirect)
                        statuses.append(opener.open(request, timeout=5).status)
                        break
                    except urllib.error.HTTPError as error:
                        statuses.append(error.code)
                        break
                    except (urllib.error.URLError, ConnectionError):
                        assert time.monotonic() < deadline, output.read_text()
                        time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = output.read_text()
    assert statuses[0] == 301, text  # the HTTPS redirect, answered before URL resolution
    assert "/accounts/reset/<uidb64>/<token>/" in text  # the JSON request lines
    assert token not in text, text
