"""Masking of personal identifiers for roles that do not need them in full."""

from __future__ import annotations


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
