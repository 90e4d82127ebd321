"""Every error message the code raises has its English translation, with matching placeholders.

Error messages are gettext msgids in Chinese (``core/errors.py``). This test reads the source the way
``xiangcun makemessages`` does: every Chinese string literal passed to ``Msg(...)`` or to an error
constructor is a msgid that must have a non-empty msgstr in ``locale/en``, and the ``{placeholders}``
of both texts must be keyword arguments of the ``Msg`` call. Without it, an English page would show a
Chinese error, or rendering would fail with a ``KeyError``.
"""

from __future__ import annotations

import ast
import gettext
import re
import string
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "xiangcun"
PO = SRC / "locale" / "en" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Callables whose Chinese string arguments are messages: Msg, the error classes and the helpers that
# build them (names ending like these).
MESSAGE_CALLS = re.compile(
    r"(^Msg$|^N_$|Error$|Denied$|NotAuthenticated$|Problem$|(^|\.|_)fail$|^_require$|^_error$)"
)


def _catalogue() -> dict[str, str]:
    """msgid → msgstr of the English catalogue, read line by line from the .po file."""
    entries: dict[str, str] = {}
    current: dict[str, list[str]] = {}
    key = ""

    def flush() -> None:
        if "msgid" in current and "msgstr" in current:
            entries["".join(current["msgid"])] = "".join(current["msgstr"])

    for line in PO.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            flush()
            current, key = {"msgid": [ast.literal_eval(line[6:])]}, "msgid"
        elif line.startswith("msgstr "):
            current["msgstr"], key = [ast.literal_eval(line[7:])], "msgstr"
        elif line.startswith('"') and key:
            current[key].append(ast.literal_eval(line))
        else:
            key = ""
    flush()
    return entries


def _func_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_func_name(node.value)}.{node.attr}"
    return ""


def _messages() -> list[tuple[str, str, set[str] | None]]:
    """(where, msgid, keyword names or None when the call is not ``Msg``) for every message literal."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _func_name(node.func)
            if name.endswith("CommandError") or not MESSAGE_CALLS.search(name):
                continue
            keywords = {k.arg for k in node.keywords if k.arg} if name == "Msg" else None
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and CJK.search(arg.value):
                    where = f"{path.relative_to(SRC)}:{node.lineno}"
                    found.append((where, arg.value, keywords))
    return found


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


MESSAGES = _messages()
CATALOGUE = _catalogue()


def test_the_source_raises_many_messages() -> None:
    # Guards the scanner itself: if it stopped finding messages the checks below would pass vacuously.
    assert len(MESSAGES) > 300


@pytest.mark.parametrize(("where", "msgid", "keywords"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_message_has_an_english_translation(where: str, msgid: str, keywords: set[str] | None) -> None:
    msgstr = CATALOGUE.get(msgid, "")
    assert msgstr, f"{where}: no English translation for {msgid!r} in locale/en/LC_MESSAGES/django.po"
    if keywords is not None:
        missing = (_placeholders(msgid) | _placeholders(msgstr)) - keywords
        assert not missing, (
            f"{where}: placeholders {sorted(missing)} of {msgid!r} / {msgstr!r} are not passed"
        )


def test_an_error_renders_in_both_languages() -> None:
    from xiangcun.core.errors import ApplicationError, Msg

    error = ApplicationError(Msg("第 {number} 行：{message}", number=3, message=Msg("请先登录")), field="x")
    assert error.as_dict() == {
        "error": "第 3 行：请先登录",
        "error_en": "row 3: authentication required",
        "field": "x",
    }


def test_the_compiled_catalogue_is_current() -> None:
    mo = PO.with_suffix(".mo")
    catalogue = gettext.GNUTranslations(mo.open("rb"))
    assert catalogue.gettext("请先登录") == "authentication required"
