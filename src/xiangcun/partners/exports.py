"""xlsx export of partners (identifiers masked unless the reader may see them; a full export by the
city office is logged, one row per partner)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import override
from openpyxl import Workbook

from xiangcun.core import vocab
from xiangcun.core.exports import xlsx_append
from xiangcun.partners.models import Partner
from xiangcun.partners.selectors import PURPOSE_EXPORT, PartnerView, partner_views
from xiangcun.regions.selectors import counties_of

_CHUNK = 1000
HEADER = (
    "编号", "姓名或机构", "类型", "联系人", "手机号", "证件号", "籍贯县", "聊城籍", "资金下限（万元）",
    "资金上限（万元）", "意向类别", "意向县", "合作方式", "专长", "认证状态",
)  # fmt: skip


def _views(partners: Iterable[Partner], user: Any) -> Iterator[tuple[Partner, PartnerView]]:
    """The partners with their views, logged a thousand at a time (one insert each)."""
    chunk: list[Partner] = []
    for p in partners:
        chunk.append(p)
        if len(chunk) == _CHUNK:
            yield from zip(chunk, partner_views(chunk, user, purpose=PURPOSE_EXPORT), strict=True)
            chunk = []
    yield from zip(chunk, partner_views(chunk, user, purpose=PURPOSE_EXPORT), strict=True)


# Workbooks are in Chinese whatever the page's language: officials' ledgers and the imports read them.
@override("zh-hans")
def partners_xlsx(partners: Iterable[Partner], user: Any) -> bytes:
    """The partners as a sheet: names and labels, never codes (counties by name, kinds by label)."""
    county_names = {c.code: c.name for c in counties_of(settings.XIANGCUN_CITY_CODE)}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("合伙人")
    xlsx_append(ws, list(HEADER))
    for p, v in _views(partners, user):
        xlsx_append(
            ws,
            [
                p.pk,
                v.name,
                v.kind_label,
                v.contact_name,
                v.phone,
                v.id_number,
                p.home_county.name if p.home_county else "",
                "是" if p.liaocheng_born else "否",
                p.capital_min,
                p.capital_max,
                "、".join(vocab.label("category", c) for c in p.preferred_categories),
                "、".join(county_names.get(c, c) for c in p.preferred_counties),
                "、".join(vocab.label("form", c) for c in p.cooperation_forms),
                "、".join(p.skills),
                p.get_status_display(),
            ],
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
