"""``xiangcun notices close-expired``: close the published notices whose deadline has passed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiangcun.recruitment.tasks import close_expired_notices_task

CRON = "10 0 * * *  cd /srv/xiangcun && .venv/bin/xiangcun notices close-expired >> log/notices.log 2>&1"


class Command(BaseCommand):
    help = (
        "招募令日常任务。close-expired：关闭截止日期已过的已发布招募令（每个一条流转记录，办理人为系统，"
        "理由“截止日期已过，系统自动关闭”）。Run it once a day, just after midnight Asia/Shanghai time "
        f"(a cron on a UTC clock needs CRON_TZ=Asia/Shanghai above the line), e.g. this crontab line:  {CRON}"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="close-expired")
        close = subcommands.add_parser(
            "close-expired",
            help=f"close published notices past their deadline (daily; cron: {CRON})",
        )
        close.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the close to the task worker (xiangcun db_worker) instead of running it now",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("enqueue"):
            result = close_expired_notices_task.enqueue()
            self.stdout.write(f"enqueued close_expired_notices_task ({result.id})")
            return
        closed = close_expired_notices_task.call()
        self.stdout.write(f"closed {closed} expired notice(s)")
