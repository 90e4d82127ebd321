"""Backup and restore (issue 11): backup → drop the database and the media → restore gives the same
data (``dumpdata`` identical, every media file identical, the spatial index working), on SQLite and on
PostgreSQL; a tampered, incomplete or foreign backup, or a database that is not empty, is refused
with a Chinese message and nothing changes."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connections

from xiangcun.accounts.models import User
from xiangcun.core import audit
from xiangcun.ops.backup import DATABASE_FILES, MANIFEST
from xiangcun.ops.tests.conftest import resource_csv
from xiangcun.recruitment import services as recruitment
from xiangcun.recruitment.schemas import NoticeIn
from xiangcun.regions.models import Village
from xiangcun.resources import exports, imports, selectors, services, spatial
from xiangcun.resources.tests.factories import resource_input

pytestmark = pytest.mark.django_db


def _build_records(media: Path) -> dict[str, int]:
    """Records made through the services, with files in every media folder (photo, import, export)."""
    county = User.objects.get(username="county")
    village = Village.objects.filter(county_id="371502").order_by("code").first()
    notice = recruitment.notice_create(
        user=county,
        notice_in=NoticeIn(title="备份前的招募令", villages=[village.code], category="farm_stay"),
    )
    resource = services.resource_create(user=county, resource_in=resource_input(village, name="备份前的厂房"))
    services.resource_photo_add(
        user=county, resource=resource, upload=SimpleUploadedFile("p.jpg", _jpeg(), "image/jpeg")
    )
    job = imports.import_job_create(
        user=county, upload=SimpleUploadedFile("小台账.csv", resource_csv(20), content_type="text/csv")
    )
    assert job.status == "done", job.errors
    export = exports.export_job_create(user=county, filters=selectors.ResourceFilters(), mine=True)
    assert (media / "exports").is_dir() and export.pk
    return {"notice": notice.pk, "resource": resource.pk}


def _jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 160, 90)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", "--all", "--indent=0", stdout=out)
    return out.getvalue()


def _media(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _drop(scratch) -> None:  # type: ignore[no-untyped-def]
    """Throw the database and the media away, leaving an empty database where they were."""
    connections.close_all()
    shutil.rmtree(scratch.media)
    if scratch.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch.name}{suffix}").unlink(missing_ok=True)
        return
    with connections["default"]._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{scratch.name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{scratch.name}"')


def _refused(*args: str) -> str:
    with pytest.raises(CommandError) as refused:
        call_command(*args)
    return str(refused.value)


@pytest.mark.slow
@pytest.mark.parametrize("form", ["directory", "archive"])
def test_backup_drop_restore_gives_the_same_data_and_files(scratch_db, tmp_path, form):
    if form == "archive" and scratch_db.vendor != "sqlite":
        pytest.skip("the archive is the same files: one vendor is enough")
    # Given the demo with records made through the services, and their uploads and exports
    made = _build_records(scratch_db.media)
    before, files, (_n, head) = _dump(), _media(scratch_db.media), audit.head()
    assert len(files) >= 4
    target = tmp_path / ("backup.tar.gz" if form == "archive" else "backup")

    # When it is backed up, the database and the media are thrown away, and the backup restored
    call_command("backup", str(target))
    _drop(scratch_db)
    out = io.StringIO()
    call_command("restore", str(target), stdout=out)

    # Then every row and every file is back as it was, the audit log verifies and ends where it did,
    # and the map's spatial index answers
    assert "恢复完成" in out.getvalue() and "审计日志完整" in out.getvalue()
    after = _dump()
    assert after == before, "dumpdata differs after the restore"
    assert _media(scratch_db.media) == files
    verify = io.StringIO()
    call_command("audit", "verify", "--json", stdout=verify)
    verdict = json.loads(verify.getvalue())
    assert verdict["ok"] and verdict["entries"] >= 4 and verdict["head"] == head
    from xiangcun.resources.models import Resource

    resource = Resource.objects.get(pk=made["resource"])
    box = (resource.lng - 0.001, resource.lat - 0.001, resource.lng + 0.001, resource.lat + 0.001)
    assert resource in spatial.bbox_filter(Resource.objects.all(), box)
    assert resource.photos.get().image.read()[:2] == b"\xff\xd8"
    # And new rows get new ids (the sequences came back too)
    county = User.objects.get(username="county")
    again = recruitment.notice_create(
        user=county,
        notice_in=NoticeIn(title="恢复后的招募令", villages=[resource.village_id], category="farm_stay"),
    )
    assert again.pk > made["notice"]


def test_the_manifest_lists_versions_migrations_and_every_file(scratch_db, tmp_path):
    call_command("backup", str(tmp_path / "b"))
    call_command("backup", str(tmp_path / "b.tar"))
    # (personal data: readable by the owner only)
    assert (tmp_path / "b").stat().st_mode & 0o077 == 0 and (tmp_path / "b.tar").stat().st_mode & 0o077 == 0
    manifest = json.loads((tmp_path / "b" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["format"] == "xiangcun-backup" and manifest["format_version"] == 1
    assert manifest["database"]["vendor"] == scratch_db.vendor
    assert manifest["platform_version"] and manifest["created_at"]
    assert [manifest["audit"]["entries"], manifest["audit"]["head"]] == list(audit.head())
    assert "0001_resources_photos_imports" in manifest["migrations"]["resources"]
    paths = {f["path"] for f in manifest["files"]}
    assert DATABASE_FILES[scratch_db.vendor] in paths
    for entry in manifest["files"]:
        data = (tmp_path / "b" / entry["path"]).read_bytes()
        assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_tampered_or_incomplete_backup_is_refused_and_nothing_changes(scratch_db, tmp_path):
    # Given a backup with a photo, and an empty database and media folder to restore into
    _build_records(scratch_db.media)
    call_command("backup", str(tmp_path / "good"))
    _drop(scratch_db)

    def variant(name: str) -> Path:
        copy = tmp_path / name
        shutil.copytree(tmp_path / "good", copy)
        return copy

    tampered = variant("tampered")
    photo = next(p for p in (tampered / "media").rglob("*.jpg"))
    photo.write_bytes(photo.read_bytes()[:-1] + b"\x00")
    incomplete = variant("incomplete")
    (incomplete / DATABASE_FILES[scratch_db.vendor]).unlink()
    extra = variant("extra")
    (extra / "media" / "planted.txt").write_text("x")
    foreign = variant("foreign")
    manifest = json.loads((foreign / MANIFEST).read_text())
    other = "postgresql" if scratch_db.vendor == "sqlite" else "sqlite"
    manifest["database"] = {"vendor": other, "file": DATABASE_FILES[other]}
    (foreign / DATABASE_FILES[scratch_db.vendor]).rename(foreign / DATABASE_FILES[other])
    for f in manifest["files"]:
        if f["path"] == DATABASE_FILES[scratch_db.vendor]:
            f["path"] = DATABASE_FILES[other]
    (foreign / MANIFEST).write_text(json.dumps(manifest))
    newer = variant("newer")
    manifest = json.loads((newer / MANIFEST).read_text())
    manifest["migrations"]["resources"].append("0999_from_the_future")
    (newer / MANIFEST).write_text(json.dumps(manifest))
    not_a_backup = tmp_path / "notes"
    not_a_backup.mkdir()
    (not_a_backup / "readme.txt").write_text("hello")
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file at all" * 100)

    # When each is restored, Then each is refused with a message naming the fault
    expected = {
        tampered: "校验值不符",
        incomplete: "缺少文件",
        extra: "多出清单之外的文件 media/planted.txt",
        foreign: f"备份来自 {other} 数据库",
        newer: "resources.0999_from_the_future",
        not_a_backup: "缺少 manifest.json",
        junk: "不是 xiangcun 备份",
        tmp_path / "missing": "备份不存在",
    }
    for path, phrase in expected.items():
        message = _refused("restore", str(path))
        assert phrase in message, (path.name, message)
        assert message.splitlines()[-1].isascii()  # the English line
    # And nothing was restored: the database and the media folder are still empty
    assert not scratch_db.media.exists()
    call_command("restore", str(tmp_path / "good"))  # the good one still restores


def test_a_restore_into_a_database_that_is_not_empty_is_refused(scratch_db, tmp_path):
    # Given a backup and the live database it was taken from
    call_command("backup", str(tmp_path / "b"))
    users = User.objects.count()
    # When it is restored over the live database
    message = _refused("restore", str(tmp_path / "b"))
    # Then it is refused, saying how to get an empty database, and the data is untouched
    assert "不是空的" in message and ("DATABASE_URL" in message)
    assert User.objects.count() == users
    # And an existing backup is never overwritten
    assert "备份目标已存在" in _refused("backup", str(tmp_path / "b"))
    assert "备份完整" in _check(tmp_path / "b")


def _check(path: Path) -> str:
    out = io.StringIO()
    call_command("restore", str(path), "--check", stdout=out)
    return out.getvalue()


def test_bad_input_on_the_command_line_is_a_message_not_a_traceback(tmp_path):
    # Given a path that holds no backup, When `xiangcun restore` is run on it
    result = subprocess.run(
        [sys.executable, "-m", "xiangcun.cli", "restore", str(tmp_path / "nothing-here")],
        capture_output=True,
        text=True,
        check=False,
    )
    # Then it exits with an error code, a Chinese message and its English, and no traceback
    assert result.returncode != 0
    assert "备份不存在" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
