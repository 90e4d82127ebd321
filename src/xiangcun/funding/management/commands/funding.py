"""``xiangcun funding select INPUT.json``: merit selection under a budget (contracts/funding.example.json)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiangcun.core.commands import run_command
from xiangcun.funding.contracts import funding_select


class Command(BaseCommand):
    help = "项目遴选：择优评分并在预算内求最优组合（funding select INPUT.json，- 为标准输入）"
    # A pure computation: runs without Django set up (see xiangcun.cli), so no system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="select")
        select = subcommands.add_parser("select", help="score, rank and select within the budget")
        select.add_argument("path", help="input JSON file, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        code = run_command(funding_select, options["path"], self.stdout, self.stderr)
        if code:
            sys.exit(code)
