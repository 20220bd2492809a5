"""Calendar spans a plan is judged by: months, quarters, halves, years, festival and fixed-date windows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .model import FESTIVALS, FestivalReq, Period, Plan

# Lunar month and day of each traditional festival; 清明 is a solar term, not a lunar date.
LUNAR_FESTIVALS: dict[str, tuple[int, int]] = {
    "春节": (1, 1),
    "元宵": (1, 15),
    "端午": (5, 5),
    "七夕": (7, 7),
    "中秋": (8, 15),
    "重阳": (9, 9),
}
SOLAR_TERM_FESTIVALS = {"清明": "清明"}
_QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")


@dataclass(frozen=True, order=True)
class Span:
    """An inclusive date range with the Chinese name people call it by."""

    start: date
    end: date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def middle(self) -> date:
        return self.start + (self.end - self.start) // 2


@dataclass(frozen=True, order=True)
class Window:
    """A named day and the ± days around it in which an activity counts for it."""

    day: date
    start: date
    end: date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    if month == 12:  # no step into the next year: 9999-12 has no 10000-01 after it
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def _calendar_span(per: Period, year: int, index: int) -> tuple[date, date, str]:
    """The index-th (1-based) month/quarter/half of a year, or the year itself."""
    if per == "month":
        return date(year, index, 1), _month_end(year, index), f"{index}月"
    if per == "quarter":
        first = 3 * index - 2
        return date(year, first, 1), _month_end(year, first + 2), _QUARTERS[index - 1]
    if per == "half":
        first = 1 if index == 1 else 7
        return (
            date(year, first, 1),
            _month_end(year, first + 5),
            "上半年" if index == 1 else "下半年",
        )
    return date(year, 1, 1), date(year, 12, 31), "全年"


_PER_YEAR: dict[str, int] = {"month": 12, "quarter": 4, "half": 2, "year": 1}


def periods(per: Period, start: date, end: date) -> tuple[Span, ...]:
    """The calendar periods that overlap [start, end], clipped to it, in order.

    Labels carry the year only when the range spans more than one calendar year.
    """
    if end < start:
        return ()
    with_year = start.year != end.year
    spans: list[Span] = []
    for year in range(start.year, end.year + 1):
        for index in range(1, _PER_YEAR[per] + 1):
            first, last, label = _calendar_span(per, year, index)
            if last < start or first > end:
                continue
            if per == "year" and not with_year and (first < start or last > end):
                label = "计划期内"
            elif with_year:
                label = f"{year}年" + ("" if per == "year" else label)
            spans.append(Span(max(first, start), min(last, end), label))
    return tuple(spans)


# Festival dates by year: worked out by lunar_python, or remembered from the local cache.
_FESTIVAL_DATES: dict[int, dict[str, date]] = {}


def remember_festivals(dates: Mapping[int, Mapping[str, date]]) -> None:
    """Festival dates worked out in an earlier run, so that this one need not load lunar_python."""
    for year, days in dates.items():
        _FESTIVAL_DATES.setdefault(year, dict(days))


def plan_festivals(plan: Plan) -> dict[int, dict[str, date]]:
    """The festival dates a plan's festival requirements are judged by (none if it has none)."""
    if not any(
        isinstance(r, FestivalReq) for task in plan.tasks.values() for r in task.requirements
    ):
        return {}
    return {year: festival_dates(year) for year in range(plan.start.year, plan.end.year + 1)}


def festival_dates(year: int) -> dict[str, date]:
    """The Gregorian dates of the seven traditional festivals in `year` (from lunar_python)."""
    known = _FESTIVAL_DATES.get(year)
    if known is not None:
        return known
    from lunar_python import Lunar  # heavy; only needed when a plan has festival requirements

    result: dict[str, date] = {}
    for name in FESTIVALS:
        try:
            if name in SOLAR_TERM_FESTIVALS:
                # Any lunar date early in the year sees the spring solar terms of that year.
                table = Lunar.fromYmd(year, 1, 1).getJieQiTable()
                solar = table[SOLAR_TERM_FESTIVALS[name]]
            else:
                month, day = LUNAR_FESTIVALS[name]
                solar = Lunar.fromYmd(year, month, day).getSolar()
            result[name] = date(solar.getYear(), solar.getMonth(), solar.getDay())
        except (ValueError, OverflowError, IndexError, KeyError):
            # Near year 1 or 9999 the lunar tables give no real date: no window that year.
            continue
    _FESTIVAL_DATES[year] = result
    return result


def festival_windows(
    names: tuple[str, ...], window_days: int, start: date, end: date
) -> tuple[Window, ...]:
    """A window around each named festival whose day falls inside [start, end]."""
    with_year = start.year != end.year
    windows: list[Window] = []
    for year in range(start.year, end.year + 1):
        days = festival_dates(year)
        for name in names:
            day = days.get(name)
            if day is None or not start <= day <= end:
                continue
            label = f"{year}年{name}" if with_year else name
            windows.append(_window(day, window_days, label))
    return tuple(sorted(windows))


def fixed_date_windows(
    month: int, day: int, window_days: int, label: str, start: date, end: date
) -> tuple[Window, ...]:
    """A window around MM-DD in each year of [start, end] where that day exists and falls inside."""
    with_year = start.year != end.year
    windows: list[Window] = []
    for year in range(start.year, end.year + 1):
        try:
            the_day = date(year, month, day)
        except ValueError:  # 02-29 outside leap years
            continue
        if start <= the_day <= end:
            name = label or f"{month}月{day}日"
            windows.append(_window(the_day, window_days, f"{year}年{name}" if with_year else name))
    return tuple(windows)


def _window(day: date, window_days: int, label: str) -> Window:
    span = timedelta(days=max(window_days, 0))
    # Clamped at the ends of the calendar, where the arithmetic would overflow.
    start = day - span if day - date.min >= span else date.min
    end = day + span if date.max - day >= span else date.max
    return Window(day, start, end, label)
