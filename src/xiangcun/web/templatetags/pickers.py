"""``{% village_picker %}``: what ``web/_village_picker.html`` shows — the villages its value names, or
the one village of a cadre (who then picks nothing) — read through the regions selectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from xiangcun.regions.selectors import VillageChoice, village_choices, village_sole_for

register = template.Library()

SOURCE = "/api/v1/villages/pick"  # regions.api.village_pick: the user's villages by name or initials


@dataclass(frozen=True)
class PickerState:
    chosen: list[VillageChoice]
    text: str  # what the text box holds without JavaScript: the codes, or what was typed
    fixed: bool  # nothing to choose: the cadre's own village, or a field that may not change
    source: str
    maxlength: int

    @property
    def codes(self) -> str:
        return ",".join(c.code for c in self.chosen)


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value if v)
    return str(value).strip()


@register.simple_tag(takes_context=True)
def village_picker(context: Any, value: Any, multiple: bool = False, fixed: bool = False) -> PickerState:
    text = _text_of(value)
    codes = [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]
    chosen = village_choices(codes)
    request = context.get("request")
    sole = village_sole_for(getattr(request, "user", None) or context.get("user"))
    if sole is not None and not fixed:
        # A village cadre acts for one village: it is chosen already (another is refused anyway).
        fixed = True
        if not multiple:
            chosen = [sole]
    if fixed:
        text = ",".join(c.code for c in chosen)
    return PickerState(
        chosen=chosen, text=text, fixed=fixed, source=SOURCE, maxlength=1000 if multiple else 60
    )
