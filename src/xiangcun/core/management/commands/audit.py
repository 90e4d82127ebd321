"""``xiangcun audit verify``: recompute the audit log's hash chain and name the first bad entry.
``xiangcun audit head``: the number of entries and the last hash (worth noting down off the host)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.core import audit
from xiangcun.core.errors import render


class Command(BaseCommand):
    help = "Check the hash-chained audit log (verify) or print its head (head)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "head"])
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the result as JSON")

    def handle(self, *args: Any, action: str, as_json: bool, **options: Any) -> None:
        if action == "head":
            last_id, last_hash = audit.head()
            payload: dict[str, Any] = {"entries": last_id, "head": last_hash}
            self._say(as_json, payload, f"{last_id} 条记录，末条哈希 {last_hash}")
            return
        verdict = audit.verify()
        if verdict.ok:
            payload = {"ok": True, "entries": verdict.checked, "head": verdict.head}
            self._say(as_json, payload, f"审计日志完整：{verdict.checked} 条记录，末条哈希 {verdict.head}")
            return
        zh, en = render(verdict.problem, "zh-hans"), render(verdict.problem, "en")
        if as_json:
            payload = {
                "ok": False,
                "checked": verdict.checked,
                "bad_id": verdict.bad_id,
                "error": zh,
                "error_en": en,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        raise CommandError(f"审计日志校验失败：{zh}（此前 {verdict.checked} 条记录完好）")

    def _say(self, as_json: bool, payload: dict[str, Any], text: str) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False) if as_json else text)
