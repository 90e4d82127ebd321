"""``xiangcun valuate INPUT.json``: resources → values → shares (contracts/valuate.example.json)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiangcun.agreements.contracts import valuate
from xiangcun.core.commands import run_command


class Command(BaseCommand):
    help = "资源折价入股：估值并折算股份（读取 JSON 文件，- 为标准输入）"
    # A pure computation: runs without Django set up (see xiangcun.cli), so no system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="input JSON file, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        code = run_command(valuate, options["path"], self.stdout, self.stderr)
        if code:
            sys.exit(code)
