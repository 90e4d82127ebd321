"""The ``valuate`` and ``settle`` management commands: thin shells over core.commands.run_command.

They need Django configured with this app installed (pytest-django); elsewhere they are skipped.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[4] / "docs" / "contracts"


def _django_ready() -> bool:
    try:
        from django.apps import apps

        return apps.ready and apps.is_installed("xiangcun.agreements")
    except Exception:
        return False


pytestmark = pytest.mark.skipif(not _django_ready(), reason="Django not configured with xiangcun.agreements")


@pytest.mark.parametrize("name", ["valuate", "settle"])
def test_command_prints_the_example_output(name: str, tmp_path: Path) -> None:
    from django.core.management import call_command

    example = json.loads((EXAMPLES / f"{name}.example.json").read_text(encoding="utf-8"))
    path = tmp_path / "in.json"
    path.write_text(json.dumps(example["input"], ensure_ascii=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command(name, str(path), stdout=out, stderr=err)
    assert json.loads(out.getvalue()) == example["output"]


def test_command_exits_2_on_bad_input(tmp_path: Path) -> None:
    from django.core.management import call_command

    path = tmp_path / "in.json"
    path.write_text('{"profit": "1"}', encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as caught:
        call_command("settle", str(path), stdout=out, stderr=err)
    assert caught.value.code == 2
    assert out.getvalue() == ""
    assert json.loads(err.getvalue())["field"] == "mode"
