"""Wave datasets built from a real Store through the SOQL engine (``store`` and ``clock`` fixtures
come from ``tests/fakeorg/conftest.py``)."""

from __future__ import annotations

import pytest

from salesforcepy.fakeorg.errors import SalesforceError
from salesforcepy.fakeorg.wave import DatasetDefinition, WaveRegistry, demo_datasets

API = "58.0"
SEED_QUERY = """q = load \"0Fb0N000000XuvBSAS/0Fc0N000001M5BMSA0\";\nq = filter q by 'Account.Industry' in
[\"Apparel\", \"Banking\", \"Biotechnology\"];\nq = group q by 'Account.Industry';\nq = foreach q generate
'Account.Industry' as 'Account.Industry', count() as 'count';\nq = order q by 'Account.Industry' asc;\nq = limit q
2000;"""  # noqa: E501


@pytest.fixture
def org(store):
    """Accounts and opportunities; returns the ids by name."""
    made = {}
    for name, industry in [
        ("Acme Apparel", "Apparel"),
        ("First Bank", "Banking"),
        ("GeneCo", "Biotechnology"),
        ("PowerCo", "Energy"),
        ("No Industry", None),
    ]:
        fields = {"Name": name}
        if industry:
            fields["Industry"] = industry
        made[name] = store.create("Account", fields)
    for name, account, stage, amount, close in [
        ("O1", "Acme Apparel", "Prospecting", 100, "2024-01-15"),
        ("O2", "Acme Apparel", "Closed Won", 250, "2024-02-10"),
        ("O3", "First Bank", "Closed Won", 1000, "2024-03-01"),
        ("O4", "First Bank", "Closed Lost", 400, "2024-01-20"),
        ("O5", "First Bank", "Prospecting", None, "2024-04-05"),
        ("O6", "GeneCo", "Closed Won", 700, "2023-12-31"),
        ("O7", "PowerCo", "Prospecting", 50, "2024-05-01"),
        ("O8", "No Industry", "Prospecting", 300, "2024-06-01"),
        ("O9", None, "Prospecting", 10, "2024-06-30"),
    ]:
        fields = {"Name": name, "StageName": stage, "CloseDate": close}
        if account:
            fields["AccountId"] = made[account]
        if amount is not None:
            fields["Amount"] = amount
        made[name] = store.create("Opportunity", fields)
    return made


@pytest.fixture
def registry(store, org):
    return WaveRegistry.for_store(store, api_version=API, definitions=demo_datasets())


def seed_query(registry):
    dataset = registry.get("opportunities")
    return SEED_QUERY.replace("0Fb0N000000XuvBSAS", dataset.id).replace(
        "0Fc0N000001M5BMSA0", dataset.current_version_id
    )


def test_seed_query_over_the_opportunities_dataset(registry):
    response = registry.query(seed_query(registry))

    assert response["results"]["records"] == [
        {"Account.Industry": "Apparel", "count": 2},
        {"Account.Industry": "Banking", "count": 3},
        {"Account.Industry": "Biotechnology", "count": 1},
    ]
    assert response["results"]["metadata"][0]["groups"] == ["Account.Industry"]


def test_dataset_rows_are_flattened_soql_records(registry, org):
    dataset = registry.get("opportunities")

    loaded = registry.resolve(f"{dataset.id}/{dataset.current_version_id}")

    assert loaded.columns == {
        "Id": "string",
        "Name": "string",
        "Amount": "numeric",
        "StageName": "string",
        "CloseDate": "date",
        "Account.Name": "string",
        "Account.Industry": "string",
    }
    assert [row["Name"] for row in loaded.rows] == [f"O{i}" for i in range(1, 10)]
    assert loaded.rows[0] == {
        "Id": org["O1"],
        "Name": "O1",
        "Amount": 100,
        "StageName": "Prospecting",
        "CloseDate": "2024-01-15",
        "Account.Name": "Acme Apparel",
        "Account.Industry": "Apparel",
    }
    assert loaded.rows[4]["Amount"] is None  # O5 has no amount
    assert loaded.rows[7]["Account.Industry"] is None  # O8's account has no industry
    assert loaded.rows[8]["Account.Name"] is None  # O9 has no account
    assert loaded.rows[8]["Account.Industry"] is None


def test_totals_come_out_as_numbers(registry):
    dataset = registry.get("opportunities")
    response = registry.query(
        f'q = load "{dataset.id}/{dataset.current_version_id}";\nq = group q by all;\n'
        "q = foreach q generate sum('Amount') as 'total', count() as 'n';"
    )

    # 100 + 250 + 1000 + 400 + 700 + 50 + 300 + 10; O5 has no amount.
    assert response["results"]["records"] == [{"total": 2810, "n": 9}]
    assert type(response["results"]["records"][0]["total"]) is int


def test_datasets_read_the_store_live(registry, store, org):
    store.create(
        "Opportunity",
        {
            "Name": "O10",
            "StageName": "Prospecting",
            "CloseDate": "2024-07-01",
            "AccountId": org["Acme Apparel"],
        },
    )
    store.delete("Opportunity", org["O3"])

    records = registry.query(seed_query(registry))["results"]["records"]

    assert records == [
        {"Account.Industry": "Apparel", "count": 3},
        {"Account.Industry": "Banking", "count": 2},
        {"Account.Industry": "Biotechnology", "count": 1},
    ]


def test_owner_and_dates_come_from_the_store(registry, store, clock):
    dataset = registry.get("opportunities")

    assert dataset.created_by.id == store.admin_user_id
    assert dataset.created_by.name == "Admin User"
    assert dataset.created_date == clock()
    assert registry.to_json(API)["datasets"][0]["createdDate"] == "2024-05-15T12:30:00.000Z"


def test_field_types_booleans_and_canonical_names(store, org):
    store.update("Opportunity", org["O2"], {"IsPrivate": True})
    registry = WaveRegistry.for_store(
        store,
        api_version=API,
        definitions=[
            DatasetDefinition(
                "flags",
                "Flags",
                "opportunity",
                ["name", "IsPrivate", "CreatedDate", "account.industry"],
            )
        ],
    )
    dataset = registry.get("flags")

    loaded = registry.resolve(f"{dataset.id}/{dataset.current_version_id}")

    assert loaded.columns == {
        "Name": "string",
        "IsPrivate": "string",
        "CreatedDate": "date",
        "Account.Industry": "string",
    }
    assert loaded.rows[:2] == [
        {
            "Name": "O1",
            "IsPrivate": "false",
            "CreatedDate": "2024-05-15T12:30:00.000+0000",
            "Account.Industry": "Apparel",
        },
        {
            "Name": "O2",
            "IsPrivate": "true",
            "CreatedDate": "2024-05-15T12:30:00.000+0000",
            "Account.Industry": "Apparel",
        },
    ]


def test_dataset_over_a_missing_field_reports_the_soql_error(store, org):
    registry = WaveRegistry.for_store(
        store,
        api_version=API,
        definitions=[DatasetDefinition("broken", "Broken", "Opportunity", ["Name", "Nope__c"])],
    )
    dataset = registry.get("broken")

    with pytest.raises(SalesforceError) as caught:
        registry.query(f'q = load "{dataset.id}/{dataset.current_version_id}";')

    assert caught.value.status == 400
    assert caught.value.error_code == "INVALID_FIELD"
