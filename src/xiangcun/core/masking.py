"""Masking of personal identifiers for readers who do not need them in full. Pure Python, no Django.

One rule for every phone format (``core.identity.parse_phone`` reads them): a mobile keeps its first
three and last four digits (``139****5678``); a landline keeps its area code and the last four digits
of the local number (``0635-***1234``), an extension stays (it names a desk, not a person). Whatever
is masked, no seven consecutive digits of the number survive (tests/…/test_masking.py says so with
hypothesis). ``mask_phones_in`` does the same for every phone number inside free text (a notice's
contact line or description), leaving the rest of the text as it was.
"""

from __future__ import annotations

import re

from xiangcun.core.identity import IdentityError, area_code_length, parse_phone

__all__ = ["mask_id_number", "mask_name", "mask_phone", "mask_phones_in"]


def _mask_digits(text: str, *, head: int, tail: int) -> str:
    """``text`` with every digit but the first ``head`` and the last ``tail`` replaced by ``*``; other
    characters (separators) stay where they are."""
    total = sum(c.isdigit() for c in text)
    out, seen = [], 0
    for c in text:
        if c.isdigit():
            out.append(c if seen < head or seen >= total - tail else "*")
            seen += 1
        else:
            out.append(c)
    return "".join(out)


def _mask_unparsed(text: str) -> str:
    """A stored value that is no phone number we know: a long one keeps 3 + 4 digits, a medium one its
    last 4, a short one nothing."""
    digits = sum(c.isdigit() for c in text)
    if digits >= 11:
        return _mask_digits(text, head=3, tail=4)
    if digits >= 7:
        return _mask_digits(text, head=0, tail=4)
    return "****"


def mask_phone(phone: str) -> str:
    """Any phone number, masked in its stored form: ``+86 139-1234-5678`` → ``139****5678``,
    ``0635-8231234转801`` → ``0635-***1234转801``; empty stays empty."""
    text = phone.strip()
    if not text:
        return ""
    try:
        number = parse_phone(text)
    except IdentityError:
        return _mask_unparsed(text)
    if number.kind == "mobile":
        return f"{number.number[:3]}****{number.number[-4:]}"
    local = number.number
    masked = f"{number.area}-{'*' * (len(local) - 4)}{local[-4:]}"
    return f"{masked}转{number.extension}" if number.extension else masked


def mask_name(name: str) -> str:
    """``张三丰`` → ``张**``: the surname stays, the given name is hidden."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def mask_id_number(value: str) -> str:
    """Resident ID ``370000199001011234`` → ``3700**********1234``."""
    value = value.strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


# Full-width digits and signs as ASCII, one character for one (positions stay, the rest of the text too).
_FULL_WIDTH = str.maketrans("０１２３４５６７８９＋－", "0123456789+-")
_SEP = r"[\s\-.·()（）\u2010-\u2015\u2212\uff0d]"
_PHONE_IN_TEXT = re.compile(
    rf"""
    (?<![0-9])
    (?:(?P<intl>\(?\s?(?:(?:\+|00)\s?86|86(?=1[3-9][0-9]{{9}}(?![0-9])))\s?\)?){_SEP}*)?
    (?:
        (?P<mobile>1[3-9][0-9](?:{_SEP}{{0,3}}[0-9]){{8}})
      | (?P<landline>[(（]?(?(intl)0?|0)[1-9][0-9]{{1,2}}[)）]?{_SEP}*[0-9]{{3,4}}{_SEP}{{0,3}}[0-9]{{3,4}})
        (?P<ext>\s*(?:转|分机|ext\.?|x|\#|-)\s*[0-9]{{1,6}})?
    )
    (?![0-9])
    """,
    re.VERBOSE | re.IGNORECASE,
)


def _mask_match(match: re.Match[str]) -> str:
    intl = match.group("intl") or ""
    rest = match.group(0)[len(intl) :] if intl else match.group(0)
    if match.group("mobile"):
        mobile = match.group("mobile")
        return match.group(0)[: match.start("mobile") - match.start()] + _mask_digits(mobile, head=3, tail=4)
    landline = match.group("landline")
    digits = "".join(c for c in landline if c.isdigit())
    zero_added = not digits.startswith("0")
    head = area_code_length(digits if not zero_added else "0" + digits) - (1 if zero_added else 0)
    ext = match.group("ext") or ""
    lead = rest[: len(rest) - len(landline) - len(ext)]
    return intl + lead + _mask_digits(landline, head=head, tail=4) + ext


def mask_phones_in(text: str) -> str:
    """Every phone number inside free text masked, whatever its format: ``石志建 13330016197`` →
    ``石志建 133****6197``; ``电话：0635-8231234`` → ``电话：0635-***1234``. Full-width digits in the text
    come back as ASCII digits; everything else is left as it was."""
    return _PHONE_IN_TEXT.sub(_mask_match, text.translate(_FULL_WIDTH))
