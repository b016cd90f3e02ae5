"""execute_anonymous() and apexrest()."""

from __future__ import annotations

from typing import Any

import pytest

import salesforcepy
from salesforcepy.exceptions import NotFound, ServerError
from salesforcepy.request import Base
from salesforcepy.resources.apex import apexrest_request

from ..conftest import DATA, INSTANCE_URL, assert_request

APEXREST = f"{INSTANCE_URL}/services/apexrest"


def test_execute_anonymous_compile_failure_is_still_200(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    result = {
        "line": 1,
        "column": 5,
        "compiled": False,
        "success": False,
        "compileProblem": "Unexpected token 'foo'.",
        "exceptionStackTrace": None,
        "exceptionMessage": None,
    }
    requests_mock.get(f"{DATA}/tooling/executeAnonymous/", json=result)
    apex = "foo bar & baz; // 100% + #"

    body, request = sf.execute_anonymous(apex)

    assert_request(
        requests_mock.last_request,
        "GET",
        f"{DATA}/tooling/executeAnonymous/",
        query=[("anonymousBody", apex)],
    )
    assert body == result
    assert request.ok


def test_apexrest_get_with_params_is_not_versioned(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    requests_mock.get(f"{APEXREST}/accounts/0015g00000ABCDEAA5", json={"Name": "Acme"})

    body, _ = sf.apexrest(
        "accounts/0015g00000ABCDEAA5", "GET", request_params={"fields": "Name", "n": 3}
    )

    assert_request(
        requests_mock.last_request,
        "GET",
        f"{APEXREST}/accounts/0015g00000ABCDEAA5",
        query=[("fields", "Name"), ("n", "3")],
    )
    assert body == {"Name": "Acme"}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "post"])
def test_apexrest_sends_json_bodies(
    sf: salesforcepy.Client, requests_mock: Any, method: str
) -> None:
    requests_mock.register_uri(method.upper(), f"{APEXREST}/ns/echo", json="done")

    body, _ = sf.apexrest("/ns/echo/", method, request_body={"a": [1, "\u00e9"]})

    assert_request(
        requests_mock.last_request, method.upper(), f"{APEXREST}/ns/echo", json={"a": [1, "\u00e9"]}
    )
    assert body == "done"


def test_apexrest_null_body_is_none(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(
        f"{APEXREST}/nothing", text="null", headers={"Content-Type": "application/json"}
    )
    body, request = sf.apexrest("nothing", "GET")
    assert body is None
    assert request.ok
    assert request.status == 200


def test_apexrest_delete(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.delete(f"{APEXREST}/items/a%20b", status_code=204)
    body, request = sf.apexrest("items/a b", "DELETE")
    assert_request(requests_mock.last_request, "DELETE", f"{APEXREST}/items/a%20b")
    assert body is None
    assert request.status == 204


def test_apexrest_errors_are_typed(sf: salesforcepy.Client, requests_mock: Any) -> None:
    missing = [{"errorCode": "NOT_FOUND", "message": "Could not find a match for URL /nope"}]
    requests_mock.get(f"{APEXREST}/nope", json=missing, status_code=404)
    crash = [{"errorCode": "APEX_ERROR", "message": "System.NullPointerException"}]
    requests_mock.post(f"{APEXREST}/crash", json=crash, status_code=500)

    assert isinstance(sf.apexrest("nope", "GET")[1].exceptions[0], NotFound)
    error = sf.apexrest("crash", "POST", request_body={})[1].exceptions[0]
    assert isinstance(error, ServerError)
    assert error.error_code == "APEX_ERROR"


@pytest.mark.parametrize(
    ("args", "exc", "word"),
    [
        (("", "GET"), ValueError, "action"),
        (("a/../b", "GET"), ValueError, "action"),
        (("a//b", "GET"), ValueError, "action"),
        (("a", "TRACE"), ValueError, "http_method"),
        (("a", None), ValueError, "http_method"),
        (("a", "GET", None, {"x": 1}), ValueError, "request_body"),
        (("a", "DELETE", None, {"x": 1}), ValueError, "request_body"),
    ],
)
def test_apexrest_bad_arguments(
    sf: salesforcepy.Client, requests_mock: Any, args: tuple[Any, ...], exc: type, word: str
) -> None:
    with pytest.raises(exc, match=word):
        sf.apexrest(*args)
    assert not requests_mock.called


def test_apexrest_request_is_instance_relative() -> None:
    request = apexrest_request("a/b?c", "get")
    assert (request.method, request.base, request.path) == (
        "GET",
        Base.INSTANCE,
        "/services/apexrest/a/b%3Fc",
    )


def test_tooling_query(sf: salesforcepy.Client, requests_mock: Any) -> None:
    result = {
        "size": 1,
        "totalSize": 1,
        "done": True,
        "queryLocator": None,
        "entityTypeName": "ApexClass",
        "records": [{"Id": "01p5g00000AbCdEAAV", "Name": "FooResource"}],
    }
    requests_mock.get(f"{DATA}/tooling/query/", json=result)

    body, request = sf.tooling_query("SELECT Id, Name FROM ApexClass WHERE Name = 'Foo'")

    assert_request(
        requests_mock.last_request,
        "GET",
        f"{DATA}/tooling/query/",
        query=[("q", "SELECT Id, Name FROM ApexClass WHERE Name = 'Foo'")],
    )
    assert body == result
    assert request.status == 200


@pytest.mark.parametrize(("soql", "exc"), [("", ValueError), (None, TypeError)])
def test_tooling_query_rejects_bad_soql(
    sf: salesforcepy.Client, requests_mock: Any, soql: Any, exc: type
) -> None:
    with pytest.raises(exc, match="soql"):
        sf.tooling_query(soql)
    assert not requests_mock.called
