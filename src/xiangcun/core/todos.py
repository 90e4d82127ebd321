"""To-dos: what is waiting for a user, as each app counts it for the desk (工作台).

Every app's selectors offer ``todos_for(user) -> list[Todo]``: one ``Todo`` per kind of work the user
is responsible for (notices awaiting their approval, partners awaiting verification, …), with the count
within the user's region, the first few cases (each a label and the page where it is done) and the page
that lists them all. A kind of work the user does not do is left out; one they do with nothing waiting
is kept with ``count == 0`` (the desk shows it as done). ``web`` collects them (it imports every app).

``title`` and ``rule`` are messages (a Chinese msgid or a ``Msg``), rendered in the page's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from xiangcun.core.errors import Message

T_co = TypeVar("T_co", covariant=True)

# How many cases of each kind the desk lists before "all N".
TODO_SAMPLE = 5


@dataclass(frozen=True, slots=True)
class TodoItem:
    label: str
    url: str
    note: Message = ""  # e.g. Msg("逾期 {days} 天", days=12); user text (a reason) as a plain str


@dataclass(frozen=True, slots=True)
class Todo:
    kind: str  # stable name: "notice.approve", "partner.verify", …
    title: Message
    count: int
    url: str  # the page where all of them are listed and done
    items: list[TodoItem] = field(default_factory=list)
    rule: Message | None = None  # how the to-do is defined, when it is not obvious (a due date rule)
    urgent: bool = False  # overdue: shown first and marked

    @property
    def more(self) -> int:
        """How many are not among ``items``."""
        return max(self.count - len(self.items), 0)


class _Counted(Protocol[T_co]):
    def count(self) -> int: ...
    def __getitem__(self, index: slice, /) -> Iterable[T_co]: ...


def todo_of(
    kind: str,
    title: Message,
    rows: _Counted[T_co] | Sequence[T_co],
    url: str,
    item: Callable[[T_co], TodoItem],
    **extra: Any,
) -> Todo:
    """A ``Todo`` from a query (anything with ``count()`` and slicing) or a list: its count, and the
    first ``TODO_SAMPLE`` rows as items (two queries; none for the rows when the count is 0)."""
    count = len(rows) if isinstance(rows, Sequence) else rows.count()
    items = [item(row) for row in rows[:TODO_SAMPLE]] if count else []
    return Todo(kind=kind, title=title, count=count, url=url, items=items, **extra)
