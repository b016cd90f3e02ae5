"""Faults during a Bulk API 2.0 load (``client.jobs.ingest.load``), at every step.

Whatever goes wrong, every row ends in exactly one bucket: successes + failures + unprocessed =
the rows sent (rows never sent are ``not_sent``), nothing is unaccounted for, and the org holds
exactly the rows reported as successes — none twice.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

import salesforcepy
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.bulk import BulkSettings

from .faultkit import SLOW_DELAY, fast_policy, make_client, org_fixture, rows, timeout_for

pytestmark = pytest.mark.integration

ROWS = 240
BAD_EVERY = 12  # every 12th row has no Name: a failure Salesforce reports per row
JOB = r"/jobs/ingest/750[0-9A-Za-z]{15}$"
STEPS = {
    "create": (r"/jobs/ingest/?$", "POST"),
    "upload": (r"/jobs/ingest/750[0-9A-Za-z]{15}/batches", "PUT"),
    "close": (JOB, "PATCH"),
    "poll": (JOB, "GET"),
    "results": (r"/jobs/ingest/750[0-9A-Za-z]{15}/(successful|failed|unprocessed)", "GET"),
}
FAULTS = {
    "503 burst": {"status": 503, "times": 2},
    "UNABLE_TO_LOCK_ROW": {"error_code": "UNABLE_TO_LOCK_ROW"},
    "429 Retry-After": {"status": 429, "headers": {"Retry-After": "1"}},
    "expired session": {"error_code": "INVALID_SESSION_ID"},
    "reset before": {"reset": True},
    "reset after": {"reset": True, "after_commit": True},
    "truncated after": {"truncate": True, "after_commit": True},
    "slow after": {"delay": SLOW_DELAY, "after_commit": True},
}
_loads = itertools.count(1)


@pytest.fixture(scope="module")
def org() -> Iterator[FakeOrg]:
    yield from org_fixture(bulk=BulkSettings.fast())


@pytest.fixture(autouse=True)
def _no_leftover_faults(org: FakeOrg) -> Iterator[None]:
    yield
    org.clear_faults()


@pytest.fixture
def sf(org: FakeOrg) -> salesforcepy.Client:
    return make_client(org, retry=fast_policy())


def records(tag: str) -> list[dict[str, Any]]:
    return [
        {"Name": None if i % BAD_EVERY == 0 else f"{tag}-{i:04d}", "Description": tag}
        for i in range(ROWS)
    ]


def load(sf: salesforcepy.Client, tag: str, fault: Any = None) -> Any:
    return sf.jobs.ingest.load(
        "Account",
        "insert",
        records(tag),
        poll_interval=0.01,
        max_interval=0.05,
        max_wait=30,
        timeout=timeout_for(fault or {}),
    )


def check_accounting(org: FakeOrg, result: Any, tag: str) -> dict[str, int]:
    counts = result.counts()
    sent = ROWS - counts["not_sent"]
    assert counts["unaccounted"] == 0, result.summary()
    assert counts["successes"] + counts["failures"] + counts["unprocessed"] == sent
    stored = rows(org, "SELECT Id, Name FROM Account WHERE Name LIKE '{:like}-%'", tag)
    assert sorted(r["Id"] for r in stored) == sorted(r["sf__Id"] for r in result.successes)
    names = [r["Name"] for r in stored]
    assert len(names) == len(set(names)), "a row was inserted twice"
    return counts


def test_without_faults(org: FakeOrg, sf: salesforcepy.Client) -> None:
    tag = f"bulk-{next(_loads)}"
    result = load(sf, tag)
    counts = check_accounting(org, result, tag)
    assert result.ok
    assert counts["failures"] == ROWS // BAD_EVERY
    assert counts["successes"] == ROWS - ROWS // BAD_EVERY


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
@pytest.mark.parametrize("step", list(STEPS), ids=list(STEPS))
def test_every_row_is_accounted_for(
    org: FakeOrg, sf: salesforcepy.Client, step: str, fault: str
) -> None:
    tag = f"bulk-{next(_loads)}"
    path, method = STEPS[step]
    fired_before = org.stats()["faults_fired"]
    org.inject_fault(path=path, method=method, **FAULTS[fault])

    result = load(sf, tag, FAULTS[fault])

    assert org.stats()["faults_fired"] > fired_before, "the fault never hit the load"
    counts = check_accounting(org, result, tag)
    lost_in_transit = (step, fault) in {
        # The answer to the create or the upload was lost: the client cannot tell whether the
        # job exists or holds the data, so it sends nothing more (and aborts the job it knows).
        ("create", "reset before"),
        ("create", "reset after"),
        ("create", "truncated after"),
        ("create", "slow after"),
        ("upload", "reset before"),
        ("upload", "reset after"),
        ("upload", "truncated after"),  # a 201 without a body: cut in its status line
        ("upload", "slow after"),
    }
    if lost_in_transit:
        assert not result.ok
        assert counts["not_sent"] == ROWS
        assert "may have been applied" in " ".join(result.problems)
    else:
        # Everything else is absorbed: retried, or (a close whose answer was lost) checked, and
        # sent once more when the job is still Open.
        assert result.ok, result.summary()
        assert counts["failures"] == ROWS // BAD_EVERY
        assert counts["successes"] == ROWS - ROWS // BAD_EVERY


def test_a_session_that_expires_before_the_load(org: FakeOrg, sf: salesforcepy.Client) -> None:
    tag = f"bulk-{next(_loads)}"
    org.expire_sessions()

    result = load(sf, tag)

    check_accounting(org, result, tag)
    assert result.ok, result.summary()


def test_an_upload_retried_after_a_503_it_had_taken(org: FakeOrg, sf: salesforcepy.Client) -> None:
    # The 503 comes after the org stored the data; the retried PUT gives the job a second copy,
    # so it fails without processing anything. Each row is unprocessed once, and none is loaded.
    tag = f"bulk-{next(_loads)}"
    path, method = STEPS["upload"]
    org.inject_fault(path=path, method=method, status=503, after_commit=True)

    result = load(sf, tag)

    counts = check_accounting(org, result, tag)
    assert not result.ok
    assert counts["unprocessed"] == ROWS
    assert sorted(row["Description"] + row["Name"] for row in result.unprocessed) == sorted(
        tag + (row["Name"] or "#N/A") for row in records(tag)
    )
