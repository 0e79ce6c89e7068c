"""What `make bench` and `make loadtest` share: the environment, PostgreSQL, gunicorn, wrk.

Only loopback addresses are ever targeted; every run is bounded in time.
"""

import atexit
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
# Where results.json, loadtest.json and results.md are written: a quick run can go elsewhere.
OUTPUT = Path(os.environ.get("BENCH_OUTPUT", RESULTS))
CSRF = secrets.token_hex(16)  # a 32-character CSRF secret, sent as cookie and form field


def setup_environment() -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "dianova_training.settings",
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.setdefault("DATABASE_URL", "postgres://dianova@127.0.0.1:5432/dianova_bench")
    sys.path.insert(0, str(ROOT))
    if "CACHE_URL" not in os.environ and os.environ.get("BENCH_CACHE", "redis") == "redis":
        os.environ["CACHE_URL"] = start_redis()


def start_redis() -> str:
    """A throwaway redis-server on loopback for the run (the recommended set-up with several
    workers: CACHE_URL); BENCH_CACHE=local runs without it, CACHE_URL=… uses another."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit(
            "redis-server is missing: apt-get install redis-server (or BENCH_CACHE=local)"
        )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (RESULTS / "tmp").mkdir(exist_ok=True)
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=RESULTS / "tmp",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    atexit.register(lambda: (process.terminate(), process.wait(timeout=10)))
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
    )


def reset_database() -> None:
    from django.db import connections

    connections.close_all()
    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"refusing odd database name {name!r}")
    owner = re.match(r"postgres(?:ql)?://([a-z_][a-z0-9_]*)@", os.environ["DATABASE_URL"])
    owner = owner.group(1) if owner else "dianova"
    # A fresh machine has no role for the app yet (CI creates it; so does the bench).
    psql(
        "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
        f"'{owner}') THEN CREATE ROLE {owner} LOGIN CREATEDB; END IF; END$$"
    )
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name} OWNER {owner}")


def analyze() -> None:
    """Fresh planner statistics after a bulk write of the run itself (autovacuum would
    analyze such tables soon; a run is shorter than its delay). Without it, the snapshots
    written for the quiz scenarios left PostgreSQL planning the attempt's choices with a
    sequential scan at size L (23.6 ms instead of 0.13 ms, EXPLAIN ANALYZE)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def session_cookie(user) -> str:
    """A signed-in session for ``user``, created the way a log-in creates it (in the session
    engine of the settings), without paying PBKDF2; plus the CSRF cookie."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "dianova_training.auth.ProfileModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"sessionid={store.session_key}; csrftoken={CSRF}"


def prepare_submits(quiz, users, limit: int) -> list[str]:
    """Open an attempt for each user and write the POST that submits it (answers all right)."""
    from courses.services import attempt_start

    lines = []
    for user in users[:limit]:
        attempt = attempt_start(user=user, quiz=quiz)
        fields = {"csrfmiddlewaretoken": CSRF, "action": "submit", "token": attempt.token}
        for question in attempt.questions.all():
            correct = [c.pk for c in question.choices.all() if c.is_correct]
            fields[f"q{question.pk}"] = str(correct[0])
        body = "&".join(f"{k}={v}" for k, v in fields.items())
        lines.append(f"POST\t{attempt.get_absolute_url()}\t{session_cookie(user)}\t{body}")
    return lines


# --- gunicorn --------------------------------------------------------------------------


class Server:
    """gunicorn on loopback; ``cpu`` pins it (master and workers) to one core."""

    def __init__(self, workers: int, *, cpu: int | None = None, env: dict | None = None):
        self.workers = workers
        self.cpu = cpu
        self.env = env
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        command = [
            sys.executable,  # the venv's own interpreter, whatever a copied script's shebang says
            "-m",
            "gunicorn",
            "dianova_training.wsgi",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--access-logfile",
            "/dev/null",
            "--max-requests",
            "0",
        ]
        if self.cpu is not None:
            command = ["taskset", "-c", str(self.cpu), *command]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **(self.env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{BASE}/healthz/live", timeout=1).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        else:
            self.__exit__()
            raise SystemExit("gunicorn did not start")
        return self

    def __exit__(self, *exc):
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        self.process.wait(timeout=30)

    def worker_pids(self) -> list[int]:
        master = self.process.pid  # taskset execs gunicorn: the same pid
        children = Path(f"/proc/{master}/task/{master}/children")
        return [int(pid) for pid in children.read_text().split()]

    def memory_kb(self, field: str) -> int:
        """Sum of a /proc status field (VmRSS, VmHWM) over the workers."""
        total = 0
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            total += int(re.search(rf"^{field}:\s+(\d+)", status, re.M).group(1))
        return total


# --- wrk --------------------------------------------------------------------------------


def wrk(
    lines: list[str],
    *,
    duration: float,
    connections: int,
    threads: int = 2,
    cpu: int | None = None,
) -> dict:
    """Run wrk over prepared request lines; return req/s, latency percentiles and errors.

    Each line is ``METHOD <tab> PATH <tab> COOKIE <tab> BODY`` (see bench/wrk.lua; a body
    starting with ``{`` is sent as JSON with the CSRF header, like quiz.js does).
    """
    path = RESULTS / "tmp" / "requests.tsv"
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "30s",
        "-s",
        str(RESULTS / "wrk.lua"),
        BASE,
        "--",
        str(path),
        str(threads),
    ]
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]
    out = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout

    p50, p95, p99 = (
        int(v) / 1000 for v in re.search(r"^PCTL (\d+) (\d+) (\d+)", out, re.M).groups()
    )
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(n) for n in match.groups())
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "p99_ms": round(p99, 2),
        "errors": errors,
    }


def wrk_median(lines: list[str], *, repeat: int, warmup: float, **options) -> dict:
    """A warm-up run (not measured), then the run with the median req/s of ``repeat`` runs."""
    if warmup > 0:
        wrk(lines, **{**options, "duration": warmup})
    runs = [wrk(lines, **options) for _ in range(max(1, repeat))]
    median = statistics.median_low([run["rps"] for run in runs])
    chosen = next(run for run in runs if run["rps"] == median)
    return {**chosen, "runs_rps": [run["rps"] for run in runs]}
