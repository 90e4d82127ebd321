"""The edges (views, API, commands) of recruitment, resources, regions, accounts and web fetch by id
only through ``<entity>_get_for`` and ask permissions, never role names or the ORM."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2]
APPS = ("recruitment", "resources", "regions", "accounts", "web")
EDGES = sorted(
    path
    for app in APPS
    for path in [SRC / app / "views.py", SRC / app / "api.py", *(SRC / app).glob("management/commands/*.py")]
    if path.exists()
)
FORBIDDEN = {
    "the ORM": re.compile(r"\.objects\."),
    "an unscoped getter": re.compile(r"\b(notice|batch|resource|village|region)_get\("),
    "a role name": re.compile(r"\"(village_cadre|town_admin|county_admin|city_admin)\"|\bRole\.|\.role\b"),
}


@pytest.mark.parametrize("path", EDGES, ids=[str(p.relative_to(SRC)) for p in EDGES])
def test_edges_use_access_functions_and_capabilities(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [f"{what}: {m.group(0)}" for what, rx in FORBIDDEN.items() for m in rx.finditer(text)]
    assert not found, f"{path.relative_to(SRC)} uses {found}"
