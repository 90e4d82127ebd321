"""A person's copy of their data as an xlsx workbook: one sheet per part of ``selectors.my_data``.
Every cell goes through ``core.exports`` (text that looks like a formula stays text)."""

from __future__ import annotations

import io
import json
from typing import Any

from django.utils.translation import override
from openpyxl import Workbook

from xiangcun.core.exports import xlsx_append


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _table(wb: Any, title: str, header: list[str], rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(title)
    xlsx_append(ws, header)
    for row in rows:
        xlsx_append(ws, [_cell(v) for v in row])


# Workbooks are in Chinese whatever the page's language, like every export of the platform.
@override("zh-hans")
def my_data_xlsx(data: dict[str, Any]) -> bytes:
    wb = Workbook(write_only=True)
    _table(wb, "账号", ["项目", "内容"], [[k, v] for k, v in data["account"].items()])
    _table(
        wb,
        "同意记录",
        ["规则版本", "同意时间", "来源"],
        [[c["version"], c["at"], c["source"]] for c in data["consents"]],
    )
    partner = data["partner"] or {}
    _table(wb, "合伙人资料", ["字段", "内容"], [[k, v] for k, v in partner.items()])
    _table(
        wb,
        "对接",
        ["编号", "招募令", "所在村", "阶段", "来源", "匹配度", "退出理由", "建立时间", "对接过程"],
        [
            [p["id"], p["notice_title"], p["village"], p["status"], p["origin"], p["fit"], p["withdraw_reason"],
             p["created_at"], p["events"]]
            for p in data["pairings"]
        ],
    )  # fmt: skip
    _table(
        wb,
        "协议",
        ["编号", "合同编号", "项目名称", "所在村", "状态", "合作期起", "合作期止", "签署日期", "本人作为参与方"],
        [
            [a["id"], a["code"], a["title"], a["village"], a["status"], a["term_start"], a["term_end"],
             a["signed_on"], a["parties"]]
            for a in data["agreements"]
        ],
    )  # fmt: skip
    _table(
        wb,
        "结算",
        ["合同编号", "年度", "版本", "更正原因", "结算时间", "本人所得"],
        [
            [a["code"], s["year"], s["version"], s["reason"], s["created_at"], s["my_lines"]]
            for a in data["agreements"]
            for s in a["settlements"]
        ],
    )
    _table(
        wb,
        "查看记录",
        ["时间", "查看人", "角色", "记录", "字段", "用途"],
        [
            [r["at"], r["reader"], r["reader_role"], r["record"], r["fields"], r["purpose"]]
            for r in data["reads_about_me"]
        ],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
