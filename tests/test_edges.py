"""No ORM and no unscoped getter in the edges (views, API, management commands), no role idioms outside
accounts/, and no catching of domain errors in pages and endpoints.

(a) ``X.objects`` in an edge: lists and fetches go through the app's selectors.
(b) a call to ``*_get(…)`` in an edge: fetch by id only with ``<entity>_get_for(user, pk, …)``.
(c) a role literal ("city_admin", …), ``Role.X`` or ``is_city_office`` in an edge or in services/selectors
    outside accounts/ (the capability table lives in accounts/permissions.py).
(d) a ``try:`` in views/api whose handler catches ApplicationError, NotFoundError or AccessDenied: the error
    middleware and the API handlers map them; forms re-render through ``core.inputs.submit``.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "xiangcun"
ROLE_LITERALS = {"city_admin", "county_admin", "town_admin", "village_cadre"}
DOMAIN_ERRORS = {"ApplicationError", "NotFoundError", "AccessDenied"}
# The demo and serve commands build data through services and run the server: not edges over records.
SKIP_COMMANDS = {("core", "demo.py"), ("core", "serve.py"), ("ops", "demo.py"), ("ops", "serve.py")}


def _app(path: Path) -> str:
    return path.relative_to(SRC).parts[0]


def _files(*names: str) -> list[Path]:
    """Modules called ``name.py`` or living in a package ``name/`` under any app (tests, migrations out)."""
    found: set[Path] = set()
    for name in names:
        found.update(SRC.glob(f"*/{name}.py"))
        found.update(SRC.glob(f"*/{name}/*.py"))
    return sorted(p for p in found if not {"tests", "migrations"} & set(p.relative_to(SRC).parts))


def edge_files() -> list[Path]:
    commands = [
        p
        for p in SRC.glob("*/management/commands/*.py")
        if p.name != "__init__.py" and (_app(p), p.name) not in SKIP_COMMANDS
    ]
    return sorted({*_files("views", "api"), *commands})


def page_files() -> list[Path]:
    return _files("views", "api")


def role_files() -> list[Path]:
    return sorted(p for p in {*edge_files(), *_files("services", "selectors")} if _app(p) != "accounts")


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _role_aliases(tree: ast.AST) -> set[str]:
    """``Role`` and whatever it is imported as (``from …accounts.models import Role as UserRole``)."""
    names = {"Role"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.update(a.asname for a in node.names if a.name == "Role" and a.asname)
    return names


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(SRC.parent.parent)}:{getattr(node, 'lineno', 0)}"


def hits_orm(path: Path, tree: ast.AST) -> list[str]:
    return [
        f"{_where(path, n)}: {ast.unparse(n)}"
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and n.attr == "objects"
    ]


def hits_getter(path: Path, tree: ast.AST) -> list[str]:
    out = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and _name(n.func).endswith("_get"):
            out.append(f"{_where(path, n)}: {ast.unparse(n.func)}(…)")
    return out


def hits_roles(path: Path, tree: ast.AST) -> list[str]:
    aliases = _role_aliases(tree)
    out = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in ROLE_LITERALS:
            out.append(f"{_where(path, n)}: {n.value!r}")
        elif isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in aliases:
            out.append(f"{_where(path, n)}: {ast.unparse(n)}")
        elif (isinstance(n, ast.Name) and n.id == "is_city_office") or (
            isinstance(n, ast.Attribute) and n.attr == "is_city_office"
        ):
            out.append(f"{_where(path, n)}: is_city_office")
        elif isinstance(n, ast.FunctionDef) and n.name == "is_city_office":
            out.append(f"{_where(path, n)}: def is_city_office")
    return out


def _caught(handler: ast.ExceptHandler) -> set[str]:
    if handler.type is None:
        return set()
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {_name(t) for t in types}


def hits_catches(path: Path, tree: ast.AST) -> list[str]:
    out = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Try):
            caught = set().union(*(_caught(h) for h in n.handlers)) & DOMAIN_ERRORS
            if caught:
                out.append(f"{_where(path, n)}: try … except {', '.join(sorted(caught))}")
    return out


RULES = {
    "a: .objects in views/api/commands": (edge_files, hits_orm),
    "b: unscoped *_get() in views/api/commands": (edge_files, hits_getter),
    "c: role literal / Role.X / is_city_office outside accounts": (role_files, hits_roles),
    "d: try/except of a domain error in views/api": (page_files, hits_catches),
}


def scan() -> dict[str, list[str]]:
    trees: dict[Path, ast.AST] = {}
    found: dict[str, list[str]] = {}
    for rule, (files, check) in RULES.items():
        found[rule] = []
        for path in files():
            if path not in trees:
                trees[path] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            found[rule] += sorted(check(path, trees[path]), key=_line)
    return found


def _line(hit: str) -> int:
    return int(hit.split(":")[1])


def summary(found: dict[str, list[str]]) -> str:
    lines = ["counts per rule:"]
    for rule, hits in found.items():
        per_app = Counter(h.split("/")[2] for h in hits)
        apps = ", ".join(f"{app} {n}" for app, n in sorted(per_app.items()))
        lines.append(f"  {rule}: {len(hits)}" + (f" ({apps})" if apps else ""))
    for rule, hits in found.items():
        if hits:
            lines.append(f"\n{rule}:")
            lines += [f"  {h}" for h in hits]
    return "\n".join(lines)


def test_the_scan_sees_the_edges() -> None:
    """The rules look where the edges are (a moved or renamed module must not silence them)."""
    assert len(edge_files()) >= 15
    assert any(p.name == "api.py" for p in edge_files())
    assert any("management" in p.parts for p in edge_files())
    assert len(role_files()) > len(edge_files())


def test_no_orm_unscoped_getter_role_idiom_or_domain_catch_in_the_edges() -> None:
    found = scan()
    assert not any(found.values()), summary(found)
