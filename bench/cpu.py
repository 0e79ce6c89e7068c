"""Where the machine's CPU went during a run: seconds of CPU per process group (the app's
gunicorn workers, PostgreSQL, Locust, the rest) and idle, sampled from Linux's /proc.

`make loadtest` samples for its whole run and reports the window of the synchronized start,
so that a start slower than its target says which program used the cores (bench/notes.md).
"""

import os
import threading
import time
from dataclasses import dataclass, field

TICK = os.sysconf("SC_CLK_TCK")
# First match wins: a PostgreSQL backend's title names the database, not gunicorn or Locust.
GROUPS = (("postgresql", "postgres"), ("gunicorn", "gunicorn"), ("locust", "locust"))


def _group(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as source:
            command = source.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "other"
    return next((name for name, needle in GROUPS if needle in command), "other")


def _process_ticks() -> dict[int, int]:
    """user + system clock ticks of every process, by pid."""
    ticks = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as source:
                fields = source.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        ticks[int(entry.name)] = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks


def _idle_ticks() -> int:
    with open("/proc/stat") as source:
        values = [int(v) for v in source.readline().split()[1:]]
    return values[3] + values[4]  # idle, iowait


@dataclass
class Sampler:
    """Samples every ``interval`` seconds in a thread; ``window`` sums what was used between
    two instants (to the sampling interval)."""

    interval: float = 0.25
    samples: list[tuple[float, dict[str, int]]] = field(default_factory=list)

    def __post_init__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._groups: dict[int, str] = {}

    def _run(self) -> None:
        previous, idle = _process_ticks(), _idle_ticks()
        while not self._stop.wait(self.interval):
            current, now_idle = _process_ticks(), _idle_ticks()
            used: dict[str, int] = {"idle": now_idle - idle}
            for pid, ticks in current.items():
                delta = ticks - previous.get(pid, 0)
                if delta > 0:
                    group = self._groups.get(pid) or self._groups.setdefault(pid, _group(pid))
                    used[group] = used.get(group, 0) + delta
            self.samples.append((time.time(), used))
            previous, idle = current, now_idle

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def window(self, start: float, end: float) -> dict:
        """CPU seconds per group between ``start`` and ``end`` (Unix times), with idle: the
        samples whose interval's middle falls between them."""
        totals: dict[str, int] = {}
        for at, used in self.samples:
            if start <= at - self.interval / 2 <= end:
                for group, ticks in used.items():
                    totals[group] = totals.get(group, 0) + ticks
        seconds = {group: round(ticks / TICK, 1) for group, ticks in sorted(totals.items())}
        return {"window_s": round(end - start, 1), "cores": os.cpu_count(), **seconds}
