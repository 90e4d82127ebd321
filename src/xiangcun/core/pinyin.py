"""Pinyin initials of Chinese place names, for searching villages by ``zjz`` (张家庄). Pure Python.

Used by the demo regions (``regions.demo``) and by the village import of the resource ledger
(``resources.imports``), which fill ``Village.pinyin_initials``.
"""

from __future__ import annotations

from functools import cache


@cache
def initials(name: str) -> str:
    """Pinyin initials of a Chinese name: 张家庄村 → zjzc."""
    from pypinyin import Style, lazy_pinyin  # lazy: its phrase dictionary takes ~0.4 s to load

    return "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p).lower()
