"""Composite ``@{...}`` references: resolution, substitution in URLs and JSON bodies."""

from __future__ import annotations

import pytest

from salesforcepy.fakeorg.composite.references import (
    Unresolved,
    referenced_ids,
    resolve,
    substitute_json,
    substitute_url,
)

BODIES = {
    "refAccount": {"id": "0015g00000ABCDEAA5", "success": True, "errors": []},
    "refQuery": {
        "totalSize": 2,
        "records": [
            {"Id": "0035g0000000001AAA", "Account": {"Name": "Acme & Co"}},
            {"Id": "0035g0000000002AAA", "Account": None},
        ],
    },
}


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("refAccount.id", "0015g00000ABCDEAA5"),
        ("refAccount.ID", "0015g00000ABCDEAA5"),
        ("refAccount.success", True),
        ("refAccount.errors", []),
        ("refQuery.records[1].Id", "0035g0000000002AAA"),
        ("refQuery.records[0].Account.Name", "Acme & Co"),
        ("refQuery.totalSize", 2),
        ("refQuery.records[1].Account", None),
    ],
)
def test_resolve(expression, value):
    assert resolve(expression, BODIES) == value


@pytest.mark.parametrize(
    ("expression", "reference_id"),
    [
        ("refMissing.id", "refMissing"),
        ("refAccount.nope", "refAccount"),
        ("refQuery.records[2].Id", "refQuery"),
        ("refQuery.records.Id", "refQuery"),
        ("refAccount.id[0]", "refAccount"),
        ("refAccount..id", "refAccount"),
        ("refQuery.records[0].Account.Name.more", "refQuery"),
    ],
)
def test_unresolved(expression, reference_id):
    with pytest.raises(Unresolved) as caught:
        resolve(expression, BODIES)
    assert caught.value.reference_id == reference_id
    assert caught.value.message == (
        f"Invalid reference specified. No value for {expression} found in {reference_id}."
    )


def test_substitute_url_percent_encodes_values():
    url = (
        "/services/data/v58.0/query?q=SELECT+Id+FROM+Account"
        "+WHERE+Name='@{refQuery.records[0].Account.Name}'"
    )
    assert substitute_url(url, BODIES).endswith("WHERE+Name='Acme%20%26%20Co'")
    assert substitute_url("/x/@{refAccount.id}", BODIES) == "/x/0015g00000ABCDEAA5"


def test_substitute_json():
    body = {
        "AccountId": "@{refAccount.id}",
        "Count": "@{refQuery.totalSize}",
        "Text": "Total: @{refQuery.totalSize}, ok: @{refAccount.success}",
        "List": ["@{refQuery.records[0].Id}", 3, None],
        "@{refAccount.id}": "keys are left alone",
    }
    assert substitute_json(body, BODIES) == {
        "AccountId": "0015g00000ABCDEAA5",
        "Count": 2,
        "Text": "Total: 2, ok: true",
        "List": ["0035g0000000001AAA", 3, None],
        "@{refAccount.id}": "keys are left alone",
    }
    assert body["AccountId"] == "@{refAccount.id}"  # the input is not modified


def test_substitute_json_raises_for_unresolved_references():
    with pytest.raises(Unresolved):
        substitute_json({"a": ["x @{nobody.id}"]}, BODIES)


def test_referenced_ids():
    value = {"a": "@{one.id} and @{two.records[0].Id}", "b": ["@{three}"], "c": 5}
    assert referenced_ids(value) == {"one", "two", "three"}
    assert referenced_ids("no references") == set()
