"""``xiangcun makemessages``: Django's, knowing the platform's message keywords.

Error messages are Chinese msgids passed to ``Msg(...)``, to the error classes and to a few helpers
that build them (``core/errors.py``); xgettext extracts them with these keywords, so that
``make messages`` keeps their English translations (``tests/test_messages.py`` checks none is lost).
"""

from __future__ import annotations

from django.core.management.commands import makemessages

KEYWORDS = [
    "Msg",
    "N_",
    "ShareError",
    "N_",
    "ShareError",
    "ApplicationError",
    "NotFoundError",
    "AccessDenied",
    "NotAuthenticated",
    "InputProblem",
    "IdentityError",
    "InputError",
    "FieldProblem",
    "ContractError",
    "PolicyError:4",
    "ValuationError",
    "SettlementError",
    "SelectionError",
    "FileProblem",
    "fail:2",
    "_fail",
    "_require:3",
    "_error:2",
]


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, *(f"--keyword={k}" for k in KEYWORDS)]
