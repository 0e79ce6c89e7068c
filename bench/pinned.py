"""Per core: each page on ONE gunicorn sync worker pinned to one core, wrk on the other.

The method of ../shared/peers (and of issue 14's comparison with wagtail-lms and Kolibri):
the server under `taskset -c SERVER_CPU`, wrk under `taskset -c WRK_CPU` with `-t1 -c4`, a
warm-up run, then the median of REPEAT measured runs. Two ceilings are measured on the same
worker: a minimal view (/healthz/live) signed out, and the same view signed in (session, user
and profile loaded); every page is given as a ratio to the signed-in ceiling, and the
signed-in ceiling as a ratio to the signed-out one.
"""

import json
import os

from .harness import CSRF, Server, analyze, prepare_submits, session_cookie, wrk_median

SERVER_CPU = int(os.environ.get("BENCH_SERVER_CPU", "0"))
WRK_CPU = int(os.environ.get("BENCH_WRK_CPU", "1"))


def _quiz_pools(quiz, staff: list, size: int) -> dict[str, list[str]]:
    """wrk request lines for the three quiz writes, each over its own learners.

    start: learners without an open attempt (each first request draws and snapshots a new
    attempt; later ones resume it); autosave: one answer to an open attempt, as quiz.js sends
    it; submit: every question answered (later requests get the graded result).
    """
    from courses.services import attempt_start

    start_users, save_users, submit_users = (staff[i * size : (i + 1) * size] for i in range(3))
    starts = [
        f"POST\t/courses/{quiz.course.slug}/quizzes/{quiz.pk}/start/\t{session_cookie(user)}\t"
        f"csrfmiddlewaretoken={CSRF}"
        for user in start_users
    ]
    saves = []
    for user in save_users:
        attempt = attempt_start(user=user, quiz=quiz)
        question = attempt.questions.order_by("order").first()
        choice = question.choices.order_by("order").first()
        body = json.dumps(
            {"token": attempt.token, "answers": {str(question.pk): [choice.pk]}},
            separators=(",", ":"),
        )
        url = f"{attempt.get_absolute_url()}answers/"
        saves.append(f"POST\t{url}\t{session_cookie(user)}\t{body}")
    submits = prepare_submits(quiz, submit_users, size)
    return {"quiz start": starts, "quiz autosave": saves, "quiz submit": submits}


def measure(*, pages: dict, cookies: dict, quiz, staff: list, args) -> dict:
    """Every page and quiz write on one pinned worker; returns scenarios with their ratios."""
    from courses.models import QuizAttempt

    run = {
        "duration": args.pinned_duration,
        "connections": 4,
        "threads": 1,
        "cpu": WRK_CPU,
        "repeat": args.repeat,
        "warmup": args.warmup,
    }
    pool = max(1, min(args.quiz_users, len(staff) // 3))
    lines = _quiz_pools(quiz, staff, pool)
    analyze()  # the pools added snapshots: fresh statistics, as autovacuum would give them
    learner_cookie = next(iter(cookies.values()))
    scenarios = {}
    with Server(1, cpu=SERVER_CPU) as server:
        scenarios["ceiling, signed out"] = wrk_median(["GET\t/healthz/live\t\t"], **run)
        scenarios["ceiling, signed in"] = wrk_median(
            [f"GET\t/healthz/live\t{learner_cookie}\t"], **run
        )
        for label, (user, url) in pages.items():
            urls = url if isinstance(url, list) else [url]  # a list: cycled through
            scenarios[label] = wrk_median(
                [f"GET\t{path}\t{cookies[user.pk]}\t" for path in urls], **run
            )
        for label, requests in lines.items():
            before = QuizAttempt.objects.filter(quiz=quiz).count()
            submitted = QuizAttempt.objects.filter(quiz=quiz, status="submitted").count()
            scenarios[label] = wrk_median(requests, **run)
            # How many requests did the full work (a new draw, a first grading), not a resume.
            if label == "quiz start":
                fresh = QuizAttempt.objects.filter(quiz=quiz).count() - before
            elif label == "quiz submit":
                fresh = QuizAttempt.objects.filter(quiz=quiz, status="submitted").count()
                fresh -= submitted
            else:
                fresh = None
            scenarios[label]["fresh"] = fresh
            scenarios[label]["pool"] = len(requests)
        rss_mb = round(server.memory_kb("VmHWM") / 1024, 1)
    signed_in = scenarios["ceiling, signed in"]["rps"]
    signed_out = scenarios["ceiling, signed out"]["rps"]
    for scenario in scenarios.values():
        scenario["ratio"] = round(scenario["rps"] / signed_in, 3)
    scenarios["ceiling, signed in"]["ratio_to_signed_out"] = round(signed_in / signed_out, 3)
    return {
        "method": (
            f"1 gunicorn sync worker on cpu {SERVER_CPU}, wrk -t1 -c4 on cpu {WRK_CPU}, "
            f"{args.warmup} s warm-up, median of {args.repeat} × {args.pinned_duration} s"
        ),
        "scenarios": scenarios,
        "peak_worker_rss_mb": rss_mb,
    }


def table(pinned: dict) -> list[str]:
    """Markdown lines for one size's pinned run."""
    scenarios = pinned["scenarios"]
    signed_in = scenarios["ceiling, signed in"]
    lines = [
        "",
        f"Per core ({pinned['method']}); ceilings: signed out "
        f"{scenarios['ceiling, signed out']['rps']:.0f} req/s, signed in "
        f"{signed_in['rps']:.0f} req/s ({signed_in['ratio_to_signed_out']:.0%} of signed out); "
        f"peak worker RSS {pinned['peak_worker_rss_mb']} MB.",
        "",
        "| page (1 pinned worker) | req/s | × signed-in ceiling | p50 ms | p99 ms | errors | "
        "runs req/s | fresh/pool |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, s in scenarios.items():
        fresh = f"{s['fresh']}/{s['pool']}" if s.get("fresh") is not None else ""
        runs = " ".join(f"{r:.0f}" for r in s["runs_rps"])
        lines.append(
            f"| {label} | {s['rps']:.0f} | {s['ratio']:.2f} | {s['p50_ms']} | {s['p99_ms']} | "
            f"{s['errors']} | {runs} | {fresh} |"
        )
    return lines
