"""``include_deleted=True`` (queryAll) against the fake org: deleted records come back, flagged."""

from __future__ import annotations

import pytest

import salesforcepy
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.soql import format_soql

pytestmark = pytest.mark.integration


@pytest.fixture
def sf(fake_org: FakeOrg) -> salesforcepy.Client:
    client = salesforcepy.client(**fake_org.credentials)
    client.login()
    return client


def _names(pages: list) -> dict[str, bool]:
    return {r["Name"]: r["IsDeleted"] for page in pages for r in page["records"]}


def test_deleted_records_are_returned_only_with_include_deleted(sf: salesforcepy.Client) -> None:
    ids = {}
    for name in ("Kept", "Binned"):
        body, request = sf.sobjects(object_type="Account").insert({"Name": name})
        assert request.status == 201, body
        ids[name] = body["id"]
    _, request = sf.sobjects(object_type="Account", id=ids["Binned"]).delete()
    assert request.status == 204
    soql = "SELECT Name, IsDeleted FROM Account ORDER BY Name"

    live, request = sf.query(soql)
    assert request.ok
    assert _names([live]) == {"Kept": False}

    everything, request = sf.query(soql, include_deleted=True)
    assert request.ok
    assert request.url.split("?")[0].endswith("/queryAll")
    assert _names([everything]) == {"Binned": True, "Kept": False}


def test_query_more_with_include_deleted_reads_every_page(sf: salesforcepy.Client) -> None:
    rows = [{"attributes": {"type": "Account"}, "Name": f"Q{n:04d}"} for n in range(2050)]
    for start in range(0, len(rows), 200):
        results, request = sf.composite.create(rows[start : start + 200])
        assert request.ok, results
    deleted = {"Q0003", "Q1210", "Q2049"}
    found, _ = sf.query(format_soql("SELECT Id FROM Account WHERE Name IN {}", sorted(deleted)))
    assert found["totalSize"] == 3
    for record in found["records"]:
        assert sf.sobjects(object_type="Account", id=record["Id"]).delete()[1].status == 204

    pages, request = sf.query_more(
        "SELECT Name, IsDeleted FROM Account WHERE Name LIKE 'Q%'", include_deleted=True
    )

    assert request.ok
    assert [len(page["records"]) for page in pages] == [2000, 50]  # the default batch size
    names = _names(pages)
    assert len(names) == 2050
    assert {name for name, gone in names.items() if gone} == deleted
