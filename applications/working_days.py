"""Working days in Kazakhstan: weekdays that are not public holidays (the `holidays` package knows them).

The park reviews an application within 15 working days of its submission (DESIGN.md).
"""

import datetime
from functools import lru_cache

import holidays

REVIEW_PERIOD_WORKING_DAYS = 15


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("KZ", years=year).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `start` (the start day itself does not count)."""
    day = start
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]; negative when `end` is before `start`."""
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def review_due_on(clock_from: datetime.date) -> datetime.date:
    """The last day of the review period of an application whose clock started on `clock_from`."""
    return add_working_days(clock_from, REVIEW_PERIOD_WORKING_DAYS)


def working_days_left(clock_from: datetime.date, today: datetime.date) -> int:
    """Working days left until the due date; 0 on the due date itself, negative once overdue."""
    return working_days_between(today, review_due_on(clock_from))


def latest_clock_start_due_by(day: datetime.date) -> datetime.date:
    """The latest clock start whose review period ends on or before `day`.

    The due date never moves backwards as the start moves forwards, so "due on or before `day`" is simply
    `clock_from <= this date`, and "due on or after `day`" is `clock_from > latest_clock_start_due_by(day - 1)`:
    filters the database can run.
    """
    start = day - datetime.timedelta(days=1)
    while review_due_on(start) > day:
        start -= datetime.timedelta(days=1)
    return start


def latest_clock_start_overdue_on(today: datetime.date) -> datetime.date:
    """The latest clock start whose review period has ended before `today` ("overdue": `clock_from <= it`)."""
    return latest_clock_start_due_by(today - datetime.timedelta(days=1))


def working_days_ago(today: datetime.date, count: int) -> datetime.date:
    """The latest day from which `count` working days have passed by `today` (working_days_between >= count)."""
    day, passed = today, 0
    while passed < count:
        if is_working_day(day):
            passed += 1
        day -= datetime.timedelta(days=1)
    return day
