"""``xiangcun backup PATH``: the database and the media files, with a manifest of checksums.

PATH is a new directory, or an archive when it ends in ``.tar`` or ``.tar.gz`` (``xiangcun.ops.backup``;
the procedure and a schedule are in docs/operations.md). Safe while the site runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and MEDIA_ROOT to PATH (a new directory, or PATH.tar / PATH.tar.gz)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a new directory, or an archive name ending in .tar or .tar.gz")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        try:
            summary = backup_create(target=Path(path))
        except BackupError as exc:
            raise CommandError(f"{exc.message_zh}\n{exc.message_en}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成 backup written: {summary.path} — {summary.vendor} "
                f"{summary.database_bytes / 1e6:.1f} MB, {summary.media_files} 个媒体文件 media files "
                f"{summary.media_bytes / 1e6:.1f} MB, {summary.seconds} s"
            )
        )
