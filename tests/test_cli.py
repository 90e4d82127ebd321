import subprocess
import sys


def test_xiangcun_help_lists_django_and_platform_commands():
    out = subprocess.run(
        [sys.executable, "-m", "xiangcun.cli", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("migrate", "demo", "serve", "db_worker"):
        assert command in out


def test_demo_rejects_an_unknown_scale_without_a_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "xiangcun.cli", "demo", "--scale", "galaxy"], capture_output=True, text=True
    )
    assert result.returncode != 0 and "invalid choice" in result.stderr and "Traceback" not in result.stderr
