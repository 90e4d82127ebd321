"""xlsx export of a funding round's ranking (遴选结果)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Font

from xiangcun.core.exports import xlsx_append
from xiangcun.funding.models import FundingApplication, FundingRound

HEADERS = [
    "排名",
    "合同编号",
    "项目名称",
    "县（市、区）",
    "村",
    "申请金额（元）",
    "实际投资（元）",
    "利税（元）",
    "社会效益评审分",
    "带动农民增收（元）",
    "村集体增收（元）",
    "得分",
    "结果",
    "说明",
]


# Workbooks are in Chinese whatever the page's language: officials' ledgers and the imports read them.
@override("zh-hans")
def round_xlsx(funding_round: FundingRound, applications: Iterable[FundingApplication]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "遴选结果"
    xlsx_append(
        ws,
        [
            funding_round.name,
            f"资金总额 {funding_round.budget} 元",
            f"遴选方式：{funding_round.get_mode_display()}",
            f"状态：{funding_round.get_status_display()}",
        ],
    )
    xlsx_append(ws, HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for a in applications:
        village = a.agreement.village
        xlsx_append(
            ws,
            [
                a.rank,
                a.agreement.code,
                a.agreement.title,
                village.county.name,
                village.name,
                float(a.requested),
                float(a.investment),
                float(a.profit_tax),
                float(a.social_benefit),
                float(a.farmer_income_increase),
                float(a.collective_income_increase),
                float(a.score) if a.score is not None else None,
                "获支持" if a.selected else ("未获支持" if a.rank else "未评审"),
                a.reason,
            ],
        )
    for col, width in zip(
        "ABCDEFGHIJKLMN", [6, 20, 28, 12, 12, 14, 14, 12, 10, 14, 14, 10, 8, 60], strict=True
    ):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
