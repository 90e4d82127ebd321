"""Command-line start-up: wall time of each pure command on its contract example, in a clean
environment (no ``.env``, no ``SECRET_KEY``, no ``DEBUG``), against the baseline of the same run —
``python -c pass`` (the interpreter) and ``python -m django --version`` (importing Django alone) —
and against a database command (``xiangcun check``) that sets the whole site up.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from xiangcun.cli import bare_environment

CONTRACTS = Path(__file__).resolve().parents[1] / "docs" / "contracts"
SRC = Path(__file__).resolve().parents[1] / "src"


def _clean_env() -> dict[str, str]:
    return bare_environment(str(SRC))


def _wall(argv: list[str], *, env: dict[str, str], cwd: str, runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, env=env, cwd=cwd, capture_output=True, check=False)
        samples.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(samples), 3), "max_s": round(max(samples), 3)}


def run(runs: int = 7) -> dict[str, Any]:
    py = sys.executable
    cwd = tempfile.mkdtemp(prefix="xiangcun-cli-")  # no .env here
    env = _clean_env()
    cli = [py, "-m", "xiangcun.cli"]
    commands = {
        "valuate": [*cli, "valuate", str(CONTRACTS / "valuate.example.json")],
        "settle": [*cli, "settle", str(CONTRACTS / "settle.example.json")],
        "funding select": [*cli, "funding", "select", str(CONTRACTS / "funding.example.json")],
        "policy check": [*cli, "policy", "check"],
    }
    figures: dict[str, Any] = {
        "baseline python -c pass": _wall([py, "-c", "pass"], env=env, cwd=cwd, runs=runs),
        "baseline python -m django --version": _wall(
            [py, "-m", "django", "--version"], env=env, cwd=cwd, runs=runs
        ),
    }
    for name, argv in commands.items():
        figures[name] = _wall(argv, env=env, cwd=cwd, runs=runs)
    full = {**env, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{cwd}/cli.sqlite3"}
    figures["xiangcun check (whole site set up)"] = _wall([*cli, "check"], env=full, cwd=cwd, runs=runs)
    figures["target valuate_s"] = 0.5
    return figures
