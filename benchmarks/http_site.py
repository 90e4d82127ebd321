"""Settings of the platform as ``bench_http`` serves it: the project's own, with the URLconf of
``http_urls`` (the site's URLs plus the framework floor at ``/bench/floor``).

Used as ``DJANGO_SETTINGS_MODULE=benchmarks.http_site``, so the floor goes through the same gunicorn
configuration (``xiangcun serve``), the same middleware and the same process as the endpoints it is
compared with. ``BENCH_BARE_DJANGO=true`` drops every middleware: what Django
alone costs, for the table of where the time goes.
"""

from __future__ import annotations

import os

from xiangcun.config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.http_urls"
if os.environ.get("BENCH_BARE_DJANGO") == "true":
    MIDDLEWARE: list[str] = []
    # The admin's checks ask for the session, auth and messages middleware: this server has none.
    SILENCED_SYSTEM_CHECKS = ["admin.E408", "admin.E409", "admin.E410"]
