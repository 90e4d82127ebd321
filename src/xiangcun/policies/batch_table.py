"""The files of ``xiangcun policy batch``: projects read from a CSV file (an optional ``id`` column and
one column per fact), and the batch result as a table of rows for csv/xlsx (amounts and Chinese
statuses). Pure (no Django)."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from typing import Any

from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.policies.batch import STATUSES, BatchResult
from xiangcun.policies.engine import STATUS_ZH, Library
from xiangcun.policies.facts import FACTS, Facts, parse_facts


def read_csv(path: str, counties: Mapping[str, str]) -> tuple[list[str], list[Facts]]:
    """Projects from a CSV file: an optional ``id`` column and one column per fact (blank: missing).

    Unknown columns and bad values raise ``ApplicationError`` naming the row and the column."""
    ids: list[str] = []
    rows: list[Facts] = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for name in reader.fieldnames or []:
            if name != "id" and name not in FACTS:
                raise ApplicationError(Msg("未知的列：{name}", name=name), field=name)
        for number, record in enumerate(reader, start=2):
            facts = {k: v for k, v in record.items() if k != "id"}
            try:
                rows.append(parse_facts(facts, counties))
            except ApplicationError as exc:
                raise ApplicationError(
                    Msg("第 {number} 行：{message}", number=number, message=exc.msg),
                    field=f"row {number}.{exc.field}",
                ) from None
            ids.append(record.get("id") or str(number - 1))
    return ids, rows


def batch_rows(result: BatchResult, library: Library) -> tuple[list[str], list[list[Any]]]:
    """A table for csv/xlsx: id, total, then per policy its amount and status (Chinese)."""
    header = ["id", "合计（元）"]
    for p in library.policies:
        header += [f"{p.title}（元）", f"{p.title}·状态"]
    rows: list[list[Any]] = []
    ids = result.ids if result.ids is not None else [str(i + 1) for i in range(len(result.total))]
    for i, rid in enumerate(ids):
        row: list[Any] = [rid, f"{result.yuan(result.total[i]):.2f}"]
        for p in library.policies:
            row += [
                f"{result.yuan(result.amounts[p.id][i]):.2f}",
                STATUS_ZH[STATUSES[result.status[p.id][i]]],
            ]
        rows.append(row)
    return header, rows
