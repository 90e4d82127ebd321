"""Public reads over HTTP under load (issue 13), against the framework floor measured in the same run.

A temporary city demo (SQLite; PostgreSQL too when ``DATABASE_URL`` points at one, e.g. under
``scripts/with-postgres``) is served by ``xiangcun serve`` — gunicorn, 4 workers × 4 threads — with the
production settings (``DEBUG`` off, a fresh ``SECRET_KEY``, ``collectstatic``). ``wrk -t2 -c16 -d10s
--latency`` then measures each endpoint after a 2-second warm-up (every worker has built its cached
reads), in three rounds taking the endpoints in turn (the median round is reported: the machine is
shared, and a burst of load from elsewhere then falls on every endpoint alike), and once more with one
connection (``-t1 -c1``: one client alone). The floor is a bare Django
view answering a JSON document computed at start-up (``benchmarks/http_urls.py``), served by the same
server, so through the same gunicorn configuration and middleware; a server without any middleware
gives the floor of Django alone.

``BENCH_HTTP_BASELINE=<git revision>`` also serves that revision's ``src/`` on the same database, side
by side (the figures before a change); ``BENCH_HTTP_DATABASES=postgresql`` measures one database only. Figures: req/s, p50/p90/p95/p99/max in ms, errors, and whether
the target holds — ≥ 500 req/s with p95 ≤ 50 ms, or within 1.5× of the floor, whichever is lower.
The machine's load average is recorded before each measurement: wrk and the server share its cores
(the benchmark alone keeps about five runnable), and anything else running shows in it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CITY_BBOX = "115.2,35.8,116.6,37.0"  # 聊城's resources, W,S,E,N
ENDPOINTS = {
    "floor": "/bench/floor",
    "healthz": "/healthz",
    "region_children": "/api/v1/regions/371500/children",
    "village_list": "/api/v1/villages?county=371502&limit=50",
    "resource_geojson": f"/api/v1/resources/geojson?bbox={CITY_BBOX}&zoom=9",
    "home": "/",
}
# The village list again, by a client holding the current copy (If-None-Match → 304, no body).
REVALIDATED = "village_list_304"
CONNECTIONS = 16
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "10"))  # shorter for a smoke run
ROUNDS = int(os.environ.get("BENCH_HTTP_ROUNDS", "3"))
TARGET_RPS = 500
TARGET_P95_MS = 50.0
FLOOR_FACTOR = 1.5

REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"errors":%d,"non_2xx_3xx":%d,"bytes":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    summary.bytes, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp: Path, database_url: str, src: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("XIANGCUN_TESTING", "DEBUG", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.http_site",
        PYTHONPATH=f"{src}{os.pathsep}{ROOT}",
        XIANGCUN_HOME=str(tmp),  # no .env of a developer's checkout is read
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=env["XIANGCUN_HOME"],
    )


class Server:
    """``xiangcun serve`` (the platform's gunicorn configuration) on a free port, until stopped."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(Path(env["XIANGCUN_HOME"]) / f"serve-{self.port}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            cwd=env["XIANGCUN_HOME"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped at start (see {self.log.name})")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("the server did not answer /healthz within 90 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _first(url: str) -> tuple[float, int, str]:
    """One request with nothing cached yet: its time, size and ETag."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as answer:
        body = answer.read()
        etag = answer.headers.get("ETag", "")
    return round((time.perf_counter() - started) * 1000, 1), len(body), etag


def _wrk(
    url: str, *, threads: int, connections: int, seconds: int, script: Path, header: str = ""
) -> dict[str, Any]:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
    if header:
        command += ["-H", header]
    load = os.getloadavg()[0]
    out = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    raw = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    seconds_run = raw["duration_us"] / 1e6
    return {
        "rps": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "requests": raw["requests"],
        "errors": raw["errors"],
        "non_2xx_3xx": raw["non_2xx_3xx"],
        "load_1min_before": round(load, 2),
    }


def _measure(server: Server, script: Path, names: list[str]) -> dict[str, Any]:
    """Each endpoint: one request with nothing cached, a warm-up, then ``ROUNDS`` rounds taking the
    endpoints in turn (a burst of load from elsewhere on the machine falls on all of them alike); the
    round with the median req/s is reported, with every round's req/s."""
    results: dict[str, Any] = {}
    urls = {name: server.base + ENDPOINTS[name] for name in names}
    headers = {name: "" for name in names}
    for name in names:
        first_ms, size, etag = _first(urls[name])
        results[name] = {"path": ENDPOINTS[name], "bytes": size, "first_request_ms": first_ms}
        if name == "village_list" and etag:
            # The village list again, from a client holding the current copy: 304s, no body.
            urls[REVALIDATED], headers[REVALIDATED] = urls[name], f"If-None-Match: {etag}"
            results[REVALIDATED] = {"path": ENDPOINTS[name] + "  (If-None-Match: the current ETag)"}
    for name, url in urls.items():
        _wrk(
            url, threads=2, connections=CONNECTIONS, seconds=2, script=script, header=headers[name]
        )  # warm-up
    rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in urls}
    for _ in range(ROUNDS):
        for name, url in urls.items():
            runs = rounds[name]
            runs.append(
                _wrk(
                    url,
                    threads=2,
                    connections=CONNECTIONS,
                    seconds=SECONDS,
                    script=script,
                    header=headers[name],
                )
            )
    for name, runs in rounds.items():
        median = sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]
        results[name].update(median)
        results[name]["rps_rounds"] = [r["rps"] for r in runs]
        if name != REVALIDATED:
            alone = _wrk(urls[name], threads=1, connections=1, seconds=3, script=script)
            results[name]["one_client"] = {k: alone[k] for k in ("rps", "p50_ms", "p95_ms")}
    return results


def _verdicts(results: dict[str, Any]) -> None:
    """The target, the lower of two bars: ≥ 500 req/s with p95 ≤ 50 ms, or within 1.5× of the floor
    measured in the same run (req/s ≥ floor / 1.5, p95 ≤ 1.5 × the floor's) — so the bar is
    min(500, floor / 1.5) req/s and max(50 ms, 1.5 × floor p95)."""
    floor = results["floor"]
    need_rps = min(TARGET_RPS, floor["rps"] / FLOOR_FACTOR)
    allow_p95 = max(TARGET_P95_MS, floor["p95_ms"] * FLOOR_FACTOR)
    for name, r in results.items():
        if name == "floor" or "rps" not in r:
            continue
        r["vs_floor_rps"] = round(r["rps"] / floor["rps"], 2)
        r["target"] = {
            "met": r["rps"] >= need_rps and r["p95_ms"] <= allow_p95,
            "needed_rps": round(need_rps, 1),
            "allowed_p95_ms": round(allow_p95, 1),
        }


def _baseline_tree(revision: str, tmp: Path) -> Path:
    target = tmp / f"baseline-{revision}"
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "src"], check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target / "src"


def run() -> dict[str, Any]:
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (make bench installs it: scripts/apt-install wrk)"}
    tmp = Path(tempfile.mkdtemp(prefix="xiangcun-bench-http-"))
    script = tmp / "report.lua"
    script.write_text(REPORT_LUA)
    databases = {"sqlite": f"sqlite:///{tmp}/bench.sqlite3"}
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        databases["postgresql"] = given
    only = [d for d in os.environ.get("BENCH_HTTP_DATABASES", "").split(",") if d]  # e.g. "postgresql"
    if only:
        databases = {name: url for name, url in databases.items() if name in only}
    trees = {"this": ROOT / "src"}
    baseline = os.environ.get("BENCH_HTTP_BASELINE", "")
    if baseline:
        trees[f"baseline {baseline}"] = _baseline_tree(baseline, tmp)
    figures: dict[str, Any] = {
        "load": f"wrk -t2 -c{CONNECTIONS} -d{SECONDS}s --latency, {ROUNDS} rounds (median reported) after a 2 s "
        "warm-up; one client: wrk -t1 -c1 -d3s",
        "server": "xiangcun serve: gunicorn, 4 workers × 4 threads, production settings",
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        for database, url in databases.items():
            started = time.perf_counter()
            env = _env(tmp, url, trees["this"])
            _manage(env, "migrate", "--no-input", "-v", "0")
            _manage(env, "demo", "--scale", "city")
            _manage(env, "collectstatic", "--no-input", "-v", "0")
            figures[database] = {"demo_build_s": round(time.perf_counter() - started, 1)}
            for tree, src in trees.items():
                server = Server(_env(tmp, url, src))
                try:
                    results = _measure(server, script, list(ENDPOINTS))
                finally:
                    server.stop()
                _verdicts(results)
                figures[database][tree] = results
                print(database, tree, json.dumps(results, ensure_ascii=False), flush=True)
        bare = Server(_env(tmp, next(iter(databases.values())), trees["this"], BENCH_BARE_DJANGO="true"))
        try:
            figures["floor_without_middleware"] = _measure(bare, script, ["floor"])["floor"]
        finally:
            bare.stop()
    finally:
        figures["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        shutil.rmtree(tmp, ignore_errors=True)
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
