"""The ``xiangcun`` console script: every Django management command, plus the platform's own
(``demo``, ``serve``, ``valuate``, ``settle``, ``funding``, …). ``xiangcun --help`` lists them."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = ["help"]
    execute_from_command_line(["xiangcun", *args])


if __name__ == "__main__":
    main()
