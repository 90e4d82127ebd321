"""The shipped library must load strictly and pass all its cases: a bad library fails CI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from xiangcun.policies import engine


def test_shipped_library_is_labelled_example_and_has_county_exceptions() -> None:
    lib = engine.shipped_library()
    assert all(p.example for p in lib.policies)
    assert sum(len(p.counties) for p in lib.policies) >= 2
    kinds = {p.kind for p in lib.policies}
    assert {"grant", "interest_subsidy", "rent_relief", "job_reward", "privilege"} <= kinds


def test_policy_check_and_test_pass_on_shipped_library(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("policy", "check")
    assert json.loads(capsys.readouterr().out)["ok"] is True
    call_command("policy", "test")
    assert " 0 failed" in capsys.readouterr().out


def test_policy_check_exits_2_naming_file_policy_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a copy of the library with a typo in one key
    for f in engine.LIBRARY_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    target = tmp_path / "03_support.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("rate: 0.02", "rat: 0.02"), encoding="utf-8")
    # when it is checked, then exit status 2 and the error names the file, policy and key
    with pytest.raises(SystemExit) as exit_info:
        call_command("policy", "check", str(tmp_path))
    assert exit_info.value.code == 2
    error = json.loads(capsys.readouterr().err)
    assert (error["file"], error["policy"], error["key"]) == (
        "03_support.yaml",
        "loan_interest_subsidy",
        "amount.rat",
    )
