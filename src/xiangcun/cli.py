"""The ``xiangcun`` console script: every Django management command, plus the platform's own
(``demo``, ``serve``, ``valuate``, ``settle``, ``funding``, …). ``xiangcun --help`` lists them.

The pure computations (``valuate``, ``settle``, ``funding select``, ``cases deadline``, ``policy test|check`` and
``policy evaluate|batch --dir``) need neither a database nor the site's secrets: they run on a
minimal settings object, without ``django.setup()`` and without importing the web stack, so they
start at once and work on a machine with no ``.env``. Every other command sets Django up as usual;
a missing setting then ends in one sentence on standard error, never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

#: command name → module of its ``Command`` class, for the commands that can run without Django set up.
PURE_COMMANDS = {
    "valuate": "xiangcun.agreements.management.commands.valuate",
    "settle": "xiangcun.agreements.management.commands.settle",
    "funding": "xiangcun.funding.management.commands.funding",
    "policy": "xiangcun.policies.management.commands.policy",
    "cases": "xiangcun.cases.management.commands.cases",
}

#: ``policy`` actions that read only files (``evaluate``/``batch`` read the published library from
#: the database unless ``--dir`` names a directory).
_POLICY_FILE_ACTIONS = {"test", "check"}


def is_pure(args: Sequence[str]) -> bool:
    """Whether ``args`` (without the program name) can run without a database."""
    if not args or args[0] not in PURE_COMMANDS:
        return False
    if args[0] != "policy":
        return True
    action = args[1] if len(args) > 1 else ""
    return action in _POLICY_FILE_ACTIONS or any(a == "--dir" or a.startswith("--dir=") for a in args[2:])


#: The environment variables that configure the site (``.env``); a machine without any of them is
#: where the pure commands must still run.
SITE_SETTINGS = frozenset(
    {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "ALLOWED_HOSTS", "XIANGCUN_TESTING"}
)


def bare_environment(pythonpath: str) -> dict[str, str]:
    """This process's environment without the site's settings, with ``PYTHONPATH`` — how an operator
    runs ``xiangcun`` on a machine with no ``.env`` (used by the CLI tests and ``benchmarks/bench_cli``)."""
    env = {k: v for k, v in os.environ.items() if k not in SITE_SETTINGS}
    env["PYTHONPATH"] = pythonpath
    return env


def _configure_minimal_settings() -> None:
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            USE_I18N=False,
            USE_TZ=True,
            TIME_ZONE="Asia/Shanghai",
            INSTALLED_APPS=[],
            DATABASES={},
            XIANGCUN_CITY_CODE=os.environ.get("XIANGCUN_CITY_CODE", "371500"),
        )


def run_pure(args: Sequence[str]) -> None:
    """Run a pure command (``is_pure(args)``) on minimal settings."""
    _configure_minimal_settings()
    command = importlib.import_module(PURE_COMMANDS[args[0]]).Command()
    command.run_from_argv(["xiangcun", *args])


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = ["help"]
    if is_pure(args):
        run_pure(args)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["xiangcun", *args])
    except ImproperlyConfigured as exc:
        # The settings refuse to start (no SECRET_KEY, no ALLOWED_HOSTS…): their message says what to set.
        sys.stderr.write(f"xiangcun {args[0]}: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
