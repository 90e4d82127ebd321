"""``xiangcun jobs reap``: mark failed the imports and exports whose worker died (no heartbeat for
``JOB_HEARTBEAT_TIMEOUT`` seconds), close their task-queue rows and delete their staged rows.

Run it every minute from the schedule and before the worker starts (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiangcun.resources.jobs import jobs_reap


class Command(BaseCommand):
    help = "Task-queue jobs: `reap` marks jobs without a heartbeat as failed (run it every minute)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reap"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        reaped = jobs_reap()
        if reaped.imports or reaped.exports or reaped.staged_rows or options["verbosity"] > 1:
            self.stdout.write(
                f"回收中断的任务 reaped: {reaped.imports} 个导入 imports, {reaped.exports} 个导出 exports, "
                f"{reaped.staged_rows} 行暂存数据 staged rows"
            )
