"""`make bench`: load-test the app served by gunicorn on loopback, at named data sizes.

For each size (S, M, L) it recreates a PostgreSQL database, generates data, counts the
queries of each page in-process, serves the app with gunicorn on 127.0.0.1 and drives it
with wrk. Every figure is also given as a ratio to the *ceiling* (a minimal view through
the same middleware on the same server, measured in the same run), since absolute numbers
drift on a shared machine. Results go to bench/results.md and bench/results.json.

Only loopback addresses are ever targeted; every run is bounded in time.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
CSRF = secrets.token_hex(16)  # a 32-character CSRF secret, sent as cookie and form field

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
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name} OWNER dianova")


def session_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"sessionid={store.session_key}; csrftoken={CSRF}"


# --- gunicorn --------------------------------------------------------------------------


class Server:
    def __init__(self, workers: int):
        self.workers = workers
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "dianova_training.wsgi",
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                str(self.workers),
                "--access-logfile",
                "/dev/null",
                "--max-requests",
                "0",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE}/healthz/live", timeout=1).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        return self

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def memory_kb(self, field: str) -> int:
        """Sum of a /proc status field (VmRSS, VmHWM) over the workers."""
        total = 0
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            total += int(re.search(rf"^{field}:\s+(\d+)", status, re.M).group(1))
        return total


# --- wrk --------------------------------------------------------------------------------


def wrk(lines: list[str], *, duration: int, connections: int, threads: int = 2) -> dict:
    """Run wrk over prepared request lines; return req/s, latency percentiles and errors."""
    path = RESULTS / "tmp" / "requests.tsv"
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "30s",
            "-s",
            str(RESULTS / "wrk.lua"),
            BASE,
            "--",
            str(path),
            str(threads),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
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


# --- scenarios ---------------------------------------------------------------------------


def count_queries(user, url: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code} in-process")
    return len(context)


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


def timed_download(url: str, cookie: str) -> tuple[float, int, int]:
    request = urllib.request.Request(BASE + url, headers={"Cookie": cookie})  # noqa: S310
    started = time.perf_counter()
    size = 0
    with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
        status = response.status
        while chunk := response.read(65536):
            size += len(chunk)
    return time.perf_counter() - started, size, status


def run_size(name: str, args) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.urls import reverse

    from bench import datagen
    from courses.models import Quiz

    print(f"[{name}] database and data…", flush=True)
    reset_database()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    info = datagen.generate(datagen.SIZES[name])
    generation_s = round(time.perf_counter() - started, 1)
    user_model = get_user_model()
    learner = user_model.objects.get(pk=info["learner_id"])
    manager = user_model.objects.get(pk=info["manager_id"])
    course = info["course_slug"]
    quiz = Quiz.objects.get(pk=info["bench_quiz_id"])
    pages = {
        "learner dashboard": (learner, reverse("ambassadors:dashboard")),
        "course page": (learner, f"/courses/{course}/"),
        "lesson page": (learner, f"/courses/{course}/lessons/{info['lesson_id']}/"),
        "manager overview": (manager, reverse("ambassadors:reports")),
        "course report": (manager, f"/reports/courses/{course}/"),
    }
    queries = {label: count_queries(user, url) for label, (user, url) in pages.items()}
    cookies = {learner.pk: session_cookie(learner), manager.pk: session_cookie(manager)}
    staff = list(user_model.objects.filter(pk__in=info["staff_ids"]).order_by("pk"))

    result = {"size": name, "rows": info["rows"], "generation_s": generation_s, "scenarios": {}}
    scenarios = result["scenarios"]
    run = {"duration": args.duration, "connections": args.connections}
    print(f"[{name}] serving with {args.workers} gunicorn workers…", flush=True)
    with Server(args.workers) as server:
        # The ceiling: a minimal view through the same middleware for the same signed-in
        # learner (session, user and profile are loaded by the middleware on every request).
        scenarios["ceiling"] = wrk([f"GET\t/healthz/live\t{cookies[learner.pk]}\t"], **run)
        for label, (user, url) in pages.items():
            scenarios[label] = wrk([f"GET\t{url}\t{cookies[user.pk]}\t"], **run)
            scenarios[label]["queries"] = queries[label]

        starts = [
            f"POST\t/courses/{course}/quizzes/{quiz.pk}/start/\t{session_cookie(user)}\t"
            f"csrfmiddlewaretoken={CSRF}"
            for user in staff[1 : 1 + args.quiz_users]
        ]
        scenarios["quiz start (20 questions)"] = wrk(starts, **run)
        submits = prepare_submits(quiz, staff[1:], args.quiz_users)
        scenarios["quiz submit (20 questions)"] = wrk(submits, **run)
        result["peak_worker_rss_mb"] = round(server.memory_kb("VmHWM") / 1024, 1)

    if name == args.burst_size:
        submit_rps = scenarios["quiz submit (20 questions)"]["rps"]
        result["burst"] = burst(quiz, staff, args, submit_rps)
    if name == args.export_size:
        result["exports"] = {
            fmt: export(fmt, course, cookies[manager.pk], args) for fmt in ("csv", "xlsx")
        }
    return result


def burst(quiz, staff, args, submit_rps: float) -> dict:
    """≥500 concurrent learners submitting at once; then check nothing is lost or doubled.

    Every connection cycles through its learners' submissions, so a learner whose answer
    was already graded submits again: the app must answer with the same result.
    """
    from courses.models import AttemptQuestion, QuizAttempt

    users = staff[-args.burst :]
    before = QuizAttempt.objects.filter(quiz=quiz, user__in=users).count()
    lines = prepare_submits(quiz, users, args.burst)
    attempt_ids = [line.split("\t")[1].rstrip("/").rsplit("/", 1)[1] for line in lines]
    # Long enough for every learner to submit at least once at the measured submit rate.
    duration = int(len(lines) / max(submit_rps, 1) * 2) + 10
    print(f"[burst] {len(lines)} learners submitting at once for {duration} s…", flush=True)
    with Server(args.workers):
        stats = wrk(lines, duration=duration, connections=len(lines), threads=2)
    attempts = QuizAttempt.objects.filter(pk__in=attempt_ids)
    submitted = attempts.filter(status="submitted").count()
    ungraded = AttemptQuestion.objects.filter(
        attempt__in=attempts.filter(status="submitted"), credit__isnull=True
    ).count()
    created = QuizAttempt.objects.filter(quiz=quiz, user__in=users).count() - before
    return {
        **stats,
        "learners": len(lines),
        "submitted": submitted,
        "lost": len(lines) - submitted,
        "attempts_per_learner": round(created / len(lines), 3),
        "ungraded_questions": ungraded,
    }


def export(fmt: str, course: str, cookie: str, args) -> dict:
    """Time one network-wide export and the growth of the (single) worker's memory."""
    with Server(1) as server:
        urllib.request.urlopen(f"{BASE}/healthz/live").read()  # noqa: S310
        timed_download(f"/reports/courses/{course}/?organisation=", cookie)  # warm the worker
        baseline = server.memory_kb("VmRSS")
        seconds, size, status = timed_download(f"/reports/courses/{course}/?format={fmt}", cookie)
        peak = server.memory_kb("VmHWM")
    return {
        "status": status,
        "seconds": round(seconds, 2),
        "bytes": size,
        "worker_growth_mb": round(max(0, peak - baseline) / 1024, 1),
    }


# --- report ------------------------------------------------------------------------------

TARGETS = """Targets on this 2-core machine: learner pages ≥ 50% of the ceiling's requests/s; quiz
submit ≥ 25%; the course report page at L within 3× its time at S; network-wide CSV of 10,000
rows in under 2 s with worker memory growth under 25 MB; XLSX streamed in constant memory."""


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    postgres = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": postgres,
        "wrk": subprocess.run(
            ["wrk", "--version"], capture_output=True, text=True, check=False
        ).stdout.split("\n")[0],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def checks(results: list[dict]) -> list[dict]:
    by_size = {r["size"]: r for r in results}
    verdicts = []

    def verdict(target: str, value: str, ok: bool | None):
        verdicts.append(
            {
                "target": target,
                "measured": value,
                "met": "yes" if ok else ("n/a" if ok is None else "NO"),
            }
        )

    for r in results:
        ceiling = r["scenarios"]["ceiling"]["rps"]
        for label in ("learner dashboard", "course page", "lesson page"):
            ratio = r["scenarios"][label]["rps"] / ceiling
            verdict(f"{r['size']}: {label} ≥ 50% of ceiling", f"{ratio:.0%}", ratio >= 0.5)
        ratio = r["scenarios"]["quiz submit (20 questions)"]["rps"] / ceiling
        verdict(f"{r['size']}: quiz submit ≥ 25% of ceiling", f"{ratio:.0%}", ratio >= 0.25)
    if "S" in by_size and "L" in by_size:
        s = by_size["S"]["scenarios"]["course report"]["p50_ms"]
        big = by_size["L"]["scenarios"]["course report"]["p50_ms"]
        verdict("course report p50 at L ≤ 3× at S", f"{big / s:.1f}×", big <= 3 * s)
    for r in results:
        if "exports" in r:
            csv = r["exports"]["csv"]
            verdict(
                f"{r['size']}: CSV of {r['rows']['staff']} rows < 2 s",
                f"{csv['seconds']} s",
                csv["seconds"] < 2 and csv["status"] == 200,
            )
            verdict(
                f"{r['size']}: CSV worker growth < 25 MB",
                f"{csv['worker_growth_mb']} MB",
                csv["worker_growth_mb"] < 25,
            )
            xlsx = r["exports"]["xlsx"]
            verdict(
                f"{r['size']}: XLSX worker growth < 25 MB (streamed)",
                f"{xlsx['worker_growth_mb']} MB ({xlsx['seconds']} s)",
                xlsx["worker_growth_mb"] < 25 and xlsx["status"] == 200,
            )
        if "burst" in r:
            b = r["burst"]
            verdict(
                f"{r['size']}: burst of {b['learners']} submits: 0 errors, 0 lost, 0 doubled",
                f"{b['errors']} errors, {b['lost']} lost, {b['attempts_per_learner']} "
                "attempts/learner",
                b["errors"] == 0 and b["lost"] == 0 and b["attempts_per_learner"] == 1,
            )
    return verdicts


def write(results: list[dict], args) -> None:
    data = {
        "machine": machine(),
        "settings": vars(args),
        "results": results,
        "targets": checks(results),
    }
    (RESULTS / "results.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    lines = ["# Benchmark results", "", f"Machine: {data['machine']}", "", TARGETS, ""]
    lines += ["| target | measured | met |", "|---|---|---|"]
    lines += [f"| {v['target']} | {v['measured']} | {v['met']} |" for v in data["targets"]]
    for r in results:
        ceiling = r["scenarios"]["ceiling"]["rps"]
        lines += [
            "",
            f"## Size {r['size']} — {r['rows']}",
            "",
            f"Data generated in {r['generation_s']} s; peak worker RSS "
            f"{r.get('peak_worker_rss_mb')} MB.",
            "",
            "| scenario | req/s | × ceiling | p50 ms | p95 ms | p99 ms | errors | queries |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for label, s in r["scenarios"].items():
            lines.append(
                f"| {label} | {s['rps']:.0f} | {s['rps'] / ceiling:.2f} | {s['p50_ms']} | "
                f"{s['p95_ms']} | {s['p99_ms']} | {s['errors']} | {s.get('queries', '')} |"
            )
        if "exports" in r:
            lines += [
                "",
                "| export | status | seconds | bytes | worker growth MB |",
                "|---|---|---|---|---|",
            ]
            lines += [
                f"| {fmt} | {e['status']} | {e['seconds']} | {e['bytes']} | "
                f"{e['worker_growth_mb']} |"
                for fmt, e in r["exports"].items()
            ]
        if "burst" in r:
            lines += ["", f"Burst: `{json.dumps(r['burst'])}`"]
    notes = RESULTS / "notes.md"
    if notes.exists():  # the reviewed analysis of the targets, kept next to the results
        lines += ["", notes.read_text().rstrip()]
    (RESULTS / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "S,M,L"))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 4)))
    parser.add_argument("--quiz-users", type=int, default=300)
    parser.add_argument("--burst", type=int, default=500)
    args = parser.parse_args()
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    args.burst_size = args.export_size = sizes[-1]
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it)")
    results = [run_size(name, args) for name in sizes]
    write(results, args)


if __name__ == "__main__":
    main()
