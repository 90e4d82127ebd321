"""``xiangcun policy evaluate|test|check|batch``: the policy calculator for operators and CI.

* ``evaluate INPUT.json`` — ``{"date": "2026-01-01", "facts": {...}}`` (``-``: standard input) →
  the evaluation as JSON (every policy with its reasons, the total and the ruleset hash).
* ``test [DIR]`` — run every policy's YAML test cases (and the before/after-each-date rule).
* ``check [DIR]`` — validate the policy files of DIR (default: the shipped library).
* ``batch FILE.csv [--out FILE.xlsx|FILE.csv]`` — many projects at once (numpy), one row each.

``evaluate`` and ``batch`` use the published library (``--dir`` for a directory instead).
Bad input or a bad library: exit status 2 and one JSON object on standard error naming the file,
the policy and the key (or the field) — never a traceback.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from xiangcun.core.errors import ApplicationError
from xiangcun.core.exports import csv_row, xlsx_append
from xiangcun.policies import batch, batch_table, engine
from xiangcun.policies.facts import parse_facts


class _Exit(Exception):
    def __init__(self, code: int, payload: dict[str, Any]) -> None:
        super().__init__(code)
        self.code = code
        self.payload = payload


def _fail(exc: ApplicationError) -> _Exit:
    if isinstance(exc, engine.PolicyError):
        return _Exit(2, exc.as_json())
    return _Exit(2, {"error": exc.message, "error_en": exc.message_en, "field": exc.field})


class Command(BaseCommand):
    help = "政策计算器：evaluate INPUT.json | test [DIR] | check [DIR] | batch FILE.csv [--out FILE]"
    # A pure computation: runs without Django set up (see xiangcun.cli), so no system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="evaluate|test|check|batch")
        ev = sub.add_parser("evaluate", help="facts + date → JSON results")
        ev.add_argument("path", help="input JSON file, or - for standard input")
        ev.add_argument("--dir", help="evaluate against a directory of policy files")
        te = sub.add_parser("test", help="run all YAML test cases")
        te.add_argument(
            "dir", nargs="?", default=None, help="policy directory (default: the shipped library)"
        )
        ch = sub.add_parser("check", help="validate a directory of policy files")
        ch.add_argument(
            "dir", nargs="?", default=None, help="policy directory (default: the shipped library)"
        )
        ba = sub.add_parser("batch", help="many projects (CSV, one column per fact) → csv/xlsx")
        ba.add_argument("path", help="CSV file with an optional id column and one column per fact")
        ba.add_argument("--out", help="output .csv or .xlsx (default: CSV on standard output)")
        ba.add_argument("--date", help="evaluation date YYYY-MM-DD (default: today)")
        ba.add_argument("--dir", help="evaluate against a directory of policy files")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            code = getattr(self, f"_{options['action']}")(options)
        except _Exit as exc:
            self.stderr.write(json.dumps(exc.payload, ensure_ascii=False))
            sys.exit(exc.code)
        except ApplicationError as exc:
            failure = _fail(exc)
            self.stderr.write(json.dumps(failure.payload, ensure_ascii=False))
            sys.exit(failure.code)
        if code:
            sys.exit(code)

    # ------------------------------------------------------------------------------------------
    def _library(self, directory: str | None, *, published: bool) -> engine.Library:
        counties = dict(engine.official_counties(settings.XIANGCUN_CITY_CODE))
        if directory:
            return engine.load_directory(directory, counties)
        if published:
            # The published library lives in the database: only this path needs Django set up
            # (``xiangcun.cli`` runs the file-only actions without it).
            from xiangcun.policies import selectors

            return selectors.library_active()
        return engine.load_directory(engine.LIBRARY_DIR, counties)

    def _evaluate(self, options: dict[str, Any]) -> int:
        path = options["path"]
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise _Exit(2, {"error": f"无法读取文件 {path}：{exc}", "field": ""}) from None
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise _Exit(2, {"error": f"不是有效的 JSON：{exc}", "field": ""}) from None
        if (
            not isinstance(doc, dict)
            or not isinstance(doc.get("facts"), dict)
            or set(doc) - {"date", "facts"}
        ):
            raise _Exit(2, {"error": '输入须为 {"date": "YYYY-MM-DD", "facts": {…}}', "field": ""})
        try:
            on = date.fromisoformat(str(doc.get("date") or date.today().isoformat()))
        except ValueError:
            raise _Exit(2, {"error": "日期格式不正确（YYYY-MM-DD）", "field": "date"}) from None
        library = self._library(options.get("dir"), published=True)
        try:
            facts = parse_facts(doc["facts"], library.counties)
        except ApplicationError as exc:
            raise _Exit(
                2, {"error": exc.message, "error_en": exc.message_en, "field": f"facts.{exc.field}"}
            ) from None
        result = engine.evaluation_json(engine.evaluate(library, facts, on))
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))
        return 0

    def _check(self, options: dict[str, Any]) -> int:
        library = self._library(options.get("dir"), published=False)
        self.stdout.write(
            json.dumps(
                {
                    "ok": True,
                    "policies": len(library.policies),
                    "caps": len(library.caps),
                    "files": sorted(library.files),
                    "ruleset": library.hash,
                },
                ensure_ascii=False,
            )
        )
        return 0

    def _test(self, options: dict[str, Any]) -> int:
        library = self._library(options.get("dir"), published=False)
        outcomes = engine.run_tests(library)
        failures = [o for o in outcomes if not o.passed]
        for o in failures:
            self.stdout.write(f"FAIL {o.policy} · {o.case} · {o.on}: {'；'.join(o.problems)}")
        self.stdout.write(
            f"{len(outcomes) - len(failures)} passed, {len(failures)} failed "
            f"({len(library.policies)} policies, ruleset {library.short_hash})"
        )
        return 1 if failures else 0

    def _batch(self, options: dict[str, Any]) -> int:
        library = self._library(options.get("dir"), published=True)
        try:
            on = date.fromisoformat(options["date"]) if options.get("date") else date.today()
        except ValueError:
            raise _Exit(2, {"error": "日期格式不正确（YYYY-MM-DD）", "field": "date"}) from None
        try:
            ids, rows = batch_table.read_csv(options["path"], library.counties)
        except OSError as exc:
            raise _Exit(2, {"error": f"无法读取文件：{exc}", "field": ""}) from None
        compiled = batch.compile_library(library, on)
        result = batch.evaluate_batch(compiled, batch.columns_from_facts(rows, library.counties), ids)
        header, table = batch_table.batch_rows(result, library)
        out = options.get("out")
        if out and out.endswith(".xlsx"):
            from openpyxl import Workbook

            book = Workbook()
            sheet = book.active
            assert sheet is not None
            sheet.title = "政策测算"
            xlsx_append(sheet, header)
            for row in table:
                xlsx_append(sheet, row)
            xlsx_append(sheet, [])
            xlsx_append(
                sheet, [f"测算日期 {on.isoformat()}", f"规则集 {library.hash}", "示例政策，非真实政策"]
            )
            book.save(out)
        elif out:
            with open(out, "w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(csv_row(header))
                writer.writerows(csv_row(r) for r in table)
        else:
            writer = csv.writer(self.stdout)
            writer.writerow(csv_row(header))
            writer.writerows(csv_row(r) for r in table)
        if out:
            self.stdout.write(
                json.dumps({"rows": len(table), "out": out, "ruleset": library.hash, "date": on.isoformat()})
            )
        return 0
