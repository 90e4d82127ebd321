"""The sections other apps add to the region and village pages (see ``core.sections``): published
notices, resources, agreements — from apps above this one, registered in their ``AppConfig.ready()``."""

from __future__ import annotations

from xiangcun.core.sections import PageSections

VILLAGE_PAGE = PageSections("village")
REGION_PAGE = PageSections("region")
