"""``xiangcun restore PATH``: a backup of ``xiangcun backup`` into an empty database and media folder.

Every file is checked against the manifest first; a tampered or incomplete backup, another database
vendor, a newer platform or a database that is not empty is refused with a message, and nothing is
changed. ``--check`` only verifies. Stop the site and the worker before restoring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.core.errors import render
from xiangcun.ops.backup import BackupError, backup_check, backup_restore


class Command(BaseCommand):
    help = "Restore a backup (directory or .tar/.tar.gz) into an empty database and an empty MEDIA_ROOT."
    # Nothing may open the database before it is checked to be empty.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the backup: its directory, or its .tar / .tar.gz file")
        parser.add_argument(
            "--check", action="store_true", help="only verify the backup's files against its manifest"
        )

    def handle(self, *args: Any, path: str, check: bool, **options: Any) -> None:
        try:
            if check:
                manifest = backup_check(source=Path(path))
                self.stdout.write(
                    self.style.SUCCESS(
                        f"备份完整 backup verified: {len(manifest['files'])} 个文件 files, "
                        f"{manifest['database']['vendor']}, {manifest['created_at']}"
                    )
                )
                return
            restored = backup_restore(source=Path(path))
        except BackupError as exc:
            raise CommandError(f"{exc.message_zh}\n{exc.message_en}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成 restored: {restored.vendor} 备份 backup of {restored.created_at}, "
                f"{restored.media_files} 个媒体文件 media files"
            )
        )
        verdict = restored.audit
        if verdict is not None:
            if not verdict.ok:
                problem = verdict.problem
                raise CommandError(
                    f"数据已恢复，但审计日志校验未通过：{render(problem, 'zh-hans')}\n"
                    f"The data was restored, but the audit log fails verification: {render(problem, 'en')}"
                )
            if not restored.audit_matches:
                raise CommandError(
                    f"数据已恢复，但审计日志的末条（{verdict.checked} 条，{verdict.head}）与备份清单记录的不同\n"
                    f"The data was restored, but the audit log's head ({verdict.checked} entries, {verdict.head}) "
                    "differs from the one the backup's manifest recorded"
                )
            self.stdout.write(
                f"审计日志完整 audit log verified: {verdict.checked} 条记录 entries, 末条哈希 head {verdict.head}"
            )
        if restored.migrate_needed:
            self.stdout.write(
                "本平台版本比备份新：请运行 xiangcun migrate。"
                " This platform is newer than the backup: run `xiangcun migrate`."
            )
