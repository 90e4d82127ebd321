"""The sections other apps add to a pairing's page (see ``core.sections``): the agreement drafted
from the pairing — "起草协议" at 签约, "查看协议" once there is one — comes from ``agreements``, which
sits above this app."""

from __future__ import annotations

from xiangcun.core.sections import PageSections

PAIRING_PAGE = PageSections("pairing")
