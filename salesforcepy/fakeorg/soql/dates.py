"""SOQL date literals (``TODAY``, ``THIS_MONTH``, ``LAST_N_DAYS:30``, ...) as half-open date ranges.

Everything is evaluated in UTC against the store's clock (a real org uses the user's time zone).
Weeks start on Sunday and the fiscal year is the calendar year, as in a default US org.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Optional

DateRange = tuple[dt.date, dt.date]  # [start, end)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after the month of ``day``."""
    index = day.year * 12 + (day.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _week_start(today: dt.date) -> dt.date:
    # Python's weekday(): Monday 0 ... Sunday 6; Salesforce's default week starts on Sunday.
    return today - dt.timedelta(days=(today.weekday() + 1) % 7)


def _month_start(today: dt.date) -> dt.date:
    return today.replace(day=1)


def _quarter_start(today: dt.date) -> dt.date:
    return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def _year_start(today: dt.date) -> dt.date:
    return dt.date(today.year, 1, 1)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _unit_ranges(
    start_of: Callable[[dt.date], dt.date], step: Callable[[dt.date, int], dt.date]
) -> dict[str, Callable[[dt.date, int], DateRange]]:
    """THIS/LAST/NEXT, LAST_N/NEXT_N and N_..._AGO for one calendar unit."""

    def this(today: dt.date, _: int) -> DateRange:
        start = start_of(today)
        return start, step(start, 1)

    def last(today: dt.date, _: int) -> DateRange:
        start = start_of(today)
        return step(start, -1), start

    def following(today: dt.date, _: int) -> DateRange:
        start = start_of(today)
        return step(start, 1), step(start, 2)

    def last_n(today: dt.date, n: int) -> DateRange:
        start = start_of(today)
        return step(start, -n), start

    def next_n(today: dt.date, n: int) -> DateRange:
        start = start_of(today)
        return step(start, 1), step(start, 1 + n)

    def ago(today: dt.date, n: int) -> DateRange:
        start = start_of(today)
        return step(start, -n), step(start, 1 - n)

    return {
        "this": this,
        "last": last,
        "next": following,
        "last_n": last_n,
        "next_n": next_n,
        "ago": ago,
    }


_WEEK = _unit_ranges(_week_start, lambda d, n: d + _days(7 * n))
_MONTH = _unit_ranges(_month_start, _add_months)
_QUARTER = _unit_ranges(_quarter_start, lambda d, n: _add_months(d, 3 * n))
_YEAR = _unit_ranges(_year_start, lambda d, n: _add_months(d, 12 * n))

# Literals without ``:n``.
PLAIN: dict[str, Callable[[dt.date, int], DateRange]] = {
    "YESTERDAY": lambda t, _: (t - _days(1), t),
    "TODAY": lambda t, _: (t, t + _days(1)),
    "TOMORROW": lambda t, _: (t + _days(1), t + _days(2)),
    # Includes today: 91 days in all, as documented.
    "LAST_90_DAYS": lambda t, _: (t - _days(90), t + _days(1)),
    "NEXT_90_DAYS": lambda t, _: (t + _days(1), t + _days(91)),
    "THIS_WEEK": _WEEK["this"],
    "LAST_WEEK": _WEEK["last"],
    "NEXT_WEEK": _WEEK["next"],
    "THIS_MONTH": _MONTH["this"],
    "LAST_MONTH": _MONTH["last"],
    "NEXT_MONTH": _MONTH["next"],
    "THIS_QUARTER": _QUARTER["this"],
    "LAST_QUARTER": _QUARTER["last"],
    "NEXT_QUARTER": _QUARTER["next"],
    "THIS_YEAR": _YEAR["this"],
    "LAST_YEAR": _YEAR["last"],
    "NEXT_YEAR": _YEAR["next"],
    "THIS_FISCAL_QUARTER": _QUARTER["this"],
    "LAST_FISCAL_QUARTER": _QUARTER["last"],
    "NEXT_FISCAL_QUARTER": _QUARTER["next"],
    "THIS_FISCAL_YEAR": _YEAR["this"],
    "LAST_FISCAL_YEAR": _YEAR["last"],
    "NEXT_FISCAL_YEAR": _YEAR["next"],
}

# Literals written ``NAME:n``.
WITH_N: dict[str, Callable[[dt.date, int], DateRange]] = {
    # Today and the n days before it.
    "LAST_N_DAYS": lambda t, n: (t - _days(n), t + _days(1)),
    # The n days after today.
    "NEXT_N_DAYS": lambda t, n: (t + _days(1), t + _days(1 + n)),
    "N_DAYS_AGO": lambda t, n: (t - _days(n), t - _days(n - 1)),
    "LAST_N_WEEKS": _WEEK["last_n"],
    "NEXT_N_WEEKS": _WEEK["next_n"],
    "N_WEEKS_AGO": _WEEK["ago"],
    "LAST_N_MONTHS": _MONTH["last_n"],
    "NEXT_N_MONTHS": _MONTH["next_n"],
    "N_MONTHS_AGO": _MONTH["ago"],
    "LAST_N_QUARTERS": _QUARTER["last_n"],
    "NEXT_N_QUARTERS": _QUARTER["next_n"],
    "N_QUARTERS_AGO": _QUARTER["ago"],
    "LAST_N_YEARS": _YEAR["last_n"],
    "NEXT_N_YEARS": _YEAR["next_n"],
    "N_YEARS_AGO": _YEAR["ago"],
    "LAST_N_FISCAL_QUARTERS": _QUARTER["last_n"],
    "NEXT_N_FISCAL_QUARTERS": _QUARTER["next_n"],
    "N_FISCAL_QUARTERS_AGO": _QUARTER["ago"],
    "LAST_N_FISCAL_YEARS": _YEAR["last_n"],
    "NEXT_N_FISCAL_YEARS": _YEAR["next_n"],
    "N_FISCAL_YEARS_AGO": _YEAR["ago"],
}


def date_range(name: str, n: Optional[int], today: dt.date) -> Optional[DateRange]:
    """The ``[start, end)`` range of literal ``name`` (with ``n`` for ``NAME:n``), or None when the
    literal is unknown or used with/without ``:n`` wrongly."""
    key = name.upper()
    if n is None:
        plain = PLAIN.get(key)
        return plain(today, 0) if plain else None
    with_n = WITH_N.get(key)
    return with_n(today, n) if with_n else None


def is_date_literal(name: str) -> bool:
    key = name.upper()
    return key in PLAIN or key in WITH_N
