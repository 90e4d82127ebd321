"""PDF text that stays text: the one way the platform puts words into a ReportLab document.

ReportLab's ``Paragraph`` reads its text as markup: ``<img src=…>`` embeds a server file or fetches a
URL, ``<a href="javascript:…">`` becomes a live link, ``<font color=white>`` hides words, and a stray
``<`` makes the whole PDF fail. Every text — a title, a party's or a village's name, a clause — is
escaped here first, so markup typed by a user is printed as the characters it is made of. Line breaks
become ``<br/>``, the only markup the platform itself adds.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph


def markup_free(text: object) -> str:
    """``text`` as ReportLab paragraph markup that means exactly that text."""
    return escape(str(text)).replace("\r\n", "\n").replace("\n", "<br/>")


def paragraph(text: object, style: Any) -> Paragraph:
    """A ``Paragraph`` of plain ``text`` (never interpreted as markup)."""
    return Paragraph(markup_free(text), style)
