"""乡村振兴合伙人数字平台 — the Rural Revitalization Partner Platform."""

__version__ = "0.1.0"
