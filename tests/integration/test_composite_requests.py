"""client.composite Composite, batch and sObject Tree against a fake org over a real socket."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

import salesforcepy
from salesforcepy.exceptions import (
    BadRequest,
    NotFound,
    PreconditionFailed,
    ProcessingHalted,
    RequiredFieldMissing,
)
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.resources.composite import Subrequest, by_reference

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def org() -> Iterator[FakeOrg]:
    with FakeOrg() as running:
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


# -- Composite ---------------------------------------------------------------------------------


def test_references_across_subrequests(sf: salesforcepy.Client) -> None:
    t = tag()
    c = sf.composite
    account = c.subrequest("POST", "sobjects/Account", {"Name": t}, reference_id="newAccount")
    contact = c.subrequest(
        "POST",
        "sobjects/Contact",
        {"LastName": t, "AccountId": account.ref("id")},
        reference_id="newContact",
    )
    query = c.subrequest(
        "GET",
        "query",
        reference_id="readBack",
        params={"q": f"SELECT Id, Account.Name FROM Contact WHERE Id = '{contact.ref()}'"},  # noqa: S608
    )
    rename = c.subrequest(
        "PATCH",
        f"sobjects/Account/{account.ref()}",
        {"Description": f"first contact {query.ref('records[0].Id')}"},
        reference_id="describeAccount",
    )
    body, request = c.send([account, contact, query, rename], all_or_none=True)
    assert request.status == 200
    assert c.failures(body, request) == []
    entries = by_reference(body)
    assert [e["httpStatusCode"] for e in entries.values()] == [201, 201, 200, 204]
    account_id = entries["newAccount"]["body"]["id"]
    contact_id = entries["newContact"]["body"]["id"]
    assert entries["newAccount"]["httpHeaders"]["Location"].endswith(f"/Account/{account_id}")
    assert entries["readBack"]["body"]["records"][0]["Account"]["Name"] == t

    row, _ = sf.sobjects(object_type="Contact", id=contact_id).query(["AccountId"])
    assert row["AccountId"] == account_id
    row, _ = sf.sobjects(object_type="Account", id=account_id).query(["Description"])
    assert row["Description"] == f"first contact {contact_id}"


def test_all_or_none_rolls_everything_back(sf: salesforcepy.Client) -> None:
    t = tag()
    c = sf.composite
    account = c.subrequest("POST", "sobjects/Account", {"Name": t}, reference_id="acct")
    bad_contact = c.subrequest(
        "POST", "sobjects/Contact", {"AccountId": account.ref()}, reference_id="contact"
    )
    later = c.subrequest("POST", "sobjects/Account", {"Name": t}, reference_id="later")
    body, request = c.send([account, bad_contact, later], all_or_none=True)
    assert request.status == 200
    failed = c.failures(body, request)
    assert [(f.key, f.error.error_code) for f in failed] == [
        ("acct", "PROCESSING_HALTED"),
        ("contact", "REQUIRED_FIELD_MISSING"),
        ("later", "PROCESSING_HALTED"),
    ]
    assert all(isinstance(f.error, BadRequest) for f in failed)
    assert [type(f.error) for f in failed] == [
        ProcessingHalted,
        RequiredFieldMissing,
        ProcessingHalted,
    ]
    assert count(sf, f"Account WHERE Name = '{t}'") == 0


def test_dependent_subrequests_halt_without_all_or_none(sf: salesforcepy.Client) -> None:
    t = tag()
    c = sf.composite
    missing = c.subrequest("GET", "sobjects/Account/0015g00000zzzzzAAA", reference_id="missing")
    dependent = c.subrequest(
        "POST",
        "sobjects/Contact",
        {"LastName": t, "AccountId": missing.ref("Id")},
        reference_id="dependent",
    )
    independent = c.subrequest("POST", "sobjects/Account", {"Name": t}, reference_id="independent")
    body, request = c.send([missing, dependent, independent])
    failed = {f.key: f for f in c.failures(body, request)}
    assert set(failed) == {"missing", "dependent"}
    assert isinstance(failed["missing"].error, NotFound)
    assert failed["dependent"].error.error_code == "PROCESSING_HALTED"
    assert isinstance(failed["dependent"].error, ProcessingHalted)
    assert "missing.Id" in failed["dependent"].error.message
    assert count(sf, f"Account WHERE Name = '{t}'") == 1
    assert count(sf, f"Contact WHERE LastName = '{t}'") == 0


def test_collections_inside_composite(sf: salesforcepy.Client) -> None:
    t = tag()
    c = sf.composite
    create = c.subrequest(
        "POST",
        "composite/sobjects",
        {"records": [{"attributes": {"type": "Account"}, "Name": f"{t}-{n}"} for n in range(3)]},
        reference_id="created",
    )
    read = c.subrequest(
        "GET",
        "composite/sobjects/Account",
        reference_id="read",
        params={"ids": f"{create.ref('[0].id')},{create.ref('[2].id')}", "fields": "Name"},
    )
    body, request = c.send([create, read])
    assert c.failures(body, request) == []
    records = by_reference(body)["read"]["body"]
    assert [r["Name"] for r in records] == [f"{t}-0", f"{t}-2"]


def test_25_subrequest_limit(sf: salesforcepy.Client) -> None:
    t = tag()
    c = sf.composite
    subs = [
        c.subrequest("POST", "sobjects/Account", {"Name": t}, reference_id=f"a{n}")
        for n in range(26)
    ]
    with pytest.raises(ValueError, match="at most 25"):
        c.send(subs)
    assert count(sf, f"Account WHERE Name = '{t}'") == 0
    body, request = c.send(subs[:25])
    assert request.status == 200
    assert len(body["compositeResponse"]) == 25
    assert count(sf, f"Account WHERE Name = '{t}'") == 25


def test_5_query_limit(sf: salesforcepy.Client) -> None:
    c = sf.composite
    queries = [
        c.subrequest(
            "GET", "query", reference_id=f"q{n}", params={"q": "SELECT Id FROM Account LIMIT 1"}
        )
        for n in range(6)
    ]
    with pytest.raises(ValueError, match="allows 5"):
        c.send(queries)
    body, request = c.send(queries[:5])
    assert request.ok
    assert [e["httpStatusCode"] for e in body["compositeResponse"]] == [200] * 5


def test_the_fake_org_enforces_the_limits_too(sf: salesforcepy.Client) -> None:
    # Sent as a raw request, bypassing the client's checks: Salesforce's own answer.
    items = [
        {"method": "GET", "url": "/services/data/v58.0/limits", "referenceId": f"r{n}"}
        for n in range(26)
    ]
    request = salesforcepy.Request.post("composite", json={"compositeRequest": items})
    body, sent = sf._send(request)
    assert sent.status == 400
    assert body[0]["errorCode"] == "LIMIT_EXCEEDED"
    assert isinstance(sent.exceptions[0], BadRequest)


# -- batch ---------------------------------------------------------------------------------


def test_batch_commits_each_subrequest(sf: salesforcepy.Client) -> None:
    t = tag()
    c = sf.composite
    created, _ = sf.sobjects(object_type="Account").insert({"Name": t})
    record = created["id"]
    body, request = c.batch(
        [
            c.subrequest("PATCH", f"sobjects/Account/{record}", {"Industry": "Banking"}),
            c.subrequest("POST", "sobjects/Account", {"Industry": "no name"}),
            c.subrequest("GET", f"sobjects/Account/{record}", params={"fields": "Industry"}),
        ]
    )
    assert request.status == 200
    assert body["hasErrors"] is True
    assert [r["statusCode"] for r in body["results"]] == [204, 400, 200]
    assert body["results"][2]["result"]["Industry"] == "Banking"
    (failure,) = c.failures(body, request)
    assert (failure.index, failure.error.error_code) == (1, "REQUIRED_FIELD_MISSING")


def test_batch_halt_on_error(sf: salesforcepy.Client) -> None:
    t = tag()
    c = sf.composite
    body, request = c.batch(
        [
            c.subrequest("POST", "sobjects/Account", {"Name": t}),
            c.subrequest("GET", "sobjects/Account/0015g00000zzzzzAAA"),
            c.subrequest("POST", "sobjects/Account", {"Name": t}),
        ],
        halt_on_error=True,
    )
    assert [r["statusCode"] for r in body["results"]] == [201, 404, 412]
    failed = c.failures(body, request)
    assert isinstance(failed[0].error, NotFound)
    assert isinstance(failed[1].error, PreconditionFailed)
    assert failed[1].error.error_code == "BATCH_PROCESSING_HALTED"
    assert count(sf, f"Account WHERE Name = '{t}'") == 1


# -- tree ----------------------------------------------------------------------------------


def test_tree_creates_nested_records(sf: salesforcepy.Client) -> None:
    t = tag()
    records = [
        {
            "attributes": {"referenceId": "acme"},
            "Name": f"{t}-acme",
            "Contacts": {
                "records": [
                    {"attributes": {"type": "Contact", "referenceId": "smith"}, "LastName": t},
                    {"attributes": {"type": "Contact"}, "LastName": t},
                ]
            },
        },
        {"Name": f"{t}-globex"},
    ]
    body, request = sf.composite.tree("Account", records)
    assert request.status == 201
    assert request.ok
    ids = by_reference(body)
    assert set(ids) == {"acme", "smith", "ref1", "ref2"}
    assert count(sf, f"Account WHERE Name LIKE '{t}%'") == 2
    contacts, _ = sf.query(
        f"SELECT Id, Account.Name FROM Contact WHERE LastName = '{t}'"  # noqa: S608
    )
    assert {r["Account"]["Name"] for r in contacts["records"]} == {f"{t}-acme"}
    assert ids["smith"] in {r["Id"] for r in contacts["records"]}


def test_tree_failure_rolls_back(sf: salesforcepy.Client) -> None:
    t = tag()
    records = [
        {
            "Name": f"{t}-acme",
            "Contacts": {
                "records": [
                    {
                        "attributes": {"type": "Contact", "referenceId": "bad"},
                        "LastName": t,
                        "Email": "not-an-address",
                    },
                ]
            },
        },
    ]
    body, request = sf.composite.tree("Account", records)
    assert request.status == 400
    assert body["hasErrors"] is True
    (failure,) = sf.composite.failures(body, request)
    assert (failure.key, failure.error.error_code, failure.error.fields) == (
        "bad",
        "INVALID_EMAIL_ADDRESS",
        ["Email"],
    )
    assert count(sf, f"Account WHERE Name LIKE '{t}%'") == 0
    assert count(sf, f"Contact WHERE LastName = '{t}'") == 0


def test_tree_limit_of_200_records(sf: salesforcepy.Client) -> None:
    t = tag()
    records = [{"Name": f"{t}-{n}"} for n in range(201)]
    with pytest.raises(ValueError, match="at most 200"):
        sf.composite.tree("Account", records)
    body, request = sf.composite.tree("Account", records[:200])
    assert request.status == 201
    assert len(body["results"]) == 200
    assert count(sf, f"Account WHERE Name LIKE '{t}%'") == 200


# -- graph ---------------------------------------------------------------------------------


def test_graph_each_graph_is_all_or_nothing(sf: salesforcepy.Client) -> None:
    t = tag()
    c = sf.composite

    def graph(last_name: str | None) -> list[Subrequest]:
        account = c.subrequest("POST", "sobjects/Account", {"Name": t}, reference_id="account")
        body = {"AccountId": account.ref(), **({"LastName": last_name} if last_name else {})}
        return [account, c.subrequest("POST", "sobjects/Contact", body, reference_id="contact")]

    body, request = c.graph({"complete": graph(t), "broken": graph(None)})
    assert request.status == 200
    outcome = {g["graphId"]: g["isSuccessful"] for g in body["graphs"]}
    assert outcome == {"complete": True, "broken": False}
    keys = [(f.key, f.error.error_code) for f in c.failures(body, request)]
    assert keys == [
        ("broken:account", "PROCESSING_HALTED"),
        ("broken:contact", "REQUIRED_FIELD_MISSING"),
    ]
    assert count(sf, f"Account WHERE Name = '{t}'") == 1
    assert count(sf, f"Contact WHERE LastName = '{t}'") == 1
