"""Masking of personal identifiers for roles that do not need them in full."""

from __future__ import annotations

import re

_PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``; short or empty values are masked whole."""
    digits = phone.strip()
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "****" if digits else ""


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


def mask_phones_in(text: str) -> str:
    """Mask every mainland mobile number inside free text: ``石志建 13330016197`` → ``石志建 133****6197``."""
    return _PHONE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
