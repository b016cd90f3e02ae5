"""Composite, Composite batch, sObject Tree and Composite graph over a real socket."""

from __future__ import annotations

import base64
import uuid

import pytest

pytestmark = pytest.mark.integration

V = "/services/data/v58.0"
ROLLED_BACK = [
    {
        "message": "The transaction was rolled back since another operation in the same "
        "transaction failed.",
        "errorCode": "PROCESSING_HALTED",
    }
]


def unique(prefix: str = "T") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def sub(method: str, url: str, ref: str, body=None, **extra) -> dict:
    item = {"method": method, "url": V + url, "referenceId": ref, **extra}
    if body is not None:
        item["body"] = body
    return item


def composite(rest, subrequests, **options):
    response = rest.post("/composite", json={"compositeRequest": subrequests, **options})
    assert response.status_code == 200, response.text
    entries = response.json()["compositeResponse"]
    assert [e["referenceId"] for e in entries] == [s["referenceId"] for s in subrequests]
    for entry in entries:
        assert set(entry) == {"body", "httpHeaders", "httpStatusCode", "referenceId"}
    return entries


def error_code(entry) -> str:
    return entry["body"][0]["errorCode"]


# ---- composite -----------------------------------------------------------------------------------


def test_references_across_subrequests(rest):
    name = unique("Acct")
    entries = composite(
        rest,
        [
            sub("POST", "/sobjects/Account", "refAccount", {"Name": name}),
            sub(
                "POST",
                "/sobjects/Contact",
                "refContact",
                {
                    "LastName": "Sample",
                    "AccountId": "@{refAccount.id}",
                    "Title": "of @{refAccount.id}",
                },
            ),
            sub(
                "GET",
                "/query?q=SELECT+Id,AccountId,Account.Name+FROM+Contact+WHERE+Id='@{refContact.id}'",
                "refQuery",
            ),
            sub("GET", "/sobjects/Account/@{refQuery.records[0].AccountId}?fields=Name", "refRead"),
            sub("PATCH", "/sobjects/Account/@{refAccount.id}", "refUpdate", {"Phone": "555"}),
        ],
    )
    account_id = entries[0]["body"]["id"]
    contact_id = entries[1]["body"]["id"]
    assert [e["httpStatusCode"] for e in entries] == [201, 201, 200, 200, 204]
    assert entries[0]["body"] == {"id": account_id, "success": True, "errors": []}
    assert entries[0]["httpHeaders"] == {"Location": f"{V}/sobjects/Account/{account_id}"}
    record = entries[2]["body"]["records"][0]
    assert record["Id"] == contact_id
    assert record["AccountId"] == account_id
    assert record["Account"]["Name"] == name
    assert entries[3]["body"]["Name"] == name
    assert entries[4]["body"] is None
    assert entries[4]["httpHeaders"] == {}
    stored = rest.get(f"/sobjects/Contact/{contact_id}").json()
    assert stored["Title"] == f"of {account_id}"
    assert rest.get(f"/sobjects/Account/{account_id}").json()["Phone"] == "555"


def test_whole_string_reference_keeps_the_json_type(rest):
    entries = composite(
        rest,
        [
            sub("GET", "/query?q=SELECT+COUNT()+FROM+Account", "refCount"),
            sub(
                "POST",
                "/sobjects/Account",
                "refAccount",
                {"Name": unique(), "NumberOfEmployees": "@{refCount.totalSize}"},
            ),
        ],
    )
    count = entries[0]["body"]["totalSize"]
    assert isinstance(count, int)
    assert entries[1]["httpStatusCode"] == 201
    stored = rest.get(f"/sobjects/Account/{entries[1]['body']['id']}").json()
    assert stored["NumberOfEmployees"] == count


def test_all_or_none_rolls_everything_back(rest, org):
    before = org.store.count("Account"), org.store.count("Contact")
    entries = composite(
        rest,
        [
            sub("POST", "/sobjects/Account", "refAccount", {"Name": unique()}),
            sub("POST", "/sobjects/Contact", "refContact", {"AccountId": "@{refAccount.id}"}),
            sub("POST", "/sobjects/Account", "refLater", {"Name": unique()}),
        ],
        allOrNone=True,
    )
    assert [e["httpStatusCode"] for e in entries] == [400, 400, 400]
    assert entries[0]["body"] == ROLLED_BACK
    assert error_code(entries[1]) == "REQUIRED_FIELD_MISSING"
    assert entries[2]["body"] == ROLLED_BACK
    assert (org.store.count("Account"), org.store.count("Contact")) == before


def test_without_all_or_none_only_dependents_halt(rest, org):
    before = org.store.count("Account")
    entries = composite(
        rest,
        [
            sub("POST", "/sobjects/Account", "refBad", {"Industry": "no name"}),
            sub(
                "POST",
                "/sobjects/Contact",
                "refDependent",
                {"LastName": "x", "AccountId": "@{refBad.id}"},
            ),
            sub("GET", "/sobjects/Contact/@{refDependent.id}", "refSecondHand"),
            sub("POST", "/sobjects/Account", "refIndependent", {"Name": unique()}),
        ],
        allOrNone=False,
    )
    assert [e["httpStatusCode"] for e in entries] == [400, 400, 400, 201]
    assert error_code(entries[0]) == "REQUIRED_FIELD_MISSING"
    assert error_code(entries[1]) == "PROCESSING_HALTED"
    assert "refBad.id" in entries[1]["body"][0]["message"]
    assert error_code(entries[2]) == "PROCESSING_HALTED"
    assert "refDependent" in entries[2]["body"][0]["message"]
    assert org.store.count("Account") == before + 1


def test_missing_path_in_a_successful_body_halts_the_dependent(rest):
    entries = composite(
        rest,
        [
            sub("POST", "/sobjects/Account", "refAccount", {"Name": unique()}),
            sub("GET", "/sobjects/Account/@{refAccount.nope}", "refRead"),
            sub("GET", "/query?q=SELECT+Id+FROM+Account+LIMIT+1", "refQuery"),
            sub("GET", "/sobjects/Account/@{refQuery.records[5].Id}", "refIndex"),
        ],
    )
    assert [e["httpStatusCode"] for e in entries] == [201, 400, 200, 400]
    assert entries[1]["body"][0]["message"] == (
        "Invalid reference specified. No value for refAccount.nope found in refAccount."
    )


def test_collections_subrequest_follows_outer_all_or_none(rest, org):
    before = org.store.count("Account")
    entries = composite(
        rest,
        [
            sub("POST", "/sobjects/Account", "refFirst", {"Name": unique()}),
            sub(
                "POST",
                "/composite/sobjects",
                "refCollection",
                {
                    "allOrNone": False,
                    "records": [
                        {"attributes": {"type": "Account"}, "Name": unique()},
                        {"attributes": {"type": "Account"}},
                    ],
                },
            ),
        ],
        allOrNone=True,
    )
    assert entries[0]["body"] == ROLLED_BACK
    assert entries[1]["httpStatusCode"] == 200
    results = entries[1]["body"]
    assert results[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert results[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert org.store.count("Account") == before


def test_collections_and_delete_inside_composite(rest, org):
    created = rest.post(
        "/composite/sobjects",
        json={"records": [{"attributes": {"type": "Account"}, "Name": unique()} for _ in range(2)]},
    ).json()
    ids = ",".join(r["id"] for r in created)
    before = org.store.count("Account")
    entries = composite(
        rest,
        [
            sub("GET", f"/composite/sobjects/Account?ids={ids}&fields=Name", "refRead"),
            sub("DELETE", f"/composite/sobjects?ids={ids}", "refDelete"),
        ],
        allOrNone=True,
    )
    assert [e["httpStatusCode"] for e in entries] == [200, 200]
    assert len(entries[0]["body"]) == 2
    assert all(r["success"] for r in entries[1]["body"])
    assert org.store.count("Account") == before - 2


def test_http_headers_reach_the_subrequest(rest):
    entries = composite(
        rest,
        [
            sub(
                "GET",
                "/sobjects/Account/describe",
                "refDescribe",
                httpHeaders={"If-Modified-Since": "Tue, 01 Jan 2999 00:00:00 GMT"},
            )
        ],
    )
    assert entries[0]["httpStatusCode"] == 304
    assert entries[0]["body"] is None


@pytest.mark.parametrize(
    "header",
    [{"Transfer-Encoding": "chunked"}, {"Content-Length": "2"}, {"Content-Encoding": "gzip"}],
)
def test_framing_headers_do_not_change_the_subrequest_body(rest, header):
    # The subrequest's body is its JSON; a framing header must not make it read differently.
    name = unique()
    entries = composite(
        rest, [sub("POST", "/sobjects/Account", "a", {"Name": name}, httpHeaders=header)]
    )
    assert entries[0]["httpStatusCode"] == 201, entries[0]["body"]
    assert rest.get(f"/sobjects/Account/{entries[0]['body']['id']}").json()["Name"] == name


def test_collate_subrequests_is_accepted(rest):
    entries = composite(
        rest, [sub("GET", "/sobjects/Account/describe", "refD")], collateSubrequests=True
    )
    assert entries[0]["httpStatusCode"] == 200


def test_one_api_request_for_the_whole_call(rest, org):
    before = org.stats()["api_usage"]
    composite(
        rest, [sub("POST", "/sobjects/Account", f"r{i}", {"Name": unique()}) for i in range(4)]
    )
    assert org.stats()["api_usage"] == before + 1


def test_subrequest_errors_keep_error_code(rest):
    entries = composite(rest, [sub("GET", "/sobjects/Account/001000000000000", "refMissing")])
    assert entries[0]["httpStatusCode"] == 404
    assert entries[0]["body"] == [
        {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}
    ]


def request_error(rest, body) -> dict:
    response = rest.post("/composite", json=body)
    assert response.status_code == 400, response.text
    errors = response.json()
    assert isinstance(errors, list)
    return errors[0]


def test_limit_of_25_subrequests(rest, org):
    before = org.store.count("Account")
    subs = [sub("POST", "/sobjects/Account", f"r{i}", {"Name": unique()}) for i in range(26)]
    error = request_error(rest, {"compositeRequest": subs})
    assert error["errorCode"] == "LIMIT_EXCEEDED"
    assert org.store.count("Account") == before
    assert len(composite(rest, subs[:25])) == 25
    assert org.store.count("Account") == before + 25


def test_limit_of_5_queries_or_collections(rest):
    queries = [sub("GET", "/query?q=SELECT+Id+FROM+Account+LIMIT+1", f"q{i}") for i in range(5)]
    assert len(composite(rest, queries)) == 5
    extra = sub("GET", "/composite/sobjects/Account?ids=001000000000000&fields=Name", "c1")
    error = request_error(rest, {"compositeRequest": [*queries, extra]})
    assert error["errorCode"] == "LIMIT_EXCEEDED"
    extra = sub("GET", "/queryAll?q=SELECT+Id+FROM+Account+LIMIT+1", "c1")
    assert request_error(rest, {"compositeRequest": [*queries, extra]})["errorCode"] == (
        "LIMIT_EXCEEDED"
    )


@pytest.mark.parametrize(
    ("item", "code"),
    [
        ({"method": "GET", "url": V + "/limits"}, "JSON_PARSER_ERROR"),
        ({"url": V + "/sobjects", "referenceId": "r"}, "JSON_PARSER_ERROR"),
        ({"method": "GET", "referenceId": "r"}, "JSON_PARSER_ERROR"),
        ({"method": "GET", "url": V + "/sobjects", "referenceId": "bad-ref"}, "INVALID_API_INPUT"),
        ({"method": "TRACE", "url": V + "/sobjects", "referenceId": "r"}, "INVALID_API_INPUT"),
        (
            {"method": "GET", "url": "/services/apexrest/Echo", "referenceId": "r"},
            "INVALID_API_INPUT",
        ),
        (
            {"method": "POST", "url": V + "/composite/batch", "referenceId": "r"},
            "INVALID_API_INPUT",
        ),
        ({"method": "GET", "url": V + "/limits", "referenceId": "r"}, "INVALID_API_INPUT"),
    ],
)
def test_malformed_subrequests(rest, item, code):
    error = request_error(rest, {"compositeRequest": [item]})
    assert error["errorCode"] == code


def test_blob_retrieval_is_not_a_composite_subrequest(rest, org):
    # Composite runs sObject resources but not blob reads; the bytes used to come back decoded
    # as text (mangling anything that is not UTF-8) in the subresponse body.
    parent = org.store.create("Account", {"Name": unique()})
    blob = base64.b64encode(b"\xff\xfe\x00binary").decode("ascii")
    attachment = org.store.create("Attachment", {"Name": "a.bin", "ParentId": parent, "Body": blob})
    before = org.store.count("Account")
    subrequests = [
        sub("POST", "/sobjects/Account", "made", {"Name": unique()}),
        sub("GET", f"/sobjects/Attachment/{attachment}/Body", "blob"),
    ]

    error = request_error(rest, {"compositeRequest": subrequests})
    graph = rest.post(
        "/composite/graph", json={"graphs": [{"graphId": "g", "compositeRequest": subrequests}]}
    )

    assert error["errorCode"] == "INVALID_API_INPUT"
    assert graph.status_code == 400
    assert graph.json()[0]["errorCode"] == "INVALID_API_INPUT"
    assert org.store.count("Account") == before
    # The record itself is still an sObject resource composite runs.
    record = composite(rest, [sub("GET", f"/sobjects/Attachment/{attachment}?fields=Name", "r")])
    assert record[0]["httpStatusCode"] == 200


def test_missing_reference_id_message(rest):
    error = request_error(rest, {"compositeRequest": [{"method": "GET", "url": V + "/sobjects"}]})
    assert error == {
        "message": "'referenceId' is a required field.",
        "errorCode": "JSON_PARSER_ERROR",
    }


def test_duplicate_reference_ids(rest, org):
    before = org.store.count("Account")
    subs = [sub("POST", "/sobjects/Account", "same", {"Name": unique()}) for _ in range(2)]
    assert request_error(rest, {"compositeRequest": subs})["errorCode"] == "INVALID_API_INPUT"
    assert org.store.count("Account") == before


@pytest.mark.parametrize("header", ["Accept", "authorization", "Content-Type"])
def test_forbidden_subrequest_headers(rest, header):
    item = sub("GET", "/sobjects", "r", httpHeaders={header: "application/json"})
    assert request_error(rest, {"compositeRequest": [item]})["errorCode"] == "INVALID_API_INPUT"


@pytest.mark.parametrize(
    "body",
    [{}, {"compositeRequest": {}}, {"compositeRequest": [], "allOrNone": "true"}, []],
)
def test_malformed_composite_bodies(rest, body):
    assert request_error(rest, body)["errorCode"] == "JSON_PARSER_ERROR"


def test_composite_resources_list(rest):
    response = rest.get("/composite")
    assert response.json() == {
        "batch": f"{V}/composite/batch",
        "tree": f"{V}/composite/tree",
        "sobjects": f"{V}/composite/sobjects",
        "graph": f"{V}/composite/graph",
    }


# ---- composite batch -----------------------------------------------------------------------------


def batch(rest, requests, **options):
    response = rest.post("/composite/batch", json={"batchRequests": requests, **options})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"hasErrors", "results"}
    assert len(body["results"]) == len(requests)
    return body


def new_account(rest, **fields) -> str:
    response = rest.post("/sobjects/Account", json={"Name": unique(), **fields})
    assert response.status_code == 201
    return response.json()["id"]


def test_batch(rest):
    record_id = new_account(rest, BillingPostalCode="94105")
    body = batch(
        rest,
        [
            {
                "method": "PATCH",
                "url": f"v58.0/sobjects/Account/{record_id}",
                "richInput": {"Name": "NewName"},
            },
            {
                "method": "GET",
                "url": f"v58.0/sobjects/Account/{record_id}?fields=Name,BillingPostalCode",
            },
        ],
    )
    assert body["hasErrors"] is False
    assert body["results"][0] == {"statusCode": 204, "result": None}
    assert body["results"][1]["statusCode"] == 200
    result = body["results"][1]["result"]
    assert (result["Name"], result["BillingPostalCode"]) == ("NewName", "94105")
    assert result["attributes"]["type"] == "Account"


def test_batch_continues_after_errors_by_default(rest, org):
    before = org.store.count("Account")
    body = batch(
        rest,
        [
            {"method": "POST", "url": "v58.0/sobjects/Account", "richInput": {}},
            {"method": "POST", "url": "v58.0/sobjects/Account", "richInput": {"Name": unique()}},
        ],
    )
    assert body["hasErrors"] is True
    assert body["results"][0]["statusCode"] == 400
    assert body["results"][0]["result"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert body["results"][1]["statusCode"] == 201
    assert org.store.count("Account") == before + 1


def test_batch_halt_on_error(rest, org):
    before = org.store.count("Account")
    body = batch(
        rest,
        [
            {"method": "POST", "url": "v58.0/sobjects/Account", "richInput": {"Name": unique()}},
            {"method": "GET", "url": "v58.0/sobjects/Account/001000000000000"},
            {"method": "POST", "url": "v58.0/sobjects/Account", "richInput": {"Name": unique()}},
            {"method": "GET", "url": "v58.0/limits"},
        ],
        haltOnError=True,
    )
    assert body["hasErrors"] is True
    assert [r["statusCode"] for r in body["results"]] == [201, 404, 412, 412]
    assert body["results"][2]["result"][0]["errorCode"] == "BATCH_PROCESSING_HALTED"
    # Subrequests commit one by one: the first insert stays.
    assert org.store.count("Account") == before + 1


def test_batch_accepts_full_data_paths_and_other_families(rest):
    body = batch(
        rest,
        [
            {"method": "GET", "url": "/services/data/v58.0/limits"},
            {"method": "GET", "url": "v58.0/query?q=SELECT+COUNT()+FROM+Account"},
            {"method": "GET", "url": "v58.0/nowhere"},
        ],
    )
    assert [r["statusCode"] for r in body["results"]] == [200, 200, 404]
    assert "DailyApiRequests" in body["results"][0]["result"]


def test_batch_limits_and_malformed_requests(rest, org):
    before = org.store.count("Account")
    items = [
        {"method": "POST", "url": "v58.0/sobjects/Account", "richInput": {"Name": unique()}}
    ] * 26
    response = rest.post("/composite/batch", json={"batchRequests": items})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "LIMIT_EXCEEDED"
    assert org.store.count("Account") == before
    assert len(batch(rest, items[:25])["results"]) == 25
    for body in (
        {},
        {"batchRequests": [{"method": "GET"}]},
        {"batchRequests": [], "haltOnError": "yes"},
        {"batchRequests": [{"method": "POST", "url": "v58.0/composite", "richInput": {}}]},
    ):
        response = rest.post("/composite/batch", json=body)
        assert response.status_code == 400, body


# ---- sObject tree --------------------------------------------------------------------------------


def tree_record(kind: str, ref: str, **fields) -> dict:
    return {"attributes": {"type": kind, "referenceId": ref}, **fields}


def test_tree_inserts_nested_records(rest, org):
    before = org.store.count("Account"), org.store.count("Contact")
    records = [
        tree_record(
            "Account",
            "ref1",
            Name=unique(),
            Contacts={
                "records": [
                    tree_record("Contact", "ref2", LastName="Smith", Email="smith@example.com"),
                    tree_record("Contact", "ref3", LastName="Evans"),
                ]
            },
        ),
        tree_record("Account", "ref4", Name=unique()),
    ]
    response = rest.post("/composite/tree/Account", json={"records": records})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["hasErrors"] is False
    ids = {r["referenceId"]: r["id"] for r in body["results"]}
    assert [r["referenceId"] for r in body["results"]] == ["ref1", "ref4", "ref2", "ref3"]
    assert all(set(r) == {"referenceId", "id"} for r in body["results"])
    assert rest.get(f"/sobjects/Contact/{ids['ref2']}").json()["AccountId"] == ids["ref1"]
    assert rest.get(f"/sobjects/Contact/{ids['ref3']}").json()["AccountId"] == ids["ref1"]
    assert (org.store.count("Account"), org.store.count("Contact")) == (
        before[0] + 2,
        before[1] + 2,
    )


def test_tree_failure_rolls_back_and_lists_failing_records(rest, org):
    before = org.store.count("Account"), org.store.count("Contact")
    records = [
        tree_record(
            "Account",
            "ref1",
            Name=unique(),
            Contacts={"records": [tree_record("Contact", "ref2", LastName="Smith", Email="123")]},
        ),
        tree_record("Account", "ref3", Name=unique()),
        tree_record("Account", "ref4"),
    ]
    response = rest.post("/composite/tree/Account", json={"records": records})
    assert response.status_code == 400
    body = response.json()
    assert body["hasErrors"] is True
    assert body["results"] == [
        {
            "referenceId": "ref4",
            "errors": [
                {
                    "statusCode": "REQUIRED_FIELD_MISSING",
                    "message": "Required fields are missing: [Name]",
                    "fields": ["Name"],
                }
            ],
        },
        {
            "referenceId": "ref2",
            "errors": [
                {
                    "statusCode": "INVALID_EMAIL_ADDRESS",
                    "message": "Email: invalid email address: 123",
                    "fields": ["Email"],
                }
            ],
        },
    ]
    assert (org.store.count("Account"), org.store.count("Contact")) == before


@pytest.mark.parametrize(
    ("records", "code"),
    [
        (
            [tree_record("Account", "r1", Name="a"), tree_record("Account", "r1", Name="b")],
            "INVALID_INPUT",
        ),
        ([tree_record("Contact", "r1", LastName="a")], "INVALID_TYPE"),
        ([{"attributes": {"referenceId": "r1"}, "Name": "a"}], "INVALID_TYPE"),
        ([tree_record("Account", "r1", Name="a", Nope={"records": []})], "INVALID_FIELD"),
        (
            [
                tree_record(
                    "Account",
                    "r1",
                    Name="a",
                    Contacts={"records": [tree_record("Account", "r2", Name="b")]},
                )
            ],
            "INVALID_TYPE",
        ),
    ],
)
def test_tree_record_problems(rest, org, records, code):
    before = org.store.count("Account")
    response = rest.post("/composite/tree/Account", json={"records": records})
    assert response.status_code == 400
    body = response.json()
    assert body["hasErrors"] is True
    assert body["results"][0]["errors"][0]["statusCode"] == code
    assert org.store.count("Account") == before


def chain(depth: int) -> dict:
    """An Account hierarchy ``depth`` levels deep through ChildAccounts."""
    record = tree_record("Account", f"lvl{depth}", Name=unique())
    for level in range(depth - 1, 0, -1):
        record = tree_record(
            "Account", f"lvl{level}", Name=unique(), ChildAccounts={"records": [record]}
        )
    return record


def test_tree_depth_limit(rest, org):
    response = rest.post("/composite/tree/Account", json={"records": [chain(5)]})
    assert response.status_code == 201
    ids = {r["referenceId"]: r["id"] for r in response.json()["results"]}
    assert rest.get(f"/sobjects/Account/{ids['lvl5']}").json()["ParentId"] == ids["lvl4"]
    before = org.store.count("Account")
    response = rest.post("/composite/tree/Account", json={"records": [chain(6)]})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "LIMIT_EXCEEDED"
    assert org.store.count("Account") == before


def test_tree_record_limit(rest, org):
    records = [tree_record("Account", f"r{i}", Name=unique()) for i in range(200)]
    before = org.store.count("Account")
    response = rest.post("/composite/tree/Account", json={"records": records})
    assert response.status_code == 201
    assert org.store.count("Account") == before + 200
    records.append(tree_record("Account", "r200", Name=unique()))
    response = rest.post("/composite/tree/Account", json={"records": records})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "LIMIT_EXCEEDED"
    assert org.store.count("Account") == before + 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"records": {}},
        {"records": [{"Name": "x"}]},
        {"records": [{"attributes": {"type": "Account"}}]},
    ],
)
def test_tree_malformed(rest, body):
    response = rest.post("/composite/tree/Account", json=body)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_tree_unknown_object(rest):
    response = rest.post("/composite/tree/Nope__c", json={"records": []})
    assert response.status_code == 404


# ---- composite graph -----------------------------------------------------------------------------


def test_graph_each_graph_is_all_or_nothing(rest, org):
    before = org.store.count("Account")
    response = rest.post(
        "/composite/graph",
        json={
            "graphs": [
                {
                    "graphId": "good",
                    "compositeRequest": [
                        sub("POST", "/sobjects/Account", "acc", {"Name": unique()}),
                        sub(
                            "POST",
                            "/sobjects/Contact",
                            "con",
                            {"LastName": "x", "AccountId": "@{acc.id}"},
                        ),
                    ],
                },
                {
                    "graphId": "bad",
                    "compositeRequest": [
                        sub("POST", "/sobjects/Account", "acc", {"Name": unique()}),
                        sub("POST", "/sobjects/Account", "broken", {}),
                    ],
                },
            ]
        },
    )
    assert response.status_code == 200
    good, bad = response.json()["graphs"]
    assert (good["graphId"], good["isSuccessful"]) == ("good", True)
    assert [e["httpStatusCode"] for e in good["graphResponse"]["compositeResponse"]] == [201, 201]
    assert (bad["graphId"], bad["isSuccessful"]) == ("bad", False)
    entries = bad["graphResponse"]["compositeResponse"]
    assert entries[0]["body"] == ROLLED_BACK
    assert entries[1]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert org.store.count("Account") == before + 1


def test_graph_with_only_a_failing_collections_node_is_not_successful(rest, org):
    # The node answers 200 (its records carry the errors), but the graph is rolled back.
    before = org.store.count("Account")
    name = unique()
    records = [
        {"attributes": {"type": "Account"}, "Name": name},
        {"attributes": {"type": "Account"}},
    ]
    response = rest.post(
        "/composite/graph",
        json={
            "graphs": [
                {
                    "graphId": "g",
                    "compositeRequest": [
                        sub("POST", "/composite/sobjects", "col", {"records": records}),
                    ],
                }
            ]
        },
    )
    assert response.status_code == 200
    (graph,) = response.json()["graphs"]
    assert graph["isSuccessful"] is False
    (entry,) = graph["graphResponse"]["compositeResponse"]
    assert entry["httpStatusCode"] == 200
    assert [r["success"] for r in entry["body"]] == [False, False]
    assert org.store.count("Account") == before


def test_graph_needs_api_50(rest):
    response = rest.post("/composite/graph", json={"graphs": []}, version="49.0")
    assert response.status_code == 404
