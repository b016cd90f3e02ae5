"""Date literals: their ranges for a fixed "today", and how they apply to date/datetime fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Optional

import pytest

from salesforcepy.fakeorg.errors import SalesforceError
from salesforcepy.fakeorg.soql import run_query
from salesforcepy.fakeorg.soql.dates import date_range
from salesforcepy.fakeorg.store import Store

D = dt.date
WEDNESDAY = D(2024, 5, 15)  # a Wednesday; its week runs Sunday 12 - Saturday 18 May

RANGES = [
    ("TODAY", None, D(2024, 5, 15), D(2024, 5, 16)),
    ("YESTERDAY", None, D(2024, 5, 14), D(2024, 5, 15)),
    ("TOMORROW", None, D(2024, 5, 16), D(2024, 5, 17)),
    ("THIS_WEEK", None, D(2024, 5, 12), D(2024, 5, 19)),
    ("LAST_WEEK", None, D(2024, 5, 5), D(2024, 5, 12)),
    ("NEXT_WEEK", None, D(2024, 5, 19), D(2024, 5, 26)),
    ("THIS_MONTH", None, D(2024, 5, 1), D(2024, 6, 1)),
    ("LAST_MONTH", None, D(2024, 4, 1), D(2024, 5, 1)),
    ("NEXT_MONTH", None, D(2024, 6, 1), D(2024, 7, 1)),
    ("LAST_90_DAYS", None, D(2024, 2, 15), D(2024, 5, 16)),
    ("NEXT_90_DAYS", None, D(2024, 5, 16), D(2024, 8, 14)),
    ("THIS_QUARTER", None, D(2024, 4, 1), D(2024, 7, 1)),
    ("LAST_QUARTER", None, D(2024, 1, 1), D(2024, 4, 1)),
    ("NEXT_QUARTER", None, D(2024, 7, 1), D(2024, 10, 1)),
    ("THIS_YEAR", None, D(2024, 1, 1), D(2025, 1, 1)),
    ("LAST_YEAR", None, D(2023, 1, 1), D(2024, 1, 1)),
    ("NEXT_YEAR", None, D(2025, 1, 1), D(2026, 1, 1)),
    ("THIS_FISCAL_YEAR", None, D(2024, 1, 1), D(2025, 1, 1)),
    ("LAST_N_DAYS", 7, D(2024, 5, 8), D(2024, 5, 16)),
    ("NEXT_N_DAYS", 7, D(2024, 5, 16), D(2024, 5, 23)),
    ("N_DAYS_AGO", 3, D(2024, 5, 12), D(2024, 5, 13)),
    ("LAST_N_WEEKS", 2, D(2024, 4, 28), D(2024, 5, 12)),
    ("NEXT_N_WEEKS", 2, D(2024, 5, 19), D(2024, 6, 2)),
    ("N_WEEKS_AGO", 1, D(2024, 5, 5), D(2024, 5, 12)),
    ("LAST_N_MONTHS", 3, D(2024, 2, 1), D(2024, 5, 1)),
    ("NEXT_N_MONTHS", 2, D(2024, 6, 1), D(2024, 8, 1)),
    ("N_MONTHS_AGO", 5, D(2023, 12, 1), D(2024, 1, 1)),
    ("LAST_N_QUARTERS", 2, D(2023, 10, 1), D(2024, 4, 1)),
    ("NEXT_N_QUARTERS", 1, D(2024, 7, 1), D(2024, 10, 1)),
    ("LAST_N_YEARS", 2, D(2022, 1, 1), D(2024, 1, 1)),
    ("NEXT_N_YEARS", 1, D(2025, 1, 1), D(2026, 1, 1)),
    ("N_YEARS_AGO", 1, D(2023, 1, 1), D(2024, 1, 1)),
]


@pytest.mark.parametrize(("name", "n", "start", "end"), RANGES, ids=[r[0] for r in RANGES])
def test_range_for_a_wednesday(name: str, n: Optional[int], start: D, end: D) -> None:
    assert date_range(name, n, WEDNESDAY) == (start, end)
    assert date_range(name.lower(), n, WEDNESDAY) == (start, end)


def test_weeks_start_on_sunday() -> None:
    sunday, saturday = D(2024, 5, 12), D(2024, 5, 18)
    assert date_range("THIS_WEEK", None, sunday) == (sunday, D(2024, 5, 19))
    assert date_range("THIS_WEEK", None, saturday) == (sunday, D(2024, 5, 19))


def test_ranges_cross_year_boundaries() -> None:
    new_year = D(2024, 1, 3)
    assert date_range("LAST_MONTH", None, new_year) == (D(2023, 12, 1), D(2024, 1, 1))
    assert date_range("LAST_QUARTER", None, new_year) == (D(2023, 10, 1), D(2024, 1, 1))
    assert date_range("NEXT_MONTH", None, D(2023, 12, 31)) == (D(2024, 1, 1), D(2024, 2, 1))


def test_unknown_or_misused_literals() -> None:
    assert date_range("SOMEDAY", None, WEDNESDAY) is None
    assert date_range("TODAY", 3, WEDNESDAY) is None
    assert date_range("LAST_N_DAYS", None, WEDNESDAY) is None


# ---- against records --------------------------------------------------------------------------

NOW = dt.datetime(2024, 5, 15, 12, 30, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    """Opportunities whose CloseDate (date) and CreatedDate (datetime) sit around range edges."""
    store = Store(clock=lambda: NOW)
    account = store.create("Account", {"Name": "A"})
    for name, close, created in [
        ("before-yesterday", "2024-05-13", "2024-05-13T23:59:59Z"),
        ("yesterday", "2024-05-14", "2024-05-14T00:00:00Z"),
        ("late-yesterday", "2024-05-14", "2024-05-14T23:59:59Z"),
        ("today", "2024-05-15", "2024-05-15T00:00:00Z"),
        ("late-today", "2024-05-15", "2024-05-15T23:59:59Z"),
        ("tomorrow", "2024-05-16", "2024-05-16T00:00:00Z"),
    ]:
        store.create_system(
            "Opportunity",
            {
                "Name": name,
                "AccountId": account,
                "StageName": "Prospecting",
                "CloseDate": close,
                "CreatedDate": created,
            },
        )
    yield store
    store.close()


def names(store: Store, where: str) -> list[str]:
    soql = f"SELECT Name FROM Opportunity WHERE {where} ORDER BY CreatedDate"  # noqa: S608
    return [r["Name"] for r in run_query(store, soql, api_version="58.0").records]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("CloseDate = TODAY", ["today", "late-today"]),
        ("CreatedDate = TODAY", ["today", "late-today"]),
        ("CreatedDate = YESTERDAY", ["yesterday", "late-yesterday"]),
        ("CloseDate != YESTERDAY", ["before-yesterday", "today", "late-today", "tomorrow"]),
        ("CreatedDate < YESTERDAY", ["before-yesterday"]),
        ("CreatedDate <= YESTERDAY", ["before-yesterday", "yesterday", "late-yesterday"]),
        ("CreatedDate > YESTERDAY", ["today", "late-today", "tomorrow"]),
        (
            "CloseDate >= YESTERDAY",
            ["yesterday", "late-yesterday", "today", "late-today", "tomorrow"],
        ),
        ("CloseDate = LAST_N_DAYS:1", ["yesterday", "late-yesterday", "today", "late-today"]),
        ("CreatedDate = NEXT_N_DAYS:1", ["tomorrow"]),
        ("CloseDate IN (YESTERDAY, TOMORROW)", ["yesterday", "late-yesterday", "tomorrow"]),
        ("CreatedDate = N_DAYS_AGO:2", ["before-yesterday"]),
        ("CreatedDate >= 2024-05-15T00:00:00Z", ["today", "late-today", "tomorrow"]),
        ("CreatedDate > 2024-05-15T02:00:00+02:00", ["late-today", "tomorrow"]),
        ("CloseDate = 2024-05-14", ["yesterday", "late-yesterday"]),
    ],
)
def test_literals_on_date_and_datetime_fields(
    store: Store, where: str, expected: list[str]
) -> None:
    assert names(store, where) == expected


@pytest.mark.parametrize(
    ("where", "code"),
    [
        ("CloseDate = SOMEDAY", "MALFORMED_QUERY"),
        ("CloseDate = TODAY:3", "MALFORMED_QUERY"),
        ("CloseDate = LAST_N_DAYS", "MALFORMED_QUERY"),
        ("CloseDate = 2024-13-45", "MALFORMED_QUERY"),
        ("CloseDate = 2024-05-14T00:00:00Z", "INVALID_QUERY_FILTER_OPERATOR"),
        ("CloseDate = '2024-05-14'", "INVALID_QUERY_FILTER_OPERATOR"),
        ("Name = LAST_N_DAYS:3", "INVALID_QUERY_FILTER_OPERATOR"),
        # Beyond the calendar once converted to UTC, or a range reaching past year 1 or 9999.
        ("CreatedDate < 9999-12-31T23:59:59-01:00", "MALFORMED_QUERY"),
        ("CreatedDate > 0001-01-01T00:00:00+01:00", "MALFORMED_QUERY"),
        ("CloseDate = LAST_N_DAYS:999999999", "MALFORMED_QUERY"),
        ("CreatedDate = NEXT_N_YEARS:99999", "MALFORMED_QUERY"),
        ("CloseDate = N_WEEKS_AGO:99999999999999999999", "MALFORMED_QUERY"),
    ],
)
def test_bad_date_filters(store: Store, where: str, code: str) -> None:
    with pytest.raises(SalesforceError) as caught:
        names(store, where)
    assert caught.value.error_code == code


def test_the_clock_moves_the_ranges() -> None:
    current = [NOW]
    with Store(clock=lambda: current[0]) as moving:
        moving.create("Account", {"Name": "made on the 15th"})
        soql = "SELECT COUNT() FROM Account WHERE CreatedDate = TODAY"
        assert run_query(moving, soql, api_version="58.0").total_size == 1
        current[0] = NOW + dt.timedelta(days=1)
        assert run_query(moving, soql, api_version="58.0").total_size == 0
        yesterday = soql.replace("TODAY", "YESTERDAY")
        assert run_query(moving, yesterday, api_version="58.0").total_size == 1
