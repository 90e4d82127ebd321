"""Finding 11: production settings pass Django's deployment check, and the test mode cannot serve."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _production_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a server: .env.example with its production block uncommented."""
    # A server's environment: none of the test run's switches (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE for Playwright).
    skip = ("XIANGCUN_TESTING", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    production = False
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        production = production or line.startswith("# --- Production")
        match = re.match(r"^(# )?([A-Z_]+)=(.*)$", line)
        if match and (match.group(1) is None or production):
            env[match.group(2)] = match.group(3)
    env["SECRET_KEY"] = "x" * 20 + "a-long-random-production-secret-key-0123456789"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    env["XIANGCUN_HOME"] = str(tmp_path)
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def test_check_deploy_is_clean_with_the_production_variables(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    assert env.get("SECURE_HSTS_SECONDS") == "31536000"  # the production block was read
    result = subprocess.run(
        [sys.executable, "-m", "xiangcun.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_the_test_mode_refuses_to_serve(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    env["XIANGCUN_TESTING"] = "true"
    result = subprocess.run(
        [sys.executable, "-c", "import xiangcun.config.wsgi"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "refusing to serve" in result.stderr
