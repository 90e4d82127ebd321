"""Page sections: how an app puts a part of its own onto a page of an app below it.

A page of a lower app (the village page in ``regions``) cannot import the apps above it (import-linter's
layers). It declares a ``PageSections`` registry instead; an upper app registers a ``Section`` into it from
its ``AppConfig.ready()`` — a template of its own and a context function (usually in its ``views.py``) that
reads through its own selectors. The lower view renders whatever is registered, in ``order``, on the
server: the page works without JavaScript and a crawler sees its links. (The other way, for parts that may
arrive after the page, is an htmx fragment served by the upper app: see docs/architecture.md.)

A context function returns ``None`` to leave its section out for this request (nothing to show, or
nothing this reader may see).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

SectionContext = Callable[[HttpRequest, Any], Mapping[str, Any] | None]


@dataclass(frozen=True, slots=True)
class Section:
    """``name`` is unique within a page (registering the same name again replaces it, so a second
    ``ready()`` is harmless); ``applies`` narrows it to some objects (e.g. region pages of a level)."""

    name: str
    template: str
    context: SectionContext
    order: int = 100
    applies: Callable[[Any], bool] | None = None


@dataclass(frozen=True, slots=True)
class RenderedSection:
    name: str
    template: str
    context: Mapping[str, Any]


class PageSections:
    def __init__(self, page: str) -> None:
        self.page = page
        self._sections: dict[str, Section] = {}

    def register(self, section: Section) -> None:
        self._sections[section.name] = section

    def names(self) -> list[str]:
        return [s.name for s in self._ordered()]

    def _ordered(self) -> list[Section]:
        return sorted(self._sections.values(), key=lambda s: (s.order, s.name))

    def for_page(self, request: HttpRequest, obj: Any) -> list[RenderedSection]:
        """The sections to show on ``obj``'s page for this request, each with its context; the page's
        template includes them: ``{% for s in sections %}{% include s.template with section=s.context %}``."""
        out: list[RenderedSection] = []
        for section in self._ordered():
            if section.applies is not None and not section.applies(obj):
                continue
            context = section.context(request, obj)
            if context is not None:
                out.append(RenderedSection(section.name, section.template, context))
        return out
