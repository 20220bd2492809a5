"""Calendar spans and festival dates against the published calendar."""

from __future__ import annotations

from datetime import date

import pytest

from wenming.calendar import festival_dates, festival_windows, fixed_date_windows, periods

PUBLISHED = {
    2022: {
        "春节": date(2022, 2, 1),
        "元宵": date(2022, 2, 15),
        "清明": date(2022, 4, 5),
        "端午": date(2022, 6, 3),
        "七夕": date(2022, 8, 4),
        "中秋": date(2022, 9, 10),
        "重阳": date(2022, 10, 4),
    },
    2023: {
        "春节": date(2023, 1, 22),
        "元宵": date(2023, 2, 5),
        "清明": date(2023, 4, 5),
        "端午": date(2023, 6, 22),
        "七夕": date(2023, 8, 22),
        "中秋": date(2023, 9, 29),
        "重阳": date(2023, 10, 23),
    },
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_festival_dates_match_the_published_calendar(year: int) -> None:
    assert festival_dates(year) == PUBLISHED[year]


def test_qingming_is_the_solar_term_not_a_fixed_day() -> None:
    assert festival_dates(2024)["清明"] == date(2024, 4, 4)


def test_quarters_end_on_the_last_day_of_their_month() -> None:
    quarters = periods("quarter", date(2022, 1, 1), date(2022, 12, 31))
    assert [(q.start, q.end, q.label) for q in quarters] == [
        (date(2022, 1, 1), date(2022, 3, 31), "第一季度"),
        (date(2022, 4, 1), date(2022, 6, 30), "第二季度"),
        (date(2022, 7, 1), date(2022, 9, 30), "第三季度"),
        (date(2022, 10, 1), date(2022, 12, 31), "第四季度"),
    ]
    assert date(2022, 3, 31) in quarters[0] and date(2022, 3, 31) not in quarters[1]


def test_february_of_a_leap_year_has_29_days() -> None:
    months = periods("month", date(2024, 1, 1), date(2024, 12, 31))
    assert months[1].end == date(2024, 2, 29)
    assert periods("month", date(2023, 1, 1), date(2023, 12, 31))[1].end == date(2023, 2, 28)


def test_periods_are_clipped_to_the_plan_and_labelled_with_years_across_years() -> None:
    halves = periods("half", date(2022, 3, 15), date(2023, 2, 10))
    assert [(h.start, h.end, h.label) for h in halves] == [
        (date(2022, 3, 15), date(2022, 6, 30), "2022年上半年"),
        (date(2022, 7, 1), date(2022, 12, 31), "2022年下半年"),
        (date(2023, 1, 1), date(2023, 2, 10), "2023年上半年"),
    ]
    assert [y.label for y in periods("year", date(2022, 1, 1), date(2022, 12, 31))] == ["全年"]


def test_festival_window_crosses_a_month_boundary() -> None:
    (spring,) = festival_windows(("春节",), 7, date(2022, 1, 1), date(2022, 12, 31))
    assert (spring.start, spring.day, spring.end) == (
        date(2022, 1, 25),
        date(2022, 2, 1),
        date(2022, 2, 8),
    )
    assert date(2022, 1, 25) in spring and date(2022, 1, 24) not in spring


def test_windows_only_for_days_inside_the_plan_period() -> None:
    assert festival_windows(("重阳",), 7, date(2022, 1, 1), date(2022, 6, 30)) == ()
    assert fixed_date_windows(2, 29, 3, "", date(2022, 1, 1), date(2023, 12, 31)) == ()
    (leap,) = fixed_date_windows(2, 29, 3, "闰日", date(2024, 1, 1), date(2024, 12, 31))
    assert (leap.day, leap.label) == (date(2024, 2, 29), "闰日")


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(1, 1, 1), date(3, 12, 31)), (date(9997, 1, 1), date(9999, 12, 31))],
    ids=["year-1", "year-9999"],
)
def test_spans_and_windows_at_the_ends_of_the_calendar_never_overflow(
    start: date, end: date
) -> None:
    for per in ("month", "quarter", "half", "year"):
        spans = periods(per, start, end)
        assert spans[0].start == start and spans[-1].end == end
    windows = fixed_date_windows(12, 31, 60, "", start, end) + fixed_date_windows(
        1, 1, 60, "", start, end
    )
    assert all(date.min <= w.start <= w.day <= w.end <= date.max for w in windows)
    assert len(windows) == 6
    for window in festival_windows(("春节", "清明", "重阳"), 60, start, end):
        assert start <= window.day <= end
