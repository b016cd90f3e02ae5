"""Basic info, updated/deleted ranges and conditional describe against the fake org.

The range tests freeze the org clock at a whole minute and move it between steps, so every record
lands minutes away from the window edges: Salesforce ignores the seconds of ``start``/``end``,
and the tests do not depend on whether a window's last minute is included.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Iterator

import pytest

import salesforcepy
from salesforcepy.fakeorg import FakeOrg, FieldDef

pytestmark = pytest.mark.integration

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def sf(fake_org: FakeOrg) -> Iterator[salesforcepy.Client]:
    client = salesforcepy.client(**fake_org.credentials)
    client.login()[1].raise_for_status()
    yield client
    client.close()


@pytest.fixture
def t0(fake_org: FakeOrg) -> Iterator[dt.datetime]:
    """The org clock, frozen at the next whole minute (records made at org start lie before it)."""
    now = fake_org.clock()
    start = now.replace(second=0, microsecond=0) + MINUTE
    fake_org.clock.set(start, frozen=True)
    yield start
    fake_org.clock.reset()


def _insert(sf: salesforcepy.Client, name: str) -> str:
    body, request = sf.sobjects(object_type="Account").insert({"Name": name})
    assert request.status == 201, body
    return str(body["id"])


def test_updated_and_deleted_find_exactly_the_changes_of_their_window(
    sf: salesforcepy.Client, fake_org: FakeOrg, t0: dt.datetime
) -> None:
    accounts = sf.sobjects(object_type="Account")
    # t0: three accounts created.
    kept, changed, removed = (_insert(sf, n) for n in ("Kept", "Changed", "Removed"))
    # t0 + 5 min: one updated, one deleted, one more created.
    fake_org.clock.advance(5 * MINUTE)
    assert sf.sobjects(object_type="Account", id=changed).update({"Phone": "1"})[1].status == 204
    assert sf.sobjects(object_type="Account", id=removed).delete()[1].status == 204
    late = _insert(sf, "Late")
    fake_org.clock.advance(5 * MINUTE)

    first, request = accounts.updated(t0 - MINUTE, t0 + 2 * MINUTE)
    assert request.status == 200, first
    assert request.exceptions == []
    assert set(first["ids"]) == {kept}  # the other two moved on, one of them to the bin
    assert first["latestDateCovered"].startswith((t0 + 2 * MINUTE).strftime("%Y-%m-%dT%H:%M"))

    second, request = accounts.updated(t0 + 4 * MINUTE, t0 + 7 * MINUTE)
    assert request.status == 200, second
    assert set(second["ids"]) == {changed, late}

    everything, _ = accounts.updated(t0 - MINUTE, t0 + 7 * MINUTE)
    assert set(everything["ids"]) == {kept, changed, late}

    gone, request = accounts.deleted(t0 + 4 * MINUTE, t0 + 7 * MINUTE)
    assert request.status == 200, gone
    assert request.exceptions == []
    assert [r["id"] for r in gone["deletedRecords"]] == [removed]
    deleted_at = gone["deletedRecords"][0]["deletedDate"]
    assert deleted_at.startswith((t0 + 5 * MINUTE).strftime("%Y-%m-%dT%H:%M"))
    assert set(gone) == {"deletedRecords", "earliestDateAvailable", "latestDateCovered"}

    nothing, _ = accounts.deleted(t0 - MINUTE, t0 + 2 * MINUTE)
    assert nothing["deletedRecords"] == []


def test_windows_given_in_another_timezone_are_sent_in_utc(
    sf: salesforcepy.Client, fake_org: FakeOrg, t0: dt.datetime
) -> None:
    record = _insert(sf, "Zoned")
    fake_org.clock.advance(3 * MINUTE)
    tokyo = dt.timezone(dt.timedelta(hours=9))

    body, request = sf.sobjects(object_type="Account").updated(
        (t0 - MINUTE).astimezone(tokyo), (t0 + 2 * MINUTE).astimezone(tokyo)
    )

    assert request.status == 200, body
    assert body["ids"] == [record]


def test_a_window_older_than_salesforce_keeps_is_the_servers_error(
    sf: salesforcepy.Client, t0: dt.datetime
) -> None:
    body, request = sf.sobjects(object_type="Account").deleted(
        t0 - dt.timedelta(days=16), t0 - dt.timedelta(days=15, hours=23)
    )

    assert request.status == 400
    assert [e["errorCode"] for e in body] == ["INVALID_REPLICATION_DATE"]
    assert [e.error_code for e in request.exceptions] == ["INVALID_REPLICATION_DATE"]


def test_basic_info_has_the_object_and_its_recent_items(sf: salesforcepy.Client) -> None:
    record = _insert(sf, "Recent")

    body, request = sf.sobjects(object_type="account").basic_info()

    assert request.status == 200, body
    assert request.exceptions == []
    assert body["objectDescribe"]["name"] == "Account"
    assert body["objectDescribe"]["keyPrefix"] == "001"
    assert record in [item["Id"] for item in body["recentItems"]]


def test_basic_info_of_an_unknown_object_is_not_found(sf: salesforcepy.Client) -> None:
    body, request = sf.sobjects(object_type="Nope__c").basic_info()

    assert request.status == 404
    assert body[0]["errorCode"] == "NOT_FOUND"
    assert isinstance(request.exceptions[0], salesforcepy.exceptions.NotFound)


@pytest.mark.parametrize("strict", [False, True])
def test_describe_if_modified_since(fake_org: FakeOrg, strict: bool) -> None:
    with salesforcepy.client(**fake_org.credentials, strict=strict) as sf:
        account = sf.sobjects(object_type="Account")
        now = fake_org.clock()

        body, request = account.describe(if_modified_since=now + dt.timedelta(days=1))
        assert (body, request.status, request.exceptions) == (None, 304, [])

        body, request = account.describe(if_modified_since=now - dt.timedelta(days=1))
        assert request.status == 200
        assert body["name"] == "Account"

        # What a cache does: keep Last-Modified, ask again with it.
        last_modified = email.utils.parsedate_to_datetime(request.headers["Last-Modified"])
        body, request = account.describe(if_modified_since=last_modified)
        assert (body, request.status, request.exceptions) == (None, 304, [])


def test_a_new_custom_field_changes_the_describe(
    sf: salesforcepy.Client, fake_org: FakeOrg
) -> None:
    account = sf.sobjects(object_type="Account")
    first, request = account.describe()
    since = email.utils.parsedate_to_datetime(request.headers["Last-Modified"])
    assert account.describe(if_modified_since=since)[1].status == 304
    assert sf.sobjects().describe_global(if_modified_since=since)[1].status == 304

    fake_org.clock.advance(MINUTE)
    fake_org.define_field("Account", FieldDef("Tier__c", "string", length=20))

    body, request = account.describe(if_modified_since=since)
    assert request.status == 200
    assert "Tier__c" in {f["name"] for f in body["fields"]}
    assert "Tier__c" not in {f["name"] for f in first["fields"]}
    assert sf.sobjects().describe_global(if_modified_since=since)[1].status == 200
