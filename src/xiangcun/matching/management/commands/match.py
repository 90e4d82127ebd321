"""``xiangcun match candidates|assign --county CODE|--city CODE [--threshold T] --json``.

``candidates`` prints every allowed pair ``[{"notice", "partner", "fit"}]``; ``assign`` prints the
exact one-to-one pairing ``{"pairs": [...], "total_fit", "unmatched_notices", "unmatched_partners"}``
(a county: dense assignment; a city: exact on each notice's 50-best candidate graph).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.core.errors import ApplicationError
from xiangcun.matching import services


class Command(BaseCommand):
    help = "Matching: candidate pairs and the exact one-to-one pairing of a county or a city (需求对接)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["candidates", "assign"])
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--county", help="6-digit county code, e.g. 371522")
        where.add_argument("--city", help="6-digit city code, e.g. 371500")
        parser.add_argument("--threshold", type=float, default=None, help="minimum fit (default: the city's)")
        parser.add_argument("--json", action="store_true", help="print JSON (the default output)")

    def handle(self, *args: Any, action: str, county: str | None, city: str | None, **options: Any) -> None:
        threshold = options.get("threshold")
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise CommandError("--threshold 须在 0 到 1 之间 (threshold must be in [0, 1])")
        try:
            if action == "candidates":
                if county:
                    result: Any = services.county_candidates(county, threshold)
                else:
                    result = services.city_candidates(str(city), threshold).to_json()
            elif county:
                result = services.county_assignment(county, threshold).to_json()
            else:
                result = services.city_assignment(str(city), threshold).to_json()
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} ({exc.message_en})") from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False))
