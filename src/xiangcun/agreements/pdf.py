"""Printable PDFs in Chinese: the agreement text (share table, distribution clause) and a year's
household statements for 公示. The CJK font is embedded (subset) in every file.

reportlab embeds TrueType outlines only, so the font is WenQuanYi Zen Hei (Debian
``fonts-wqy-zenhei``, a TrueType collection, installed by ``make system-deps``); the
``XIANGCUN_PDF_FONT`` environment variable may name another TrueType file (.ttf/.ttc). Without a
usable font the request fails with a clear Chinese message — never a PDF of blank boxes.
"""

from __future__ import annotations

import io
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from xiangcun.agreements.models import Agreement, Settlement
from xiangcun.agreements.selectors import members_for, settlement_lines
from xiangcun.core.errors import CHINESE, ApplicationError, render
from xiangcun.core.money import format_yuan
from xiangcun.core.pdf import paragraph
from xiangcun.resources.valuation import basis as valuation_basis

FONT_NAME = "XiangcunCJK"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
_registered: str | None = None


class FontMissing(ApplicationError):
    def __init__(self) -> None:
        super().__init__(
            "服务器未安装可嵌入的中文 TrueType 字体（文泉驿正黑 fonts-wqy-zenhei），无法生成 PDF。"
            "请运维人员执行 make system-deps，或以环境变量 XIANGCUN_PDF_FONT 指定字体文件。",
            field="font",
            status=503,
        )


def font_path() -> Path | None:
    configured = os.environ.get("XIANGCUN_PDF_FONT", "").strip()
    for candidate in ([configured] if configured else []) + list(FONT_CANDIDATES):
        path = Path(candidate)
        if path.is_file():
            return path
    return None


def register_font() -> str:
    """Register the CJK TrueType font once; raise ``FontMissing`` when there is none."""
    global _registered
    if _registered:
        return _registered
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    path = font_path()
    if path is None:
        raise FontMissing()
    try:
        font = (
            TTFont(FONT_NAME, str(path), subfontIndex=0)
            if path.suffix == ".ttc"
            else TTFont(FONT_NAME, str(path))
        )
    except TTFError:  # e.g. a CFF-flavoured OpenType file: reportlab cannot embed it
        raise FontMissing() from None
    pdfmetrics.registerFont(font)
    _registered = FONT_NAME
    return FONT_NAME


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    font = register_font()
    return {
        "title": ParagraphStyle("t", fontName=font, fontSize=18, leading=26, alignment=1, spaceAfter=6),
        "sub": ParagraphStyle("s", fontName=font, fontSize=9.5, leading=14, alignment=1, spaceAfter=10),
        "h": ParagraphStyle("h", fontName=font, fontSize=12.5, leading=19, spaceBefore=10, spaceAfter=4),
        "p": ParagraphStyle("p", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK", spaceBefore=4),
        "cell": ParagraphStyle("c", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK"),
        "num": ParagraphStyle("n", fontName=font, fontSize=9.5, leading=13, alignment=2),
    }


def _table(rows: list[list[Any]], widths: list[float], st: dict[str, Any], numeric: set[int]) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    body = [
        [paragraph(str(v), st["num"] if (r > 0 and c in numeric) else st["cell"]) for c, v in enumerate(row)]
        for r, row in enumerate(rows)
    ]
    table = Table(body, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8efe8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _doc(buffer: io.BytesIO, title: str) -> Any:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="乡村振兴合伙人数字平台",
    )


def _y(amount: Decimal) -> str:
    return format_yuan(amount)


def distribution_clause(agreement: Agreement) -> list[str]:
    """The distribution clause in words (the same semantics as ``settlement.py``)."""
    g = _y(agreement.guarantee)
    rate = f"{(agreement.reserve_rate * 100).normalize():f}"
    if agreement.mode == "additive":
        first = (
            f"采用“保底收益 + 按股分红”方式：每年度先向村集体支付保底收益 {g} 元；可分配利润扣除保底收益后的余额，"
            "由各方按股份比例分红；余额不足（含亏损）时，差额由村集体以外的各方按其股份比例承担，村集体保底收益不受影响。"
        )
    else:
        first = (
            f"采用“保底与分红取高”方式：每年度可分配利润（含亏损）由各方按股份比例分配；村集体分得部分低于保底收益 {g} 元时，"
            "差额由其他各方按股份比例补足。"
        )
    return [
        first,
        f"村集体所得收益提取 {rate}% 作为公积公益金，其余按成员股名册分配到户；村集体所得为零或负数时不向农户分配，农户不承担亏损。",
        "项目使用本村劳动力的，按用工承诺支付劳务报酬，劳务收入单独计入农户年度收益清单。",
        "每年度结算结果经村务公开栏公示，保底收益应于次年 3 月 31 日前支付。",
    ]


def agreement_pdf(agreement: Agreement, kind: str = "official") -> bytes:
    """The agreement as a printable A4 PDF with its share table and distribution clause."""
    from reportlab.platypus import Spacer

    st = _styles()
    buffer = io.BytesIO()
    doc = _doc(buffer, f"合伙人协议 {agreement.code}")
    village = agreement.village
    story: list[Any] = [
        paragraph("乡村振兴合伙人合作协议", st["title"]),
        paragraph(
            f"合同编号：{agreement.code}　　状态：{agreement.get_status_display()}　　"
            f"{village.county.name}{village.town.name}{village.name}",
            st["sub"],
        ),
        paragraph("第一条　项目", st["h"]),
        paragraph(f"项目名称：{agreement.title}。{agreement.description}", st["p"]),
        paragraph("第二条　合作各方及出资折股", st["h"]),
    ]
    rows: list[list[Any]] = [["序号", "合作方", "角色", "出资内容", "折价（元）", "股份比例"]]
    parties = list(agreement.parties.prefetch_related("contributions").order_by("position"))
    for p in parties:
        items = "；".join(
            f"{c.get_kind_display()}{('·' + c.name) if c.name else ''} {_y(c.value)} 元"
            + (f"（{render(found, CHINESE)}）" if (found := valuation_basis(c.kind, c.params or {})) else "")
            for c in p.contributions.all()
        )
        rows.append(
            [p.position + 1, p.name, p.get_role_display(), items, _y(p.contribution), f"{p.share:.2f}%"]
        )
    rows.append(["", "合计", "", "", _y(agreement.total_contribution), "100.00%"])
    story.append(_table(rows, [28, 95, 48, 155, 75, 55], st, {4, 5}))
    story.append(
        paragraph(
            "资源性出资按《资源折价入股办法》估值：土地按年租金折现（面积 × 每亩年租金 × 年金系数），"
            "房屋按重置成本扣除折旧（不低于残值），其他资产按评估价值；股份比例 = 出资折价 ÷ 出资总额，"
            "保留两位小数并按最大余数法使合计为 100.00%。",
            st["p"],
        )
    )
    story.append(paragraph("第三条　收益分配", st["h"]))
    story += [paragraph(f"{i}. {text}", st["p"]) for i, text in enumerate(distribution_clause(agreement), 1)]
    members = members_for(agreement, kind)
    if members:
        story.append(paragraph("第四条　村集体成员股名册", st["h"]))
        total = sum((m.shares for m in members), Decimal(0))
        mrows: list[list[Any]] = [["户编号", "户主", "成员股数", "占比"]]
        for m in members:
            mrows.append(
                [m.household, m.head_name, f"{m.shares.normalize():f}", f"{m.shares / total * 100:.2f}%"]
            )
        story.append(_table(mrows, [90, 110, 90, 90], st, {2, 3}))
    labour = list(agreement.labour_commitments.all())
    story.append(paragraph("第五条　用工承诺", st["h"]))
    if labour:
        lrows: list[list[Any]] = [["岗位", "岗位数", "月工资（元）"]]
        lrows += [[x.position, x.jobs, _y(x.monthly_wage)] for x in labour]
        story.append(_table(lrows, [200, 80, 100], st, {1, 2}))
        story.append(paragraph("上述岗位优先安排本村村民，同等条件下优先安排脱贫户和监测户。", st["p"]))
    else:
        story.append(paragraph("本项目无固定用工承诺。", st["p"]))
    story += [
        paragraph("第六条　合作期限", st["h"]),
        paragraph(
            f"自 {agreement.term_start:%Y年%m月%d日} 起至 {agreement.term_end:%Y年%m月%d日} 止。", st["p"]
        ),
        paragraph("第七条　退出与回购", st["h"]),
        paragraph(
            agreement.exit_clause or "任何一方退出须提前六个月书面通知，并经村民代表大会同意。", st["p"]
        ),
        paragraph(
            agreement.buyback_clause or "合作期满或提前终止时，村集体有权按出资折价优先回购其他各方股份。",
            st["p"],
        ),
    ]
    if agreement.assembly_date:
        story += [
            paragraph("第八条　民主程序", st["h"]),
            paragraph(
                f"本协议经 {agreement.assembly_date:%Y年%m月%d日} 村民代表大会审议通过"
                f"（应到 {agreement.assembly_attendees} 人，实到 {agreement.assembly_present} 人，"
                f"赞成 {agreement.assembly_votes_for} 票）"
                + (
                    f"，并于 {agreement.publicity_start:%Y年%m月%d日} 起公示，异议期至 {agreement.objection_deadline:%Y年%m月%d日}。"
                    if agreement.publicity_start and agreement.objection_deadline
                    else "。"
                )
                + (f"（补录：{agreement.backfill_reason}）" if agreement.backfill_reason else ""),
                st["p"],
            ),
        ]
    story.append(Spacer(1, 24))
    sign_rows: list[list[Any]] = [["合作方", "签章", "日期"]]
    sign_rows += [
        [p.name, "", f"{agreement.signed_on:%Y年%m月%d日}" if agreement.signed_on else ""] for p in parties
    ]
    story.append(_table(sign_rows, [170, 160, 120], st, set()))
    doc.build(story)
    return buffer.getvalue()


def statements_pdf(row: Settlement, kind: str = "public") -> bytes:
    """A year's settlement: party lines and each household's statement, for the 公示 board."""

    st = _styles()
    agreement = row.agreement
    buffer = io.BytesIO()
    doc = _doc(buffer, f"{agreement.code} {row.year} 年度收益分配公示")
    parties, households = settlement_lines(row, kind)
    story: list[Any] = [
        paragraph(f"{agreement.village.name} {row.year} 年度合作项目收益分配公示", st["title"]),
        paragraph(
            f"{agreement.title}（合同编号 {agreement.code}）　结算第 {row.version} 版"
            + (f"（更正原因：{row.reason}）" if row.reason else ""),
            st["sub"],
        ),
        paragraph(
            f"本年度可分配利润 {_y(row.profit)} 元；村集体收益 {_y(row.collective_income)} 元，"
            f"提取公积公益金 {_y(row.reserve)} 元，分配到户 {_y(row.distributed)} 元。",
            st["p"],
        ),
        paragraph("一、各方分配", st["h"]),
    ]
    prow: list[list[Any]] = [["合作方", "股份", "保底收益", "分红", "调整", "合计"]]
    prow += [
        [p.name, f"{p.share:.2f}%", _y(p.guarantee), _y(p.dividend), _y(p.adjustment), _y(p.total)]
        for p in parties
    ]
    story.append(_table(prow, [130, 50, 72, 72, 72, 72], st, {1, 2, 3, 4, 5}))
    story.append(paragraph("二、农户收益清单", st["h"]))
    hrow: list[list[Any]] = [["户编号", "户主", "成员股", "分红（元）", "劳务收入（元）", "合计（元）"]]
    hrow += [
        [h.household, h.head_name, f"{h.shares.normalize():f}", _y(h.dividend), _y(h.labour), _y(h.total)]
        for h in households
    ]
    story.append(_table(hrow, [70, 70, 55, 85, 90, 85], st, {2, 3, 4, 5}))
    story.append(paragraph("如有异议，请于公示之日起 5 个工作日内向村务监督委员会反映。", st["p"]))
    doc.build(story)
    return buffer.getvalue()


def household_statement_pdf(row: Settlement, line: Any) -> bytes:
    """One household's statement of a year's settlement (``selectors.HouseholdLine``), to hand to
    the household: what the project distributed, the household's member shares of the collective's
    part, its dividend, its labour income and the total, with the signatures of the collective."""
    st = _styles()
    agreement = row.agreement
    village = agreement.village
    buffer = io.BytesIO()
    doc = _doc(buffer, f"{agreement.code} {row.year} 年度农户收益清单 {line.household}")
    total_shares = sum((Decimal(m["shares"]) for m in row.inputs.get("members", [])), Decimal(0))
    ratio = f"{line.shares / total_shares * 100:.2f}%" if total_shares else "—"
    story: list[Any] = [
        paragraph(f"{village.name} {row.year} 年度农户收益清单", st["title"]),
        paragraph(
            f"{village.county.name}{village.town.name}{village.name}　{agreement.title}"
            f"（合同编号 {agreement.code}）　结算第 {row.version} 版"
            + (f"（更正原因：{row.reason}）" if row.reason else ""),
            st["sub"],
        ),
        _table(
            [
                ["项目", "内容"],
                ["户编号", line.household],
                ["户主", line.head_name],
                ["成员股数", f"{line.shares.normalize():f}（占全村成员股 {ratio}）"],
                ["分红（元）", _y(line.dividend)],
                ["劳务收入（元）", _y(line.labour)],
                ["合计（元）", _y(line.total)],
            ],
            [140, 310],
            st,
            set(),
        ),
        paragraph(
            f"本年度项目可分配利润 {_y(row.profit)} 元；村集体收益 {_y(row.collective_income)} 元，"
            f"提取公积公益金 {_y(row.reserve)} 元后，{_y(row.distributed)} 元按成员股分配到户。"
            "劳务收入为项目按用工承诺支付给本户的劳务报酬。",
            st["p"],
        ),
        paragraph("如对本清单有异议，请于收到之日起 5 个工作日内向村务监督委员会反映。", st["p"]),
    ]
    from reportlab.platypus import Spacer

    story.append(Spacer(1, 24))
    story.append(
        _table(
            [["村股份经济合作社（盖章）", "户主签收", "日期"], ["\n\n\n", "", ""]], [170, 160, 120], st, set()
        )
    )
    doc.build(story)
    return buffer.getvalue()
