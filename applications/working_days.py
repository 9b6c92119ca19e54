"""Working days in Kazakhstan (the `holidays` package's calendar), and the park's review clock: 15 working
days from submission (DESIGN.md).

The clock is computed once: `clock_start_of()` says on which day it starts (kept in the indexed column
`Application.clock_from`, which the queue sorts and filters on), `review_clock()` says when it is due and how
many working days are left. Working days are a sorted list searched by bisection: one due date is O(log n).
"""

import datetime
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.utils import timezone

from .workflow import CLOCK_RUNNING

REVIEW_PERIOD_WORKING_DAYS = 15


@lru_cache(maxsize=1)
def _holidays() -> holidays.HolidayBase:
    """Kazakhstan's calendar of the `holidays` package: its public holidays, the days off moved onto
    weekdays, and the weekend days the government made working days (e.g. Saturday 04.05.2024)."""
    return holidays.country_holidays("KZ")


class _WorkingDays:
    """Every working day of the years asked for so far, as one sorted list: "is it a working day", "the n-th
    working day after", "how many between" are each a binary search (O(log n)) instead of a walk day by day.
    A year's days are worked out from the `holidays` calendar once per process, the first time it is needed."""

    def __init__(self):
        self.first_year = self.last_year = None
        self.days: list[datetime.date] = []

    def cover(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        """The sorted working days, covering at least the years from `first` to `last` (and one either side)."""
        low, high = first.year - 1, last.year + 1
        if self.first_year is None or low < self.first_year or high > self.last_year:
            low = low if self.first_year is None else min(low, self.first_year)
            high = high if self.last_year is None else max(high, self.last_year)
            calendar = _holidays()
            day, end, days = datetime.date(low, 1, 1), datetime.date(high, 12, 31), []
            while day <= end:
                if calendar.is_working_day(day):
                    days.append(day)
                day += ONE_DAY
            self.days, self.first_year, self.last_year = days, low, high  # one assignment each: never half-built
        return self.days


ONE_DAY = datetime.timedelta(days=1)
_working_days = _WorkingDays()


def is_working_day(day: datetime.date) -> bool:
    days = _working_days.cover(day, day)
    index = bisect_left(days, day)
    return index < len(days) and days[index] == day


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `start` (the start day itself does not count)."""
    if not count:
        return start
    # About 250 working days a year: cover the years the count can reach.
    reach = start + datetime.timedelta(days=count * 2 + 14)
    days = _working_days.cover(min(start, reach), max(start, reach))
    if count > 0:
        return days[bisect_right(days, start) + count - 1]
    return days[bisect_left(days, start) + count]


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]; negative when `end` is before `start`."""
    if end == start:
        return 0
    if end < start:
        return -working_days_between(end, start)
    days = _working_days.cover(start, end)
    return bisect_right(days, end) - bisect_right(days, start)


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
    filters the database can run. (The due date is the 15th working day after the start: the day before the
    15th working day counted back from the last working day on or before `day`.)
    """
    days = _working_days.cover(day - datetime.timedelta(days=60), day)
    last = bisect_right(days, day) - 1
    return days[last - REVIEW_PERIOD_WORKING_DAYS + 1] - ONE_DAY


def latest_clock_start_overdue_on(today: datetime.date) -> datetime.date:
    """The latest clock start whose review period has ended before `today` ("overdue": `clock_from <= it`)."""
    return latest_clock_start_due_by(today - ONE_DAY)


def working_days_ago(today: datetime.date, count: int) -> datetime.date:
    """The latest day from which `count` working days have passed by `today` (working_days_between >= count)."""
    if count <= 0:
        return today
    days = _working_days.cover(today - datetime.timedelta(days=count * 2 + 14), today)
    return days[bisect_right(days, today) - count] - ONE_DAY


# --- the review clock of an application -------------------------------------------------------------------


def clock_start_of(application) -> datetime.date | None:
    """The day the park's 15 working days start: the reference date for the first submission (the date
    received, for an application registered by staff); the day (in Astana) of the latest submission after the
    applicant answered a request for changes. Application.save() keeps it in `Application.clock_from`, which
    the queue sorts and filters on (indexed)."""
    if application.submission_count > 1:
        return timezone.localdate(application.submitted_at) if application.submitted_at else None
    return application.reference_date


@dataclass(frozen=True)
class ReviewClock:
    due_on: datetime.date
    days_left: int  # 0 on the due date, negative once overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.overdue else 0


def review_clock(application, today: datetime.date) -> ReviewClock | None:
    """The clock of an application (from its `clock_from`); None while it does not run (the application is
    not awaiting the park)."""
    if application.status not in CLOCK_RUNNING or not application.clock_from:
        return None
    due_on = review_due_on(application.clock_from)
    return ReviewClock(due_on, working_days_between(today, due_on))
