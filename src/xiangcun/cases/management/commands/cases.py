"""``xiangcun cases deadline INPUT.json``: case deadlines and 预警 status (contracts/deadline.example.json)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiangcun.cases.contracts import cases_deadline
from xiangcun.core.commands import run_command


class Command(BaseCommand):
    help = "矛盾纠纷与民生诉求台账：办理期限与预警（cases deadline INPUT.json，- 为标准输入）"
    # A pure computation: runs without Django set up (see xiangcun.cli), so no system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="deadline")
        deadline = subcommands.add_parser("deadline", help="deadline, remaining days and status of each case")
        deadline.add_argument("path", help="input JSON file, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        code = run_command(cases_deadline, options["path"], self.stdout, self.stderr)
        if code:
            sys.exit(code)
