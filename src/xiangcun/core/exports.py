"""Spreadsheet cells that stay text: the one helper every xlsx and csv writer uses.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel and
WPS as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``): anybody who can type a name into the
platform — a self-registered partner, say — could make the city office's export run it. In xlsx such text
is written as a string cell with Excel's quote prefix (shown exactly as typed, never evaluated); in csv it
gets a leading apostrophe (OWASP's advice for CSV injection). Numbers, dates and safe text pass unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell, WriteOnlyCell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def xlsx_row(ws: Any, values: Iterable[object]) -> list[object]:
    """``values`` ready for ``ws.append``: formula-like text becomes a quoted text cell."""
    out: list[object] = []
    write_only = not hasattr(ws, "cell") or type(ws).__name__ == "WriteOnlyWorksheet"
    for value in values:
        if is_formula_like(value):
            cell: Cell = WriteOnlyCell(ws, value=value) if write_only else Cell(ws, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            out.append(cell)
        else:
            out.append(value)
    return out


def xlsx_append(ws: Any, values: Iterable[object]) -> None:
    """``ws.append(values)`` with formula-like text neutralised."""
    ws.append(xlsx_row(ws, values))


def csv_cell(value: object) -> object:
    return "'" + value if isinstance(value, str) and is_formula_like(value) else value


def csv_row(values: Iterable[object]) -> list[object]:
    """A csv row with formula-like text prefixed by an apostrophe."""
    return [csv_cell(v) for v in values]
