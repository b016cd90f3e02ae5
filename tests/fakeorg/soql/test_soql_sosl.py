"""The SOSL subset, against conftest's dataset (expected results worked out by hand)."""

from __future__ import annotations

from typing import Any

import pytest

from salesforcepy.fakeorg.errors import SalesforceError
from salesforcepy.fakeorg.soql import run_search
from salesforcepy.fakeorg.store import Store

from .conftest import API


def search(org: Any, sosl: str) -> list[dict[str, Any]]:
    store, _ = org
    return run_search(store, sosl, api_version=API)


def found(org: Any, sosl: str) -> list[tuple[str, str]]:
    """(type, the first selected field) per search record, in order."""
    out = []
    for record in search(org, sosl):
        fields = [k for k in record if k != "attributes"]
        out.append((record["attributes"]["type"], record[fields[0]]))
    return out


@pytest.mark.parametrize(
    ("sosl", "expected"),
    [
        (
            "FIND {acme} RETURNING Account(Name), Contact(LastName ORDER BY LastName), "
            "Lead(LastName), Opportunity(Name ORDER BY Name)",
            [
                ("Account", "Acme Corp"),
                ("Contact", "Doe"),
                ("Contact", "Smith"),
                ("Lead", "Watson"),
                ("Opportunity", "Acme - Big Deal"),
                ("Opportunity", "Acme - Renewal"),
            ],
        ),
        ("FIND {ACME} RETURNING Account(Name)", [("Account", "Acme Corp")]),
        ("FIND 'acme' RETURNING Account(Name)", [("Account", "Acme Corp")]),
        (
            "FIND {acme} IN NAME FIELDS RETURNING Account(Name), Contact(LastName), Lead(LastName)",
            [("Account", "Acme Corp")],
        ),
        (
            "FIND {acme} IN EMAIL FIELDS RETURNING Account(Name), "
            "Contact(LastName ORDER BY LastName)",
            [("Contact", "Doe"), ("Contact", "Smith")],
        ),
        ("FIND {4155550100} IN PHONE FIELDS RETURNING Contact(LastName)", [("Contact", "Doe")]),
        ("FIND {415-555-0100} RETURNING Contact(LastName)", [("Contact", "Doe")]),
        ("FIND {jane@acme.com} IN EMAIL FIELDS RETURNING Contact(LastName)", [("Contact", "Doe")]),
        ("FIND {glo*} RETURNING Account(Name)", [("Account", "Globex")]),
        ("FIND {gl?bex} RETURNING Account(Name)", [("Account", "Globex")]),
        ("FIND {glob} RETURNING Account(Name)", []),
        ("FIND {acm} RETURNING Account(Name)", []),
        (
            'FIND {"acme corp"} RETURNING Account(Name), Lead(LastName)',
            [("Account", "Acme Corp"), ("Lead", "Watson")],
        ),
        ('FIND {"corp acme"} RETURNING Account(Name), Lead(LastName)', []),
        (
            "FIND {jane OR bob} RETURNING Contact(LastName ORDER BY LastName)",
            [("Contact", "Brown"), ("Contact", "Doe")],
        ),
        ("FIND {acme AND NOT jane} RETURNING Contact(LastName)", [("Contact", "Smith")]),
        ("FIND {acme jane} RETURNING Contact(LastName)", [("Contact", "Doe")]),
        (
            "FIND {(jane OR john) AND acme} RETURNING Contact(LastName ORDER BY LastName)",
            [("Contact", "Doe"), ("Contact", "Smith")],
        ),
        ("FIND {O\\'Brien} RETURNING Contact(LastName)", [("Contact", "O'Brien")]),
        ("FIND {acme} RETURNING Contact(LastName WHERE Title = 'CFO')", [("Contact", "Smith")]),
        (
            "FIND {acme} RETURNING Contact(LastName ORDER BY LastName LIMIT 1), "
            "Opportunity(Name ORDER BY Name)",
            [
                ("Contact", "Doe"),
                ("Opportunity", "Acme - Big Deal"),
                ("Opportunity", "Acme - Renewal"),
            ],
        ),
        (
            "FIND {acme} RETURNING Contact(LastName ORDER BY LastName), "
            "Opportunity(Name ORDER BY Name) LIMIT 3",
            [("Contact", "Doe"), ("Contact", "Smith"), ("Opportunity", "Acme - Big Deal")],
        ),
        ("FIND {wayne} RETURNING Account(Name), Contact(LastName)", []),
        (
            "FIND {engineer} RETURNING Contact(LastName, Account.Name ORDER BY LastName DESC)",
            [("Contact", "Jones"), ("Contact", "Brown")],
        ),
    ],
)
def test_search(org: Any, sosl: str, expected: list[tuple[str, str]]) -> None:
    assert found(org, sosl) == expected


def test_records_are_shaped_like_query_records(org: Any) -> None:
    _, ids = org
    records = search(org, "FIND {jane} RETURNING Contact(LastName, Account.Name), Account")
    assert records == [
        {
            "attributes": {
                "type": "Contact",
                "url": f"/services/data/v{API}/sobjects/Contact/{ids['jane']}",
            },
            "LastName": "Doe",
            "Account": {
                "attributes": {
                    "type": "Account",
                    "url": f"/services/data/v{API}/sobjects/Account/{ids['acme']}",
                },
                "Name": "Acme Corp",
            },
        }
    ]


def test_object_without_field_list_returns_only_id(org: Any) -> None:
    _, ids = org
    records = search(org, "FIND {globex} RETURNING Account")
    assert records == [
        {
            "attributes": {
                "type": "Account",
                "url": f"/services/data/v{API}/sobjects/Account/{ids['globex']}",
            },
            "Id": ids["globex"],
        }
    ]


def test_without_returning_every_searchable_object_is_searched(org: Any) -> None:
    _, ids = org
    records = search(org, "FIND {globex}")
    assert sorted((r["attributes"]["type"], r["Id"]) for r in records) == sorted(
        [("Account", ids["globex"]), ("Contact", ids["alice"]), ("Opportunity", ids["pilot"])]
    )
    assert all(list(r) == ["attributes", "Id"] for r in records)


@pytest.mark.parametrize(
    ("sosl", "code"),
    [
        ("FIND {a} RETURNING Account", "INVALID_SEARCH"),
        ("FIND {a*} RETURNING Account", "INVALID_SEARCH"),
        ("FIND {} RETURNING Account", "MALFORMED_SEARCH"),
        ("FIND acme RETURNING Account", "MALFORMED_SEARCH"),
        ("FIND {acme} RETURNING", "MALFORMED_SEARCH"),
        ("FIND {(acme} RETURNING Account", "MALFORMED_SEARCH"),
        ("FIND {acme} IN BOGUS FIELDS RETURNING Account", "MALFORMED_SEARCH"),
        ("FIND {acme} RETURNING Account(Name WHERE Name = bogus)", "MALFORMED_SEARCH"),
        ("FIND {acme} RETURNING Bogus", "INVALID_TYPE"),
        ("FIND {acme} RETURNING Account(Bogus)", "INVALID_FIELD"),
        ("SELECT Id FROM Account", "MALFORMED_SEARCH"),
    ],
)
def test_search_errors(org: Any, sosl: str, code: str) -> None:
    with pytest.raises(SalesforceError) as caught:
        search(org, sosl)
    assert caught.value.status == 400
    assert caught.value.error_code == code


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("éclair", ["Éclair Café"]),
        ("ÉCLAIR", ["Éclair Café"]),
        ("café", ["Éclair Café"]),
        ("CAFÉ", ["Éclair Café"]),
        ("müller", ["Müller GmbH", "MÜLLER AG"]),
        ("zürich", ["Zürich Re"]),
        ("bücher", ["bücher—verlag"]),
        ("verlag", ["bücher—verlag"]),
        # Accented letters are part of a word, not boundaries: no match inside a word.
        ("clair", []),
        ("caf", []),
        ("ller", []),
        ("rich", []),
        ("m?ller", ["Müller GmbH", "MÜLLER AG"]),
    ],
)
def test_accented_letters_are_word_characters_in_any_case(term: str, expected: list[str]) -> None:
    with Store() as store:
        for name in ("Éclair Café", "Müller GmbH", "MÜLLER AG", "Zürich Re", "bücher—verlag"):
            store.create("Account", {"Name": name})
        records = run_search(store, f"FIND {{{term}}} RETURNING Account(Name)", api_version=API)
    assert [r["Name"] for r in records] == expected


@pytest.mark.parametrize(
    ("sosl", "row", "column"),
    [
        ("FIND {acme OR} RETURNING Account", 1, 14),
        ("FIND {(acme} RETURNING Account", 1, 12),
        ("FIND {acme\n(x} RETURNING Account", 2, 3),
    ],
)
def test_search_term_errors_point_into_the_whole_search(
    org: Any, sosl: str, row: int, column: int
) -> None:
    with pytest.raises(SalesforceError) as caught:
        search(org, sosl)
    assert caught.value.error_code == "MALFORMED_SEARCH"
    lines = caught.value.message.split("\n")
    assert lines[1] == sosl.split("\n")[row - 1]
    assert lines[2] == " " * (column - 1) + "^"
    assert lines[3] == f"ERROR at Row:{row}:Column:{column}"
