"""Shared pieces of the fault-injection suite: a fake org with an external-id field, a client
whose retries wait only milliseconds, and ground truth read from the org's store (not through the
client under test)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, Callable

import salesforcepy
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.schema import FieldDef
from salesforcepy.fakeorg.soql import run_query
from salesforcepy.retry import RetryPolicy
from salesforcepy.soql import format_soql

EXT_FIELD = "Ext_Id__c"
TIMEOUT = (5.0, 10.0)
"""Timeouts of calls that meet no slow-response fault: generous, so a busy machine is no fault."""
SLOW_DELAY = 1.5
"""Seconds a slow-response fault holds a request."""
SHORT_TIMEOUT = (5.0, 0.6)
"""Timeouts of calls that do meet a slow-response fault (read timeout below ``SLOW_DELAY``)."""


def timeout_for(fault: dict[str, Any]) -> tuple[float, float]:
    """The call timeout that goes with an injected fault."""
    return SHORT_TIMEOUT if "delay" in fault else TIMEOUT


class Waits:
    """A retry policy's sleep: records every wait, really sleeps at most ``cap`` seconds of it."""

    def __init__(self, cap: float = 0.02) -> None:
        self.cap = cap
        self.seconds: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)
        time.sleep(min(seconds, self.cap))


def fast_policy(waits: Waits | None = None, **kwargs: Any) -> RetryPolicy:
    """The default rules with millisecond backoff (``max_attempts`` stays 4)."""
    kwargs.setdefault("backoff", 0.005)
    kwargs.setdefault("max_backoff", 0.02)
    kwargs.setdefault("sleep", waits if waits is not None else Waits())
    return RetryPolicy(**kwargs)


def start_org(**kwargs: Any) -> FakeOrg:
    org = FakeOrg(**kwargs).start()
    org.define_field(
        "Account", FieldDef(name=EXT_FIELD, type="string", length=255, external_id=True)
    )
    return org


def org_fixture(**kwargs: Any) -> Iterator[FakeOrg]:
    org = start_org(**kwargs)
    try:
        yield org
    finally:
        org.stop()


def make_client(org: FakeOrg, **options: Any) -> salesforcepy.Client:
    options.setdefault("retry", fast_policy())
    options.setdefault("timeout", TIMEOUT)
    client = salesforcepy.client(**{**org.credentials, **options})
    client.login()[1].raise_for_status()
    return client


def rows(org: FakeOrg, soql: str, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """Ground truth: records matching ``soql`` straight from the org's store."""
    result = run_query(org.store, format_soql(soql, *args, **kwargs), api_version="66.0")
    return result.records


def named(org: FakeOrg, name: str) -> list[dict[str, Any]]:
    return rows(org, "SELECT Id, Name, Description FROM Account WHERE Name = {}", name)


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Poll ``check`` until it holds (for work the org finishes after the client gave up)."""
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
