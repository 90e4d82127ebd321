import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xiangcun.cli import bare_environment


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


CONTRACTS = Path(__file__).resolve().parent.parent / "docs" / "contracts"


def _bare(argv: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``xiangcun ARGV`` as an operator runs it on a machine with no ``.env`` and no settings."""
    env = bare_environment(os.pathsep.join(sys.path))
    return subprocess.run(
        [sys.executable, "-m", "xiangcun.cli", *argv], capture_output=True, text=True, env=env, cwd=tmp_path
    )


@pytest.mark.parametrize("argv", [["valuate"], ["settle"], ["funding", "select"], ["cases", "deadline"]])
def test_contract_commands_run_without_settings(argv: list[str], tmp_path: Path) -> None:
    stem = argv[-1] if argv[0] == "cases" else argv[0]
    example = json.loads((CONTRACTS / f"{stem}.example.json").read_text(encoding="utf-8"))
    source = tmp_path / "in.json"
    source.write_text(json.dumps(example["input"], ensure_ascii=False), encoding="utf-8")
    result = _bare([*argv, str(source)], tmp_path)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    for key, value in example["output"].items():
        assert out[key] == value


def test_bad_input_without_settings_is_one_json_error(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text('{"parties": ', encoding="utf-8")
    result = _bare(["valuate", str(source)], tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr and "error" in json.loads(result.stderr)


def test_policy_file_actions_run_without_settings(tmp_path: Path) -> None:
    result = _bare(["policy", "check"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True
    assert "passed, 0 failed" in _bare(["policy", "test"], tmp_path).stdout


def test_a_database_command_without_settings_says_what_to_set(tmp_path: Path) -> None:
    for argv in (["migrate"], ["policy", "evaluate", "-"]):
        result = _bare(argv, tmp_path)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr and "SECRET_KEY" in result.stderr


def test_only_file_reading_commands_take_the_fast_path() -> None:
    from xiangcun.cli import is_pure

    assert is_pure(["valuate", "x.json"]) and is_pure(["funding", "select", "x.json"])
    assert is_pure(["policy", "check"]) and is_pure(["policy", "evaluate", "x.json", "--dir", "lib"])
    assert not is_pure(["policy", "evaluate", "x.json"]) and not is_pure(["policy", "batch", "x.csv"])
    assert not is_pure(["migrate"]) and not is_pure([])
