"""xlsx for settlements: household statements out (公示 ledger), labour payments in."""

from __future__ import annotations

import io
from typing import IO, Any

from django.utils.translation import override
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from xiangcun.agreements.models import Settlement
from xiangcun.agreements.selectors import settlement_lines
from xiangcun.core.errors import ApplicationError, Msg
from xiangcun.core.exports import xlsx_append

MAX_ROWS = 20_000


# Workbooks are in Chinese whatever the page's language: officials' ledgers and the imports read them.
@override("zh-hans")
def statements_xlsx(row: Settlement, kind: str) -> bytes:
    parties, households = settlement_lines(row, kind)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "农户收益清单"
    xlsx_append(ws, [f"{row.agreement.title}（{row.agreement.code}）{row.year} 年度结算 第 {row.version} 版"])
    xlsx_append(ws, ["户编号", "户主", "成员股", "分红（元）", "劳务收入（元）", "合计（元）"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for h in households:
        xlsx_append(
            ws,
            [h.household, h.head_name, float(h.shares), float(h.dividend), float(h.labour), float(h.total)],
        )
    sheet = wb.create_sheet("各方分配")
    xlsx_append(sheet, ["合作方", "角色", "股份（%）", "保底收益", "分红", "调整", "合计"])
    for p in parties:
        xlsx_append(
            sheet,
            [
                p.name,
                p.role,
                float(p.share),
                float(p.guarantee),
                float(p.dividend),
                float(p.adjustment),
                float(p.total),
            ],
        )
    xlsx_append(sheet, ["村集体收益", "", "", "", "", "", float(row.collective_income)])
    xlsx_append(sheet, ["公积公益金", "", "", "", "", "", float(row.reserve)])
    xlsx_append(sheet, ["分配到户", "", "", "", "", "", float(row.distributed)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def labour_from_xlsx(file: IO[bytes] | Any) -> list[dict[str, Any]]:
    """Labour payments from the first sheet: column A 户编号, column B 金额 (a header row is skipped)."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not xlsx
        raise ApplicationError("无法读取 xlsx 文件", field="labour_file") from None
    ws = wb.worksheets[0]
    rows: list[dict[str, Any]] = []
    for i, values in enumerate(ws.iter_rows(values_only=True), 1):
        if i > MAX_ROWS:
            raise ApplicationError("行数过多", field="labour_file")
        if not values or values[0] in (None, ""):
            continue
        household, amount = str(values[0]).strip(), values[1] if len(values) > 1 else None
        if i == 1 and not isinstance(amount, int | float):
            continue  # header
        if amount in (None, ""):
            raise ApplicationError(Msg("第 {i} 行缺少金额", i=i), field=f"labour_file.row{i}")
        rows.append({"household": household, "amount": str(amount)})
    return rows


def line_columns(line: str, count: int) -> list[str]:
    """The columns of one line of a pasted list: separated by spaces or tabs, or else by commas
    (``h1,张三,3``). Spaces win, so a number with group separators (``h1 张三 1,250``) stays whole."""
    parts = line.split()
    if len(parts) == count or not parts:
        return parts
    return line.replace("，", " ").replace(",", " ").split()


def labour_from_text(text: str) -> list[dict[str, Any]]:
    """``户编号 金额`` per line (space, comma or tab separated)."""
    rows = []
    for i, line in enumerate(text.splitlines(), 1):
        parts = line_columns(line, 2)
        if not parts:
            continue
        if len(parts) != 2:
            raise ApplicationError(Msg("劳务收入第 {i} 行应为“户编号 金额”", i=i), field="labour")
        rows.append({"household": parts[0], "amount": parts[1]})
    return rows
