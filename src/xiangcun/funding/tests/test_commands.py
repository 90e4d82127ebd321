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


def _run(doc: object, tmp_path: Path) -> tuple[int, str, str]:
    from xiangcun.core.commands import run_command
    from xiangcun.funding.contracts import funding_select

    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run_command(funding_select, str(path), out, err)
    return code, out.getvalue(), err.getvalue()


def test_funding_select_in_rank_order_skips_what_no_longer_fits_and_goes_on(tmp_path: Path) -> None:
    # given the example round with 220 万: after A2 (150 万), A1 (80 万) no longer fits, A3 (60 万) does
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))["input"]
    doc.update(budget="2200000", mode="rank_order")
    # when selected in rank order
    code, out, _ = _run(doc, tmp_path)
    # then A1 is skipped with the 70 万 left when the walk reached it, A3 funded, A4 skipped with 10 万
    assert code == 0
    result = json.loads(out)
    assert result["selected"] == ["A2", "A3"]
    assert result["left_out"] == [
        {"id": "A1", "reason": "budget: 800000.00 requested, 700000.00 left"},
        {"id": "A4", "reason": "budget: 1200000.00 requested, 100000.00 left"},
    ]
    # and without a mode (the optimum) the same subset names what is left after the selection
    del doc["mode"]
    optimum = json.loads(_run(doc, tmp_path)[1])
    assert optimum["selected"] == ["A2", "A3"]
    assert optimum["left_out"][0] == {"id": "A1", "reason": "budget: 800000.00 requested, 100000.00 left"}


def test_funding_select_refuses_an_unknown_mode(tmp_path: Path) -> None:
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))["input"]
    doc["mode"] = "greedy"
    code, out, err = _run(doc, tmp_path)
    assert (code, out) == (2, "")
    assert json.loads(err)["field"] == "mode"
