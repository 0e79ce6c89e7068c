"""Structured logs: JSON lines on stdout, one per request, every line tagged with the request id."""

import io
import json
import logging
import sys

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from dianova_training.logs import JsonFormatter, RequestIdFilter, current_request_id


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
    handler.addFilter(RequestIdFilter())
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
