"""Input of the personal-information pages: the erasure confirmation and the read log's filters."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

from xiangcun.core.inputs import Accepted, Date, Text, blank_is_none


class ErasureIn(Schema):
    """Delete my personal data: confirmed with the account's password and a ticked box."""

    model_config = ConfigDict(extra="forbid")

    password: str = Field(..., min_length=1, max_length=128, title="密码")
    confirm: Accepted = Field(..., title="我已了解注销后账号不能恢复")


class ReadLogQuery(Schema):
    """The city office's filters of the read log (all optional)."""

    model_config = ConfigDict(extra="ignore")

    reader: Annotated[Text(150, required=False) | None, blank_is_none] = Field(None, title="查看人用户名")  # type: ignore[valid-type]
    model: Annotated[Text(60, required=False) | None, blank_is_none] = Field(None, title="数据类别")  # type: ignore[valid-type]
    pk: Annotated[Text(40, required=False) | None, blank_is_none] = Field(None, title="记录编号")  # type: ignore[valid-type]
    since: Annotated[Date | None, blank_is_none] = Field(None, title="起始日期")
    until: Annotated[Date | None, blank_is_none] = Field(None, title="结束日期")

    def dates_ordered(self) -> bool:
        return self.since is None or self.until is None or self.since <= self.until


__all__ = ["ErasureIn", "ReadLogQuery", "dt"]
