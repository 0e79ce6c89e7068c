"""`make bench`: load-test the app served by gunicorn on loopback, at named data sizes.

For each size (S, M, L) it recreates a PostgreSQL database, generates data, counts the
queries of each page in-process, serves the app with gunicorn on 127.0.0.1 and drives it
with wrk. Every figure is also given as a ratio to the *ceiling* (a minimal view through
the same middleware on the same server, measured in the same run), since absolute numbers
drift on a shared machine. Results go to bench/results.md and bench/results.json.

Only loopback addresses are ever targeted; every run is bounded in time.
"""

import argparse
import os
import shutil
import time
import urllib.request
from collections import Counter

from bench import pinned, report, share
from bench.harness import (
    BASE,
    CSRF,
    Server,
    analyze,
    prepare_submits,
    reset_database,
    session_cookie,
    setup_environment,
    wrk,
)

setup_environment()


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
        analyze()
        scenarios["quiz submit (20 questions)"] = wrk(submits, **run)
        result["peak_worker_rss_mb"] = round(server.memory_kb("VmHWM") / 1024, 1)

    if args.pinned_duration > 0:
        print(f"[{name}] one pinned worker, per core…", flush=True)
        pinned_pages = {**pages, **share.pages(staff, cookies)}
        result["pinned"] = pinned.measure(
            pages=pinned_pages, cookies=cookies, quiz=quiz, staff=staff[1:], args=args
        )
    if name == args.burst_size and args.burst > 0:
        submit_rps = scenarios["quiz submit (20 questions)"]["rps"]
        result["burst"] = burst(quiz, staff, args, submit_rps)
    if name == args.export_size and args.exports:
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
    before = Counter(
        QuizAttempt.objects.filter(quiz=quiz, user__in=users).values_list("user_id", flat=True)
    )
    lines = prepare_submits(quiz, users, args.burst)
    analyze()
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
    # The burst may resume an attempt an earlier scenario left open: a learner is doubled only
    # if the burst created more than one attempt for them.
    after = Counter(
        QuizAttempt.objects.filter(quiz=quiz, user__in=users).values_list("user_id", flat=True)
    )
    doubled = sum(1 for user in users if after[user.pk] - before[user.pk] > 1)
    return {
        **stats,
        "learners": len(lines),
        "submitted": submitted,
        "lost": len(lines) - submitted,
        "doubled": doubled,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "S,M,L"))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 4)))
    parser.add_argument("--quiz-users", type=int, default=300)
    parser.add_argument("--burst", type=int, default=int(os.environ.get("BENCH_BURST", 500)))
    # Per core (bench/pinned.py): one pinned worker; 0 skips it. Quick run: see the README.
    parser.add_argument(
        "--pinned-duration", type=int, default=int(os.environ.get("BENCH_PINNED_DURATION", 10))
    )
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 3)))
    parser.add_argument("--warmup", type=int, default=int(os.environ.get("BENCH_WARMUP", 2)))
    parser.add_argument(
        "--exports", default=os.environ.get("BENCH_EXPORTS", "true").lower() != "false"
    )
    args = parser.parse_args()
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    args.burst_size = args.export_size = sizes[-1]
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it)")
    results = [run_size(name, args) for name in sizes]
    report.write_bench(results, args)


if __name__ == "__main__":
    main()
