"""Region scoping: the one function every selector uses to limit what a user sees and edits.

A user's scope is a region; since official codes are hierarchical, "within the region" is a
prefix test on any stored region code (a village's 12-digit code, a town's 9, a county's 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet

from xiangcun.core import regioncodes
from xiangcun.core.errors import AccessDenied

if TYPE_CHECKING:
    from xiangcun.accounts.models import User

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    """``prefix`` is the code prefix the user governs; ``""`` is everything, ``None`` nothing."""

    prefix: str | None
    label: str = ""

    @property
    def is_official(self) -> bool:
        return self.prefix is not None

    @property
    def level(self) -> str:
        """The level of the region governed ("city", "county", "town", "village"; "" for none or all)."""
        try:
            return regioncodes.level_of(self.label) if self.label else ""
        except ValueError:
            return ""

    def q(self, field: str) -> Q:
        if self.prefix is None:
            return Q(pk__in=[])
        if self.prefix == "":
            return Q()
        return Q(**{f"{field}__startswith": self.prefix})

    def filter(self, queryset: QuerySet[M], field: str) -> QuerySet[M]:
        """Limit ``queryset`` to rows whose region code ``field`` lies in this scope.

        ``field`` names a character column holding an official code: the village's own ``code``,
        or through a foreign key ``village__code`` (not ``village_id``: Django allows no
        ``startswith`` on a relation's attname).
        """
        if self.prefix is None:
            return queryset.none()
        return queryset.filter(self.q(field))

    def contains(self, code: str) -> bool:
        if self.prefix is None:
            return False
        return code.startswith(self.prefix)

    def ensure(self, code: str, *, field: str | None = None) -> None:
        """Raise ``AccessDenied`` unless ``code`` lies in this scope."""
        if not self.contains(code):
            raise AccessDenied(field=field)


NOWHERE = Scope(prefix=None)
EVERYWHERE = Scope(prefix="", label="全部")


def user_scope(user: User | Any) -> Scope:
    """The region a user administers: the one function behind every scoped query and check."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOWHERE
    if user.is_superuser:
        return EVERYWHERE
    from xiangcun.accounts.models import ROLE_REGION_LEVEL

    if user.role not in ROLE_REGION_LEVEL or not user.region_code:
        return NOWHERE
    try:
        return Scope(prefix=regioncodes.prefix_of(user.region_code), label=user.region_code)
    except ValueError:
        return NOWHERE


def scoped(user: User | Any, queryset: QuerySet[M], field: str) -> QuerySet[M]:
    """Shorthand: ``queryset`` limited to ``user``'s region."""
    return user_scope(user).filter(queryset, field)
