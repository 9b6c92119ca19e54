"""Working days in Kazakhstan (the `holidays` package's calendar), and the park's review clock: 15 working
days from submission (DESIGN.md).

The clock is computed once: `clock_start()` says in SQL on which day it starts (the queue sorts and filters
by it; the review screen reads the same annotation), `review_clock()` says when it is due and how many
working days are left.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.db.models import Case, DateField, F, When
from django.db.models.functions import TruncDate

from .workflow import CLOCK_RUNNING

REVIEW_PERIOD_WORKING_DAYS = 15


@lru_cache(maxsize=1)
def _calendar() -> holidays.HolidayBase:
    """Kazakhstan's calendar of the `holidays` package: its public holidays, the days off moved onto
    weekdays, and the weekend days the government made working days (e.g. Saturday 04.05.2024). Years are
    added as they are asked for."""
    return holidays.country_holidays("KZ")


def is_working_day(day: datetime.date) -> bool:
    return _calendar().is_working_day(day)


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `start` (the start day itself does not count)."""
    return _calendar().get_nth_working_day(start, count) if count else start


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]; negative when `end` is before `start`."""
    if end == start:
        return 0
    if end < start:
        return -working_days_between(end, start)
    return _calendar().get_working_days_count(start + datetime.timedelta(days=1), end)


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


# --- the review clock of an application -------------------------------------------------------------------


def clock_start():
    """The day the park's 15 working days start, as an expression for `annotate(clock_from=...)`: the
    reference date for the first submission (the date received, for an application registered by staff);
    the day (in Astana) of the latest submission after the applicant answered a request for changes."""
    return Case(
        When(submission_count__gt=1, then=TruncDate("submitted_at")),
        default=F("reference_date"),
        output_field=DateField(),
    )


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
    """The clock of an application annotated with `clock_from` (clock_start()); None while it does not run
    (the application is not awaiting the park)."""
    if application.status not in CLOCK_RUNNING or not application.clock_from:
        return None
    return ReviewClock(review_due_on(application.clock_from), working_days_left(application.clock_from, today))
