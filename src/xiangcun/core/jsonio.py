"""JSON out of the API, fast: orjson when it is installed, the standard library otherwise.

Both give the same JSON for everything the API returns. Types JSON has no word for are written as
ninja and Django write them (``NinjaJSONEncoder``): ``Decimal`` as a string, a datetime as ISO 8601 to
the millisecond with ``Z`` for UTC, a lazy translation as its text, a pydantic model as its dump.
orjson is handed dates and times back for that (``OPT_PASSTHROUGH_DATETIME``: its own format keeps the
microseconds and writes ``+00:00``). Output is compact UTF-8 (no spaces, Chinese as is).

A value orjson refuses (an integer beyond 64 bits, say) is written by the standard library instead:
never a 500 for a choice of library.
"""

from __future__ import annotations

import json
from typing import Any

from ninja.responses import NinjaJSONEncoder

try:  # pragma: no cover - which branch runs depends on the installation
    import orjson
except ImportError:  # pragma: no cover
    orjson = None  # type: ignore[assignment]

HAVE_ORJSON = orjson is not None

_ENCODER = NinjaJSONEncoder()


def _default(value: Any) -> Any:
    """What orjson cannot write itself, as ninja's encoder writes it (numpy scalars as numbers)."""
    if isinstance(value, float):
        return float(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        return item()
    return _ENCODER.default(value)


def dumps_stdlib(value: Any) -> bytes:
    return json.dumps(value, cls=NinjaJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


if orjson is not None:
    _OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY

    def dumps(value: Any) -> bytes:
        """``value`` as compact UTF-8 JSON bytes."""
        try:
            return orjson.dumps(value, default=_default, option=_OPTIONS)
        except TypeError:  # orjson.JSONEncodeError: an int beyond 64 bits, a type it does not know
            return dumps_stdlib(value)

else:
    dumps = dumps_stdlib
