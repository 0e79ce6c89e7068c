"""The `make loadtest` section of bench/results.md, from bench/loadtest.json."""


def section(runs: dict) -> list[str]:
    lines = [
        "## Synchronized quiz start (`make loadtest`)",
        "",
        "Learners signed in beforehand open the course, wait on the quiz page, start the same",
        "16-question quiz within one second, answer 8 pages with autosave after each think time",
        "and submit; then the database is checked. Gunicorn sync workers, PostgreSQL and Locust",
        "share the machine's 2 cores.",
        "",
        "| run | date | workers | errors | last start returned | starts ≤ 5 s | p95 outside "
        "the burst | graded / learners | extra attempts | ungraded questions | lost / saved "
        "answers | log-in (PBKDF2) | note |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, r in runs.items():
        db = r["database"]
        lines.append(
            f"| {label} | {r['date']} | {r['workers']} | {r['errors']} | "
            f"{r['last_start_returned_s']} s | {r['starts_within_5_s']} | "
            f"{r['p95_outside_burst_ms']} ms | {db['graded_attempts']} / {db['learners']} | "
            f"{db['extra_attempts']} | {db['ungraded_questions']} | {db['lost_answers']} / "
            f"{db['saved_answers']} | {r['login']['median_ms']} ms | {r.get('note', '')} |"
        )
    burst = [(label, r["burst_cpu_s"]) for label, r in runs.items() if "burst_cpu_s" in r]
    if burst:
        lines += [
            "",
            "CPU seconds used from the synchronized start to the last start's page, by program "
            "(sampled from /proc, `bench/cpu.py`; the window times the cores is what was there):",
            "",
            "| run | window | cores × window | gunicorn (the app) | PostgreSQL | Locust | other "
            "| idle |",
            "|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {label} | {c['window_s']} s | {round(c['window_s'] * c['cores'], 1)} s | "
            f"{c.get('gunicorn', 0)} s | {c.get('postgresql', 0)} s | {c.get('locust', 0)} s | "
            f"{c.get('other', 0)} s | {c.get('idle', 0)} s |"
            for label, c in burst
        ]
    for label, r in runs.items():
        lines += [
            "",
            f"{label}, per request:",
            "",
            "| request | count | p50 ms | p95 ms | max ms |",
        ]
        lines.append("|---|---|---|---|---|")
        lines += [
            f"| {name} | {s['count']} | {s['p50_ms']} | {s['p95_ms']} | {s['max_ms']} |"
            for name, s in r["by_request"].items()
        ]
    return lines
