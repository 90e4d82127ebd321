"""The sections other apps add to a notice's page (see ``core.sections``): 我要合作 comes from
``matching``, which owns the pairing it starts."""

from __future__ import annotations

from xiangcun.core.sections import PageSections

NOTICE_PAGE = PageSections("notice")
