"""Run every benchmark (or those named on the command line) and write JSON results."""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem for p in HERE.glob("bench_*.py"))
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    failed = 0
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        try:
            figures = module.run()
        except Exception as exc:  # report and go on with the other benchmarks
            failed += 1
            figures = {"error": repr(exc)}
        result = {
            "benchmark": name,
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpu": platform.machine(), "cores": _cores()},
            "seconds": round(time.perf_counter() - started, 2),
            "figures": figures,
        }
        (out_dir / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        print(json.dumps(figures, ensure_ascii=False, indent=2), flush=True)
    return 1 if failed else 0


def _cores() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
