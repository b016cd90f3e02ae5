"""What deleting a record does to the records that point at it through a lookup.

Salesforce clears a lookup without cascade delete when its target is deleted (a system change:
SystemModstamp moves, LastModifiedDate does not). Lookups with cascade delete take their children
with them, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

import salesforcepy
from salesforcepy.fakeorg import BulkSettings, FakeOrg
from salesforcepy.fakeorg.errors import SalesforceError
from salesforcepy.fakeorg.schema import FieldDef
from salesforcepy.fakeorg.soql import run_query

V = "58.0"
CREATED = "2024-05-15T12:30:00.000+0000"
LATER = "2024-05-15T13:30:00.000+0000"


def rows(store: Any, soql: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
    result = run_query(store, soql, api_version=V, include_deleted=include_deleted)
    return [{k: v for k, v in r.items() if k != "attributes"} for r in result.records]


def error_of(call: Any, *args: Any, **kwargs: Any) -> SalesforceError:
    with pytest.raises(SalesforceError) as info:
        call(*args, **kwargs)
    return info.value


# ---- SOQL parent paths --------------------------------------------------------------------------


def test_query_never_joins_a_deleted_parent(store):
    # A lookup left pointing at a deleted record (a database written before deletes cleared them).
    parent = store.create("Account", {"Name": "Gone"})
    child = store.create("Account", {"Name": "Child", "ParentId": parent})
    store.execute('UPDATE "Account" SET "IsDeleted" = 1 WHERE "Id" = ?', (parent,))
    assert rows(store, "SELECT Name, Parent.Name FROM Account") == [
        {"Name": "Child", "Parent": None}
    ]
    assert rows(store, "SELECT Name FROM Account WHERE Parent.Name = 'Gone'") == []
    assert rows(store, "SELECT Name FROM Account WHERE Parent.Name = null") == [{"Name": "Child"}]
    # queryAll joins deleted parents.
    soql = f"SELECT Parent.Name FROM Account WHERE Id = '{child}'"  # noqa: S608
    found = rows(store, soql, include_deleted=True)
    assert found[0]["Parent"]["Name"] == "Gone"


# ---- clearing lookups ---------------------------------------------------------------------------


def test_deleting_a_parent_account_clears_the_child_accounts_parent_id(store, clock):
    user = store.add_user("writer@example.com", last_name="Writer")
    parent = store.create("Account", {"Name": "Parent"})
    child = store.create("Account", {"Name": "Child", "ParentId": parent}, user_id=user)
    clock.advance(hours=1)
    store.delete("Account", parent)
    row = store.read_row("Account", child)
    assert row["ParentId"] is None
    assert row["IsDeleted"] == 0
    assert row["SystemModstamp"] == LATER
    assert (row["LastModifiedDate"], row["LastModifiedById"]) == (CREATED, user)
    assert rows(store, "SELECT Name, ParentId, Parent.Name FROM Account") == [
        {"Name": "Child", "ParentId": None, "Parent": None}
    ]
    assert rows(store, "SELECT Name FROM Account WHERE Parent.Name = 'Parent'") == []


def test_hard_delete_clears_lookups_too(store):
    parent = store.create("Account", {"Name": "Parent"})
    child = store.create("Account", {"Name": "Child", "ParentId": parent})
    store.delete("Account", parent, hard=True)
    assert store.read_row("Account", child)["ParentId"] is None


def test_deleting_a_manager_clears_reports_to(store, clock):
    boss = store.create("Contact", {"LastName": "Boss"})
    report = store.create("Contact", {"LastName": "Report", "ReportsToId": boss})
    clock.advance(hours=1)
    store.delete("Contact", boss)
    row = store.read_row("Contact", report)
    assert (row["ReportsToId"], row["SystemModstamp"], row["LastModifiedDate"]) == (
        None,
        LATER,
        CREATED,
    )
    assert rows(store, "SELECT LastName, ReportsTo.Name FROM Contact") == [
        {"LastName": "Report", "ReportsTo": None}
    ]


def test_a_cleared_lookup_goes_through_the_save_rules(store):
    # Case.ContactEmail follows the case's contact.
    contact = store.create("Contact", {"LastName": "Doe", "Email": "doe@example.com"})
    case = store.create("Case", {"Subject": "Help", "ContactId": contact})
    assert store.read_row("Case", case)["ContactEmail"] == "doe@example.com"
    store.delete("Contact", contact)
    row = store.read_row("Case", case)
    assert (row["ContactId"], row["ContactEmail"], row["IsDeleted"]) == (None, None, 0)


def test_a_custom_lookup_without_cascade_is_cleared(store):
    store.define_object("Visit__c", [FieldDef("Account__c", "reference", reference_to=["Account"])])
    account = store.create("Account", {"Name": "Acme"})
    visit = store.create("Visit__c", {"Account__c": account})
    store.delete("Account", account)
    row = store.read_row("Visit__c", visit)
    assert (row["Account__c"], row["IsDeleted"]) == (None, 0)


def test_cascade_children_are_deleted_and_keep_their_lookups(store, clock):
    account = store.create("Account", {"Name": "Acme"})
    boss = store.create("Contact", {"LastName": "Boss", "AccountId": account})
    report = store.create(
        "Contact", {"LastName": "Report", "AccountId": account, "ReportsToId": boss}
    )
    outside = store.create("Contact", {"LastName": "Outside", "ReportsToId": boss})
    clock.advance(hours=1)
    store.delete("Account", account)
    for contact in (boss, report):
        row = store.read_row("Contact", contact)
        assert (row["IsDeleted"], row["AccountId"]) == (1, account)
    # Deleted together: the lookup between them is not cleared.
    assert store.read_row("Contact", report)["ReportsToId"] == boss
    assert store.read_row("Contact", outside)["ReportsToId"] is None
    # queryAll still shows the account a deleted contact was deleted with.
    found = rows(
        store,
        "SELECT LastName, Account.Name FROM Contact WHERE IsDeleted = true ORDER BY LastName",
        include_deleted=True,
    )
    assert [(r["LastName"], r["Account"]["Name"]) for r in found] == [
        ("Boss", "Acme"),
        ("Report", "Acme"),
    ]


# ---- over HTTP, with the client -----------------------------------------------------------------


def _seed(store: Any) -> None:
    store.define_object(
        "Invoice__c",
        [FieldDef("Account__c", "reference", reference_to=["Account"], required=True)],
        label="Invoice",
    )


@pytest.fixture(scope="module")
def lookup_org() -> Iterator[FakeOrg]:
    with FakeOrg(seed=_seed, bulk=BulkSettings.fast()) as org:
        yield org


@pytest.fixture(scope="module")
def sf(lookup_org: FakeOrg) -> Iterator[Any]:
    client = salesforcepy.client(**lookup_org.credentials)
    client.login()
    yield client
    client.close()


def insert(sf: Any, object_type: str, **fields: Any) -> str:
    body, request = sf.sobjects(object_type=object_type).insert(fields)
    assert request.status == 201, body
    return body["id"]


def read(sf: Any, object_type: str, fields: str, record_id: str) -> list[dict[str, Any]]:
    soql = f"SELECT {fields} FROM {object_type} WHERE Id = '{record_id}'"  # noqa: S608
    body, request = sf.query(soql)
    assert request.status == 200, body
    return [{k: v for k, v in r.items() if k != "attributes"} for r in body["records"]]


@pytest.mark.integration
def test_rest_delete_clears_parent_id(sf, lookup_org):
    parent = insert(sf, "Account", Name="Rest Parent")
    child = insert(sf, "Account", Name="Rest Child", ParentId=parent)
    (stamp,) = read(sf, "Account", "SystemModstamp", child)
    lookup_org.clock.advance(dt.timedelta(minutes=1))
    body, request = sf.sobjects(object_type="Account", id=parent).delete()
    assert request.status == 204, body
    (record,) = read(
        sf, "Account", "ParentId, Parent.Name, SystemModstamp, LastModifiedDate", child
    )
    assert (record["ParentId"], record["Parent"]) == (None, None)
    assert record["SystemModstamp"] > stamp["SystemModstamp"]
    assert record["LastModifiedDate"] == stamp["SystemModstamp"]


@pytest.mark.integration
def test_rest_delete_clears_reports_to(sf):
    boss = insert(sf, "Contact", LastName="Rest Boss")
    report = insert(sf, "Contact", LastName="Rest Report", ReportsToId=boss)
    sf.sobjects(object_type="Contact", id=boss).delete()
    assert read(sf, "Contact", "ReportsToId, ReportsTo.Name", report) == [
        {"ReportsToId": None, "ReportsTo": None}
    ]
