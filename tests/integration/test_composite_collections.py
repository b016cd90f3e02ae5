"""client.composite sObject Collections against a fake org over a real socket.

Every change is checked by reading the org back through the client (queries, retrieve), so the
tests see what a user of the library would see.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import salesforcepy
from salesforcepy.exceptions import EntityIsDeleted, NotApplied, RequiredFieldMissing, RolledBack
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.schema import FieldDef

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def org() -> Iterator[FakeOrg]:
    with FakeOrg() as running:
        running.define_field("Account", FieldDef("Ext__c", "string", length=80, external_id=True))
        yield running


@pytest.fixture(scope="module")
def sf(org: FakeOrg) -> Iterator[salesforcepy.Client]:
    client = salesforcepy.client(**org.credentials, version="58.0")
    _, request = client.login()
    request.raise_for_status()
    yield client
    client.close()


def tag() -> str:
    return uuid.uuid4().hex[:12]


def count(sf: salesforcepy.Client, soql_from: str) -> int:
    body, request = sf.query(f"SELECT COUNT() FROM {soql_from}")  # noqa: S608
    request.raise_for_status()
    return int(body["totalSize"])


def names(sf: salesforcepy.Client, prefix: str) -> list[str]:
    body, request = sf.query(
        f"SELECT Name FROM Account WHERE Name LIKE '{prefix}%' ORDER BY Name"  # noqa: S608
    )
    request.raise_for_status()
    return [r["Name"] for r in body["records"]]


def test_create_mixed_types(sf: salesforcepy.Client) -> None:
    t = tag()
    body, request = sf.composite.create(
        [
            {"Name": f"{t}-a"},
            {"attributes": {"type": "Contact"}, "LastName": t},
            {"Name": f"{t}-b"},
        ],
        object_type="Account",
    )
    assert request.status == 200
    assert request.ok
    assert [r["success"] for r in body] == [True, True, True]
    assert [r["id"][:3] for r in body] == ["001", "003", "001"]
    assert sf.composite.failures(body, request) == []
    assert names(sf, t) == [f"{t}-a", f"{t}-b"]
    assert count(sf, f"Contact WHERE LastName = '{t}'") == 1


def test_create_partial_failure_is_reported_per_record(sf: salesforcepy.Client) -> None:
    t = tag()
    body, request = sf.composite.create(
        [{"Name": f"{t}-1"}, {"Industry": "Energy"}, {"Name": f"{t}-3"}], object_type="Account"
    )
    assert request.status == 200
    assert request.exceptions == []  # the call itself succeeded
    (failure,) = sf.composite.failures(body, request)
    assert failure.index == 1
    assert isinstance(failure.error, RequiredFieldMissing)
    assert failure.error.fields == ["Name"]
    assert failure.error.request is request
    assert names(sf, t) == [f"{t}-1", f"{t}-3"]


def test_create_all_or_none_rolls_back(sf: salesforcepy.Client) -> None:
    t = tag()
    before = count(sf, "Account")
    body, request = sf.composite.create(
        [{"Name": f"{t}-1"}, {"Name": f"{t}-2"}, {"Industry": "Energy"}],
        object_type="Account",
        all_or_none=True,
    )
    assert request.status == 200
    codes = [f.error.error_code for f in sf.composite.failures(body, request)]
    assert codes == [
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "REQUIRED_FIELD_MISSING",
    ]
    assert count(sf, "Account") == before
    assert names(sf, t) == []


def test_200_records_is_the_limit(sf: salesforcepy.Client) -> None:
    t = tag()
    records = [{"Name": f"{t}-{n:03d}"} for n in range(201)]
    with pytest.raises(ValueError, match="at most 200"):
        sf.composite.create(records, object_type="Account")
    assert names(sf, t) == []
    body, request = sf.composite.create(records[:200], object_type="Account")
    assert request.status == 200
    assert len(body) == 200
    assert all(r["success"] for r in body)
    assert count(sf, f"Account WHERE Name LIKE '{t}%'") == 200


def test_update_and_all_or_none_update(sf: salesforcepy.Client) -> None:
    t = tag()
    created, _ = sf.composite.create(
        [{"Name": f"{t}-1"}, {"Name": f"{t}-2"}], object_type="Account"
    )
    first, second = (r["id"] for r in created)
    body, request = sf.composite.update(
        [{"id": first, "Industry": "Banking"}, {"id": second, "Industry": "Energy"}],
        object_type="Account",
    )
    assert [r["success"] for r in body] == [True, True]

    body, request = sf.composite.update(
        [{"id": first, "Industry": "Retail"}, {"id": second, "Name": None}],
        object_type="Account",
        all_or_none=True,
    )
    failed = sf.composite.failures(body, request)
    assert [(f.index, f.key, f.error.error_code) for f in failed] == [
        (0, first, "ALL_OR_NONE_OPERATION_ROLLED_BACK"),
        (1, second, "REQUIRED_FIELD_MISSING"),
    ]
    records, _ = sf.composite.retrieve("Account", [first, second], ["Industry"])
    assert [r["Industry"] for r in records] == ["Banking", "Energy"]


def test_upsert_inserts_then_updates(sf: salesforcepy.Client) -> None:
    t = tag()
    records = [{"Ext__c": f"{t}-1", "Name": f"{t}-one"}, {"Ext__c": f"{t}-2", "Name": f"{t}-two"}]
    body, request = sf.composite.upsert("Account", "Ext__c", records)
    assert request.status == 200
    assert [r["created"] for r in body] == [True, True]
    ids = [r["id"] for r in body]

    body, _ = sf.composite.upsert(
        "Account",
        "Ext__c",
        [{"Ext__c": f"{t}-2", "Name": f"{t}-TWO"}, {"Ext__c": f"{t}-3", "Name": f"{t}-three"}],
    )
    assert [r["created"] for r in body] == [False, True]
    assert body[0]["id"] == ids[1]
    # ORDER BY Name ignores case, as in Salesforce.
    assert names(sf, t) == [f"{t}-one", f"{t}-three", f"{t}-TWO"]


def test_upsert_all_or_none_rolls_back(sf: salesforcepy.Client) -> None:
    t = tag()
    before = count(sf, "Account")
    body, request = sf.composite.upsert(
        "Account",
        "Ext__c",
        [{"Ext__c": f"{t}-1", "Name": f"{t}-1"}, {"Ext__c": f"{t}-2", "Industry": "no name"}],
        all_or_none=True,
    )
    assert [f.error.error_code for f in sf.composite.failures(body, request)] == [
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "REQUIRED_FIELD_MISSING",
    ]
    assert count(sf, "Account") == before


def test_delete_and_all_or_none_delete(sf: salesforcepy.Client) -> None:
    t = tag()
    created, _ = sf.composite.create(
        [{"Name": f"{t}-{n}"} for n in range(3)], object_type="Account"
    )
    ids = [r["id"] for r in created]

    body, request = sf.composite.delete([ids[0]])
    assert body == [{"id": ids[0], "success": True, "errors": []}]
    assert names(sf, t) == [f"{t}-1", f"{t}-2"]

    # ids[0] is already deleted, so nothing is deleted with all_or_none.
    body, request = sf.composite.delete(ids, all_or_none=True)
    failed = sf.composite.failures(body, request)
    assert isinstance(failed[0].error, EntityIsDeleted)
    assert [f.error.error_code for f in failed[1:]] == ["ALL_OR_NONE_OPERATION_ROLLED_BACK"] * 2
    assert all(isinstance(f.error, RolledBack) for f in failed[1:])
    assert not isinstance(failed[0].error, NotApplied)  # the real cause stands out by class
    assert names(sf, t) == [f"{t}-1", f"{t}-2"]

    body, request = sf.composite.delete(ids[1:])
    assert all(r["success"] for r in body)
    assert names(sf, t) == []


def test_retrieve_get_and_post(sf: salesforcepy.Client) -> None:
    t = tag()
    created, _ = sf.composite.create(
        [{"Name": f"{t}-{n}", "NumberOfEmployees": n} for n in range(3)], object_type="Account"
    )
    ids = [r["id"] for r in created]
    missing = "0015g00000zzzzzAAA"
    records, request = sf.composite.retrieve("Account", [ids[2], missing, ids[0]], ["Name"])
    assert request.request.method == "GET"
    assert [r["Name"] if r else None for r in records] == [f"{t}-2", None, f"{t}-0"]

    records, request = sf.composite.retrieve(
        "Account", ids, ["Name", "NumberOfEmployees"], method="POST"
    )
    assert request.request.method == "POST"
    assert [r["NumberOfEmployees"] for r in records] == [0, 1, 2]


def test_chunked_create_of_450_records(sf: salesforcepy.Client) -> None:
    t = tag()
    records = [{"Name": f"{t}-{n:03d}"} for n in range(450)]
    result = sf.composite.chunked("create", records, object_type="Account")
    assert [c.request.status for c in result.chunks if c.request] == [200, 200, 200]
    assert result.ok
    assert count(sf, f"Account WHERE Name LIKE '{t}%'") == 450
    ids = [r["id"] for r in result.results]

    fetched = sf.composite.chunked("retrieve", ids, object_type="Account", fields=["Name"])
    assert [r["Name"] for r in fetched.results] == [r["Name"] for r in records]

    deleted = sf.composite.chunked("delete", ids)
    assert len(deleted.chunks) == 3
    assert deleted.ok
    assert count(sf, f"Account WHERE Name LIKE '{t}%'") == 0


def test_chunked_all_or_none_stops_at_the_failing_chunk(sf: salesforcepy.Client) -> None:
    t = tag()
    records: list[dict[str, Any]] = [{"Name": f"{t}-{n:03d}"} for n in range(250)]
    records[120] = {"Industry": "no name"}
    result = sf.composite.chunked(
        "create", records, object_type="Account", chunk_size=100, all_or_none=True
    )
    # Chunk 0-99 saved, chunk 100-199 rolled back, 200-249 never sent.
    assert [(c.start, c.stop) for c in result.chunks] == [(0, 100), (100, 200)]
    assert result.not_sent == range(200, 250)
    assert [f.index for f in result.failures() if not isinstance(f.error, NotApplied)] == [120]
    assert count(sf, f"Account WHERE Name LIKE '{t}%'") == 100
    assert all(r["success"] for r in result.results[:100])
    assert result.results[200:] == [None] * 50
