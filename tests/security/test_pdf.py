"""Finding 7: PDF markup injection. Markup in a title, a party's or a village member's name is printed
as text: the agreement and settlement PDFs answer 200, carry no link and fetch no image."""

from __future__ import annotations

import re
import zlib

import pytest

from xiangcun.core.pdf import markup_free

PAYLOADS = {
    "title": '合作<img src="/etc/hostname" width="400" height="400"/>项目',
    "link": '<a href="javascript:alert(1)">点我</a>',
    "hidden": '<font color="white">隐藏条款</font>',
    "remote": '<img src="http://127.0.0.1:9/x.png"/>',
    "broken": "未闭合 <b 标签 & 符号",
}


def _streams(pdf: bytes) -> bytes:
    """The PDF with its Flate streams inflated (enough to look for annotations and images)."""
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(out)


def test_markup_is_escaped() -> None:
    assert markup_free('<img src="x"/> & <a>') == '&lt;img src="x"/&gt; &amp; &lt;a&gt;'
    assert markup_free("一行\n两行") == "一行<br/>两行"


@pytest.mark.django_db
def test_agreement_and_settlement_pdfs_print_markup_as_text(users, client_as) -> None:  # type: ignore[no-untyped-def]
    from xiangcun.agreements.tests.factories import in_force

    agreement = in_force(users, title=PAYLOADS["title"], description=PAYLOADS["link"] + PAYLOADS["hidden"])
    client = client_as("county")
    response = client.get(f"/agreements/{agreement.pk}/pdf/")
    assert response.status_code == 200, response.content[:300]
    body = _streams(response.content)
    assert b"/URI" not in body and b"JavaScript" not in body  # no live link
    assert b"/Subtype /Image" not in body and b"/Subtype/Image" not in body  # no embedded file

    settle = client.post(
        f"/agreements/{agreement.pk}/settle/", {"year": "2024", "profit": "250000", "labour": ""}
    )
    assert settle.status_code == 302
    pdf = client.get(f"/agreements/{agreement.pk}/settlements/2024/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert b"/URI" not in _streams(pdf.content)
