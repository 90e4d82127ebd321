"""Backup and restore of a whole platform: the database and the media files, with a manifest that
proves the copy complete (``xiangcun backup PATH``, ``xiangcun restore PATH``; docs/operations.md).

A backup is a directory, or the same directory as one ``.tar`` / ``.tar.gz`` archive when ``PATH``
ends so::

    manifest.json           format, versions, database vendor, migrations applied, every file's SHA-256
    database.sqlite3        SQLite: a consistent copy by the online backup API (the site may be running)
    database.pgdump         PostgreSQL: ``pg_dump --format=custom``
    media/…                 MEDIA_ROOT as it was: uploads (photos, imported files), exports

The backup is built under a temporary name beside ``PATH`` and renamed when complete, so a backup
interrupted half-way never carries the final name. The database is copied first, then the media:
a file uploaded in between is in the backup without its row (harmless); files are never modified in
place by the platform, so none is caught half-written.

A restore checks everything before it changes anything: every file of the manifest present with its
size and SHA-256, no file that the manifest does not list, the same database vendor, no migration the
installed platform does not know; and it writes only into an empty database and an empty media folder
(it never merges into or overwrites live data). Every refusal is a ``BackupError`` with a Chinese
message (English in the catalogue) that says what to do.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.backends.sqlite3._functions import register as register_functions
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from xiangcun.core import audit
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.core.models import AuditEntry

FORMAT = "xiangcun-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz")
CHUNK = 1024 * 1024


class BackupError(ApplicationError):
    """A backup or restore refused: nothing was changed."""


@dataclass(frozen=True)
class Summary:
    path: Path
    vendor: str
    database_bytes: int
    media_files: int
    media_bytes: int
    seconds: float


# --------------------------------------------------------------------------------------------------
# Backup
# --------------------------------------------------------------------------------------------------
def backup_create(*, target: Path) -> Summary:
    """Write a backup of the live database and MEDIA_ROOT to ``target`` (a new directory, or an
    archive when ``target`` ends in .tar/.tar.gz)."""
    started = time.perf_counter()
    target = target.expanduser().absolute()
    archive = target.name.endswith(ARCHIVE_SUFFIXES)
    if target.exists() and (archive or not target.is_dir() or any(target.iterdir())):
        raise BackupError(
            Msg("备份目标已存在：{path}（请换一个新的路径，备份不会覆盖已有文件）", path=str(target))
        )
    if not target.parent.is_dir():
        raise BackupError(Msg("备份目标所在的目录不存在：{path}", path=str(target.parent)))
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(Msg("不支持备份该数据库：{vendor}", vendor=vendor))
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    partial = target.with_name(f".{target.name}.partial")
    try:
        database = work / DATABASE_FILES[vendor]
        if vendor == "sqlite":
            _sqlite_copy(Path(connection.settings_dict["NAME"]), database)
            audit_head = _sqlite_audit_head(database)
        else:
            audit_head = _pg_dump(database)
        database_bytes = database.stat().st_size
        media_files, media_bytes = _copy_media(Path(settings.MEDIA_ROOT), work / MEDIA)
        manifest = _manifest(work, vendor, audit_head)
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        if archive:
            partial.touch(mode=0o600)  # personal data: its owner's only, like the directory
            with tarfile.open(partial, "w:gz" if target.name.endswith(("gz", "tgz")) else "w") as tar:
                for path in sorted(work.rglob("*")):
                    tar.add(path, arcname=path.relative_to(work).as_posix(), recursive=False)
            partial.rename(target)
        else:
            if target.exists():
                target.rmdir()
            work.rename(target)
    except OSError as exc:
        raise BackupError(Msg("写入备份失败：{reason}", reason=str(exc))) from exc
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return Summary(
        target, vendor, database_bytes, media_files, media_bytes, round(time.perf_counter() - started, 2)
    )


def _sqlite_copy(source: Path, destination: Path) -> None:
    """A consistent copy of a live SQLite database: the online backup API reads one snapshot (WAL:
    writers go on meanwhile), then the copy is checked before it counts."""
    if not source.is_file():
        raise BackupError(Msg("数据库文件不存在：{path}", path=str(source)))
    src = sqlite3.connect(source)
    dst = sqlite3.connect(destination)
    register_functions(dst)  # the schema's CHECK constraints call Django's (REGEXP): quick_check needs them
    try:
        src.backup(dst)
        row = dst.execute("PRAGMA quick_check").fetchone()
        if not row or row[0] != "ok":
            raise BackupError(Msg("数据库副本校验失败：{reason}", reason=str(row and row[0])))
    finally:
        dst.close()
        src.close()


def _postgres_tool(name: str) -> str:
    """``pg_dump`` / ``pg_restore``: the newest of /usr/lib/postgresql/*/bin, else the one on PATH (a
    pg_dump older than the server refuses to run, so the newest installed is the one that works)."""
    installed = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.parent.name)] or [0],
    )
    if installed:
        return str(installed[-1])
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(
        Msg("找不到 {tool}：请安装 PostgreSQL 客户端（如 apt-get install postgresql-client）", tool=name)
    )


def _pg_environment() -> dict[str, str]:
    """The connection of settings.DATABASES as libpq environment variables (no password on a command line)."""
    db = connection.settings_dict
    options = db.get("OPTIONS", {})
    values = {
        "PGHOST": db.get("HOST") or options.get("host", ""),
        "PGPORT": str(db.get("PORT") or options.get("port", "")),
        "PGUSER": db.get("USER") or options.get("user", ""),
        "PGPASSWORD": db.get("PASSWORD") or options.get("password", ""),
        "PGDATABASE": db["NAME"],
        "PGSSLMODE": options.get("sslmode", ""),
    }
    return {**os.environ, **{k: v for k, v in values.items() if v}}


def _run(command: list[str], what: str) -> None:
    try:
        result = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(Msg("{what}失败：{reason}", what=what, reason=str(exc))) from exc
    if result.returncode != 0:
        reason = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(Msg("{what}失败：{reason}", what=what, reason=reason))


def _pg_dump(destination: Path) -> tuple[int, str]:
    """``pg_dump`` of the snapshot this transaction exports, so that the audit head recorded in the
    manifest is exactly the dump's."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        head = audit.head()
        _run(
            [_postgres_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={destination}"],
            "pg_dump",
        )
    return head


def _sqlite_audit_head(database: Path) -> tuple[int, str]:
    """The audit log's last entry in the copy (the head of the very snapshot that was backed up)."""
    copy = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = copy.execute(
            f'SELECT id, hash FROM "{AuditEntry._meta.db_table}" ORDER BY id DESC LIMIT 1'
        ).fetchone()
    finally:
        copy.close()
    return (int(row[0]), str(row[1])) if row else (0, audit.GENESIS)


def _copy_media(source: Path, destination: Path) -> tuple[int, int]:
    """Copy MEDIA_ROOT (files only, links not followed); a file deleted while copying is skipped."""
    destination.mkdir()
    count = size = 0
    if not source.is_dir():
        return 0, 0
    for path in sorted(source.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        target = destination / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(path, target)
        except FileNotFoundError:
            continue
        count += 1
        size += target.stat().st_size
    return count, size


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _platform_version() -> str:
    try:
        return importlib.metadata.version("xiangcun")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _manifest(root: Path, vendor: str, audit_head: tuple[int, str]) -> dict[str, Any]:
    files = [
        {"path": path.relative_to(root).as_posix(), "sha256": _sha256(path), "size": path.stat().st_size}
        for path in sorted(root.rglob("*"))
        if path.is_file()
    ]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "platform_version": _platform_version(),
        "django_version": django.get_version(),
        "database": {"vendor": vendor, "file": DATABASE_FILES[vendor]},
        "migrations": _applied_migrations(),
        # The hash-chained audit log's head at the moment of the backup (core/audit.py): a restore
        # checks the chain and this head; an operator can compare it with a note kept off the host.
        "audit": {"entries": audit_head[0], "head": audit_head[1]},
        "files": files,
    }


# --------------------------------------------------------------------------------------------------
# Verify and restore
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verified:
    root: Path
    manifest: dict[str, Any]

    @property
    def vendor(self) -> str:
        return str(self.manifest["database"]["vendor"])

    @property
    def database(self) -> Path:
        return self.root / DATABASE_FILES[self.vendor]


@contextmanager
def backup_open(path: Path) -> Iterator[Verified]:
    """The backup at ``path``, every file checked against its manifest (an archive is unpacked into
    a temporary directory, removed afterwards). Raises ``BackupError`` naming the first fault."""
    path = path.expanduser().absolute()
    if not path.exists():
        raise BackupError(Msg("备份不存在：{path}", path=str(path)))
    if path.is_dir():
        yield Verified(path, _verify(path))
        return
    if not tarfile.is_tarfile(path):
        raise BackupError(
            Msg("不是 xiangcun 备份：{path}（应为备份目录或 .tar/.tar.gz 备份文件）", path=str(path))
        )
    with tempfile.TemporaryDirectory(prefix="xiangcun-restore-") as tmp:
        try:
            with tarfile.open(path) as tar:
                tar.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(Msg("备份文件已损坏，无法解包：{reason}", reason=str(exc))) from exc
        yield Verified(Path(tmp), _verify(Path(tmp)))


def _verify(root: Path) -> dict[str, Any]:
    manifest_path = root / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(Msg("不是 xiangcun 备份：缺少 {name}", name=MANIFEST))
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(
            Msg("备份清单 {name} 不是有效的 JSON：{reason}", name=MANIFEST, reason=str(exc))
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(Msg("不是 xiangcun 备份：{name} 的格式不对", name=MANIFEST))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            Msg("不支持的备份格式版本：{version}（本平台读取版本 {supported}）",
                version=manifest.get("format_version"), supported=FORMAT_VERSION)
        )  # fmt: skip
    database = manifest.get("database")
    files = manifest.get("files")
    if (
        not isinstance(database, dict)
        or database.get("vendor") not in DATABASE_FILES
        or not isinstance(files, list)
        or not isinstance(manifest.get("migrations"), dict)
        or not all(isinstance(f, dict) and {"path", "sha256", "size"} <= f.keys() for f in files)
    ):
        raise BackupError(Msg("不是 xiangcun 备份：{name} 的格式不对", name=MANIFEST))
    listed = {str(f["path"]) for f in files}
    if DATABASE_FILES[database["vendor"]] not in listed:
        raise BackupError(
            Msg("备份不完整：清单中没有数据库文件 {name}", name=DATABASE_FILES[database["vendor"]])
        )
    for entry in files:
        path = root / str(entry["path"])
        if not path.resolve().is_relative_to(root.resolve()):
            raise BackupError(Msg("备份清单中的路径不合法：{path}", path=str(entry["path"])))
        if path.is_symlink() or not path.is_file():
            raise BackupError(Msg("备份不完整：缺少文件 {path}", path=str(entry["path"])))
        if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise BackupError(Msg("备份已被改动或损坏：文件 {path} 的校验值不符", path=str(entry["path"])))
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative != MANIFEST and not path.is_dir() and relative not in listed:
            raise BackupError(Msg("备份已被改动：多出清单之外的文件 {path}", path=relative))
    return manifest


@dataclass(frozen=True)
class Restored:
    vendor: str
    created_at: str
    media_files: int
    migrate_needed: bool
    audit: audit.Verdict | None
    audit_matches: bool  # the restored chain ends where the manifest says the backed-up one did


def backup_restore(*, source: Path) -> Restored:
    """Restore the backup at ``source`` into the (empty) database of settings.DATABASES and the
    (empty) MEDIA_ROOT. Everything is checked first: a refusal changes nothing."""
    media_root = Path(settings.MEDIA_ROOT)
    with backup_open(source) as backup:
        vendor = connection.vendor
        if backup.vendor != vendor:
            raise BackupError(
                Msg("备份来自 {backup} 数据库，当前配置的是 {current} 数据库，不能恢复到不同类型的数据库",
                    backup=backup.vendor, current=vendor)
            )  # fmt: skip
        unknown = _unknown_migrations(backup.manifest["migrations"])
        if unknown:
            raise BackupError(
                Msg("备份来自更新的平台版本（迁移 {migration} 在本版本中不存在），请先升级平台再恢复", migration=unknown[0])
            )  # fmt: skip
        _require_empty_database()
        if media_root.exists() and (not media_root.is_dir() or any(media_root.iterdir())):
            raise BackupError(
                Msg("媒体目录 {path} 不是空的。恢复只写入空目录：请先移走该目录，或把 MEDIA_ROOT 指向一个新目录", path=str(media_root))
            )  # fmt: skip
        connections.close_all()
        if vendor == "sqlite":
            _sqlite_restore(backup.database, Path(connection.settings_dict["NAME"]))
        else:
            _run(
                [_postgres_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                 "--single-transaction", f"--dbname={connection.settings_dict['NAME']}", str(backup.database)],
                "pg_restore",
            )  # fmt: skip
        media_files = 0
        if (backup.root / MEDIA).is_dir():
            shutil.copytree(backup.root / MEDIA, media_root, dirs_exist_ok=True)
            media_files = sum(1 for p in (backup.root / MEDIA).rglob("*") if p.is_file())
        expected = backup.manifest.get("audit")
        verdict = audit.verify() if isinstance(expected, dict) else None
        return Restored(
            vendor=vendor,
            created_at=str(backup.manifest.get("created_at", "")),
            media_files=media_files,
            migrate_needed=bool(_pending_migrations(backup.manifest["migrations"])),
            audit=verdict,
            audit_matches=verdict is not None
            and isinstance(expected, dict)
            and (verdict.checked, verdict.head) == (expected.get("entries"), expected.get("head")),
        )


def backup_check(*, source: Path) -> dict[str, Any]:
    """Verify a backup without restoring it (a copy taken off-host, a schedule's last run)."""
    with backup_open(source) as backup:
        return backup.manifest


def _disk_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    known = _disk_migrations()
    return [
        f"{app}.{name}"
        for app, names in sorted(applied.items())
        for name in names
        if (app, name) not in known
    ]


def _pending_migrations(applied: dict[str, list[str]]) -> list[str]:
    done = {(app, name) for app, names in applied.items() for name in names}
    return sorted(f"{a}.{n}" for a, n in _disk_migrations() - done)


def _require_empty_database() -> None:
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return
        try:
            probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                tables = probe.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                ).fetchone()[0]
            finally:
                probe.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(
                Msg("目标数据库文件 {path} 无法读取：{reason}", path=str(path), reason=str(exc))
            ) from exc
        if tables:
            raise BackupError(
                Msg("目标数据库 {path} 不是空的（已有 {n} 张表）。恢复只写入空数据库：请把 DATABASE_URL 指向一个尚不存在的文件，或先移走现有文件（连同 -wal、-shm 文件）后再恢复",
                    path=str(path), n=tables)
            )  # fmt: skip
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        tables = cursor.fetchone()[0]
    if tables:
        raise BackupError(
            Msg("目标数据库 {name} 不是空的（public 模式中已有 {n} 张表）。恢复只写入空数据库：请新建一个空数据库（createdb 新库名）并把 DATABASE_URL 指向它，或清空现有库（DROP SCHEMA public CASCADE; CREATE SCHEMA public;）后再恢复",
                name=connection.settings_dict["NAME"], n=tables)
        )  # fmt: skip


def _sqlite_restore(backup_file: Path, target: Path) -> None:
    """Copy the backup into the target file with the backup API (then the target is a consistent
    database in WAL mode, as the backup was); a failure leaves no half-written file."""
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    except sqlite3.DatabaseError as exc:
        dst.close()
        target.unlink(missing_ok=True)
        raise BackupError(Msg("恢复数据库失败：{reason}", reason=str(exc))) from exc
    finally:
        src.close()
    dst.close()


def describe(summary: Summary) -> str:
    return (
        f"{summary.path} — {summary.vendor} {summary.database_bytes / 1e6:.1f} MB, "
        f"{summary.media_files} media files {summary.media_bytes / 1e6:.1f} MB, {summary.seconds} s"
    )
