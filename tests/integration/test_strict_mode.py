"""Strict mode: every action of every family raises on an HTTP error (and only then).

The same failing calls made by a non-strict client return ``(body, request)`` with the error in
``request.exceptions``; the strict client raises exactly that error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Callable

import pytest

import salesforcepy
from salesforcepy.exceptions import HTTPError, SalesforceError
from salesforcepy.fakeorg import FakeOrg

from .faultkit import EXT_FIELD, fast_policy, make_client, org_fixture

pytestmark = pytest.mark.integration

MISSING_ID = "001000000000000AAA"

Call = Callable[[salesforcepy.Client], Any]

FAILING: list[tuple[str, Call]] = [
    ("query", lambda sf: sf.query("SELECT Nope FROM Account")),
    ("query_more", lambda sf: sf.query_more("SELEC Id FROM Account")),
    ("search", lambda sf: sf.search("FIND {x} RETURNING NoSuchObject__c")),
    ("insert", lambda sf: sf.sobjects("Account").insert({"NoSuchField__c": 1})),
    ("update", lambda sf: sf.sobjects("Account", id=MISSING_ID).update({"Name": "x"})),
    ("delete", lambda sf: sf.sobjects("Account", id=MISSING_ID).delete()),
    ("get", lambda sf: sf.sobjects("Account", id=MISSING_ID).query()),
    (
        "upsert",
        lambda sf: sf.sobjects("Account", id="k", external_id="NoSuch__c").upsert({"Name": "x"}),
    ),
    (
        "get by external id",
        lambda sf: sf.sobjects("Account", id="nope", external_id=EXT_FIELD).query(),
    ),
    ("describe", lambda sf: sf.sobjects("NoSuchObject__c").describe()),
    ("apexrest", lambda sf: sf.apexrest("no/such/route", "GET")),
    ("approvals", lambda sf: sf.approvals({"requests": [{"actionType": "Nope"}]})),
    ("chatter", lambda sf: sf.chatter.feed_comment("0D5000000000000AAA", {"body": {}})),
    ("wave", lambda sf: sf.wave.dataset("no_such_dataset")),
    ("bulk job info", lambda sf: sf.jobs.ingest.get("750000000000000AAA")),
    ("limits under a fault", lambda sf: sf.limits()),
]


@pytest.fixture(scope="module")
def org() -> Iterator[FakeOrg]:
    yield from org_fixture()


@pytest.fixture(autouse=True)
def _limits_fault(org: FakeOrg) -> Iterator[None]:
    # limits() only fails when made to; the fault outlives the retries (times=None).
    org.inject_fault(path=r"/limits/?$", status=500, times=None)
    yield
    org.clear_faults()


@pytest.mark.parametrize(("name", "call"), FAILING, ids=[n for n, _ in FAILING])
def test_strict_client_raises_what_a_lenient_client_records(
    org: FakeOrg, name: str, call: Call
) -> None:
    lenient = make_client(org, retry=fast_policy())
    strict = make_client(org, retry=fast_policy(), strict=True)

    _, sent = call(lenient)
    assert sent.exceptions, f"{name} did not fail"
    expected = type(sent.exceptions[0])

    with pytest.raises(SalesforceError) as info:
        call(strict)

    assert type(info.value) is expected
    assert info.value.request is not None
    if isinstance(info.value, HTTPError):
        assert info.value.status == sent.status


def test_strict_login_failure_raises(org: FakeOrg) -> None:
    strict = salesforcepy.client(**{**org.credentials, "password": "wrong"}, strict=True)
    with pytest.raises(salesforcepy.AuthError):
        strict.login()
    with pytest.raises(salesforcepy.AuthError):
        strict.login_via_soap()
    assert not strict.logged_in


def test_strict_client_does_not_raise_on_success(org: FakeOrg) -> None:
    strict = make_client(org, strict=True)
    _, sent = strict.sobjects("Account").insert({"Name": "strict ok"})
    assert sent.status == 201
    assert strict.query("SELECT Id FROM Account LIMIT 1")[1].ok
