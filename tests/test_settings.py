"""Settings come from the environment; production-like settings pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

from tests.make import make_dry_run

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    drop = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_BACKEND"}
    clean = {k: v for k, v in os.environ.items() if k not in drop}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_secret_key_required_when_debug_is_off():
    result = run_manage("check", env={"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_bad_boolean_is_a_clear_error():
    result = run_manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_check_deploy_is_clean_with_production_environment():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "false",
            "SECRET_KEY": "x" * 20 + "-a-long-random-production-like-secret-key-0123456789",
            "ALLOWED_HOSTS": "training.example.org",
            "SECURE_SSL_REDIRECT": "true",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def site_url(env: dict[str, str]) -> str:
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_site_url_follows_the_port_make_run_serves(monkeypatch):
    """Open Badges ids, set-password and e-mail links pointed to port 8000 under
    `PORT=8833 make run`; the IMS validator only passes assertions whose ids answer."""
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    assert site_url({"DEBUG": "true", "PORT": "8833"}) == "http://127.0.0.1:8833"
    assert site_url({"DEBUG": "true"}) == "http://127.0.0.1:8000"
    assert site_url({"DEBUG": "true", "PORT": "8833", "SITE_URL": "https://t.example/"}) == (
        "https://t.example"
    )
    dry_run = make_dry_run("run", "PORT=8833")
    serve = next(line for line in dry_run.splitlines() if "runserver" in line)
    assert "PORT=8833" in serve and serve.endswith("runserver 127.0.0.1:8833")
