"""What deleting a record does to the records that point at it through a lookup.

Salesforce clears a lookup without cascade delete when its target is deleted (a system change:
SystemModstamp moves, LastModifiedDate does not), and refuses to delete a record that a live
record needs through a lookup that cannot be null (400 DELETE_FAILED, nothing deleted). Lookups
with cascade delete take their children with them, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

import salesforcepy
from salesforcepy.fakeorg import BulkSettings, FakeOrg, describe
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


# ---- required lookups refuse the delete ---------------------------------------------------------


@pytest.fixture
def needs_account(store):
    """Invoice__c.Account__c: a lookup that cannot be null and does not cascade."""
    store.define_object(
        "Invoice__c",
        [
            FieldDef(
                "Account__c",
                "reference",
                reference_to=["Account"],
                required=True,
                child_relationship_name="Invoices__r",
            )
        ],
        label="Invoice",
    )


def test_a_required_lookup_refuses_the_delete(store, clock, needs_account):
    account = store.create("Account", {"Name": "Acme"})
    child = store.create("Account", {"Name": "Child", "ParentId": account})
    contact = store.create("Contact", {"LastName": "Doe", "AccountId": account})
    invoice = store.create("Invoice__c", {"Name": "INV-1", "Account__c": account})
    before = {
        (name, record_id): store.read_row(name, record_id)
        for name, record_id in (
            ("Account", account),
            ("Account", child),
            ("Contact", contact),
            ("Invoice__c", invoice),
        )
    }
    clock.advance(hours=1)
    err = error_of(store.delete, "Account", account)
    assert (err.status, err.error_code) == (400, "DELETE_FAILED")
    assert err.message == (
        "Your attempt to delete Acme could not be completed because it is associated with the "
        "following invoices.: INV-1"
    )
    # Nothing changed: no delete, no cascade, no cleared lookup.
    for (name, record_id), row in before.items():
        assert store.read_row(name, record_id) == row, name
    # Once the invoice is gone, the account can go.
    store.delete("Invoice__c", invoice)
    store.delete("Account", account)
    assert store.read_row("Contact", contact)["IsDeleted"] == 1
    assert store.read_row("Account", child)["ParentId"] is None


def test_a_deleted_record_does_not_hold_a_required_lookup(store, needs_account):
    account = store.create("Account", {"Name": "Acme"})
    invoice = store.create("Invoice__c", {"Account__c": account})
    store.delete("Invoice__c", invoice)
    store.delete("Account", account)
    assert store.read_row("Invoice__c", invoice)["Account__c"] == account


def test_a_required_lookup_inside_the_deleted_tree_does_not_refuse(store):
    store.define_object(
        "Line__c",
        [
            FieldDef(
                "Opportunity__c", "reference", reference_to=["Opportunity"], cascade_delete=True
            ),
            FieldDef("Account__c", "reference", reference_to=["Account"], required=True),
        ],
    )
    account = store.create("Account", {"Name": "Acme"})
    deal = store.create(
        "Opportunity",
        {"Name": "D", "StageName": "Prospecting", "CloseDate": "2024-06-01", "AccountId": account},
    )
    line = store.create("Line__c", {"Opportunity__c": deal, "Account__c": account})
    store.delete("Account", account)
    assert store.read_row("Line__c", line)["IsDeleted"] == 1


def test_a_cascade_that_reaches_a_used_record_refuses_the_whole_delete(store):
    # Deleting a product deletes its price book entries; one is on an opportunity.
    product = store.create("Product2", {"Name": "Widget", "IsActive": True})
    entry = store.create(
        "PricebookEntry",
        {"Pricebook2Id": store.standard_pricebook_id, "Product2Id": product, "UnitPrice": 20},
    )
    deal = store.create(
        "Opportunity", {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2024-06-01"}
    )
    store.create(
        "OpportunityLineItem",
        {"OpportunityId": deal, "PricebookEntryId": entry, "Quantity": 1, "UnitPrice": 20},
    )
    err = error_of(store.delete, "Product2", product)
    assert err.error_code == "DELETE_FAILED"
    assert "opportunity products" in err.message
    assert store.read_row("Product2", product)["IsDeleted"] == 0
    assert store.read_row("PricebookEntry", entry)["IsDeleted"] == 0
    store.delete("Opportunity", deal)
    store.delete("Product2", product)
    assert store.read_row("PricebookEntry", entry)["IsDeleted"] == 1


def test_describe_says_which_lookups_restrict_deletes(store, needs_account):
    account = describe.describe_sobject(store, "Account", V)
    relationships = {r["childSObject"]: r for r in account["childRelationships"]}
    assert relationships["Invoice__c"]["restrictedDelete"] is True
    assert relationships["Contact"]["restrictedDelete"] is False
    assert relationships["Contact"]["cascadeDelete"] is True
    fields = {f["name"]: f for f in describe.describe_sobject(store, "Invoice__c", V)["fields"]}
    assert fields["Account__c"]["restrictedDelete"] is True
    assert fields["OwnerId"]["restrictedDelete"] is False
    entry = describe.describe_sobject(store, "PricebookEntry", V)
    (line_items,) = [
        r for r in entry["childRelationships"] if r["relationshipName"] == "OpportunityLineItems"
    ]
    assert line_items["restrictedDelete"] is True


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


@pytest.mark.integration
def test_rest_delete_refused_by_a_required_lookup(sf):
    account = insert(sf, "Account", Name="Rest Invoiced")
    contact = insert(sf, "Contact", LastName="Rest Doe", AccountId=account)
    insert(sf, "Invoice__c", Name="INV-9", Account__c=account)
    body, request = sf.sobjects(object_type="Account", id=account).delete()
    assert request.status == 400
    assert body == [
        {
            "message": "Your attempt to delete Rest Invoiced could not be completed because it "
            "is associated with the following invoices.: INV-9",
            "errorCode": "DELETE_FAILED",
        }
    ]
    assert read(sf, "Contact", "Id", contact) == [{"Id": contact}]


@pytest.mark.integration
def test_collections_all_or_none_rolls_back_the_cleared_lookups(sf):
    parent = insert(sf, "Account", Name="Coll Parent")
    child = insert(sf, "Account", Name="Coll Child", ParentId=parent)
    invoiced = insert(sf, "Account", Name="Coll Invoiced")
    insert(sf, "Invoice__c", Account__c=invoiced)
    body, request = sf.composite.delete([parent, invoiced], all_or_none=True)
    assert request.status == 200
    assert [r["success"] for r in body] == [False, False]
    assert body[1]["errors"][0]["statusCode"] == "DELETE_FAILED"
    (record,) = read(sf, "Account", "ParentId, Parent.Name", child)
    assert (record["ParentId"], record["Parent"]["Name"]) == (parent, "Coll Parent")
    body, request = sf.composite.delete([parent, invoiced], all_or_none=False)
    assert [r["success"] for r in body] == [True, False]
    assert read(sf, "Account", "ParentId", child) == [{"ParentId": None}]


@pytest.mark.integration
def test_bulk_delete_clears_and_refuses_per_row(sf):
    parent = insert(sf, "Account", Name="Bulk Parent")
    child = insert(sf, "Account", Name="Bulk Child", ParentId=parent)
    invoiced = insert(sf, "Account", Name="Bulk Invoiced")
    insert(sf, "Invoice__c", Account__c=invoiced)
    result = sf.jobs.ingest.load("Account", "delete", [{"Id": parent}, {"Id": invoiced}])
    (job,) = result.jobs
    assert [r["sf__Id"] for r in job.successes] == [parent]
    assert [r["sf__Id"] for r in job.failures] == [invoiced]
    assert job.failures[0]["sf__Error"].startswith("DELETE_FAILED:")
    assert read(sf, "Account", "ParentId", child) == [{"ParentId": None}]
    assert read(sf, "Account", "Id", invoiced) == [{"Id": invoiced}]


@pytest.mark.integration
def test_bulk_v1_delete_clears_and_refuses_per_row(sf):
    parent = insert(sf, "Account", Name="Bulk1 Parent")
    child = insert(sf, "Account", Name="Bulk1 Child", ParentId=parent)
    invoiced = insert(sf, "Account", Name="Bulk1 Invoiced")
    insert(sf, "Invoice__c", Account__c=invoiced)
    legacy = sf.jobs.legacy
    job, request = legacy.create_job("Account", "delete")
    request.raise_for_status()
    batch, request = legacy.add_batch(job["id"], [{"Id": parent}, {"Id": invoiced}])
    request.raise_for_status()
    legacy.close_job(job["id"])[1].raise_for_status()
    legacy.wait_batch(job["id"], batch["id"], poll_interval=0.05)[1].raise_for_status()
    results, request = legacy.get_batch_result(job["id"], batch["id"])
    request.raise_for_status()
    lines = results.splitlines()
    assert lines[1] == f'"{parent}","true","false",""'
    assert lines[2].startswith(f'"{invoiced}","false","false","DELETE_FAILED:Your attempt')
    assert read(sf, "Account", "ParentId", child) == [{"ParentId": None}]
    assert read(sf, "Account", "Id", invoiced) == [{"Id": invoiced}]
