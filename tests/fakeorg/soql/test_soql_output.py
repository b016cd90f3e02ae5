"""The shape of query results: attributes, casing, value encoding, nesting, aggregates, children."""

from __future__ import annotations

from typing import Any

import pytest

from salesforcepy.fakeorg.errors import SalesforceError
from salesforcepy.fakeorg.soql import QueryResult, run_query

from .conftest import API, Recorder, build_org


def url(kind: str, record_id: str, version: str = API) -> str:
    return f"/services/data/v{version}/sobjects/{kind}/{record_id}"


def query(org: Any, soql: str, **kwargs: Any) -> QueryResult:
    store, _ = org
    kwargs.setdefault("api_version", API)
    return run_query(store, soql, **kwargs)


def test_record_has_attributes_then_fields_in_select_order(org: Any) -> None:
    _, ids = org
    soql = f"SELECT Title, LastName, Id FROM Contact WHERE Id = '{ids['jane']}'"  # noqa: S608
    result = query(org, soql)
    assert result.records == [
        {
            "attributes": {"type": "Contact", "url": url("Contact", ids["jane"])},
            "Title": "CEO",
            "LastName": "Doe",
            "Id": ids["jane"],
        }
    ]
    assert list(result.records[0]) == ["attributes", "Title", "LastName", "Id"]
    assert result.columns == ["Title", "LastName", "Id"]
    assert result.object_name == "Contact"
    assert result.total_size == 1


def test_url_is_present_without_id_and_uses_the_api_version(org: Any) -> None:
    _, ids = org
    result = query(org, "SELECT Name FROM Account WHERE Name = 'Globex'", api_version="v61.0")
    assert result.records[0]["attributes"] == {
        "type": "Account",
        "url": url("Account", ids["globex"], "61.0"),
    }


def test_names_come_back_in_canonical_casing(org: Any) -> None:
    result = query(org, "select lastname, ACCOUNT.name from CONTACT where lastname = 'doe'")
    record = result.records[0]
    assert list(record) == ["attributes", "LastName", "Account"]
    assert list(record["Account"]) == ["attributes", "Name"]
    assert result.columns == ["LastName", "Account.Name"]
    assert result.object_name == "Contact"


def test_values_are_encoded_per_field_type(org: Any) -> None:
    result = query(
        org,
        "SELECT Name, AnnualRevenue, NumberOfEmployees, IsDeleted, CreatedDate, "
        "Regions__c, Rating FROM Account WHERE Name = 'Acme Corp'",
    )
    record = result.records[0]
    assert record["AnnualRevenue"] == 5000000.0
    assert isinstance(record["AnnualRevenue"], float)
    assert record["NumberOfEmployees"] == 120
    assert isinstance(record["NumberOfEmployees"], int)
    assert record["IsDeleted"] is False
    assert record["CreatedDate"] == "2024-01-10T09:00:00.000+0000"
    assert record["Regions__c"] == "EMEA;AMER"
    assert record["Rating"] == "Hot"
    dates = query(org, "SELECT Birthdate, DoNotCall FROM Contact WHERE LastName = 'White'")
    assert dates.records[0]["Birthdate"] is None
    assert dates.records[0]["DoNotCall"] is True


def test_parent_paths_nest_with_their_own_attributes(org: Any) -> None:
    _, ids = org
    result = query(
        org,
        "SELECT Account.Name, LastName, Account.Owner.Name, Account.Industry FROM Contact "
        "WHERE LastName = 'Jones'",
    )
    assert result.records == [
        {
            "attributes": {"type": "Contact", "url": url("Contact", ids["alice"])},
            "Account": {
                "attributes": {"type": "Account", "url": url("Account", ids["globex"])},
                "Name": "Globex",
                "Owner": {
                    "attributes": {"type": "User", "url": url("User", ids["sam"])},
                    "Name": "Sam Seller",
                },
                "Industry": "Energy",
            },
            "LastName": "Jones",
        }
    ]
    assert result.columns == ["Account.Name", "LastName", "Account.Owner.Name", "Account.Industry"]


def test_null_lookup_gives_null_parent(org: Any) -> None:
    result = query(
        org,
        "SELECT LastName, Account.Name, Account.Owner.Name FROM Contact WHERE LastName = 'White'",
    )
    assert result.records[0]["Account"] is None
    deeper = query(
        org, "SELECT Name, Parent.Parent.Name, Parent.Name FROM Account WHERE Name = 'Globex'"
    )
    assert deeper.records[0]["Parent"]["Name"] == "Acme Corp"
    assert deeper.records[0]["Parent"]["Parent"] is None


def test_polymorphic_parents_take_their_type_from_the_id(org: Any) -> None:
    _, ids = org
    result = query(org, "SELECT Who.Name, What.Name, What.Type FROM Task ORDER BY Subject")
    call, email, qbr = result.records
    assert call["Who"]["attributes"] == {"type": "Contact", "url": url("Contact", ids["jane"])}
    assert call["What"] == {
        "attributes": {"type": "Opportunity", "url": url("Opportunity", ids["big"])},
        "Name": "Acme - Big Deal",
        "Type": "Opportunity",
    }
    assert email["Who"]["attributes"]["type"] == "Lead"
    assert email["What"] is None
    assert qbr["Who"] is None
    assert qbr["What"]["attributes"]["type"] == "Account"
    assert qbr["What"]["Type"] == "Account"


def test_base64_field_is_the_blob_url(org: Any) -> None:
    _, ids = org
    result = query(org, "SELECT Name, Body, Parent.Name FROM Attachment")
    assert result.records == [
        {
            "attributes": {"type": "Attachment", "url": url("Attachment", ids["notes"])},
            "Name": "notes.txt",
            "Body": url("Attachment", ids["notes"]) + "/Body",
            "Parent": {
                "attributes": {"type": "Account", "url": url("Account", ids["acme"])},
                "Name": "Acme Corp",
            },
        }
    ]


def test_address_compound_field_is_an_object(org: Any) -> None:
    result = query(
        org, "SELECT Name, BillingAddress, ShippingAddress FROM Account WHERE Name = 'Acme Corp'"
    )
    record = result.records[0]
    assert record["BillingAddress"] == {
        "city": "Paris",
        "country": "France",
        "countryCode": None,
        "geocodeAccuracy": None,
        "latitude": None,
        "longitude": None,
        "postalCode": None,
        "state": None,
        "stateCode": None,
        "street": None,
    }
    assert record["ShippingAddress"] is None


def test_fields_standard_and_custom(org: Any) -> None:
    standard = query(org, "SELECT FIELDS(STANDARD) FROM Account WHERE Name = 'Acme Corp'")
    record = standard.records[0]
    assert record["Name"] == "Acme Corp"
    assert record["BillingAddress"]["city"] == "Paris"
    assert "Regions__c" not in record
    custom = query(org, "SELECT FIELDS(CUSTOM) FROM Account WHERE Name = 'Acme Corp' LIMIT 200")
    assert custom.columns == ["Regions__c"]
    assert custom.records[0]["Regions__c"] == "EMEA;AMER"
    both = query(org, "SELECT Id, FIELDS(ALL) FROM Project__c ORDER BY Name LIMIT 1")
    assert both.columns[0] == "Id"
    assert both.columns.count("Id") == 1
    assert {"Name", "Budget__c", "Active__c", "Account__c", "OwnerId"} <= set(both.columns)


def test_aggregate_rows_and_expr_numbering(org: Any) -> None:
    result = query(
        org,
        "SELECT StageName, MAX(Amount), MIN(Amount) min, SUM(Amount) FROM Opportunity "
        "WHERE StageName = 'Closed Won' GROUP BY StageName",
    )
    assert result.records == [
        {
            "attributes": {"type": "AggregateResult"},
            "StageName": "Closed Won",
            "expr0": 500000.0,
            "min": 250000.0,
            "expr1": 750000.0,
        }
    ]
    assert result.columns == ["StageName", "expr0", "min", "expr1"]
    assert result.object_name == "Opportunity"


def test_group_by_relationship_path_uses_the_field_name(org: Any) -> None:
    result = query(
        org,
        "SELECT Account.Industry, COUNT(Id) FROM Opportunity GROUP BY Account.Industry "
        "ORDER BY Account.Industry",
    )
    assert [list(r) for r in result.records] == [["attributes", "Industry", "expr0"]] * 3
    assert [(r["Industry"], r["expr0"]) for r in result.records] == [
        ("Banking", 2),
        ("Energy", 1),
        ("Technology", 3),
    ]


def test_count_star_and_count_field(org: Any) -> None:
    bare = query(org, "SELECT COUNT() FROM Opportunity")
    assert (bare.total_size, bare.records, bare.columns) == (6, [], [])
    field = query(org, "SELECT COUNT(Amount) FROM Opportunity")
    assert field.total_size == 1
    assert field.records == [{"attributes": {"type": "AggregateResult"}, "expr0": 5}]
    limited = query(org, "SELECT COUNT() FROM Opportunity LIMIT 4")
    assert limited.total_size == 4


def test_child_subquery_results(org: Any) -> None:
    _, ids = org
    result = query(
        org,
        "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName DESC) FROM Account "
        "WHERE Name IN ('Acme Corp', 'Umbrella') ORDER BY Name",
    )
    acme, umbrella = result.records
    assert acme == {
        "attributes": {"type": "Account", "url": url("Account", ids["acme"])},
        "Name": "Acme Corp",
        "Contacts": {
            "totalSize": 2,
            "done": True,
            "records": [
                {
                    "attributes": {"type": "Contact", "url": url("Contact", ids["john"])},
                    "LastName": "Smith",
                },
                {
                    "attributes": {"type": "Contact", "url": url("Contact", ids["jane"])},
                    "LastName": "Doe",
                },
            ],
        },
    }
    assert umbrella["Contacts"] is None
    assert result.columns == ["Name"]


def test_child_subquery_where_limit_and_parent_paths(org: Any) -> None:
    result = query(
        org,
        "SELECT Name, (SELECT Name, Account.Name FROM Opportunities WHERE Amount > 60000 "
        "ORDER BY Amount DESC LIMIT 1), (SELECT Name FROM Projects__r ORDER BY Name) "
        "FROM Account WHERE Name IN ('Acme Corp', 'Globex', 'Hooli') ORDER BY Name",
    )
    by_name = {r["Name"]: r for r in result.records}
    acme_opps = by_name["Acme Corp"]["Opportunities"]
    assert acme_opps["totalSize"] == 1
    assert acme_opps["records"][0]["Name"] == "Acme - Big Deal"
    assert acme_opps["records"][0]["Account"]["Name"] == "Acme Corp"
    assert by_name["Globex"]["Opportunities"] is None  # its only one is 50000
    assert by_name["Hooli"]["Opportunities"]["records"][0]["Name"] == "Hooli - Services"
    assert [p["Name"] for p in by_name["Acme Corp"]["Projects__r"]["records"]] == [
        "Apollo",
        "Gemini",
    ]
    assert by_name["Hooli"]["Projects__r"] is None
    assert list(by_name["Acme Corp"]) == ["attributes", "Name", "Opportunities", "Projects__r"]


def test_grandchild_subquery(org: Any) -> None:
    result = query(
        org,
        "SELECT Name, (SELECT LastName, (SELECT Subject FROM Cases) FROM Contacts "
        "ORDER BY LastName) FROM Account WHERE Name = 'Acme Corp'",
    )
    contacts = result.records[0]["Contacts"]["records"]
    assert [c["LastName"] for c in contacts] == ["Doe", "Smith"]
    assert contacts[0]["Cases"]["records"][0]["Subject"] == "Printer on fire"
    assert contacts[1]["Cases"] is None


def test_child_subqueries_cost_one_statement_each_whatever_the_parent_count() -> None:
    store, _ = build_org()
    recorder = Recorder(store)
    result = run_query(
        recorder,  # type: ignore[arg-type]
        "SELECT Name, (SELECT LastName FROM Contacts), (SELECT Name FROM Opportunities) "
        "FROM Account",
        api_version=API,
    )
    assert len(result.records) == 6
    assert len(recorder.statements) == 3
    store.close()


def test_query_all_includes_deleted_rows_and_children(org: Any) -> None:
    live = query(org, "SELECT Name FROM Account WHERE Name LIKE 'Wayne%'")
    assert live.records == []
    everything = query(
        org,
        "SELECT Name, IsDeleted, (SELECT LastName, IsDeleted FROM Contacts) FROM Account "
        "WHERE Name LIKE 'Wayne%'",
        include_deleted=True,
    )
    record = everything.records[0]
    assert record["IsDeleted"] is True
    assert record["Contacts"]["records"][0]["LastName"] == "Wayne"
    assert record["Contacts"]["records"][0]["IsDeleted"] is True
    assert query(org, "SELECT COUNT() FROM Contact", include_deleted=True).total_size == 7


def test_errors_carry_the_caret_preamble(org: Any) -> None:
    with pytest.raises(SalesforceError) as caught:
        query(org, "SELECT Id, Foo FROM Account")
    assert caught.value.message == (
        "\nSELECT Id, Foo FROM Account\n           ^\nERROR at Row:1:Column:12\n"
        "No such column 'Foo' on entity 'Account'. If you are attempting to use a custom field, "
        "be sure to append the '__c' after the custom field name. Please reference your WSDL or "
        "the describe call for the appropriate names."
    )
    with pytest.raises(SalesforceError) as caught:
        query(org, "SELECT Id FROM Foo")
    assert caught.value.error_code == "INVALID_TYPE"
    assert caught.value.message == (
        "\nSELECT Id FROM Foo\n               ^\nERROR at Row:1:Column:16\n"
        "sObject type 'Foo' is not supported. If you are attempting to use a custom object, be "
        "sure to append the '__c' after the entity name. Please reference your WSDL or the "
        "describe call for the appropriate names."
    )
    with pytest.raises(SalesforceError) as caught:
        query(org, "SELECT Id, Acount.Name FROM Contact")
    assert caught.value.error_code == "INVALID_FIELD"
    assert "Didn't understand relationship 'Acount' in field path" in caught.value.message
    with pytest.raises(SalesforceError) as caught:
        query(org, "SELECT Id, Account.Nam FROM Contact")
    assert "No such column 'Nam' on entity 'Account'" in caught.value.message


def test_offset_limit_error_text(org: Any) -> None:
    with pytest.raises(SalesforceError) as caught:
        query(org, "SELECT Id FROM Account OFFSET 2500")
    assert caught.value.status == 400
    assert caught.value.message == "Maximum SOQL offset allowed is 2000"
    assert len(query(org, "SELECT Id FROM Account OFFSET 2000").records) == 0
