"""Faults during single-record writes, against a fake org over a real socket.

Inserts (POST) are not idempotent: the client retries only what provably did not happen and
otherwise raises OutcomeUnknown — never a duplicate, counted by name in the org afterwards.
Updates and upserts by external id are idempotent: they are replayed until they succeed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

import salesforcepy
from salesforcepy.exceptions import (
    OutcomeUnknown,
    OutcomeUnknownTimeout,
    RequestLimitExceeded,
    ServerError,
    ServiceUnavailable,
)
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.request import Base, Request
from salesforcepy.transport import Transport

from .faultkit import (
    EXT_FIELD,
    SHORT_TIMEOUT,
    SLOW_DELAY,
    Waits,
    eventually,
    fast_policy,
    make_client,
    named,
    org_fixture,
    rows,
    timeout_for,
)

pytestmark = pytest.mark.integration

INSERT = r"/sobjects/Account/?$"
_names = itertools.count(1)


@pytest.fixture(scope="module")
def org() -> Iterator[FakeOrg]:
    yield from org_fixture()


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


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_names)}"


# -- inserts: retried when nothing happened -------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"status": 503, "times": 3}, id="503 burst"),
        pytest.param({"status": 502, "times": 2}, id="502 SERVER_UNAVAILABLE"),
        pytest.param({"status": 504, "times": 1}, id="504 SERVER_UNAVAILABLE"),
        pytest.param({"error_code": "UNABLE_TO_LOCK_ROW", "times": 2}, id="UNABLE_TO_LOCK_ROW"),
        pytest.param(
            {"status": 503, "error_code": "API_TEMPORARILY_UNAVAILABLE"}, id="API_TEMP_UNAVAILABLE"
        ),
    ],
)
def test_insert_survives_refusals(
    org: FakeOrg, sf: salesforcepy.Client, fault: dict[str, Any]
) -> None:
    name = unique("refused")
    org.inject_fault(path=INSERT, method="POST", **fault)

    body, sent = sf.sobjects("Account").insert({"Name": name})

    assert sent.status == 201, sent.exceptions
    assert len(sent.attempts) == fault.get("times", 1) + 1
    assert [r["Id"] for r in named(org, name)] == [body["id"]]


def test_insert_gives_up_after_max_attempts_without_writing(
    org: FakeOrg, sf: salesforcepy.Client
) -> None:
    name = unique("burst")
    org.inject_fault(path=INSERT, method="POST", status=503, times=4)

    _, sent = sf.sobjects("Account").insert({"Name": name})

    assert [a.status for a in sent.attempts] == [503, 503, 503, 503]
    assert isinstance(sent.exceptions[0], ServiceUnavailable)
    assert named(org, name) == []


def test_insert_waits_for_retry_after_on_429(
    org: FakeOrg, sf: salesforcepy.Client, waits: Waits
) -> None:
    name = unique("429")
    org.inject_fault(path=INSERT, method="POST", status=429, headers={"Retry-After": "2"})

    _, sent = sf.sobjects("Account").insert({"Name": name})

    assert [a.status for a in sent.attempts] == [429, 201]
    assert waits.seconds == [2.0]
    assert len(named(org, name)) == 1


def test_request_limit_without_retry_after_is_not_retried(
    org: FakeOrg, sf: salesforcepy.Client
) -> None:
    name = unique("limit")
    org.inject_fault(path=INSERT, method="POST", error_code="REQUEST_LIMIT_EXCEEDED")

    _, sent = sf.sobjects("Account").insert({"Name": name})

    assert len(sent.attempts) == 1
    assert isinstance(sent.exceptions[0], RequestLimitExceeded)
    assert named(org, name) == []


def test_insert_after_an_expired_session_is_renewed_and_replayed(
    org: FakeOrg, sf: salesforcepy.Client
) -> None:
    name = unique("expired")
    org.expire_sessions()

    _, sent = sf.sobjects("Account").insert({"Name": name})

    assert sent.status == 201
    assert sent.refreshed
    assert [a.status for a in sent.attempts] == [401, 201]
    assert len(named(org, name)) == 1


# -- inserts: outcome unknown, never replayed -----------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "applied"),
    [
        pytest.param({"reset": True}, 0, id="reset before the write"),
        pytest.param({"reset": True, "after_commit": True}, 1, id="reset after the write"),
        pytest.param({"truncate": True}, 0, id="truncated before the write"),
        pytest.param({"truncate": True, "after_commit": True}, 1, id="truncated after the write"),
        pytest.param({"truncate": 0.01, "after_commit": True}, 1, id="headers only after write"),
    ],
)
def test_insert_with_unknown_outcome_is_reported_not_replayed(
    org: FakeOrg, sf: salesforcepy.Client, fault: dict[str, Any], applied: int
) -> None:
    name = unique("unknown")
    org.inject_fault(path=INSERT, method="POST", **fault)

    with pytest.raises(OutcomeUnknown) as info:
        sf.sobjects("Account").insert({"Name": name})

    assert len(info.value.attempts) == 1
    assert "may have been applied" in str(info.value)
    assert len(named(org, name)) == applied


@pytest.mark.parametrize("after_commit", [False, True], ids=["slow before", "slow after"])
def test_slow_insert_times_out_as_outcome_unknown(
    org: FakeOrg, sf: salesforcepy.Client, after_commit: bool
) -> None:
    name = unique("slow")
    org.inject_fault(path=INSERT, method="POST", delay=SLOW_DELAY, after_commit=after_commit)

    with pytest.raises(OutcomeUnknownTimeout):
        sf.sobjects("Account").insert({"Name": name}, timeout=SHORT_TIMEOUT)

    # The org finishes the write after the client stopped listening: one record, never two.
    assert eventually(lambda: len(named(org, name)) == 1)
    assert len(named(org, name)) == 1


def test_gateway_timeout_after_the_write_is_returned_not_replayed(
    org: FakeOrg, sf: salesforcepy.Client
) -> None:
    name = unique("gateway")
    org.inject_fault(
        path=INSERT, method="POST", status=504, error_code="GATEWAY_TIMEOUT", after_commit=True
    )

    _, sent = sf.sobjects("Account").insert({"Name": name})

    assert len(sent.attempts) == 1
    assert isinstance(sent.exceptions[0], ServerError)
    assert len(named(org, name)) == 1


def test_reconciling_after_outcome_unknown(org: FakeOrg, sf: salesforcepy.Client) -> None:
    """What the error tells the caller to do: look for the record, then send only if absent."""
    name = unique("reconcile")
    org.inject_fault(path=INSERT, method="POST", reset=True, after_commit=True)

    with pytest.raises(OutcomeUnknown):
        sf.sobjects("Account").insert({"Name": name})
    found, _ = sf.query(salesforcepy.format_soql("SELECT Id FROM Account WHERE Name = {}", name))
    if found["totalSize"] == 0:
        sf.sobjects("Account").insert({"Name": name})

    assert found["totalSize"] == 1
    assert len(named(org, name)) == 1


def test_connection_refused_is_retried_even_for_a_post() -> None:
    """Nothing listens at first; an org comes up on that port during the backoff. No connection
    means nothing was sent, so even a POST that is not idempotent is sent again."""
    with FakeOrg() as gone:
        base = gone.login_url
    port = int(base.rsplit(":", 1)[1])
    revived: list[FakeOrg] = []

    def start_during_backoff(seconds: float) -> None:
        if not revived:
            revived.append(FakeOrg(port=port).start())

    transport = Transport(retry=fast_policy(sleep=start_during_backoff))
    form = {"grant_type": "password", "client_id": "x", "client_secret": "y"}
    request = Request.post(
        "/services/oauth2/token", base=Base.LOGIN, form=form, authenticated=False
    )
    assert not request.idempotent
    try:
        exchange = transport.send(
            request,
            resolve=lambda r: (r.url(login_url=base, instance_url=None, version="66.0"), {}),
            timeout=(2.0, 2.0),
        )
    finally:
        for org in revived:
            org.stop()

    first, second = exchange.attempts
    assert first.status is None
    assert first.error is not None
    assert first.error.request_sent is False
    assert "nothing sent" in (first.retry or "")
    # The replay reached the new org, which does not know these credentials.
    assert second.status == 400


# -- updates: idempotent, replayed -----------------------------------------------------------------


@pytest.fixture
def record(org: FakeOrg) -> str:
    return str(org.store.create("Account", {"Name": unique("update"), "Description": "old"}))


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"reset": True}, id="reset before"),
        pytest.param({"reset": True, "after_commit": True}, id="reset after"),
        pytest.param({"truncate": True, "after_commit": True}, id="truncated 204 after"),
        pytest.param({"delay": SLOW_DELAY, "after_commit": True}, id="slow after"),
        pytest.param({"delay": SLOW_DELAY}, id="slow before"),
        pytest.param({"status": 503, "times": 3}, id="503 burst"),
        pytest.param({"status": 504, "error_code": "GATEWAY_TIMEOUT"}, id="504 gateway"),
        pytest.param({"error_code": "UNABLE_TO_LOCK_ROW", "times": 2}, id="UNABLE_TO_LOCK_ROW"),
        pytest.param({"status": 429, "headers": {"Retry-After": "1"}}, id="429 Retry-After"),
        pytest.param({"error_code": "INVALID_SESSION_ID"}, id="expired session"),
    ],
)
def test_update_is_replayed_until_it_succeeds(
    org: FakeOrg, sf: salesforcepy.Client, record: str, fault: dict[str, Any]
) -> None:
    org.inject_fault(path=f"/sobjects/Account/{record}$", method="PATCH", **fault)

    _, sent = sf.sobjects("Account", id=record).update(
        {"Description": "new"}, timeout=timeout_for(fault)
    )

    assert sent.status == 204, sent.exceptions
    assert len(sent.attempts) >= 2
    [row] = rows(org, "SELECT Description FROM Account WHERE Id = {}", record)
    assert row["Description"] == "new"


def test_delete_is_replayed_after_a_reset_before_the_write(
    org: FakeOrg, sf: salesforcepy.Client, record: str
) -> None:
    org.inject_fault(path=f"/sobjects/Account/{record}$", method="DELETE", reset=True)

    _, sent = sf.sobjects("Account", id=record).delete()

    assert sent.status == 204
    assert [a.status for a in sent.attempts] == [None, 204]
    assert rows(org, "SELECT Id FROM Account WHERE Id = {}", record) == []


# -- upserts by external id: idempotent, replayed, never duplicated -------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"reset": True, "after_commit": True}, id="reset after"),
        pytest.param({"truncate": True, "after_commit": True}, id="truncated after"),
        pytest.param({"delay": SLOW_DELAY, "after_commit": True}, id="slow after"),
        pytest.param({"reset": True}, id="reset before"),
        pytest.param({"status": 503, "times": 2}, id="503 burst"),
        pytest.param({"error_code": "UNABLE_TO_LOCK_ROW"}, id="UNABLE_TO_LOCK_ROW"),
    ],
)
def test_upsert_creates_exactly_one_record(
    org: FakeOrg, sf: salesforcepy.Client, fault: dict[str, Any]
) -> None:
    key = unique("ext/é & ?")
    org.inject_fault(path=f"/sobjects/Account/{EXT_FIELD}/", method="PATCH", **fault)

    body, sent = sf.sobjects("Account", id=key, external_id=EXT_FIELD).upsert(
        {"Name": key, "Description": "v1"}, timeout=timeout_for(fault)
    )

    assert sent.status in (200, 201), sent.exceptions
    assert len(sent.attempts) >= 2
    if fault.get("after_commit"):
        # The first attempt created it; the replay found it and updated it.
        assert (sent.status, body["created"]) == (200, False)
    matches = rows(org, "SELECT Id, Description FROM Account WHERE Ext_Id__c = {}", key)
    assert len(matches) == 1
    assert matches[0]["Description"] == "v1"
