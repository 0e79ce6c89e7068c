"""bench/results.md, rendered from bench/results.json (`make bench`), bench/loadtest.json
(`make loadtest`) and the reviewed analysis in bench/notes.md: each tool rewrites its own JSON,
then the whole page is rendered again, so either can be re-run alone."""

import json
import os
import platform
import re
import subprocess
import time
from pathlib import Path

from bench import share
from bench.harness import OUTPUT, RESULTS
from bench.pinned import table as pinned_table

# --- report ------------------------------------------------------------------------------

TARGETS = """Targets on this 2-core machine: learner pages ≥ 50% of the ceiling's requests/s; quiz
submit ≥ 25%; the course report page at L within 3× its time at S; network-wide CSV of 10,000
rows in under 2 s with worker memory growth under 25 MB; XLSX streamed in constant memory.
Per core (issue 14, one pinned worker): lesson, course and "My training" ≥ 50% of the signed-in
ceiling, the signed-in ceiling ≥ 50% of the signed-out one, quiz start, autosave and submit
≥ 25% of the signed-in ceiling; a share kit's tracked link (signed out) ≥ 50% of the signed-out
ceiling. `make loadtest`: 1,000 learners starting one quiz at once,
0 errors, nothing lost or doubled, every start within 5 s, p95 < 300 ms outside that burst."""

PINNED_PAGES = {"learner dashboard": 0.5, "course page": 0.5, "lesson page": 0.5}
PINNED_WRITES = {"quiz start": 0.25, "quiz autosave": 0.25, "quiz submit": 0.25}


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
        "cache": "redis-server (CACHE_URL)" if os.environ.get("CACHE_URL") else "per process",
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
        ceiling = r["scenarios"]["ceiling"]["rps"] or float("nan")  # 0: the run failed
        for label in ("learner dashboard", "course page", "lesson page"):
            ratio = r["scenarios"][label]["rps"] / ceiling
            verdict(f"{r['size']}: {label} ≥ 50% of ceiling", f"{ratio:.0%}", ratio >= 0.5)
        ratio = r["scenarios"]["quiz submit (20 questions)"]["rps"] / ceiling
        verdict(f"{r['size']}: quiz submit ≥ 25% of ceiling", f"{ratio:.0%}", ratio >= 0.25)
        if "pinned" in r:
            pinned = r["pinned"]["scenarios"]
            for label, target in {**PINNED_PAGES, **PINNED_WRITES}.items():
                ratio = pinned[label]["ratio"]
                verdict(
                    f"{r['size']}, per core: {label} ≥ {target:.0%} of signed-in ceiling",
                    f"{ratio:.0%}",
                    ratio >= target,
                )
            verdicts += share.verdicts(r["size"], pinned)
            ratio = pinned["ceiling, signed in"]["ratio_to_signed_out"]
            verdict(
                f"{r['size']}, per core: signed-in ceiling ≥ 50% of signed out",
                f"{ratio:.0%}",
                ratio >= 0.5,
            )
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
                f"{b['errors']} errors, {b['lost']} lost, {b.get('doubled', '?')} doubled",
                b["errors"] == 0 and b["lost"] == 0 and b.get("doubled") == 0,
            )
    return verdicts


def write_bench(results: list[dict], args) -> None:
    data = {
        "machine": machine(),
        "settings": vars(args),
        "results": results,
        "targets": checks(results),
    }
    (OUTPUT / "results.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    render()


def render() -> None:
    """Write bench/results.md from the JSON results of both tools and the notes."""
    data = json.loads((OUTPUT / "results.json").read_text())
    results = data["results"]
    lines = ["# Benchmark results", "", f"Machine: {data['machine']}", "", TARGETS, ""]
    lines += ["| target | measured | met |", "|---|---|---|"]
    lines += [f"| {v['target']} | {v['measured']} | {v['met']} |" for v in data["targets"]]
    for r in results:
        ceiling = r["scenarios"]["ceiling"]["rps"] or float("nan")
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
        if "pinned" in r:
            lines += pinned_table(r["pinned"])
    loadtest = OUTPUT / "loadtest.json"
    if loadtest.exists():
        from bench.loadtest_report import section

        lines += ["", *section(json.loads(loadtest.read_text()))]
    notes = RESULTS / "notes.md"
    if notes.exists():  # the reviewed analysis of the targets, kept next to the results
        lines += ["", notes.read_text().rstrip()]
    (OUTPUT / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
