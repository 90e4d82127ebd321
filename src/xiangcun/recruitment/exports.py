"""xlsx export of notices (openpyxl, write-only for speed)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import override
from openpyxl import Workbook

from xiangcun.core import vocab
from xiangcun.core.exports import xlsx_append
from xiangcun.recruitment.models import Notice

HEADER = (
    "编号", "标题", "层级", "县（市、区）", "所在村", "项目类别", "需要的合伙人类型", "合作方式",
    "投资下限（万元）", "投资上限（万元）", "提供的资源", "截止日期", "状态", "发布时间",
)  # fmt: skip


# Workbooks are in Chinese whatever the page's language: officials' ledgers and the imports read them.
@override("zh-hans")
def notices_xlsx(notices: Iterable[Notice]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("招募令")
    xlsx_append(ws, list(HEADER))
    for n in notices:
        resources = "；".join(
            f"{r.kind_label()} {r.area.normalize():f}{r.get_unit_display()}"
            if r.area is not None
            else r.kind_label()
            for r in n.resources.all()
        )
        xlsx_append(
            ws,
            [
                n.pk,
                n.title,
                n.get_level_display(),
                n.county.name,
                n.village.name,
                vocab.label("category", n.category),
                "、".join(n.kinds_labels()),
                "、".join(n.forms_labels()),
                n.investment_min,
                n.investment_max,
                resources,
                n.deadline,
                n.get_status_display(),
                n.published_at.replace(tzinfo=None) if n.published_at else None,
            ],
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
