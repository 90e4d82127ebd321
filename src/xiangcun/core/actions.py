"""Actions: the buttons a user may press now on an object, as the object's own app decides them.

Every app whose objects move through a workflow offers ``<entity>_actions_for(user, obj) -> Actions``
in its selectors: the steps ``user`` may take on ``obj`` now, decided with the same capability
(``accounts.permissions.can``) and the same state rules its service checks — so that a button the page
shows is one the service accepts, and a step it refuses has no button — and, when none of the steps
moves the object on, one line saying who acts next ("等待乡镇管理员审核"). Views and templates never
re-derive the rules: they render what the selector returns.

The pages render an action with ``web/_action_button.html`` (or ``web/_action_form.html`` for a step
that posts nothing but itself, a reason and the state the page showed):

* ``label`` names the verb ("提交审核", "确认签署"), never the state the step leads to;
* ``style``: the step forward is ``primary``; a return, a withdrawal or a termination ``secondary``
  or ``danger`` (classes of ``web/static/web/site.css``);
* ``confirm`` is the question ``web/static/web/site.js`` asks before an irreversible step
  (``data-confirm``); the server never depends on it;
* ``reason`` labels the reason field the step takes (required unless ``reason_required`` is false);
* ``value`` is what the form posts to name the step (``to_status``, ``action``, ``decision``);
* ``side`` marks a task beside the workflow (answering an objection, a year's settlement): it does
  not hide the line saying who takes the next step.

Pure: no Django. Labels and questions are messages (``Msg``), rendered in the page's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from xiangcun.core.errors import Message

PRIMARY = "primary"
SECONDARY = "secondary"
DANGER = "danger"
STYLES = (PRIMARY, SECONDARY, DANGER)


@dataclass(frozen=True, slots=True)
class Action:
    """One step a user may take now: its stable ``code``, the button and what the form posts."""

    code: str  # unique among one object's actions: "submit", "sign", "withdraw"
    label: Message
    style: str = PRIMARY
    confirm: Message | None = None
    reason: Message | None = None
    reason_required: bool = True
    value: str = ""
    side: bool = False  # beside the workflow (答复异议, 计算年度分配): does not move the object on

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"unknown action style {self.style!r}")

    @property
    def forward(self) -> bool:
        """The step moves the object on (not a return, a withdrawal, a termination or a side task)."""
        return self.style == PRIMARY and not self.side


@dataclass(frozen=True, slots=True)
class Actions:
    """The actions a user may take on one object now, and who acts next when none moves it on."""

    items: tuple[Action, ...] = ()
    waiting: Message | None = None
    _codes: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_codes", frozenset(a.code for a in self.items))

    def __iter__(self) -> Iterator[Action]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __contains__(self, code: object) -> bool:
        return code in self._codes

    @property
    def codes(self) -> list[str]:
        return [a.code for a in self.items]

    def get(self, code: str) -> Action | None:
        return next((a for a in self.items if a.code == code), None)

    def __getitem__(self, code: str) -> Action:
        """The action ``code`` (templates: ``{% if actions.settle %}…{{ actions.settle.label }}``)."""
        action = self.get(code)
        if action is None:
            raise KeyError(code)
        return action

    @property
    def status(self) -> Message | None:
        """The line "who acts next", shown when the user has no step forward of their own."""
        if any(a.forward for a in self.items):
            return None
        return self.waiting


def _rank(action: Action) -> int:
    return 0 if action.forward else 1 if action.style == PRIMARY else 2 if action.style == SECONDARY else 3


def actions_of(items: Iterable[Action], waiting: Message | None = None) -> Actions:
    """The actions in the order a page shows them: the step forward first, then side tasks, a return
    or a withdrawal, and a termination last (each group in the order given)."""
    return Actions(tuple(sorted(items, key=_rank)), waiting)


__all__ = ["DANGER", "PRIMARY", "SECONDARY", "STYLES", "Action", "Actions", "actions_of"]
