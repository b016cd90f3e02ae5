"""Wire shapes of executeAnonymous, the Tooling query and Apex REST (raw HTTP)."""

from __future__ import annotations

import pytest

from salesforcepy.fakeorg.apex import ApexRestResponse


def test_execute_anonymous_shape(rest) -> None:
    response = rest.get("/tooling/executeAnonymous/", params={"anonymousBody": "Integer x = 1"})

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert "Sforce-Limit-Info" in response.headers
    assert list(response.json()) == [
        "line",
        "column",
        "compiled",
        "success",
        "compileProblem",
        "exceptionStackTrace",
        "exceptionMessage",
    ]
    assert response.json()["compileProblem"] == "Missing ';' at '<EOF>'"


def test_execute_anonymous_needs_the_body_parameter(rest) -> None:
    response = rest.get("/tooling/executeAnonymous/")

    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "MISSING_ARGUMENT"


def test_execute_anonymous_needs_a_session(rest) -> None:
    response = rest.get("/tooling/executeAnonymous/", params={"anonymousBody": "x();"}, auth=False)

    assert response.status_code == 401
    assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_tooling_query_keys(rest, org) -> None:
    class_id = org.store.create_system("ApexClass", {"Name": "Thing", "Status": "Active"})

    response = rest.get("/tooling/query/", params={"q": "SELECT Id, Name FROM ApexClass"})

    body = response.json()
    assert response.status_code == 200
    assert list(body) == ["size", "totalSize", "done", "queryLocator", "entityTypeName", "records"]
    assert body["records"][0] == {
        "attributes": {
            "type": "ApexClass",
            "url": f"/services/data/v58.0/tooling/sobjects/ApexClass/{class_id}",
        },
        "Id": class_id,
        "Name": "Thing",
    }
    record = rest.get(f"/tooling/sobjects/ApexClass/{class_id}")
    assert record.status_code == 200
    assert record.json()["Status"] == "Active"


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("SELECT Id FROM Contact", "INVALID_TYPE"),
        ("SELEC Id", "MALFORMED_QUERY"),
        ("", "MALFORMED_QUERY"),
    ],
)
def test_tooling_query_errors(rest, q: str, code: str) -> None:
    response = rest.get("/tooling/query/", params={"q": q})

    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == code


def test_echo_is_not_versioned_and_counts_api_usage(rest, org) -> None:
    before = org.stats()["api_usage"]

    response = rest.request(
        "PATCH",
        "/services/apexrest/Echo/a%20b",
        params={"x": "1"},
        data=b"not json",
        headers={"Content-Type": "text/plain"},
    )

    assert response.status_code == 200
    assert response.json() == {
        "method": "PATCH",
        "path": "/Echo/a b",
        "params": {"x": "1"},
        "body": "not json",
    }
    assert org.stats()["api_usage"] == before + 1


def test_http_method_override(rest) -> None:
    response = rest.post("/services/apexrest/Echo", params={"_HttpMethod": "PATCH"}, json={})

    assert response.json()["method"] == "PATCH"
    assert response.json()["params"] == {}


def test_unknown_mapping(rest) -> None:
    response = rest.get("/services/apexrest/Missing/thing")

    assert response.status_code == 404
    assert response.json() == [
        {"message": "Could not find a match for URL /Missing/thing", "errorCode": "NOT_FOUND"}
    ]


def test_route_results(rest, org) -> None:
    org.apex_rest("/text", lambda r: "hello")
    org.apex_rest("/nothing", lambda r: None)
    org.apex_rest("/raw", lambda r: ApexRestResponse(202, b"%PDF", content_type="application/pdf"))
    org.apex_rest("/gone", lambda r: ApexRestResponse(410, None, headers={"X-Why": "old"}))

    text = rest.get("/services/apexrest/text")
    nothing = rest.get("/services/apexrest/nothing")
    raw = rest.get("/services/apexrest/raw")
    gone = rest.get("/services/apexrest/gone")

    assert (text.status_code, text.json()) == (200, "hello")
    assert (nothing.status_code, nothing.content) == (200, b"")
    assert (raw.status_code, raw.content, raw.headers["Content-Type"]) == (
        202,
        b"%PDF",
        "application/pdf",
    )
    assert (gone.status_code, gone.headers["X-Why"]) == (410, "old")
