"""A small, fixed dataset for the SOQL/SOSL tests, built through the real Store.

Every expected result in these tests was worked out by hand from the records below (not by running
the engine). The clock stands still at Wednesday 2024-05-15 12:30 UTC.

Accounts (owner admin unless noted; wayne is soft-deleted, with its contact Bruce Wayne):

=======  ================  ==========  ==========  =====  =====  ===========  =========  ====
key      Name              Created     Industry    Rev.   Empl.  BillingCity  Regions__c Site
=======  ================  ==========  ==========  =====  =====  ===========  =========  ====
acme     Acme Corp         2024-01-10  Banking     5M     120    Paris        EMEA;AMER  HQ_1
globex   Globex            2024-05-15  Energy      2.5M   80     Springfield  AMER       HQX1
initech  Initech           2024-05-14  Technology  750k   30     Austin       AMER;APAC
umbrella Umbrella          2024-05-13  Banking            500
hooli    Hooli             2024-04-20  Technology  9M     1000   Palo Alto    APAC
stark    stark industries  2023-11-30              100    10
wayne    Wayne Enterprises 2024-05-15  Banking     1             Gotham
=======  ================  ==========  ==========  =====  =====  ===========  =========  ====

Globex and Umbrella belong to Sam Seller and have Acme Corp as parent. Ratings: acme Hot,
globex Warm, initech Cold, umbrella Hot, others none.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from salesforcepy.fakeorg.schema import FieldDef
from salesforcepy.fakeorg.store import Store

NOW = dt.datetime(2024, 5, 15, 12, 30, 0, tzinfo=dt.timezone.utc)
API = "58.0"


def build_org() -> tuple[Store, dict[str, str]]:
    """The dataset described in the module docstring; returns the store and ids by key."""
    store = Store(clock=lambda: NOW)
    ids: dict[str, str] = {"admin": store.admin_user_id}
    store.define_field(
        "Account",
        FieldDef("Regions__c", "multipicklist", picklist_values=["EMEA", "AMER", "APAC"]),
    )
    store.define_object(
        "Project__c",
        [
            FieldDef(
                "Account__c",
                "reference",
                reference_to=["Account"],
                relationship_name="Account__r",
                child_relationship_name="Projects__r",
            ),
            FieldDef("Budget__c", "currency", precision=18, scale=2),
            FieldDef("Active__c", "boolean"),
            FieldDef("Kickoff__c", "date"),
        ],
    )
    ids["sam"] = store.add_user("sam@fakeorg.test", last_name="Seller", first_name="Sam")

    def account(key: str, created: str, **fields: Any) -> None:
        fields.setdefault("OwnerId", ids["admin"])
        ids[key] = store.create_system("Account", {"CreatedDate": created, **fields})

    account(
        "acme",
        "2024-01-10T09:00:00Z",
        Name="Acme Corp",
        Industry="Banking",
        AnnualRevenue=5000000,
        NumberOfEmployees=120,
        Rating="Hot",
        BillingCity="Paris",
        BillingCountry="France",
        Regions__c="EMEA;AMER",
        Site="HQ_1",
    )
    account(
        "globex",
        "2024-05-15T08:00:00Z",
        Name="Globex",
        Industry="Energy",
        AnnualRevenue=2500000,
        NumberOfEmployees=80,
        Rating="Warm",
        BillingCity="Springfield",
        OwnerId=ids["sam"],
        ParentId=ids["acme"],
        Regions__c="AMER",
        Site="HQX1",
    )
    account(
        "initech",
        "2024-05-14T23:59:59Z",
        Name="Initech",
        Industry="Technology",
        AnnualRevenue=750000,
        NumberOfEmployees=30,
        Rating="Cold",
        BillingCity="Austin",
        Regions__c="AMER;APAC",
    )
    account(
        "umbrella",
        "2024-05-13T10:00:00Z",
        Name="Umbrella",
        Industry="Banking",
        NumberOfEmployees=500,
        Rating="Hot",
        OwnerId=ids["sam"],
        ParentId=ids["acme"],
    )
    account(
        "hooli",
        "2024-04-20T00:00:00Z",
        Name="Hooli",
        Industry="Technology",
        AnnualRevenue=9000000,
        NumberOfEmployees=1000,
        BillingCity="Palo Alto",
        Regions__c="APAC",
    )
    account(
        "stark",
        "2023-11-30T12:00:00Z",
        Name="stark industries",
        AnnualRevenue=100,
        NumberOfEmployees=10,
        Description="Weapons maker",
    )
    account(
        "wayne",
        "2024-05-15T01:00:00Z",
        Name="Wayne Enterprises",
        Industry="Banking",
        AnnualRevenue=1,
        BillingCity="Gotham",
    )

    def contact(key: str, **fields: Any) -> None:
        ids[key] = store.create("Contact", fields)

    contact(
        "jane",
        FirstName="Jane",
        LastName="Doe",
        AccountId=ids["acme"],
        Email="jane@acme.com",
        Phone="(415) 555-0100",
        Title="CEO",
        LeadSource="Web",
        Birthdate="1990-03-01",
        MailingCity="Paris",
    )
    contact(
        "john",
        FirstName="John",
        LastName="Smith",
        AccountId=ids["acme"],
        Email="john.smith@acme.com",
        Title="CFO",
        LeadSource="Web",
        Birthdate="1985-07-20",
    )
    contact(
        "alice",
        FirstName="Alice",
        LastName="Jones",
        AccountId=ids["globex"],
        Email="alice@globex.com",
        Title="Engineer",
        LeadSource="Phone Inquiry",
        Birthdate="1992-05-15",
    )
    contact(
        "bob",
        FirstName="Bob",
        LastName="Brown",
        AccountId=ids["initech"],
        Email="bob@initech.com",
        Title="Engineer",
    )
    contact(
        "carol",
        FirstName="Carol",
        LastName="White",
        Email="carol@example.com",
        DoNotCall=True,
        LeadSource="Other",
    )
    contact("dan", FirstName="Dan", LastName="O'Brien", AccountId=ids["hooli"], Title="VP, Sales")
    contact("bruce", FirstName="Bruce", LastName="Wayne", AccountId=ids["wayne"])

    def opportunity(
        key: str, name: str, account_key: str, stage: str, amount: Any, close: str
    ) -> None:
        ids[key] = store.create(
            "Opportunity",
            {
                "Name": name,
                "AccountId": ids[account_key],
                "StageName": stage,
                "Amount": amount,
                "CloseDate": close,
            },
        )

    opportunity("big", "Acme - Big Deal", "acme", "Closed Won", 500000, "2024-05-10")
    opportunity("renewal", "Acme - Renewal", "acme", "Prospecting", 120000, "2024-06-30")
    opportunity("pilot", "Globex - Pilot", "globex", "Qualification", 50000, "2024-05-15")
    opportunity("upgrade", "Initech - Upgrade", "initech", "Closed Lost", 75000, "2024-04-02")
    opportunity("expansion", "Hooli - Expansion", "hooli", "Negotiation/Review", None, "2024-08-01")
    opportunity("services", "Hooli - Services", "hooli", "Closed Won", 250000, "2023-12-15")

    ids["peter"] = store.create(
        "Lead",
        {
            "FirstName": "Peter",
            "LastName": "Parker",
            "Company": "Daily Bugle",
            "Email": "peter@bugle.com",
        },
    )
    ids["mary"] = store.create(
        "Lead", {"FirstName": "Mary", "LastName": "Watson", "Company": "Acme Corp"}
    )

    ids["call"] = store.create(
        "Task", {"Subject": "Call Jane", "WhoId": ids["jane"], "WhatId": ids["big"]}
    )
    ids["email"] = store.create("Task", {"Subject": "Email Peter", "WhoId": ids["peter"]})
    ids["qbr"] = store.create("Task", {"Subject": "Plan QBR", "WhatId": ids["acme"]})

    def project(
        key: str, name: str, account_key: str, budget: Any, active: bool, kickoff: Any
    ) -> None:
        ids[key] = store.create(
            "Project__c",
            {
                "Name": name,
                "Account__c": ids[account_key],
                "Budget__c": budget,
                "Active__c": active,
                "Kickoff__c": kickoff,
            },
        )

    project("apollo", "Apollo", "acme", 1000, True, "2024-05-01")
    project("gemini", "Gemini", "acme", 2500, False, "2024-06-01")
    project("mercury", "Mercury", "initech", None, True, None)

    ids["case"] = store.create(
        "Case", {"Subject": "Printer on fire", "ContactId": ids["jane"], "AccountId": ids["acme"]}
    )
    ids["notes"] = store.create(
        "Attachment",
        {
            "ParentId": ids["acme"],
            "Name": "notes.txt",
            "Body": base64.b64encode(b"hello").decode("ascii"),
        },
    )

    store.delete("Account", ids["wayne"])  # cascades to Bruce Wayne
    return store, ids


@pytest.fixture(scope="module")
def org() -> Iterator[tuple[Store, dict[str, str]]]:
    """The dataset, shared read-only by the tests of one module."""
    store, ids = build_org()
    yield store, ids
    store.close()


def flat(record: dict[str, Any] | None, path: str) -> Any:
    """The value at ``Account.Owner.Name`` in a nested record (None past a null parent)."""
    value: Any = record
    for part in path.split("."):
        if value is None:
            return None
        value = value[part]
    return value


def rows(records: list[dict[str, Any]], fields: str) -> list[Any]:
    """The values of comma-separated ``fields`` per record: scalars for one field, else tuples."""
    paths = [p.strip() for p in fields.split(",")]
    out = [tuple(flat(r, p) for p in paths) for r in records]
    return [row[0] for row in out] if len(paths) == 1 else out


class Recorder:
    """A store stand-in that forwards to a real Store and records every SQL statement."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.schema = store.schema
        self.statements: list[tuple[str, Any]] = []

    def now(self) -> dt.datetime:
        return self.store.now()

    def execute(self, sql: str, params: Any = ()) -> Any:
        self.statements.append((sql, params))
        return self.store.execute(sql, params)
