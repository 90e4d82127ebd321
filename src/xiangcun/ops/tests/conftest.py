"""A scratch database for the operations tests: a real file (SQLite) or a real database (PostgreSQL)
that other processes — the task-queue worker, ``xiangcun backup`` — can open, which the suite's test
database (in memory on SQLite, rolled back after every test) cannot be.

``scratch_db`` copies the session's test database (the 聊城 demo regions and users) into a new one,
points Django's default connection at it for the test, and throws it away afterwards: the test may
commit, kill workers, drop and restore it without touching the other tests' database (which stays
in its test transaction, unused, meanwhile).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connections


@dataclass
class Scratch:
    vendor: str
    name: str  # the SQLite file, or the PostgreSQL database name
    url: str  # DATABASE_URL for another process
    media: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a process working on this database (a worker, a command)."""
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "MEDIA_ROOT": str(self.media),
            "XIANGCUN_TESTING": "true",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            **extra,
        }

    def worker(self, **extra: str) -> subprocess.Popen[bytes]:
        """Start ``xiangcun db_worker`` on this database (stopped by the fixture if still running)."""
        process = subprocess.Popen(
            [sys.executable, "-m", "xiangcun.cli", "db_worker", "--no-startup-delay", "--interval", "0.2"],
            env=self.env(**extra),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.workers.append(process)
        return process


def wait_for(condition: Callable[[], Any], *, timeout: float, every: float = 0.05) -> Any:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(every)


def resource_csv(rows: int, *, county: str = "371502", seed: int = 3) -> bytes:
    """A resource sheet of ``rows`` valid new resources in ``county``'s villages, as CSV (quick to
    write and read, so that a test's time goes to the import's writing)."""
    import csv
    import io
    import random

    from xiangcun.core import vocab
    from xiangcun.regions.models import Village
    from xiangcun.resources import sheets

    villages = list(Village.objects.filter(county_id=county).values_list("code", "name", "lng", "lat"))
    rng = random.Random(seed)
    kinds = [t.zh for t in vocab.RESOURCE_KINDS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([h for h, _k, _r in sheets.RESOURCE_COLUMNS])
    for i in range(rows):
        code, name, lng, lat = rng.choice(villages)
        writer.writerow(
            ["", code, f"{name}批量资源{i}", rng.choice(kinds), "所有权", "村集体", "", round(rng.uniform(1, 300), 1),
             "亩", lng, lat, "闲置", "设施农业", "可招商", "", "", "", ""]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


@contextmanager
def default_database(settings_dict: dict[str, Any]) -> Iterator[Any]:
    """Point Django's default connection at another database: this thread's (a new connection
    object, the suite's own left as it is, inside its test transaction) and any new thread's."""
    original = connections["default"]
    original_settings = connections.settings["default"]
    wrapper = original.__class__(settings_dict, alias="default")
    connections.settings["default"] = settings_dict
    connections["default"] = wrapper
    try:
        yield wrapper
    finally:
        wrapper.close()
        connections["default"] = original
        connections.settings["default"] = original_settings


def _settings_for(name: str, lock_timeout_ms: int | None = None) -> dict[str, Any]:
    """The suite's connection settings for database ``name``, with another lock timeout if asked."""
    settings_dict = copy.deepcopy(connections["default"].settings_dict)
    settings_dict["NAME"] = name
    if lock_timeout_ms is not None:
        options = settings_dict["OPTIONS"]
        if settings_dict["ENGINE"].endswith("sqlite3"):
            options["init_command"] = re.sub(
                r"busy_timeout=\d+", f"busy_timeout={lock_timeout_ms}", options["init_command"]
            )
            options["timeout"] = lock_timeout_ms / 1000
        else:
            options["options"] = re.sub(
                r"lock_timeout=\d+", f"lock_timeout={lock_timeout_ms}", options.get("options", "")
            )
    return settings_dict


@pytest.fixture(scope="session")
def scratch_template(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The suite's test database (demo regions and users) copied once, before any test transaction:
    an SQLite file, or a PostgreSQL database every scratch database is created from."""
    with django_db_blocker.unblock():
        conn = connections["default"]
        if conn.vendor == "sqlite":
            conn.ensure_connection()
            path = tmp_path_factory.mktemp("scratch") / "template.sqlite3"
            target = sqlite3.connect(path)
            conn.connection.backup(target)
            target.close()
            yield str(path)
            return
        name = f"{conn.settings_dict['NAME']}_tpl"
        connections.close_all()
        with conn._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{conn.settings_dict["NAME"]}"')
        yield name
        with conn._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def scratch_db(request, scratch_template, tmp_path, settings) -> Iterator[Scratch]:  # type: ignore[no-untyped-def]
    """A fresh database copied from ``scratch_template`` for this test (mark the test ``django_db``:
    that is what makes the suite create its test database), with its own media folder. Commits are
    real; workers and commands started through the ``Scratch`` see them. Parametrised indirectly with
    ``{"lock_timeout_ms": n}``, this process waits that long for a lock instead of the setting's."""
    lock_timeout_ms = getattr(request, "param", {}).get("lock_timeout_ms")
    settings.MEDIA_ROOT = tmp_path / "media"
    if connections["default"].vendor == "sqlite":
        path = tmp_path / "scratch.sqlite3"
        shutil.copyfile(scratch_template, path)
        scratch = Scratch("sqlite", str(path), f"sqlite:///{path}", tmp_path / "media")
        settings_dict = _settings_for(str(path), lock_timeout_ms)
    else:
        name = f"{scratch_template}_{uuid.uuid4().hex[:8]}"
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{scratch_template}"')
        parts = urlsplit(os.environ["DATABASE_URL"])
        scratch = Scratch("postgresql", name, urlunsplit(parts._replace(path=f"/{name}")), tmp_path / "media")
        settings_dict = _settings_for(name, lock_timeout_ms)
    try:
        with default_database(settings_dict):
            yield scratch
    finally:
        _stop(scratch)
        if scratch.vendor == "postgresql":
            with connections["default"]._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{scratch.name}" WITH (FORCE)')


def _stop(scratch: Scratch) -> None:
    for process in scratch.workers:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
