"""The Excel (xlsx) and CSV layouts for villages and resources: headers, the template, reading a file
into rows with their places. Pure Python (openpyxl), no Django.

A workbook has a sheet 村庄 (villages) and/or a sheet 资源 (resources); other sheets (说明) are
ignored. A CSV file holds one table, recognised by its headers. Headers are matched after trimming
and dropping a trailing ``*`` (the template marks required columns with it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from xiangcun.core.exports import xlsx_append

VILLAGE_SHEET = "村庄"
RESOURCE_SHEET = "资源"

# (header, key, required)
VILLAGE_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("村级区划代码", "code", True),
    ("村名", "name", True),
    ("乡镇区划代码", "town", True),
    ("经度", "lng", True),
    ("纬度", "lat", True),
    ("户数", "households", False),
    ("人口", "population", False),
    ("耕地面积（亩）", "cultivated_land_mu", False),
    ("特色产业", "featured_industry", False),
    ("联系人", "contact_name", False),
    ("联系电话", "contact_phone", False),
)
RESOURCE_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("系统编号", "id", False),
    ("村级区划代码", "village", True),
    ("资源名称", "name", True),
    ("资源类型", "kind", True),
    ("权利类型", "right", False),
    ("权利人类型", "owner_type", False),
    ("权利人", "owner_name", False),
    ("面积", "area", True),
    ("面积单位", "unit", False),
    ("经度", "lng", True),
    ("纬度", "lat", True),
    ("现状用途", "current_use", False),
    ("规划用途", "permitted_use", False),
    ("状态", "status", False),
    ("说明", "description", False),
    ("评估价值（元）", "appraised_value", False),
    ("评估日期", "appraised_on", False),
    ("评估机构", "appraiser", False),
)
# Columns the export adds for reading; accepted and ignored on import.
RESOURCE_EXTRA = ("所在村", "县（市、区）", "折合面积（亩）")

LAYOUTS: dict[str, tuple[tuple[tuple[str, str, bool], ...], tuple[str, ...]]] = {
    VILLAGE_SHEET: (VILLAGE_COLUMNS, ()),
    RESOURCE_SHEET: (RESOURCE_COLUMNS, RESOURCE_EXTRA),
}
MAX_ROWS = 200_000


@dataclass(frozen=True)
class Problem:
    """One error with its place: sheet, row (as Excel numbers it), column (letter and header)."""

    sheet: str
    row: int
    column: str
    header: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "message": self.message,
        }


@dataclass
class Table:
    sheet: str
    letters: dict[str, str]  # key → column letter
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def header_of(self, key: str) -> str:
        columns, _ = LAYOUTS[self.sheet]
        return next((h for h, k, _r in columns if k == key), key)

    def problem(self, row: int, key: str, message: str) -> Problem:
        return Problem(self.sheet, row, self.letters.get(key, ""), self.header_of(key), message)


@dataclass
class Book:
    tables: dict[str, Table]
    problems: list[Problem]

    @property
    def total_rows(self) -> int:
        return sum(len(t.rows) for t in self.tables.values())


class FileProblem(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _norm(header: Any) -> str:
    return str(header or "").strip().rstrip("*").strip().replace("(", "（").replace(")", "）")


Tick = Callable[[], None] | None
# While a large file is read, ``tick`` is called every this many rows (a job's heartbeat).
TICK_EVERY = 5000


def _table(
    sheet: str, header_row: list[Any], body: Any, tick: Tick = None
) -> tuple[Table | None, list[Problem]]:
    columns, extra = LAYOUTS[sheet]
    known = {h: k for h, k, _r in columns}
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    letters: dict[str, str] = {}
    for i, raw in enumerate(header_row):
        name = _norm(raw)
        letter = get_column_letter(i + 1)
        if not name:
            continue
        if name in extra:
            continue
        if name not in known:
            problems.append(Problem(sheet, 1, letter, name, f"未知的列：“{name}”（请使用模板中的列名）"))
            continue
        key = known[name]
        if key in positions:
            problems.append(Problem(sheet, 1, letter, name, f"列“{name}”重复"))
            continue
        positions[key] = i
        letters[key] = letter
    for header, key, required in columns:
        if required and key not in positions:
            problems.append(Problem(sheet, 1, "", header, f"缺少必填列：“{header}”"))
    if problems:
        return None, problems
    table = Table(sheet, letters)
    for number, values in body:
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        row = {key: (values[i] if i < len(values) else None) for key, i in positions.items()}
        table.rows.append((number, row))
        if tick is not None and len(table.rows) % TICK_EVERY == 0:
            tick()
        if len(table.rows) > MAX_ROWS:
            raise FileProblem(f"工作表“{sheet}”超过 {MAX_ROWS:,} 行，请分批导入")
    return table, []


def read_xlsx(data: bytes, tick: Tick = None) -> Book:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileProblem("文件不是有效的 Excel（.xlsx）文件，请用模板另存为 xlsx 后再上传") from exc
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    try:
        for sheet in (VILLAGE_SHEET, RESOURCE_SHEET):
            if sheet not in wb.sheetnames:
                continue
            rows = wb[sheet].iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                continue
            body = ((n, list(values)) for n, values in enumerate(rows, start=2))
            table, found = _table(sheet, list(header), body, tick)
            problems.extend(found)
            if table is not None:
                tables[sheet] = table
    finally:
        wb.close()
    if not tables and not problems:
        raise FileProblem(f"文件中没有名为“{VILLAGE_SHEET}”或“{RESOURCE_SHEET}”的工作表（请使用模板）")
    return Book(tables, problems)


def read_csv(data: bytes, tick: Tick = None) -> Book:
    if b"\x00" in data[:4096]:
        raise FileProblem("文件不是文本格式的 CSV 文件")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileProblem("无法识别 CSV 文件的编码（请保存为 UTF-8 或 GBK）")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise FileProblem("CSV 文件为空")
    names = {_norm(h) for h in header}
    sheet = RESOURCE_SHEET if "资源名称" in names else VILLAGE_SHEET if "村名" in names else None
    if sheet is None:
        raise FileProblem("无法识别 CSV 的内容：表头中应有“资源名称”（资源）或“村名”（村庄）")
    body = ((n, list(values)) for n, values in enumerate(reader, start=2))
    table, problems = _table(sheet, list(header), body, tick)
    return Book({sheet: table} if table else {}, problems)


def read(data: bytes, filename: str, *, tick: Tick = None) -> Book:
    name = filename.lower()
    if name.endswith(".csv"):
        return read_csv(data, tick)
    if name.endswith(".xlsx"):
        return read_xlsx(data, tick)
    raise FileProblem("只能导入 .xlsx 或 .csv 文件（旧版 .xls 请另存为 .xlsx）")


def cell_date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"日期格式不正确：{value}（应为 2025-06-30）") from None


def template() -> bytes:
    """The import template: the two sheets with headers (required ones marked *), an example row, notes."""
    wb = Workbook()
    notes = wb.active
    assert notes is not None
    notes.title = "说明"
    for line in (
        ["资源导入模板（乡村振兴合伙人数字平台）"],
        [],
        ["1. 在“村庄”工作表中新增或更新行政村（可留空）；在“资源”工作表中登记资源。列名带 * 的为必填。"],
        ["2. 资源类型：耕地、林地、园地、坑塘水面、设施农用地、集体经营性建设用地、闲置宅基地/农房、闲置校舍/厂房、文化资源/非遗、其他。"],
        ["3. 权利类型：所有权、承包经营权、使用权；权利人类型：村集体、农户；状态：可招商、洽谈中、已签约、暂不可用。"],
        ["4. 面积单位：亩 或 平方米；经纬度为 WGS-84（如 115.98, 36.45），位置须在所在村的县（市、区）境内。"],
        ["5. 系统编号留空为新增；填写导出文件中的系统编号则更新该资源。"],
        ["6. 导入前先整体校验：任何一行有错，全部不导入，并列出每个错误所在的工作表、行和列。"],
    ):  # fmt: skip
        notes.append(line)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E7F4EA")
    examples: dict[str, list[object]] = {
        VILLAGE_SHEET: ["371502101200", "张庄村", "371502101", 115.97, 36.45, 320, 1050, 1800, "蔬菜种植", "王建国", "13800000000"],
        RESOURCE_SHEET: [None, "371502101200", "村东闲置厂房", "闲置校舍/厂房", "所有权", "村集体", None, 1200, "平方米", 115.97, 36.45, "闲置", "农产品加工", "可招商", "砖混结构，通水通电", None, None, None],
    }  # fmt: skip
    for sheet, (columns, _extra) in LAYOUTS.items():
        ws = wb.create_sheet(sheet)
        xlsx_append(ws, [f"{h}*" if required else h for h, _k, required in columns])
        for i, cell in enumerate(ws[1], start=1):
            cell.font = bold
            cell.fill = fill
            ws.column_dimensions[get_column_letter(i)].width = 16
        xlsx_append(ws, examples[sheet])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_table(rows: Any, *, sheet: str, headers: list[str]) -> bytes:
    """A one-sheet xlsx, written streaming (write-only) for large exports."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    xlsx_append(ws, headers)
    for row in rows:
        xlsx_append(ws, row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
