import datetime

from applications.working_days import (
    add_working_days,
    is_working_day,
    latest_clock_start_overdue_on,
    review_due_on,
    working_days_between,
    working_days_left,
)

D = datetime.date


def test_public_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(D(2025, 3, 8))  # Saturday, International Women's Day
    assert not is_working_day(D(2025, 3, 10))  # its observed day off
    assert not is_working_day(D(2025, 3, 21))  # Nowruz
    assert not is_working_day(D(2025, 12, 16))  # Independence Day
    assert is_working_day(D(2025, 3, 11))


def test_fifteen_working_days_skip_nowruz_and_womens_day():
    # From Monday 03.03.2025: 4-7 (4), 10 off, 11-14 (8), 17-20 (12), 21-25 Nowruz off, 26-28 (15).
    assert review_due_on(D(2025, 3, 3)) == D(2025, 3, 28)
    assert add_working_days(D(2025, 3, 3), 1) == D(2025, 3, 4)


def test_days_left_counts_down_and_goes_negative_when_overdue():
    assert working_days_left(D(2025, 3, 3), D(2025, 3, 3)) == 15
    assert working_days_left(D(2025, 3, 3), D(2025, 3, 28)) == 0
    assert working_days_left(D(2025, 3, 3), D(2025, 3, 31)) == -1
    assert working_days_between(D(2025, 3, 31), D(2025, 3, 28)) == -1


def test_overdue_cutoff_agrees_with_due_dates_every_day_of_a_year():
    """The queue filters "overdue" in SQL as clock_from <= cutoff(today): it must agree with the due dates."""
    for offset in range(0, 365, 3):
        today = D(2025, 1, 1) + datetime.timedelta(days=offset)
        cutoff = latest_clock_start_overdue_on(today)
        for back in range(0, 40):
            start = today - datetime.timedelta(days=back)
            assert (start <= cutoff) == (review_due_on(start) < today), (today, start)


def test_weekend_days_that_kazakhstan_made_working_days_count():
    """The government moves days off: Saturday 04.05.2024 and Sunday 05.01.2025 were working days (the
    `holidays` package's own working-day calendar knows them), so a clock started on 25.04.2024 is due on
    21.05.2024, not 22.05.2024."""
    assert is_working_day(D(2024, 5, 4)) and is_working_day(D(2025, 1, 5))
    assert not is_working_day(D(2024, 5, 5))  # the Sunday after stayed a day off
    assert review_due_on(D(2024, 4, 25)) == D(2024, 5, 21)
    assert working_days_between(D(2024, 5, 3), D(2024, 5, 6)) == 2  # Saturday 4th and Monday 6th
    assert working_days_left(D(2024, 4, 25), D(2024, 5, 21)) == 0


def test_counting_nothing_moves_nothing():
    assert add_working_days(D(2024, 5, 5), 0) == D(2024, 5, 5)
    assert working_days_between(D(2024, 5, 5), D(2024, 5, 5)) == 0


def test_the_precomputed_calendar_agrees_with_counting_day_by_day():
    """working_days.py searches a sorted list of working days (O(log n)); counting one day at a time with the
    `holidays` calendar gives the same answers, across years and the days Kazakhstan moved."""
    from applications.working_days import _holidays, latest_clock_start_due_by, working_days_ago

    calendar = _holidays()
    for offset in range(0, 3 * 365, 5):
        start = D(2023, 1, 1) + datetime.timedelta(days=offset)
        assert is_working_day(start) == calendar.is_working_day(start), start
        assert add_working_days(start, 15) == calendar.get_nth_working_day(start, 15), start
        assert add_working_days(start, 400) == calendar.get_nth_working_day(start, 400), start
        end = start + datetime.timedelta(days=offset % 97)
        slow = calendar.get_working_days_count(start + datetime.timedelta(days=1), end) if end > start else 0
        assert working_days_between(start, end) == slow, (start, end)
        day = start - datetime.timedelta(days=1)
        while review_due_on(day) > start:
            day -= datetime.timedelta(days=1)
        assert latest_clock_start_due_by(start) == day, start
        day, passed = start, 0
        while passed < 2:
            passed += calendar.is_working_day(day)
            day -= datetime.timedelta(days=1)
        assert working_days_ago(start, 2) == day, start
