"""``xiangcun serve --host H --port P``: the production server (gunicorn), not ``runserver``."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the platform with gunicorn (static files by whitenoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=min(4, multiprocessing.cpu_count() * 2 + 1))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--timeout", type=int, default=60)
        parser.add_argument(
            "--worker",
            action="store_true",
            help="also run the task-queue worker (db_worker) for as long as the server runs; "
            "production runs it as its own service instead",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int,
        threads: int,
        timeout: int,
        worker: bool,
        **options: Any,
    ) -> None:
        from django.core.servers.basehttp import get_internal_wsgi_application
        from gunicorn.app.base import BaseApplication

        application = get_internal_wsgi_application()  # settings.WSGI_APPLICATION: config.wsgi

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in {
                    "bind": f"{host}:{port}",
                    "workers": workers,
                    "threads": threads,
                    "timeout": timeout,
                    "accesslog": "-",
                    "forwarded_allow_ips": "127.0.0.1",
                }.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.stdout.write(
            f"乡村振兴合伙人数字平台: http://{host}:{port}/  ({workers} workers × {threads} threads)"
        )
        queue_worker = None
        if worker:
            from xiangcun.resources.jobs import jobs_reap

            jobs_reap()  # jobs left running by a worker that died with the last server
            queue_worker = subprocess.Popen([sys.executable, "-m", "xiangcun.cli", "db_worker"])
            self.stdout.write(f"task-queue worker running (pid {queue_worker.pid})")
        try:
            Server().run()
        finally:
            if queue_worker is not None:
                queue_worker.terminate()
                queue_worker.wait(timeout=10)
