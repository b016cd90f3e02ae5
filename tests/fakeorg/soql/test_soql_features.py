"""Focused checks: bound parameters, literal escapes, null semantics, names in any case."""

from __future__ import annotations

from typing import Any

import pytest

from salesforcepy.fakeorg.errors import SalesforceError
from salesforcepy.fakeorg.soql import run_query
from salesforcepy.fakeorg.soql.compiler import BadEscape, like_pattern, unescape_string

from .conftest import API, Recorder, build_org, rows


def names(org: Any, soql: str, **kwargs: Any) -> list[Any]:
    store, _ = org
    return rows(run_query(store, soql, api_version=API, **kwargs).records, "Name")


def test_literals_are_bound_parameters_never_sql_text() -> None:
    store, _ = build_org()
    recorder = Recorder(store)
    soql = (
        "SELECT Name FROM Account WHERE (Name = 'Sneaky''s' OR Industry IN ('Banking', 'Energy') "
        "OR Name LIKE 'zz%' OR NumberOfEmployees > 123456 OR CreatedDate > 2020-01-02T03:04:05Z "
        "OR CreatedDate = LAST_N_DAYS:987) "
        "AND Id IN (SELECT AccountId FROM Contact WHERE Title = 'CTO')"
    )
    with pytest.raises(SalesforceError):
        run_query(recorder, soql, api_version=API)  # type: ignore[arg-type]
    soql = soql.replace("'Sneaky''s'", "'Sneaky\\'s'")
    run_query(recorder, soql, api_version=API)  # type: ignore[arg-type]
    (sql, params), *_ = recorder.statements
    for literal in ("Sneaky", "Banking", "Energy", "zz", "123456", "2020", "CTO", "987"):
        assert literal not in sql
    assert "Sneaky's" in params.values()
    assert {"Banking", "Energy", "zz%", 123456, "CTO"} <= set(params.values())
    assert "2020-01-02T03:04:05.000+0000" in params.values()
    store.close()


def test_sql_injection_attempts_are_just_strings(org: Any) -> None:
    attempt = "SELECT Name FROM Account WHERE Name = 'x\\' OR 1=1 --'"
    assert names(org, attempt) == []
    attempt = 'SELECT Name FROM Account WHERE Name = \'x"; DROP TABLE "Account"; --\''
    assert names(org, attempt) == []
    assert len(names(org, "SELECT Name FROM Account")) == 6


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("'plain'", "plain"),
        ("'it\\'s'", "it's"),
        ("'back\\\\slash'", "back\\slash"),
        ("'line\\nbreak\\ttab'", "line\nbreak\ttab"),
        ("'quote\\\"d'", 'quote"d'),
        ("'\\u00e9t\\u00e9'", "\u00e9t\u00e9"),
        ("'CR\\RLF\\NTAB\\T'", "CR\rLF\nTAB\t"),
        ("'\\B\\F'", "\b\f"),
        ("'\\ud83d\\ude00'", "\U0001f600"),
    ],
)
def test_string_escapes(raw: str, value: str) -> None:
    assert unescape_string(raw) == value


@pytest.mark.parametrize(
    "raw",
    ["'a\\zb'", "'100\\%'", "'a\\_b'", "'\\ud800'", "'\\ude00\\ud83d'", "'\\x41'"],
)
def test_escapes_soql_does_not_define_are_refused(raw: str) -> None:
    with pytest.raises(BadEscape):
        unescape_string(raw)


@pytest.mark.parametrize(
    ("raw", "pattern"),
    [
        ("'a%'", "a%"),
        ("'100\\%'", "100\\%"),
        ("'a\\_b'", "a\\_b"),
        ("'back\\\\slash'", "back\\\\slash"),
        ("'it\\'s%'", "it's%"),
        ("'\\u00e9%'", "\u00e9%"),
        ("'a\\u005cb'", "a\\\\b"),
        ("'\\N%'", "\n%"),
    ],
)
def test_like_patterns_keep_escaped_wildcards(raw: str, pattern: str) -> None:
    assert like_pattern(raw) == pattern


def test_object_field_and_relationship_names_in_any_case(org: Any) -> None:
    store, _ = org
    result = run_query(
        store,
        "SELECT lastNAME, account.OWNER.name FROM cOnTaCt WHERE ACCOUNT.name = 'globex'",
        api_version=API,
    )
    assert rows(result.records, "LastName, Account.Owner.Name") == [("Jones", "Sam Seller")]
    children = run_query(
        store,
        "SELECT name, (select LASTNAME from CONTACTS) FROM account WHERE name = 'globex'",
        api_version=API,
    )
    assert children.records[0]["Contacts"]["records"][0]["LastName"] == "Jones"


def test_negations_include_nulls_like_salesforce(org: Any) -> None:
    # Rating: acme Hot, globex Warm, initech Cold, umbrella Hot, hooli and stark null.
    assert names(org, "SELECT Name FROM Account WHERE Rating != 'Hot' ORDER BY Name") == [
        "Globex",
        "Hooli",
        "Initech",
        "stark industries",
    ]
    assert names(
        org, "SELECT Name FROM Account WHERE Rating NOT IN ('Hot', 'Warm') ORDER BY Name"
    ) == [
        "Hooli",
        "Initech",
        "stark industries",
    ]
    assert names(org, "SELECT Name FROM Account WHERE NOT (Rating = 'Hot') ORDER BY Name") == [
        "Globex",
        "Hooli",
        "Initech",
        "stark industries",
    ]
    # A null fails the comparison, so the negation matches it (Umbrella has no revenue).
    assert names(
        org, "SELECT Name FROM Account WHERE NOT (AnnualRevenue > 1000) ORDER BY Name"
    ) == [
        "stark industries",
        "Umbrella",
    ]


def test_semi_join_accepts_15_character_ids_inside(org: Any) -> None:
    _, ids = org
    inner = f"SELECT Id FROM Account WHERE Id = '{ids['globex'][:15]}'"  # noqa: S608
    soql = f"SELECT LastName FROM Contact WHERE AccountId IN ({inner})"  # noqa: S608
    store, _ = org
    assert rows(run_query(store, soql, api_version=API).records, "LastName") == ["Jones"]


def test_query_all_filters_still_apply(org: Any) -> None:
    assert names(
        org,
        "SELECT Name FROM Account WHERE Industry = 'Banking' ORDER BY Name",
        include_deleted=True,
    ) == ["Acme Corp", "Umbrella", "Wayne Enterprises"]
    assert names(org, "SELECT Name FROM Account WHERE IsDeleted = true", include_deleted=True) == [
        "Wayne Enterprises"
    ]


def test_offset_and_limit_on_aggregates(org: Any) -> None:
    store, _ = org
    result = run_query(
        store,
        "SELECT Industry FROM Account GROUP BY Industry ORDER BY Industry NULLS LAST "
        "LIMIT 2 OFFSET 1",
        api_version=API,
    )
    assert rows(result.records, "Industry") == ["Energy", "Technology"]


def test_child_subquery_errors(org: Any) -> None:
    store, _ = org
    with pytest.raises(SalesforceError) as caught:
        run_query(store, "SELECT Name, (SELECT Bogus FROM Contacts) FROM Account", api_version=API)
    assert caught.value.error_code == "INVALID_FIELD"
    with pytest.raises(SalesforceError) as caught:
        run_query(
            store, "SELECT Name, (SELECT COUNT(Id) FROM Contacts) FROM Account", api_version=API
        )
    assert caught.value.error_code == "MALFORMED_QUERY"
    with pytest.raises(SalesforceError) as caught:
        run_query(store, "SELECT Name, (SELECT Name FROM Contact) FROM Account", api_version=API)
    assert caught.value.error_code == "INVALID_TYPE"
    assert "Didn't understand relationship 'Contact' in FROM part" in caught.value.message


def test_store_schema_changes_are_seen_by_later_queries() -> None:
    from salesforcepy.fakeorg.schema import FieldDef

    store, _ = build_org()
    with pytest.raises(SalesforceError):
        run_query(store, "SELECT Tier__c FROM Account", api_version=API)
    store.define_field("Account", FieldDef("Tier__c", "string"))
    store.update(
        "Account", store.execute('SELECT "Id" FROM "Account" LIMIT 1')[0][0], {"Tier__c": "Gold"}
    )
    result = run_query(store, "SELECT Tier__c FROM Account WHERE Tier__c = 'gold'", api_version=API)
    assert rows(result.records, "Tier__c") == ["Gold"]
    store.close()


def test_empty_string_literal_means_null(org: Any) -> None:
    assert names(org, "SELECT Name FROM Account WHERE Industry = ''") == ["stark industries"]
    assert len(names(org, "SELECT Name FROM Account WHERE Industry != ''")) == 5
    assert names(org, "SELECT Name FROM Account WHERE ParentId != '' ORDER BY Name") == [
        "Globex",
        "Umbrella",
    ]


def test_fields_function_overlapping_named_fields(org: Any) -> None:
    store, _ = org
    for soql in (
        "SELECT Name, FIELDS(STANDARD) FROM Account WHERE Name = 'Hooli'",
        "SELECT FIELDS(STANDARD), Name FROM Account WHERE Name = 'Hooli'",
    ):
        result = run_query(store, soql, api_version=API)
        assert result.columns.count("Name") == 1
        assert result.records[0]["Name"] == "Hooli"


def test_polymorphic_name_falls_back_to_the_name_field() -> None:
    from salesforcepy.fakeorg.store import Store

    with Store() as store:
        account = store.create("Account", {"Name": "Parent Co"})
        case = store.create("Case", {"Subject": "Broken"})
        store.create("Task", {"Subject": "about the case", "WhatId": case})
        store.create("Task", {"Subject": "about the account", "WhatId": account})
        number = store.get("Case", case, ["CaseNumber"], api_version=API)["CaseNumber"]
        result = run_query(
            store,
            "SELECT Subject, What.Name, What.Type FROM Task ORDER BY Subject",
            api_version=API,
        )
        assert rows(result.records, "Subject, What.Name, What.Type") == [
            ("about the account", "Parent Co", "Account"),
            ("about the case", number, "Case"),
        ]
        assert number
