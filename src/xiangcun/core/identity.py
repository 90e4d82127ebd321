"""Personal identifiers, checked and normalised: resident ID numbers, unified social credit codes and
Chinese phone numbers. Pure Python, no Django: the input field types (``core.inputs.Phone``,
``IdNumber``), the masking (``core.masking``) and the data migrations all call these functions.

Resident ID number (居民身份证号码, GB 11643-1999), 18 characters::

    AAAAAA YYYYMMDD SSS C        address code · birth date · sequence · check character
    C = "10X98765432"[ Σ_{i=0..16} d_i × w_i  mod 11 ],   w_i = 2^(17 − i) mod 11

(ISO 7064 MOD 11-2: it detects every single wrong digit and every swap of two adjacent digits.)
The address code must start with a province code, the birth date must exist, not lie in the future
and not before 1900.

Unified social credit code (统一社会信用代码, GB 32100-2015), 18 characters from the 31-character set
``0-9 A-H J-N P-R T U W-Y`` (no I, O, S, V, Z)::

    R T AAAAAA OOOOOOOOO C    registration authority · type · address code · organisation code · check
    C = CHARS[ (31 − Σ_{i=0..16} v(c_i) × 3^i mod 31) mod 31 ],   v(c) = CHARS.index(c)

Phone numbers: a mainland mobile (11 digits, ``1[3-9]…``) or a landline (area code ``0xx``/``0xxx`` and
a 7–8 digit local number, optionally an extension). Input is read as people type it: full-width digits
and symbols (NFKC), spaces, hyphens, dots and parentheses, a ``+86``/``0086`` prefix (a landline written
internationally drops its leading 0: ``+86 635 8231234``), an extension after 转/分机/ext/x/#. The stored
form is ``13912345678``, ``0635-8231234`` or ``0635-8231234转801``. Area codes of three characters are
010 and 020–029; all others have four.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from xiangcun.core.errors import N_, ApplicationError, Message, Msg

__all__ = [
    "IdentityError",
    "PhoneNumber",
    "id_check_char",
    "id_number_problem",
    "normalise_id_number",
    "normalise_phone",
    "parse_phone",
    "resident_id_problem",
    "uscc_check_char",
    "uscc_problem",
]


class IdentityError(ApplicationError):
    """An identifier that is not one: a Chinese message saying why (a 400 when it escapes)."""


# ------------------------------------------------------------------------------------------------
# Resident ID numbers (GB 11643-1999)

ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
ID_CHECK = "10X98765432"
PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)  # 71 台湾, 81 香港, 82 澳门, 83 港澳台居民居住证
EARLIEST_BIRTH = dt.date(1900, 1, 1)
_RESIDENT_ID = re.compile(r"[0-9]{17}[0-9X]")


def id_check_char(body: str) -> str:
    """The check character of the first 17 digits of a resident ID number."""
    if len(body) != 17 or not body.isascii() or not body.isdigit():
        raise ValueError("17 digits expected")
    return ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def looks_like_resident_id(value: str) -> bool:
    return _RESIDENT_ID.fullmatch(value) is not None


def resident_id_problem(value: str, *, today: dt.date) -> Message | None:
    """What is wrong with ``value`` (already normalised) as a resident ID number, or ``None``."""
    if not looks_like_resident_id(value):
        return N_("居民身份证号码应为 18 位（17 位数字加 1 位数字或 X）")
    if value[:2] not in PROVINCES:
        return Msg("居民身份证号码的地址码 {code} 不存在", code=value[:6])
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return Msg("居民身份证号码中的出生日期 {date} 不存在", date=value[6:14])
    if not EARLIEST_BIRTH <= born <= today:
        return Msg("居民身份证号码中的出生日期 {date} 不合理", date=born.isoformat())
    if id_check_char(value[:17]) != value[17]:
        return N_("居民身份证号码校验位不正确，请核对")
    return None


# ------------------------------------------------------------------------------------------------
# Unified social credit codes (GB 32100-2015)

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
USCC_AUTHORITIES = frozenset("123456789ANY")
_USCC = re.compile(rf"[{USCC_CHARS}]{{2}}[0-9]{{6}}[{USCC_CHARS}]{{10}}")


def uscc_check_char(body: str) -> str:
    """The check character of the first 17 characters of a unified social credit code."""
    if len(body) != 17 or any(c not in USCC_CHARS for c in body):
        raise ValueError("17 characters of the code's set expected")
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def uscc_problem(value: str) -> Message | None:
    """What is wrong with ``value`` (already normalised) as a unified social credit code, or ``None``."""
    if _USCC.fullmatch(value) is None:
        return N_("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）")
    if value[0] not in USCC_AUTHORITIES:
        return Msg("统一社会信用代码的登记管理部门代码 {code} 不存在", code=value[0])
    if uscc_check_char(value[:17]) != value[17]:
        return N_("统一社会信用代码校验位不正确，请核对")
    return None


# ------------------------------------------------------------------------------------------------
# Either of them: the partners' "身份证号/统一社会信用代码"

_ID_SEPARATORS = re.compile(r"[\s\-]+")


def normalise_id_number(text: str) -> str:
    """Full-width characters as ASCII, spaces and hyphens removed, letters upper-case."""
    return _ID_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()


def id_number_problem(value: str, *, today: dt.date) -> Message | None:
    """What is wrong with ``value`` (normalised) as a resident ID number or a unified social credit
    code, or ``None`` when it is a valid one of either. A value shaped like a resident ID number is
    judged as one unless it is a valid credit code."""
    if uscc_problem(value) is None:
        return None
    if looks_like_resident_id(value) or (len(value) == 18 and value[:17].isdigit()):
        return resident_id_problem(value, today=today)
    if len(value) == 15 and value.isdigit():
        return N_("15 位的一代身份证号码已停止使用，请填写 18 位居民身份证号码")
    if len(value) != 18:
        return N_("请填写 18 位居民身份证号码或统一社会信用代码")
    return uscc_problem(value)


def normalise_valid_id_number(text: str, *, today: dt.date) -> str:
    """``text`` normalised, or ``IdentityError`` saying what is wrong with it."""
    value = normalise_id_number(text)
    problem = id_number_problem(value, today=today)
    if problem is not None:
        raise IdentityError(problem)
    return value


# ------------------------------------------------------------------------------------------------
# Phone numbers

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SEPARATORS = re.compile(rf"[\s.·()\-{_DASHES}]+")
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*([0-9]{1,6})\s*$", re.IGNORECASE)
_PREFIX = re.compile(r"^\(?\s*(?:\+|00)\s*86\s*\)?")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LOCAL = re.compile(r"[2-9][0-9]{6,7}")
PHONE_MESSAGE = N_("请填写正确的手机号码（11 位）或固定电话（区号-号码，可带分机号）")


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A phone number taken apart: a mobile (``area`` empty) or a landline with its area code."""

    kind: str  # "mobile" | "landline"
    number: str  # the mobile's 11 digits, or the landline's local 7–8 digits
    area: str = ""  # "0635", "010"
    extension: str = ""

    @property
    def formatted(self) -> str:
        """The stored form: ``13912345678``, ``0635-8231234``, ``0635-8231234转801``."""
        if self.kind == "mobile":
            return self.number
        text = f"{self.area}-{self.number}"
        return f"{text}转{self.extension}" if self.extension else text

    @property
    def digits(self) -> str:
        """Area code and number as one digit string (no extension)."""
        return self.area + self.number


def area_code_length(digits: str) -> int:
    """3 for Beijing (010) and 020–029, else 4: the length of the area code ``digits`` starts with."""
    return 3 if digits.startswith(("010", "02")) else 4


def parse_phone(text: str) -> PhoneNumber:
    """``text`` as a mobile or a landline number, or ``IdentityError``."""
    value = unicodedata.normalize("NFKC", text).strip()
    extension = ""
    found = _EXTENSION.search(value)
    if found:
        extension, value = found.group(1), value[: found.start()]
    international = False
    prefix = _PREFIX.match(value)
    if prefix:
        international, value = True, value[prefix.end() :]
    groups = [g for g in _SEPARATORS.split(value) if g]
    if not groups or not all(g.isascii() and g.isdigit() for g in groups):
        raise IdentityError(PHONE_MESSAGE)
    digits = "".join(groups)
    if not international and len(digits) == 13 and digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        digits, groups = digits[2:], [digits[2:]]
    if _MOBILE.fullmatch(digits):
        if extension:
            raise IdentityError("手机号码不能带分机号")
        return PhoneNumber("mobile", digits)
    if international and not digits.startswith("0"):
        digits = "0" + digits
        groups[0] = "0" + groups[0]
    if not digits.startswith("0") or digits.startswith("00"):
        raise IdentityError(PHONE_MESSAGE)
    area_length = area_code_length(digits)
    area = digits[:area_length]
    local = digits[area_length:]
    if not extension and len(groups) > 1:
        # "0635-8231234-801": the local number ends with the first group that gives it 7 digits; the
        # groups after it are the extension.
        end = 0
        for group in groups:
            end += len(group)
            if end - area_length >= 7:
                break
        local, extension = digits[area_length:end], digits[end:]
    if not _LOCAL.fullmatch(local) or len(extension) > 6:
        raise IdentityError(PHONE_MESSAGE)
    return PhoneNumber("landline", local, area=area, extension=extension)


def normalise_phone(text: str) -> str:
    """The stored form of ``text`` (``""`` for a blank one), or ``IdentityError``."""
    if not text.strip():
        return ""
    return parse_phone(text).formatted
