"""Anonymous Apex, the Tooling query and Apex REST: the client against the demo fake org."""

from __future__ import annotations

import json

import pytest

import salesforcepy
from salesforcepy.exceptions import NotFound, ServerError
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.apex import ApexRestRequest, ApexRestResponse

from ._demo import *  # noqa: F403  (the demo_db, demo_org and sf fixtures)

pytestmark = pytest.mark.integration


def test_compile_problem_has_line_and_column(sf: salesforcepy.Client) -> None:
    body, request = sf.execute_anonymous("Integer a = 1;\nSystem.debug(a)\nSystem.debug(2);")

    assert request.status == 200
    assert request.exceptions == []
    assert body["compiled"] is False
    assert body["success"] is False
    assert (body["line"], body["column"]) == (3, 1)
    assert body["compileProblem"] == "Missing ';' at 'System'"


def test_unbalanced_braces(sf: salesforcepy.Client) -> None:
    body, _ = sf.execute_anonymous("for (Integer i = 0; i < 3; i++) {\n  System.debug(i);\n")

    assert body["compiled"] is False
    assert body["compileProblem"] == "Missing '}' at '<EOF>'"
    assert body["line"] == 3


def test_runtime_exception(sf: salesforcepy.Client) -> None:
    body, _ = sf.execute_anonymous(
        "Integer x = 1;\nthrow new IllegalArgumentException('bad input');"
    )

    assert body["compiled"] is True
    assert body["success"] is False
    assert body["exceptionMessage"] == "System.IllegalArgumentException: bad input"
    assert body["exceptionStackTrace"] == "AnonymousBlock: line 2, column 1"


def test_tooling_query(sf: salesforcepy.Client) -> None:
    body, request = sf.tooling_query(
        "SELECT Id, Name, Status FROM ApexClass WHERE Name = 'EchoResource'"
    )

    assert request.status == 200
    assert body["entityTypeName"] == "ApexClass"
    assert body["size"] == body["totalSize"] == 1
    assert body["queryLocator"] is None
    (record,) = body["records"]
    assert record["Status"] == "Active"
    assert f"/tooling/sobjects/ApexClass/{record['Id']}" in record["attributes"]["url"]


def test_tooling_query_rejects_non_tooling_objects(sf: salesforcepy.Client) -> None:
    body, request = sf.tooling_query("SELECT Id FROM Account")

    assert request.status == 400
    assert body[0]["errorCode"] == "INVALID_TYPE"


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_echo_without_body(sf: salesforcepy.Client, method: str) -> None:
    body, request = sf.apexrest("Echo/orders/42", method, {"expand": "lines"})

    assert request.status == 200
    assert body == {
        "method": method,
        "path": "/Echo/orders/42",
        "params": {"expand": "lines"},
        "body": None,
    }


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_echo_with_body(sf: salesforcepy.Client, method: str) -> None:
    payload = {"name": "Widget", "quantity": 3, "tags": ["a", "b"]}

    body, request = sf.apexrest("Echo", method, request_body=payload)

    assert request.status == 200
    assert body["method"] == method
    assert body["path"] == "/Echo"
    assert body["body"] == payload


def test_unknown_mapping_is_404(sf: salesforcepy.Client) -> None:
    body, request = sf.apexrest("NoSuchResource/1", "GET")

    assert request.status == 404
    assert body == [
        {"errorCode": "NOT_FOUND", "message": "Could not find a match for URL /NoSuchResource/1"}
    ]
    assert isinstance(request.exceptions[0], NotFound)


def test_registered_route(sf: salesforcepy.Client, demo_org: FakeOrg) -> None:
    seen: list[ApexRestRequest] = []

    def create_order(request: ApexRestRequest) -> ApexRestResponse:
        seen.append(request)
        order = request.json()
        return ApexRestResponse(201, {"id": "a01000000000001", "lines": len(order["lines"])})

    demo_org.apex_rest("/acme/Orders/*", create_order, methods=["POST"])

    body, request = sf.apexrest("acme/Orders", "POST", request_body={"lines": [1, 2, 3]})

    assert request.status == 201
    assert body == {"id": "a01000000000001", "lines": 3}
    assert seen[0].user_id == sf.session.identity_url.rsplit("/", 1)[1]
    assert json.loads(seen[0].body) == {"lines": [1, 2, 3]}
    wrong, wrong_request = sf.apexrest("acme/Orders/1", "GET")
    assert wrong_request.status == 405
    assert wrong[0]["errorCode"] == "METHOD_NOT_ALLOWED"


def test_route_exception_is_apex_error(sf: salesforcepy.Client, demo_org: FakeOrg) -> None:
    def broken(request: ApexRestRequest) -> None:
        raise ZeroDivisionError("Divide by 0")

    demo_org.apex_rest("/Broken", broken)

    body, request = sf.apexrest("Broken", "GET")

    assert request.status == 500
    assert body[0]["errorCode"] == "APEX_ERROR"
    assert body[0]["message"].startswith("ZeroDivisionError: Divide by 0")
    assert isinstance(request.exceptions[0], ServerError)
