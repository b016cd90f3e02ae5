"""client.composite: request building, validation before sending, failures(), chunked jobs."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import requests

import salesforcepy
from salesforcepy.exceptions import (
    BadRequest,
    EntityIsDeleted,
    HTTPError,
    NotApplied,
    NotFound,
    PreconditionFailed,
    RequiredFieldMissing,
    RolledBack,
    TransportError,
)
from salesforcepy.resources.composite import (
    MAX_RECORDS,
    Subrequest,
    by_reference,
    composite_request,
    failures,
    graph_request,
    tree_request,
)

from ..conftest import DATA, TOKEN, assert_request, login

ID1 = "0015g00000ABCDEAA5"
ID2 = "0010Y0000055YG7QAM"
CONTACT_ID = "001M000000qfPySIAU"


def ok(record_id: str = ID1) -> dict[str, Any]:
    return {"id": record_id, "success": True, "errors": []}


def failed(code: str, record_id: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "success": False,
        "errors": [{"statusCode": code, "message": f"{code} happened", "fields": ["Name"]}],
    }
    if record_id is not None:
        result["id"] = record_id
    return result


def accounts(count: int) -> list[dict[str, Any]]:
    return [{"Name": f"Account {n}"} for n in range(count)]


# -- sObject Collections: requests ---------------------------------------------------------------


def test_create(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(f"{DATA}/composite/sobjects", json=[ok(), ok(ID2)])
    records = [{"Name": "A"}, {"attributes": {"type": "Contact"}, "LastName": "B"}]
    original = copy.deepcopy(records)

    body, request = sf.composite.create(records, object_type="Account", all_or_none=True)

    assert_request(
        requests_mock.last_request,
        "POST",
        f"{DATA}/composite/sobjects",
        json={
            "allOrNone": True,
            "records": [
                {"attributes": {"type": "Account"}, "Name": "A"},
                {"attributes": {"type": "Contact"}, "LastName": "B"},
            ],
        },
    )
    assert body == [ok(), ok(ID2)]
    assert request.status == 200
    assert request.ok
    assert records == original  # the caller's dicts are not changed


def test_create_keeps_other_attributes(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(f"{DATA}/composite/sobjects", json=[ok()])
    sf.composite.create([{"attributes": {"referenceId": "r1"}, "Name": "A"}], object_type="Account")
    sent = requests_mock.last_request.json()
    assert sent["allOrNone"] is False
    assert sent["records"][0]["attributes"] == {"referenceId": "r1", "type": "Account"}


@pytest.mark.parametrize(
    ("records", "kwargs", "error", "text"),
    [
        ([], {}, ValueError, "must not be empty"),
        (accounts(201), {"object_type": "Account"}, ValueError, "chunked('create'"),
        ([{"Name": "A"}], {}, ValueError, "attributes.type"),
        ([{"Name": "A"}], {"object_type": "../x"}, ValueError, "API name"),
        ([{"Name": "A", "Id": ID1}], {"object_type": "Account"}, ValueError, "has an Id"),
        ([{"Name": "A", "id": ID1}], {"object_type": "Account"}, ValueError, "has an Id"),
        ({"Name": "A"}, {"object_type": "Account"}, TypeError, "must be a list"),
        (["Name"], {"object_type": "Account"}, TypeError, "records[0] must be a dict"),
        (
            [{"Name": "A"}],
            {"object_type": "Account", "all_or_none": "yes"},
            TypeError,
            "True or False",
        ),
        (
            [{"attributes": {"type": t}, "Name": "x"} for t in ["Account", "Contact"] * 6],
            {},
            ValueError,
            "sort them by type",
        ),
    ],
)
def test_create_validation(
    sf: salesforcepy.Client, requests_mock: Any, records: Any, kwargs: Any, error: Any, text: str
) -> None:
    with pytest.raises(error) as caught:
        sf.composite.create(records, **kwargs)
    assert text in str(caught.value)
    assert requests_mock.call_count == 0


def test_ten_type_runs_and_200_records_are_allowed(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    requests_mock.post(f"{DATA}/composite/sobjects", json=[])
    runs = [{"attributes": {"type": t}, "Name": "x"} for t in ["Account", "Contact"] * 5]
    sf.composite.create(runs)
    sf.composite.create(accounts(MAX_RECORDS), object_type="Account")
    assert requests_mock.call_count == 2
    assert len(requests_mock.last_request.json()["records"]) == 200


def test_update(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.patch(f"{DATA}/composite/sobjects", json=[ok()])
    body, request = sf.composite.update([{"id": ID1, "Name": "New"}], object_type="Account")
    assert request.status == 200
    assert_request(
        requests_mock.last_request,
        "PATCH",
        f"{DATA}/composite/sobjects",
        json={
            "allOrNone": False,
            "records": [{"attributes": {"type": "Account"}, "id": ID1, "Name": "New"}],
        },
    )
    assert body == [ok()]


@pytest.mark.parametrize(
    ("record", "text"),
    [({"Name": "no id"}, "has no id"), ({"Id": "junk", "Name": "x"}, "Salesforce id")],
)
def test_update_needs_ids(
    sf: salesforcepy.Client, requests_mock: Any, record: Any, text: str
) -> None:
    with pytest.raises(ValueError, match=text):
        sf.composite.update([record], object_type="Account")
    assert requests_mock.call_count == 0


def test_upsert(sf: salesforcepy.Client, requests_mock: Any) -> None:
    url = f"{DATA}/composite/sobjects/Account/Ext_Id__c"
    requests_mock.patch(url, json=[{**ok(), "created": True}])
    body, request = sf.composite.upsert("Account", "Ext_Id__c", [{"ext_id__c": "E1", "Name": "A"}])
    assert request.status == 200
    assert_request(
        requests_mock.last_request,
        "PATCH",
        url,
        json={
            "allOrNone": False,
            "records": [{"attributes": {"type": "Account"}, "ext_id__c": "E1", "Name": "A"}],
        },
    )
    assert body[0]["created"] is True


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("Account", "Ext_Id__c", [{"Name": "no key"}]), ValueError),
        (("Account", "Ext_Id__c", [{"Ext_Id__c": None}]), ValueError),
        (("Account", "Ext/Id", [{"Ext/Id": "x"}]), ValueError),
        (("Acc ount", "Ext_Id__c", [{"Ext_Id__c": "x"}]), ValueError),
    ],
)
def test_upsert_validation(
    sf: salesforcepy.Client, requests_mock: Any, args: Any, error: Any
) -> None:
    with pytest.raises(error):
        sf.composite.upsert(*args)
    assert requests_mock.call_count == 0


def test_delete(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.delete(f"{DATA}/composite/sobjects", json=[ok(), ok(ID2)])
    body, request = sf.composite.delete([ID1, ID2])
    assert request.status == 200
    assert_request(
        requests_mock.last_request,
        "DELETE",
        f"{DATA}/composite/sobjects",
        query=[("ids", f"{ID1},{ID2}"), ("allOrNone", "false")],
    )
    assert body == [ok(), ok(ID2)]
    sf.composite.delete((ID1,), all_or_none=True)
    assert requests_mock.last_request.qs["allornone"] == ["true"]


@pytest.mark.parametrize(
    ("ids", "error"),
    [([], ValueError), ([ID1] * 201, ValueError), (["junk"], ValueError), (ID1, TypeError)],
)
def test_delete_validation(
    sf: salesforcepy.Client, requests_mock: Any, ids: Any, error: Any
) -> None:
    with pytest.raises(error):
        sf.composite.delete(ids)
    assert requests_mock.call_count == 0


def test_retrieve_get(sf: salesforcepy.Client, requests_mock: Any) -> None:
    record = {"attributes": {"type": "Account"}, "Name": "A"}
    requests_mock.get(f"{DATA}/composite/sobjects/Account", json=[record, None])
    body, request = sf.composite.retrieve("Account", [ID1, ID2], ["Id", "Name"])
    assert request.status == 200
    assert_request(
        requests_mock.last_request,
        "GET",
        f"{DATA}/composite/sobjects/Account",
        query=[("ids", f"{ID1},{ID2}"), ("fields", "Id,Name")],
    )
    assert body == [record, None]


def test_retrieve_posts_long_lists(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(f"{DATA}/composite/sobjects/Account", json=[])
    ids = [ID1] * 2000
    sf.composite.retrieve("Account", ids, ["Name"])
    assert_request(
        requests_mock.last_request,
        "POST",
        f"{DATA}/composite/sobjects/Account",
        json={"ids": ids, "fields": ["Name"]},
    )
    sf.composite.retrieve("Account", [ID1], ["Name"], method="post")
    assert requests_mock.last_request.json() == {"ids": [ID1], "fields": ["Name"]}


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [
        (("Account", [ID1] * 2001, ["Name"]), {}, ValueError),
        (("Account", [ID1], []), {}, ValueError),
        (("Account", [ID1], "Name"), {}, TypeError),
        (("Account", [ID1], ["Na me"]), {}, ValueError),
        (("Account", [ID1], ["Name"]), {"method": "PUT"}, ValueError),
    ],
)
def test_retrieve_validation(
    sf: salesforcepy.Client, requests_mock: Any, args: Any, kwargs: Any, error: Any
) -> None:
    with pytest.raises(error):
        sf.composite.retrieve(*args, **kwargs)
    assert requests_mock.call_count == 0


# -- Composite ---------------------------------------------------------------------------------


def test_send_with_references(sf: salesforcepy.Client, requests_mock: Any) -> None:
    response = {"compositeResponse": []}
    requests_mock.post(f"{DATA}/composite", json=response)
    c = sf.composite
    account = c.subrequest("POST", "sobjects/Account", {"Name": "Acme"}, reference_id="refAccount")
    contact = c.subrequest(
        "POST",
        "/services/data/v57.0/sobjects/Contact",
        {"LastName": "Smith", "AccountId": account.ref("id")},
        reference_id="refContact",
    )
    query = c.subrequest(
        "GET",
        "query",
        reference_id="refQuery",
        params={"q": f"SELECT Id FROM Contact WHERE Id = '{contact.ref()}'"},  # noqa: S608
        http_headers={"Sforce-Query-Options": "batchSize=200"},
    )
    body, request = c.send([account, contact, query], all_or_none=True)
    assert request.status == 200

    assert_request(
        requests_mock.last_request,
        "POST",
        f"{DATA}/composite",
        json={
            "allOrNone": True,
            "collateSubrequests": False,
            "compositeRequest": [
                {
                    "method": "POST",
                    "url": "/services/data/v58.0/sobjects/Account",
                    "referenceId": "refAccount",
                    "body": {"Name": "Acme"},
                },
                {
                    "method": "POST",
                    "url": "/services/data/v57.0/sobjects/Contact",
                    "referenceId": "refContact",
                    "body": {"LastName": "Smith", "AccountId": "@{refAccount.id}"},
                },
                {
                    "method": "GET",
                    "url": "/services/data/v58.0/query?q=SELECT%20Id%20FROM%20Contact%20WHERE"
                    "%20Id%20%3D%20%27@{refContact.id}%27",
                    "referenceId": "refQuery",
                    "httpHeaders": {"Sforce-Query-Options": "batchSize=200"},
                },
            ],
        },
    )
    assert body == response


def test_send_refuses_a_batch_shaped_body(sf: salesforcepy.Client, requests_mock: Any) -> None:
    # richInput is batch's name for the body; send() would drop it and PATCH nothing.
    item = {"method": "PATCH", "url": f"sobjects/Account/{ID1}", "referenceId": "a"}
    with pytest.raises(ValueError, match="'body'"):
        sf.composite.send([{**item, "richInput": {"Name": "x"}}])
    assert requests_mock.call_count == 0


@pytest.mark.parametrize(
    "url",
    [
        "sobjects/../composite",
        "sobjects/Account/%2E%2E/%2e%2e/composite/batch",
        "/services/data/v58.0/./query?q=x",
        "v58.0/sobjects/Account/..",
    ],
)
def test_subrequest_urls_with_dot_segments_are_refused(url: str) -> None:
    # Collapsed by HTTP stacks, they would slip past the nesting and query-limit checks.
    with pytest.raises(ValueError, match=r"'\.\.' segments"):
        Subrequest(method="GET", url=url)
    with pytest.raises(ValueError, match=r"'\.\.' segments"):
        composite_request([{"method": "GET", "url": url, "referenceId": "a"}], version="58.0")


@pytest.mark.parametrize(
    "url", ["v58/sobjects/Account", "v58.0", "/services/data/v58/sobjects", "v58.0sobjects"]
)
def test_subrequest_urls_with_a_malformed_version_are_refused(url: str) -> None:
    # Taken as relative, "v58/sobjects/Account" would go to /services/data/v58.0/v58/...
    with pytest.raises(ValueError, match=r"version like v58\.0/"):
        Subrequest(method="GET", url=url)


def test_dots_inside_a_segment_or_the_query_are_fine() -> None:
    assert Subrequest(method="GET", url="query?q=SELECT+Id+FROM+A+WHERE+N='..'").url.endswith(
        "'..'"
    )
    assert Subrequest(method="GET", url="sobjects/Account/x..y").url == "sobjects/Account/x..y"


def test_params_keep_only_well_formed_references_unencoded() -> None:
    # Text in a parameter value that only looks like a reference is data: encoded like the
    # rest, so it cannot add parameters or cut the query string short.
    sub = salesforcepy.resources.composite.Composite.subrequest(
        "GET",
        "query",
        reference_id="q",
        params={"q": "SELECT Id FROM Account WHERE Name = '@{&q=x}' OR Name = '@{a.id#y}'"},
    )
    assert sub.url == (
        "query?q=SELECT%20Id%20FROM%20Account%20WHERE%20Name%20%3D%20%27%40%7B%26q%3Dx%7D%27"
        "%20OR%20Name%20%3D%20%27%40%7Ba.id%23y%7D%27"
    )
    sub = salesforcepy.resources.composite.Composite.subrequest(
        "GET", "query", params={"a": "@{acc.records[0].Id}", "b": "@{acc[1].id}-@{x}"}
    )
    assert sub.url == "query?a=@{acc.records[0].Id}&b=@{acc[1].id}-@{x}"


def test_send_uses_the_per_call_version(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(
        "https://acme.my.salesforce.com/services/data/v60.0/composite",
        json={"compositeResponse": []},
    )
    sf.composite.send(
        [
            {"method": "GET", "url": "v59.0/limits", "referenceId": "a"},
            {"method": "GET", "url": "sobjects", "referenceId": "b"},
        ],
        version="60.0",
    )
    urls = [s["url"] for s in requests_mock.last_request.json()["compositeRequest"]]
    assert urls == ["/services/data/v59.0/limits", "/services/data/v60.0/sobjects"]


def test_ref_paths() -> None:
    sub = Subrequest(method="get", url="query", reference_id="q1")
    assert sub.method == "GET"
    assert sub.ref() == "@{q1.id}"
    assert sub.ref("records[0].Account.Name") == "@{q1.records[0].Account.Name}"
    assert sub.ref("[1].id") == "@{q1[1].id}"
    for bad in ("", "records[x]", "a..b", "a}", ".id", "[0]id", "[a].id"):
        with pytest.raises(ValueError, match="must look like"):
            sub.ref(bad)
    with pytest.raises(ValueError, match="no reference_id"):
        Subrequest(method="GET", url="query").ref()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"method": "TRACE", "url": "x"}, ValueError),
        ({"method": "GET", "url": "https://evil.example.com/x"}, ValueError),
        ({"method": "GET", "url": "/services/apexrest/Echo"}, ValueError),
        ({"method": "GET", "url": "services/data/v58.0/limits"}, ValueError),
        ({"method": "GET", "url": "sobjects/Account Name"}, ValueError),
        ({"method": "GET", "url": ""}, ValueError),
        ({"method": "GET", "url": 5}, TypeError),
        ({"method": "GET", "url": "x", "reference_id": "bad-ref"}, ValueError),
        ({"method": "GET", "url": "x", "http_headers": {"Authorization": "Bearer x"}}, ValueError),
        ({"method": "GET", "url": "x", "http_headers": {"content-type": "text/xml"}}, ValueError),
        ({"method": "GET", "url": "x", "http_headers": {"X": "a\r\nB: c"}}, ValueError),
    ],
)
def test_subrequest_validation(kwargs: Any, error: Any) -> None:
    with pytest.raises(error):
        Subrequest(**kwargs)


def _subs(count: int, url: str = "sobjects/Account") -> list[Subrequest]:
    return [Subrequest(method="GET", url=url, reference_id=f"r{n}") for n in range(count)]


@pytest.mark.parametrize(
    ("subrequests", "text"),
    [
        ([], "must not be empty"),
        (_subs(26), "at most 25"),
        (_subs(6, "query?q=SELECT+Id+FROM+Account"), "allows 5"),
        (
            [
                *_subs(4, "queryAll?q=x"),
                *[
                    Subrequest(
                        method="DELETE", url=f"composite/sobjects?ids={ID1}", reference_id=f"d{n}"
                    )
                    for n in range(2)
                ],
            ],
            "allows 5",
        ),
        ([Subrequest(method="GET", url="sobjects")], "needs a reference_id"),
        ([*_subs(1), Subrequest(method="GET", url="x", reference_id="r0")], "used twice"),
        (
            [
                Subrequest(method="GET", url="sobjects/Account/@{later.id}", reference_id="first"),
                Subrequest(method="GET", url="sobjects", reference_id="later"),
            ],
            "'later'",
        ),
        (
            [
                Subrequest(
                    method="POST",
                    url="sobjects/Contact",
                    reference_id="c",
                    body={"AccountId": "@{nobody.id}"},
                )
            ],
            "'nobody'",
        ),
        ([Subrequest(method="POST", url="composite/batch", reference_id="n")], "nested"),
        ([{"method": "GET", "url": "sobjects", "referenceId": "a", "bogus": 1}], "unknown"),
        ([{"method": "GET", "referenceId": "a"}], "needs 'method' and 'url'"),
    ],
)
def test_composite_validation(
    sf: salesforcepy.Client, requests_mock: Any, subrequests: Any, text: str
) -> None:
    with pytest.raises(ValueError, match=text.replace("(", r"\(").replace("[", r"\[")):
        sf.composite.send(subrequests)
    assert requests_mock.call_count == 0


def test_composite_limits_at_their_maximum() -> None:
    urls = ["sobjects/Account"] * 20 + ["query?q=x", "queryAll?q=x"] * 2 + ["composite/sobjects"]
    subs = [Subrequest(method="GET", url=url, reference_id=f"r{n}") for n, url in enumerate(urls)]
    request = composite_request(subs, version="58.0")
    assert len(request.json["compositeRequest"]) == 25


def test_wire_shaped_dicts_are_accepted(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(f"{DATA}/composite", json={"compositeResponse": []})
    item = {
        "method": "PATCH",
        "url": f"/services/data/v58.0/sobjects/Account/{ID1}",
        "referenceId": "upd",
        "body": {"Name": "x"},
        "httpHeaders": {"If-Match": '"abc"'},
    }
    sf.composite.send([item], collate_subrequests=True)
    sent = requests_mock.last_request.json()
    assert sent["compositeRequest"] == [item]
    assert sent["collateSubrequests"] is True


# -- batch and tree ----------------------------------------------------------------------------


def test_batch(sf: salesforcepy.Client, requests_mock: Any) -> None:
    answer = {"hasErrors": False, "results": [{"statusCode": 204, "result": None}]}
    requests_mock.post(f"{DATA}/composite/batch", json=answer)
    c = sf.composite
    body, request = c.batch(
        [
            c.subrequest("PATCH", f"sobjects/Account/{ID1}", {"Name": "New"}),
            c.subrequest("GET", f"sobjects/Account/{ID1}", params={"fields": "Name,Phone"}),
            {"method": "GET", "url": "v57.0/limits"},
            {"method": "POST", "url": "sobjects/Account", "richInput": {"Name": "x"}},
        ],
        halt_on_error=True,
    )
    assert request.status == 200
    assert_request(
        requests_mock.last_request,
        "POST",
        f"{DATA}/composite/batch",
        json={
            "haltOnError": True,
            "batchRequests": [
                {
                    "method": "PATCH",
                    "url": f"v58.0/sobjects/Account/{ID1}",
                    "richInput": {"Name": "New"},
                },
                {"method": "GET", "url": f"v58.0/sobjects/Account/{ID1}?fields=Name%2CPhone"},
                {"method": "GET", "url": "v57.0/limits"},
                {"method": "POST", "url": "v58.0/sobjects/Account", "richInput": {"Name": "x"}},
            ],
        },
    )
    assert body == answer


@pytest.mark.parametrize(
    ("subrequests", "text"),
    [
        ([], "must not be empty"),
        ([{"method": "GET", "url": "limits"}] * 26, "at most 25"),
        ([Subrequest(method="GET", url="limits", http_headers={"X-A": "1"})], "headers"),
        ([{"method": "POST", "url": "composite/sobjects"}], "inside a batch"),
        ([{"method": "POST", "url": "v58.0/composite"}], "inside a batch"),
        # A Composite-shaped body would be dropped: batch bodies are richInput.
        (
            [{"method": "PATCH", "url": f"sobjects/Account/{ID1}", "body": {"Name": "x"}}],
            "richInput",
        ),
    ],
)
def test_batch_validation(
    sf: salesforcepy.Client, requests_mock: Any, subrequests: Any, text: str
) -> None:
    with pytest.raises(ValueError, match=text):
        sf.composite.batch(subrequests)
    assert requests_mock.call_count == 0


def test_tree(sf: salesforcepy.Client, requests_mock: Any) -> None:
    answer = {"hasErrors": False, "results": [{"referenceId": "ref1", "id": ID1}]}
    requests_mock.post(f"{DATA}/composite/tree/Account", json=answer, status_code=201)
    records = [
        {
            "Name": "A",
            "Contacts": {
                "records": [
                    {"attributes": {"type": "Contact"}, "LastName": "x"},
                    {"attributes": {"type": "Contact", "referenceId": "ref2"}, "LastName": "y"},
                ]
            },
        },
        {"attributes": {"referenceId": "mine"}, "Name": "B"},
    ]
    original = copy.deepcopy(records)
    body, request = sf.composite.tree("Account", records)
    assert_request(
        requests_mock.last_request,
        "POST",
        f"{DATA}/composite/tree/Account",
        json={
            "records": [
                {
                    "attributes": {"type": "Account", "referenceId": "ref1"},
                    "Name": "A",
                    "Contacts": {
                        "records": [
                            {
                                "attributes": {"type": "Contact", "referenceId": "ref3"},
                                "LastName": "x",
                            },
                            {
                                "attributes": {"type": "Contact", "referenceId": "ref2"},
                                "LastName": "y",
                            },
                        ]
                    },
                },
                {"attributes": {"referenceId": "mine", "type": "Account"}, "Name": "B"},
            ]
        },
    )
    assert request.status == 201
    assert by_reference(body) == {"ref1": ID1}
    assert records == original


def _chain(depth: int) -> dict[str, Any]:
    record: dict[str, Any] = {"attributes": {"type": "Account"}, "Name": "leaf"}
    for _ in range(depth - 1):
        record = {
            "attributes": {"type": "Account"},
            "Name": "x",
            "ChildAccounts": {"records": [record]},
        }
    return record


@pytest.mark.parametrize(
    ("records", "error", "text"),
    [
        ([], ValueError, "must not be empty"),
        (accounts(201), ValueError, "at most 200"),
        ([_chain(6)], ValueError, "at most 5"),
        (
            [{"Name": "A", "Contacts": {"records": [{"LastName": "x"}]}}],
            ValueError,
            "attributes.type",
        ),
        (
            [
                {"attributes": {"referenceId": "r"}, "Name": "A"},
                {"attributes": {"referenceId": "r"}},
            ],
            ValueError,
            "used twice",
        ),
        ([{"attributes": {"referenceId": "a b"}, "Name": "A"}], ValueError, "letters"),
        (["x"], TypeError, "must be a dict"),
    ],
)
def test_tree_validation(
    sf: salesforcepy.Client, requests_mock: Any, records: Any, error: Any, text: str
) -> None:
    with pytest.raises(error, match=text):
        sf.composite.tree("Account", records)
    assert requests_mock.call_count == 0


def test_tree_limits_at_their_maximum() -> None:
    assert len(tree_request("Account", [_chain(5)]).json["records"]) == 1
    assert len(tree_request("Account", accounts(200)).json["records"]) == 200


# -- failures() --------------------------------------------------------------------------------


def test_failures_of_collection_results() -> None:
    body = [ok(), failed("REQUIRED_FIELD_MISSING"), failed("ENTITY_IS_DELETED", ID2)]
    found = failures(body)
    assert [(f.index, f.key) for f in found] == [(1, None), (2, ID2)]
    assert isinstance(found[0].error, RequiredFieldMissing)
    assert found[0].error.error_code == "REQUIRED_FIELD_MISSING"
    assert found[0].error.fields == ["Name"]
    assert found[0].error.status == 400
    assert isinstance(found[1].error, EntityIsDeleted)
    assert found[1].result == body[2]
    rolled_back = failures([failed("ALL_OR_NONE_OPERATION_ROLLED_BACK")])[0].error
    assert type(rolled_back) is RolledBack
    assert isinstance(rolled_back, NotApplied)
    assert isinstance(rolled_back, BadRequest)
    assert failures([ok(), None, {"attributes": {}, "Name": "x"}]) == []


def test_failures_of_composite_batch_and_tree() -> None:
    composite_body = {
        "compositeResponse": [
            {"body": ok(), "httpHeaders": {}, "httpStatusCode": 201, "referenceId": "a"},
            {
                "body": [{"errorCode": "NOT_FOUND", "message": "gone"}],
                "httpHeaders": {},
                "httpStatusCode": 404,
                "referenceId": "b",
            },
            {
                "body": [ok(), failed("REQUIRED_FIELD_MISSING")],
                "httpHeaders": {},
                "httpStatusCode": 200,
                "referenceId": "c",
            },
        ]
    }
    found = failures(composite_body)
    assert [(f.index, f.key) for f in found] == [(1, "b"), (2, "c")]
    assert isinstance(found[0].error, NotFound)
    assert found[0].error.status == 404
    assert isinstance(found[1].error, RequiredFieldMissing)

    batch_body = {
        "hasErrors": True,
        "results": [
            {"statusCode": 204, "result": None},
            {"statusCode": 400, "result": [{"errorCode": "MALFORMED_ID", "message": "bad"}]},
            {
                "statusCode": 412,
                "result": [{"errorCode": "BATCH_PROCESSING_HALTED", "message": "x"}],
            },
        ],
    }
    found = failures(batch_body)
    assert [f.index for f in found] == [1, 2]
    assert found[0].error.error_code == "MALFORMED_ID"
    assert isinstance(found[1].error, PreconditionFailed)

    tree_body = {
        "hasErrors": True,
        "results": [
            {
                "referenceId": "ref2",
                "errors": [
                    {"statusCode": "INVALID_EMAIL_ADDRESS", "message": "m", "fields": ["Email"]}
                ],
            }
        ],
    }
    (failure,) = failures(tree_body)
    assert (failure.key, failure.error.error_code, failure.error.fields) == (
        "ref2",
        "INVALID_EMAIL_ADDRESS",
        ["Email"],
    )
    assert failures({"hasErrors": False, "results": [{"referenceId": "r", "id": ID1}]}) == []


def test_failures_attach_the_request_and_redact(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    leaky = {"success": False, "errors": [{"statusCode": "X", "message": f"token {TOKEN}"}]}
    requests_mock.post(f"{DATA}/composite/sobjects", json=[leaky])
    body, request = sf.composite.create([{"Name": "a"}], object_type="Account")
    assert request.status == 200
    (failure,) = sf.composite.failures(body, request)
    assert failure.error.request is request
    assert TOKEN not in str(failure.error)
    assert "[redacted]" in failure.error.message


def test_by_reference_of_composite() -> None:
    entry = {"body": ok(), "httpHeaders": {}, "httpStatusCode": 201, "referenceId": "a"}
    assert by_reference({"compositeResponse": [entry]}) == {"a": entry}
    assert by_reference([ok()]) == {}


# -- chunked -----------------------------------------------------------------------------------


def _echo_results(request: Any, context: Any) -> list[dict[str, Any]]:
    records = request.json()["records"]
    return [failed("REQUIRED_FIELD_MISSING") if "Name" not in r else ok() for r in records]


def test_chunked_create_splits_and_reports(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(f"{DATA}/composite/sobjects", json=_echo_results)
    result = sf.composite.chunked("create", accounts(450), object_type="Account")
    assert [len(h.json()["records"]) for h in requests_mock.request_history] == [200, 200, 50]
    assert [(c.start, c.stop) for c in result.chunks] == [(0, 200), (200, 400), (400, 450)]
    assert len(result.requests) == 3
    assert all(r.status == 200 for r in result.requests)
    assert result.ok
    assert result.not_sent == range(450, 450)
    assert len(result.results) == 450
    assert all(r == ok() for r in result.results)
    result.raise_for_status()


def test_chunked_stops_after_a_failed_record(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(f"{DATA}/composite/sobjects", json=_echo_results)
    records = accounts(25)
    records[13] = {"Industry": "no name"}
    result = sf.composite.chunked(
        "create", records, object_type="Account", chunk_size=10, all_or_none=True
    )
    assert requests_mock.call_count == 2
    assert [(c.start, c.stop) for c in result.chunks] == [(0, 10), (10, 20)]
    assert result.sent == range(0, 20)
    assert result.not_sent == range(20, 25)
    assert [f.index for f in result.failures()] == [13]
    assert result.results[20:] == [None] * 5
    assert not result.ok
    assert result.errors == []

    requests_mock.reset_mock()
    result = sf.composite.chunked(
        "create", records, object_type="Account", chunk_size=10, stop_on_failure=False
    )
    assert requests_mock.call_count == 3
    assert result.not_sent == range(25, 25)
    assert [f.index for f in result.failures()] == [13]


def test_chunked_stops_after_a_failed_call(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.delete(
        f"{DATA}/composite/sobjects",
        [
            {"json": [ok()] * 2},
            {
                "json": [{"errorCode": "UNABLE_TO_LOCK_ROW", "message": "locked"}],
                "status_code": 400,
            },
        ],
    )
    # Retries off: a lock error that persists (the default policy would try 4 times) stops it.
    with sf.retries(False):
        result = sf.composite.chunked("delete", [ID1] * 5, chunk_size=2)
    assert requests_mock.call_count == 2
    assert result.chunks[1].request is not None
    assert result.chunks[1].request.status == 400
    assert [e.error_code for e in result.errors] == ["UNABLE_TO_LOCK_ROW"]
    assert result.results == [ok(), ok(), None, None, None]
    assert result.not_sent == range(4, 5)
    with pytest.raises(HTTPError):
        result.raise_for_status()


def test_chunked_records_transport_errors(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.patch(
        f"{DATA}/composite/sobjects",
        [{"json": [ok()]}, {"exc": requests.exceptions.ConnectionError("reset")}],
    )
    result = sf.composite.chunked(
        "update", [{"id": ID1, "Name": "x"}] * 3, object_type="Account", chunk_size=1
    )
    assert len(result.chunks) == 2
    assert result.chunks[0].outcome_known
    assert not result.chunks[1].outcome_known
    assert isinstance(result.chunks[1].error, TransportError)
    assert result.not_sent == range(2, 3)
    with pytest.raises(TransportError):
        result.raise_for_status()


def test_chunked_in_strict_mode_records_the_error(requests_mock: Any) -> None:
    sf = login(requests_mock, strict=True)
    requests_mock.post(
        f"{DATA}/composite/sobjects",
        json=[{"errorCode": "INVALID_SESSION_ID", "message": "expired"}],
        status_code=401,
    )
    result = sf.composite.chunked("create", accounts(3), object_type="Account", chunk_size=2)
    assert len(result.chunks) == 1
    chunk = result.chunks[0]
    assert chunk.request is not None
    assert chunk.request.status == 401
    assert chunk.errors == [chunk.error]
    assert result.not_sent == range(2, 3)


def test_chunked_upsert_and_retrieve(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.patch(f"{DATA}/composite/sobjects/Account/Ext__c", json=[ok()])
    result = sf.composite.chunked(
        "upsert",
        [{"Ext__c": "a"}, {"Ext__c": "b"}],
        object_type="Account",
        external_id_field="Ext__c",
        chunk_size=1,
    )
    assert requests_mock.call_count == 2
    assert result.ok
    requests_mock.post(f"{DATA}/composite/sobjects/Account", json=[None] * 2000)
    requests_mock.reset_mock()
    result = sf.composite.chunked("retrieve", [ID1] * 2500, object_type="Account", fields=["Name"])
    assert [len(h.json()["ids"]) for h in requests_mock.request_history] == [2000, 500]
    assert [h.method for h in requests_mock.request_history] == ["POST", "POST"]


@pytest.mark.parametrize(
    ("args", "kwargs", "text"),
    [
        (("merge", [ID1]), {}, "operation"),
        (("create", []), {}, "must not be empty"),
        (("create", accounts(3)), {"object_type": "Account", "chunk_size": 0}, "chunk_size"),
        (("create", accounts(3)), {"object_type": "Account", "chunk_size": 201}, "chunk_size"),
        (("upsert", accounts(3)), {"object_type": "Account"}, "external_id_field"),
        (("retrieve", [ID1]), {"object_type": "Account"}, "fields"),
        (("retrieve", [ID1]), {"fields": ["Name"]}, "object_type"),
        # A bad record in the last chunk is found before the first call.
        (
            ("create", [*accounts(5), {"Name": "x", "Id": ID1}]),
            {"object_type": "Account", "chunk_size": 2},
            "has an Id",
        ),
    ],
)
def test_chunked_validation(
    sf: salesforcepy.Client, requests_mock: Any, args: Any, kwargs: Any, text: str
) -> None:
    with pytest.raises(ValueError, match=text):
        sf.composite.chunked(*args, **kwargs)
    assert requests_mock.call_count == 0


def test_request_json_is_plain_json() -> None:
    request = composite_request(
        [Subrequest(method="GET", url="sobjects", reference_id="a")], version="58"
    )
    assert json.loads(request.content) == request.json
    assert request.json["compositeRequest"][0]["url"] == "/services/data/v58.0/sobjects"


def test_subrequest_repr_hides_the_body() -> None:
    sub = Subrequest(method="POST", url="sobjects/Account", body={"Name": "Top Secret Inc"})
    assert "Top Secret" not in repr(sub)
    assert "sobjects/Account" in repr(sub)


# -- graph -------------------------------------------------------------------------------------


def test_graph(sf: salesforcepy.Client, requests_mock: Any) -> None:
    answer: dict[str, Any] = {"graphs": []}
    requests_mock.post(f"{DATA}/composite/graph", json=answer)
    c = sf.composite
    account = c.subrequest("POST", "sobjects/Account", {"Name": "A"}, reference_id="acct")
    contact = c.subrequest(
        "POST",
        "sobjects/Contact",
        {"LastName": "B", "AccountId": account.ref()},
        reference_id="con",
    )
    other = c.subrequest("POST", "sobjects/Account", {"Name": "C"}, reference_id="acct")
    body, request = c.graph({"g1": [account, contact], "g2": [other]})
    assert_request(
        requests_mock.last_request,
        "POST",
        f"{DATA}/composite/graph",
        json={
            "graphs": [
                {
                    "graphId": "g1",
                    "compositeRequest": [
                        {
                            "method": "POST",
                            "url": "/services/data/v58.0/sobjects/Account",
                            "referenceId": "acct",
                            "body": {"Name": "A"},
                        },
                        {
                            "method": "POST",
                            "url": "/services/data/v58.0/sobjects/Contact",
                            "referenceId": "con",
                            "body": {"LastName": "B", "AccountId": "@{acct.id}"},
                        },
                    ],
                },
                {
                    "graphId": "g2",
                    "compositeRequest": [
                        {
                            "method": "POST",
                            "url": "/services/data/v58.0/sobjects/Account",
                            "referenceId": "acct",
                            "body": {"Name": "C"},
                        }
                    ],
                },
            ]
        },
    )
    assert body == answer
    assert request.status == 200


@pytest.mark.parametrize(
    ("graphs", "error", "text"),
    [
        ({}, ValueError, "must not be empty"),
        ([], TypeError, "dict of graph id"),
        ({"bad id": _subs(1)}, ValueError, "graph id"),
        ({"g": []}, ValueError, "must not be empty"),
        ({"g": _subs(501)}, ValueError, "at most 500"),
        # References do not cross graphs.
        (
            {
                "g1": [Subrequest(method="GET", url="sobjects", reference_id="a")],
                "g2": [Subrequest(method="GET", url="sobjects/Account/@{a.id}", reference_id="b")],
            },
            ValueError,
            "'a'",
        ),
    ],
)
def test_graph_validation(
    sf: salesforcepy.Client, requests_mock: Any, graphs: Any, error: Any, text: str
) -> None:
    with pytest.raises(error, match=text):
        sf.composite.graph(graphs)
    assert requests_mock.call_count == 0


def test_graph_allows_more_than_five_queries() -> None:
    request = graph_request({"g": _subs(30, "query?q=x")}, version="58.0")
    assert len(request.json["graphs"][0]["compositeRequest"]) == 30


def test_failures_of_graph() -> None:
    halted = [{"errorCode": "PROCESSING_HALTED", "message": "rolled back"}]
    body = {
        "graphs": [
            {
                "graphId": "good",
                "graphResponse": {
                    "compositeResponse": [
                        {"body": ok(), "httpHeaders": {}, "httpStatusCode": 201, "referenceId": "a"}
                    ]
                },
                "isSuccessful": True,
            },
            {
                "graphId": "bad",
                "graphResponse": {
                    "compositeResponse": [
                        {
                            "body": halted,
                            "httpHeaders": {},
                            "httpStatusCode": 400,
                            "referenceId": "a",
                        },
                        {
                            "body": [{"errorCode": "REQUIRED_FIELD_MISSING", "message": "x"}],
                            "httpHeaders": {},
                            "httpStatusCode": 400,
                            "referenceId": "b",
                        },
                    ]
                },
                "isSuccessful": False,
            },
        ]
    }
    found = failures(body)
    assert [(f.index, f.key, f.error.error_code) for f in found] == [
        (0, "bad:a", "PROCESSING_HALTED"),
        (1, "bad:b", "REQUIRED_FIELD_MISSING"),
    ]
