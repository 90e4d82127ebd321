"""The ``funding select`` management command (skipped unless Django is configured with the app)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[4] / "docs" / "contracts" / "funding.example.json"


def _django_ready() -> bool:
    try:
        from django.apps import apps

        return apps.ready and apps.is_installed("xiangcun.funding")
    except Exception:
        return False


pytestmark = pytest.mark.skipif(not _django_ready(), reason="Django not configured with xiangcun.funding")


def test_funding_select_prints_the_example_output(tmp_path: Path) -> None:
    from django.core.management import call_command

    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    path = tmp_path / "in.json"
    path.write_text(json.dumps(example["input"]), encoding="utf-8")
    out = io.StringIO()
    call_command("funding", "select", str(path), stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue()) == example["output"]


def test_funding_select_exits_2_on_bad_input(tmp_path: Path) -> None:
    from django.core.management import call_command

    path = tmp_path / "in.json"
    path.write_text("not json", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as caught:
        call_command("funding", "select", str(path), stdout=out, stderr=err)
    assert caught.value.code == 2
    assert out.getvalue() == ""
    assert json.loads(err.getvalue())["field"] == "$"
