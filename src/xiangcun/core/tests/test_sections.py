"""Page sections (core/sections.py): registered in order, narrowed by ``applies``, left out on ``None``."""

from __future__ import annotations

from django.test import RequestFactory

from xiangcun.core.sections import PageSections, Section


def test_sections_render_in_order_skip_none_and_what_does_not_apply():
    page = PageSections("test")
    page.register(Section("b", "b.html", lambda r, o: {"x": o}, order=20))
    page.register(Section("a", "a.html", lambda r, o: {"x": o}, order=10))
    page.register(Section("none", "n.html", lambda r, o: None, order=5))
    page.register(Section("odd", "o.html", lambda r, o: {}, applies=lambda o: o % 2 == 1))
    request = RequestFactory().get("/")

    assert [s.name for s in page.for_page(request, 2)] == ["a", "b"]
    assert [s.name for s in page.for_page(request, 3)] == ["a", "b", "odd"]
    assert page.for_page(request, 2)[0].context == {"x": 2}


def test_registering_a_name_again_replaces_it():
    page = PageSections("test")
    page.register(Section("a", "old.html", lambda r, o: {}))
    page.register(Section("a", "new.html", lambda r, o: {}))
    assert page.names() == ["a"] and page.for_page(RequestFactory().get("/"), None)[0].template == "new.html"
