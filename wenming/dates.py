"""Reading the date spellings people type (2022-03-05, 2022/3/5, 2022.3.5, 2022年3月5日, 20220305,
and, when the year is known from the plan, 3月5日 or 3.5)."""

from __future__ import annotations

import re
from datetime import date

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_LOOSE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_NO_YEAR = re.compile(r"^\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?\s*$")


class DateError(ValueError):
    """A date that cannot be read, with a Chinese explanation."""


def _build(text: str, year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise DateError(
            f"日期“{text}”不存在（{int(year)}年没有{int(month)}月{int(day)}日）"
        ) from None


def parse_iso(text: str) -> date:
    """The canonical form files use: YYYY-MM-DD, and the date must exist."""
    match = _ISO.match(text.strip())
    if not match:
        loose = _LOOSE.match(text)
        hint = (
            f"，例如 {_build(text, *loose.groups()).isoformat()}" if loose else "，例如 2022-03-05"
        )
        raise DateError(f"日期“{text}”格式不对，应写成 YYYY-MM-DD{hint}")
    return _build(text, *match.groups())


def spellings(year: int) -> str:
    """The accepted spellings, with `year` in the examples."""
    return f"{year}-03-05、{year}/3/5、{year}.3.5、{year}年3月5日、{year}0305、3月5日 或 3.5"


def parse_loose(text: str, year: int | None = None) -> date:
    """Any spelling a person types at the terminal; `year` completes one without a year."""
    match = _LOOSE.match(text) or _COMPACT.match(text)
    if match:
        return _build(text, *match.groups())
    short = _NO_YEAR.match(text)
    if short and year is not None:
        return _build(text, str(year), *short.groups())
    example = year if year is not None else date.today().year
    raise DateError(f"无法识别日期“{text}”，可写成 {spellings(example)}")
