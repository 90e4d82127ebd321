"""Finding 6: spreadsheet formula injection. Text typed into the platform never becomes a formula in
an export (xlsx or csv), whoever planted it."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from xiangcun.core.exports import csv_row, xlsx_append

PAYLOADS = [
    '=HYPERLINK("http://evil.example/","点我")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1",
]
SRC = Path(__file__).resolve().parents[2] / "src" / "xiangcun"


def _cells(content: bytes) -> list:  # type: ignore[type-arg]
    wb = load_workbook(io.BytesIO(content))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def _assert_inert(content: bytes, payload: str) -> None:
    cells = [c for c in _cells(content) if c.value is not None and payload in str(c.value)]
    assert cells, f"the planted text {payload!r} is not in the export"
    for cell in cells:
        assert cell.data_type != "f", f"{cell.coordinate} became a formula: {cell.value!r}"


@pytest.mark.parametrize("write_only", [True, False])
def test_formula_like_text_is_written_as_text(write_only: bool) -> None:
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("t") if write_only else wb.active
    for payload in PAYLOADS:
        xlsx_append(ws, [payload, 12, -3.5, "普通文字"])
    out = io.BytesIO()
    wb.save(out)
    cells = _cells(out.getvalue())
    texts = [c for c in cells if isinstance(c.value, str) and c.value in PAYLOADS]
    assert len(texts) == len(PAYLOADS)
    assert all(c.data_type == "s" for c in texts)
    numbers = [c.value for c in cells if isinstance(c.value, int | float)]
    assert 12 in numbers and -3.5 in numbers  # numbers, negative ones included, stay numbers


def test_csv_cells_get_an_apostrophe() -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(csv_row(["=1+1", "-5", "安全", 7]))
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["'=1+1", "'-5", "安全", "7"]


@pytest.mark.django_db
def test_anonymous_notice_export_neutralises_a_planted_title(client, users) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.recruitment.tests.factories import notice_published

    payload = PAYLOADS[0]
    notice_published(users, title=payload + "招募")
    response = client.get("/notices/export.xlsx")
    assert response.status_code == 200
    _assert_inert(response.content, payload)


@pytest.mark.django_db
def test_self_registered_partner_cannot_plant_a_formula_for_the_city(client_as) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.partners.tests.factories import partner_registered

    partner_registered("attacker", name="=cmd|' /C calc'!A0", contact_name="=cmd|' /C calc'!A0")
    response = client_as("city").get("/partners/export.xlsx")
    assert response.status_code == 200
    _assert_inert(response.content, "=cmd|' /C calc'!A0")


@pytest.mark.django_db
def test_resource_export_neutralises_a_planted_name(client, users) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.resources.tests.factories import resource_create

    resource_create(users, name="@SUM(A1:A9)")
    response = client.get("/resources/export.xlsx")
    assert response.status_code == 200
    _assert_inert(response.content, "@SUM(A1:A9)")


def test_every_spreadsheet_writer_goes_through_the_helper() -> None:
    """A new exporter that appends rows to a worksheet directly (``ws.append``) or writes csv rows
    without ``csv_row`` fails here."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or (path.name == "exports.py" and path.parent.name == "core"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if "openpyxl" not in path.read_text(encoding="utf-8") and "csv.writer" not in path.read_text(
            encoding="utf-8"
        ):
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            target = ast.unparse(node.func.value)
            if node.func.attr == "append" and target in ("ws", "sheet", "worksheet"):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno} {ast.unparse(node)[:60]}")
            if node.func.attr in ("writerow", "writerows"):
                arg = ast.unparse(node.args[0]) if node.args else ""
                if "csv_row" not in arg:
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno} {ast.unparse(node)[:60]}")
    assert not offenders, "write through core.exports (xlsx_append / csv_row):\n" + "\n".join(offenders)
