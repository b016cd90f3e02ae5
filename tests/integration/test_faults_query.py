"""Faults while paging through a query: every record comes back exactly once.

4,500 accounts make three pages (2,000 per page); faults hit the ``nextRecordsUrl`` pages and the
first page. A GET is idempotent, so every kind of failure is retried and the page is read again
from the same locator.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import salesforcepy
from salesforcepy.fakeorg import FakeOrg

from .faultkit import SLOW_DELAY, Waits, fast_policy, make_client, org_fixture, timeout_for

pytestmark = pytest.mark.integration

RECORDS = 4500
SOQL = "SELECT Id, Name FROM Account WHERE Name LIKE 'page-%' ORDER BY Name"
NEXT_PAGE = r"/query/01g"
FIRST_PAGE = r"/query/?$"


@pytest.fixture(scope="module")
def org() -> Iterator[FakeOrg]:
    for org in org_fixture():
        with org.store.transaction():
            for i in range(RECORDS):
                org.store.create("Account", {"Name": f"page-{i:05d}"})
        yield org


@pytest.fixture(scope="module")
def expected(org: FakeOrg) -> list[str]:
    from .faultkit import rows

    return [r["Id"] for r in rows(org, SOQL)]


@pytest.fixture(autouse=True)
def _no_leftover_faults(org: FakeOrg) -> Iterator[None]:
    yield
    org.clear_faults()


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def sf(org: FakeOrg, waits: Waits) -> salesforcepy.Client:
    return make_client(org, retry=fast_policy(waits))


def ids(pages: list[dict[str, Any]]) -> list[str]:
    return [record["Id"] for page in pages for record in page["records"]]


def test_without_faults(sf: salesforcepy.Client, expected: list[str]) -> None:
    pages, sent = sf.query_more(SOQL)
    assert sent.ok
    assert len(pages) == 3
    assert ids(pages) == expected
    assert len(set(expected)) == RECORDS


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"status": 503, "times": 3}, id="503 burst"),
        pytest.param({"status": 502, "times": 2}, id="502 burst"),
        pytest.param(
            {"status": 504, "error_code": "GATEWAY_TIMEOUT", "times": 2}, id="504 gateway"
        ),
        pytest.param({"reset": True, "times": 2}, id="connection reset"),
        pytest.param({"truncate": True}, id="truncated JSON"),
        pytest.param({"truncate": 0.9, "times": 3}, id="truncated JSON x3"),
        pytest.param({"delay": SLOW_DELAY}, id="slower than the timeout"),
        pytest.param({"status": 429, "headers": {"Retry-After": "1"}}, id="429 Retry-After"),
        pytest.param({"error_code": "UNABLE_TO_LOCK_ROW"}, id="UNABLE_TO_LOCK_ROW"),
        pytest.param({"error_code": "INVALID_SESSION_ID"}, id="expired session"),
    ],
)
@pytest.mark.parametrize("where", [FIRST_PAGE, NEXT_PAGE], ids=["first page", "next pages"])
def test_every_record_exactly_once(
    org: FakeOrg,
    sf: salesforcepy.Client,
    expected: list[str],
    fault: dict[str, Any],
    where: str,
) -> None:
    fired_before = org.stats()["faults_fired"]
    org.inject_fault(path=where, method="GET", **fault)

    pages, sent = sf.query_more(SOQL, timeout=timeout_for(fault))

    assert sent.ok, sent.exceptions
    assert ids(pages) == expected
    assert org.stats()["faults_fired"] - fired_before == fault.get("times", 1)


def test_faults_on_every_page(
    org: FakeOrg, sf: salesforcepy.Client, expected: list[str], waits: Waits
) -> None:
    org.inject_fault(path=FIRST_PAGE, method="GET", status=503)
    org.inject_fault(path=NEXT_PAGE, method="GET", reset=True)
    org.inject_fault(path=NEXT_PAGE, method="GET", truncate=True)
    org.inject_fault(path=NEXT_PAGE, method="GET", status=503, headers={"Retry-After": "3"})

    pages, sent = sf.query_more(SOQL)

    assert sent.ok
    assert ids(pages) == expected
    assert 3.0 in waits.seconds


def test_query_more_after_the_org_ended_the_session(
    org: FakeOrg, sf: salesforcepy.Client, expected: list[str]
) -> None:
    """A real expiry (the old token is gone, so the replay must carry the renewed one)."""
    org.expire_sessions()

    pages, sent = sf.query_more(SOQL)

    assert sent.ok
    assert ids(pages) == expected
    assert sf.session is not None
    assert org.state.sessions.expire_all() == 1  # exactly one live session: the renewed one


def test_page_that_keeps_failing_stops_paging_with_what_was_read(
    org: FakeOrg, sf: salesforcepy.Client, expected: list[str]
) -> None:
    org.inject_fault(path=NEXT_PAGE, method="GET", status=503, times=None)

    pages, sent = sf.query_more(SOQL)

    assert len(pages) == 1
    assert ids(pages) == expected[:2000]
    assert [a.status for a in sent.attempts] == [503, 503, 503, 503]
    assert sent.exceptions[0].status == 503
