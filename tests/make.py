"""What a `make` target would run, without running it (``make -n``)."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_dry_run(*arguments: str) -> str:
    """The commands ``make -n ARGUMENTS`` prints, one per line."""
    return subprocess.run(
        [shutil.which("make"), "-n", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
