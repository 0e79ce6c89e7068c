"""`make loadtest`: a whole network starting one quiz at the same moment (issue 14).

Recreates a PostgreSQL database, generates the benchmark course with N learners and a
16-question quiz answered over 8 pages (the Udelar Moodle profile), signs every learner in
beforehand (sessions written directly; the cost of a real log-in, PBKDF2 included, is
measured apart on a few), serves the app with gunicorn on 127.0.0.1 and drives it with Locust
(bench/locustfile.py, its own virtualenv .venv-loadtest): open the course, wait on the quiz
page, start within one second of the same instant, answer with autosave after think times of
30–90 s (3–9 s with --fast), submit. Then it checks in the database that every learner has
exactly one graded attempt holding every answer it saved, and writes bench/loadtest.json and
bench/results.md.

Only loopback is targeted; the run is bounded in time (Locust's --run-time, and a timeout).
"""

import argparse
import csv
import http.client
import json
import os
import statistics
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://dianova@127.0.0.1:5432/dianova_loadtest")

from bench import cpu
from bench.harness import (
    BASE,
    CSRF,
    OUTPUT,
    PORT,
    RESULTS,
    ROOT,
    Server,
    analyze,
    reset_database,
    session_cookie,
    setup_environment,
)

setup_environment()
LOCUST = Path(os.environ.get("LOCUST", ROOT / ".venv-loadtest" / "bin" / "locust"))
QUESTIONS, PAGES = 16, 8


def prepare(learners: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from bench import datagen
    from courses.models import Quiz

    print(f"[loadtest] database, {learners} learners and their sessions…", flush=True)
    reset_database()
    call_command("migrate", verbosity=0)
    info = datagen.generate(datagen.Size("loadtest", learners, 10))
    analyze()  # a database in use has statistics (autovacuum is off on this machine)
    course = Quiz.objects.get(pk=info["bench_quiz_id"]).course
    quiz = datagen.make_quiz(course, None, "synchronized", QUESTIONS)
    users = list(get_user_model().objects.filter(pk__in=info["staff_ids"]).order_by("pk"))
    return {
        "quiz_id": quiz.pk,
        "course_url": course.get_absolute_url(),
        "quiz_url": f"{course.get_absolute_url()}quizzes/{quiz.pk}/",
        "result_marker": "Your score",
        "pages": PAGES,
        "learners": [
            {"cookie": session_cookie(user), "csrf": CSRF, "user_id": user.pk} for user in users
        ],
        "usernames": [user.username for user in users[:10]],
    }


def login_cost(usernames: list[str]) -> dict:
    """Real log-ins through the server (form, CSRF, PBKDF2, new session), one at a time."""
    from bench import datagen

    timings = []
    for username in usernames:
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": CSRF, "username": username, "password": datagen.PASSWORD}
        )
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        started = time.perf_counter()
        connection.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Cookie": f"csrftoken={CSRF}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = connection.getresponse()
        response.read()
        timings.append((time.perf_counter() - started) * 1000)
        connection.close()
        if response.status != 302:  # the form again: the log-in failed
            raise SystemExit(f"log-in of {username} answered {response.status}")
    return {"logins": len(timings), "median_ms": round(statistics.median(timings), 1)}


class AnalyzeStandIn(threading.Thread):
    """ANALYZE as autovacuum would run it, on a server where autovacuum is off (this machine's
    PostgreSQL has `autovacuum = off`): the quiz pages of the ramp write a snapshot per learner
    into tables the planner would otherwise still believe empty at the start. Once the pages
    have drawn (``first_at``: a few seconds before the start), then every minute (autovacuum's
    default naptime). Does nothing where autovacuum is on."""

    def __init__(self, first_at: float, every: float = 60):
        super().__init__(daemon=True)
        self.first_at, self.every, self.stop = first_at, every, threading.Event()
        self.runs = 0

    def run(self) -> None:
        from django.db import connection

        try:
            with connection.cursor() as cursor:
                cursor.execute("SHOW autovacuum")
                if cursor.fetchone()[0] == "on":
                    return
            at = self.first_at
            while not self.stop.wait(max(0.0, at - time.time())):
                analyze()
                self.runs += 1
                at += self.every
        finally:
            connection.close()  # this thread's own connection, whichever way it ends


def run_locust(plan: dict, args, work: Path) -> tuple[list[dict], float, int]:
    learners = len(plan["learners"])
    ramp = args.ramp or max(20, learners * 0.04)
    think = (3, 9) if args.fast else (30, 90)
    plan = {**plan, "think": think, "start_at": time.time() + ramp + 5}
    (work / "plan.json").write_text(json.dumps(plan))
    run_time = int(ramp + 5 + 10 + (PAGES + 1) * think[1] + 120)
    env = {
        **os.environ,
        "LOADTEST_PLAN": str(work / "plan.json"),
        "LOADTEST_LOG": str(work / "requests.csv"),
        "LOADTEST_ANSWERS": str(work / "answers.jsonl"),
    }
    print(
        f"[loadtest] {learners} learners, start at +{ramp + 5:.0f} s, think {think} s, "
        f"at most {run_time} s…",
        flush=True,
    )
    stand_in = AnalyzeStandIn(first_at=plan["start_at"] - 3)
    stand_in.start()
    subprocess.run(
        [
            str(LOCUST),
            "-f",
            str(RESULTS / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--users",
            str(learners),
            "--spawn-rate",
            str(max(1, round(learners / ramp))),
            "--run-time",
            f"{run_time}s",
            "--host",
            BASE,
            "--loglevel",
            "WARNING",
        ],
        env=env,
        cwd=work,
        check=False,
        timeout=run_time + 120,
    )
    stand_in.stop.set()
    stand_in.join()
    print(f"[loadtest] ANALYZE run {stand_in.runs} time(s) in place of autovacuum", flush=True)
    with (work / "requests.csv").open() as log:
        rows = list(csv.DictReader(log))
    return rows, plan["start_at"], stand_in.runs


def check_database(plan: dict, work: Path) -> dict:
    """Every learner: exactly one attempt, submitted, graded, holding every answer it saved."""
    from courses.models import AttemptChoice, AttemptQuestion, QuizAttempt

    saved = {}
    for line in (work / "answers.jsonl").read_text().splitlines():
        entry = json.loads(line)
        saved[plan["learners"][entry["learner"]]["user_id"]] = entry["answers"]
    attempts = {}
    doubled = 0
    for attempt in QuizAttempt.objects.filter(quiz_id=plan["quiz_id"]):
        doubled += attempt.user_id in attempts
        attempts[attempt.user_id] = attempt
    ungraded = AttemptQuestion.objects.filter(
        attempt__quiz_id=plan["quiz_id"], credit__isnull=True
    ).count()
    selected: dict = {}
    for question_id, choice_id in AttemptChoice.objects.filter(
        attempt_question__attempt__quiz_id=plan["quiz_id"], selected=True
    ).values_list("attempt_question_id", "pk"):
        selected.setdefault(question_id, set()).add(choice_id)
    lost = 0
    for answers in saved.values():
        for field, choice in answers.items():
            lost += selected.get(int(field[1:]), set()) != {int(choice)}
    learners = [entry["user_id"] for entry in plan["learners"]]
    graded = sum(
        1
        for user in learners
        if user in attempts
        and attempts[user].status == "submitted"
        and attempts[user].score is not None
    )
    return {
        "learners": len(learners),
        "finished": len(saved),
        "graded_attempts": graded,
        "learners_without_attempt": sum(user not in attempts for user in learners),
        "extra_attempts": doubled,
        "ungraded_questions": ungraded,
        "saved_answers": sum(len(a) for a in saved.values()),
        "lost_answers": lost,
    }


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def summarise(rows: list[dict], start_at: float) -> dict:
    by_name: dict[str, list[float]] = {}
    errors = 0
    for row in rows:
        by_name.setdefault(row["name"], []).append(float(row["ms"]))
        errors += row["ok"] != "True"
    # A start has returned when the learner sees the first question: the attempt page after
    # the start's redirect.
    burst = {"quiz start (burst)", "quiz start (burst): next page"}
    starts = [r for r in rows if r["name"] == "quiz start (burst): next page"]
    ends = [float(r["start"]) + float(r["ms"]) / 1000 - start_at for r in starts]
    others = [float(r["ms"]) for r in rows if r["name"] not in burst]
    return {
        "errors": errors,
        "requests": len(rows),
        "last_start_returned_s": round(max(ends, default=0), 2),
        "starts_within_5_s": sum(end <= 5 for end in ends),
        "p95_outside_burst_ms": percentile(others, 0.95),
        "by_request": {
            name: {
                "count": len(values),
                "p50_ms": percentile(values, 0.5),
                "p95_ms": percentile(values, 0.95),
                "max_ms": round(max(values), 1),
            }
            for name, values in by_name.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=int(os.environ.get("LEARNERS", 1000)))
    parser.add_argument("--fast", action="store_true", help="think times of 3–9 s")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", 4)))
    parser.add_argument("--ramp", type=float, default=0, help="seconds to open the pages")
    parser.add_argument("--note", default="", help="a remark kept with the results")
    args = parser.parse_args()
    if not LOCUST.exists():
        raise SystemExit(f"{LOCUST} is missing: `make loadtest` installs it")
    work = RESULTS / "tmp" / "loadtest"
    work.mkdir(parents=True, exist_ok=True)
    plan = prepare(args.learners)
    with Server(args.workers):
        logins = login_cost(plan.pop("usernames"))
        started = time.time()
        with cpu.Sampler() as sampler:
            rows, start_at, analyze_runs = run_locust(plan, args, work)
        duration = round(time.time() - started)
    summary = summarise(rows, start_at)
    # Which programs used the cores from the trainer's "now" to the last start's page.
    burst_cpu = sampler.window(start_at, start_at + summary["last_start_returned_s"])
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "learners": args.learners,
        "think_s": "3–9" if args.fast else "30–90",
        "workers": args.workers,
        "duration_s": duration,
        "login": logins,
        "note": args.note,
        **summary,
        "burst_cpu_s": burst_cpu,
        "analyze_runs": analyze_runs,  # in place of autovacuum, see AnalyzeStandIn
        "database": check_database(plan, work),
    }
    OUTPUT.mkdir(parents=True, exist_ok=True)  # BENCH_OUTPUT may name a new folder
    path = OUTPUT / "loadtest.json"
    runs = json.loads(path.read_text()) if path.exists() else {}
    runs[f"{args.learners} learners, think {result['think_s']} s"] = result
    path.write_text(json.dumps(runs, indent=2, ensure_ascii=False) + "\n")
    from bench.loadtest_report import section

    print("\n".join(section(runs)))
    if (OUTPUT / "results.json").exists():
        from bench import report

        report.render()


if __name__ == "__main__":
    main()
