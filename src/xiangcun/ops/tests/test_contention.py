"""Writes during a large import (issue 11): while a worker process writes a 30,000-row import, rounds
of 8 concurrent ``POST /api/v1/notices`` are answered 201 (or 503 JSON, never a 500 or an HTML page),
and nothing of the import is visible until it is complete."""

from __future__ import annotations

import json
import statistics
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client

from xiangcun.accounts.models import User
from xiangcun.ops.tests.conftest import resource_csv, wait_for
from xiangcun.recruitment.models import Notice
from xiangcun.regions.models import Village
from xiangcun.resources import imports
from xiangcun.resources.models import ImportJob, ImportStagedResource, ImportStatus, Resource

ROWS = 30_000
WRITERS = 8


def _round(clients: list[Client], body: str, results: list[tuple[int, str, str, float]]) -> None:
    """One round: every client posts a notice at the same moment."""
    barrier = threading.Barrier(len(clients))

    def post(client: Client) -> None:
        try:
            barrier.wait()
            started = time.perf_counter()
            response = client.post("/api/v1/notices", body, content_type="application/json")
            elapsed = time.perf_counter() - started
            results.append(
                (response.status_code, response["Content-Type"], response.content.decode()[:200], elapsed)
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)


@pytest.mark.slow
@pytest.mark.django_db
def test_notices_drafted_during_a_large_import_are_saved_or_told_to_retry_never_a_500(scratch_db, settings):
    # Given a 30,000-row import being written by a worker process
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    county = User.objects.get(username="county")
    before = Resource.objects.count()
    clients = []
    for _ in range(WRITERS):
        client = Client(raise_request_exception=False)
        client.force_login(county)
        clients.append(client)
    village = Village.objects.filter(county_id="371502").order_by("code").first()
    body = json.dumps({"title": "导入期间起草", "villages": [village.code], "category": "farm_stay"})
    clients[0].get("/api/v1/notices")  # the URLconf loaded before the clock starts
    job = imports.import_job_create(
        user=county, upload=SimpleUploadedFile("台账.csv", resource_csv(ROWS), content_type="text/csv")
    )
    scratch_db.worker()
    wait_for(lambda: ImportStagedResource.objects.filter(batch=job.batch).exists(), timeout=120)

    # When rounds of 8 notices are posted at once until the import is done
    results: list[tuple[int, str, str, float]] = []
    rounds = during_write = 0
    while not ImportJob.objects.get(pk=job.pk).finished:
        staged = ImportStagedResource.objects.filter(batch=job.batch).exists()
        # Readers never see half an import: either none of its rows, or (once done) all of them.
        assert Resource.objects.count() in (before, before + ROWS)
        _round(clients, body, results)
        rounds += 1
        during_write += staged
        assert rounds < 500

    # Then every answer was a 201, or a 503 in the API's JSON shape; never a server error
    statuses = [status for status, *_ in results]
    assert len(results) == rounds * WRITERS
    assert set(statuses) <= {201, 503}, [r for r in results if r[0] not in (201, 503)][:3]
    for status, ctype, content, _elapsed in results:
        assert ctype.startswith("application/json"), content
        if status == 503:
            assert json.loads(content)["error"] == "系统繁忙，请稍后重试"
    assert Notice.objects.filter(title="导入期间起草").count() == statuses.count(201)
    assert during_write >= 1  # at least one round while the import was writing
    job = wait_for(  # the write's timings are added to the result just after its commit
        lambda: (j := ImportJob.objects.get(pk=job.pk)).summary.get("longest_write_ms") and j, timeout=30
    )
    assert job.status == ImportStatus.DONE, job.errors
    assert Resource.objects.count() == before + ROWS
    latencies = sorted(elapsed for *_, elapsed in results)
    print(
        f"\n{rounds} rounds × {WRITERS} POST /api/v1/notices during the import ({during_write} while it wrote): "
        f"{statuses.count(201)} × 201, {statuses.count(503)} × 503; latency p50 "
        f"{statistics.median(latencies) * 1000:.0f} ms, p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms; import {job.summary.get('seconds')} s, write "
        f"{job.summary.get('write_seconds')} s, longest write transaction {job.summary.get('longest_write_ms')} ms"
    )
