"""``xiangcun settle INPUT.json``: one year's settlement of an agreement (contracts/settle.example.json)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiangcun.agreements.contracts import settle
from xiangcun.core.commands import run_command


class Command(BaseCommand):
    help = "年度结算：保底收益 + 按股分红 + 劳务收入（读取 JSON 文件，- 为标准输入）"
    # A pure computation: runs without Django set up (see xiangcun.cli), so no system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="input JSON file, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        code = run_command(settle, options["path"], self.stdout, self.stderr)
        if code:
            sys.exit(code)
