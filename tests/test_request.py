"""Request values: path quoting, URL resolution, bodies, headers, reprs; SentRequest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs
import pytest

from salesforcepy.exceptions import NotFound
from salesforcepy.request import (
    Attempt,
    Base,
    Request,
    SentRequest,
    api_name,
    path,
    record_id,
    redact_url,
    segment,
)

INSTANCE = "https://acme.my.salesforce.com"
LOGIN = "https://login.salesforce.com"


def _url(request: Request, version: str = "58.0") -> str:
    return request.url(login_url=LOGIN, instance_url=INSTANCE, version=version)


def test_path_quotes_every_segment() -> None:
    assert path("sobjects", "Account", "a/b c?#%") == "sobjects/Account/a%2Fb%20c%3F%23%25"
    assert segment("caf\u00e9") == "caf%C3%A9"


@pytest.mark.parametrize("bad", ["", ".", ".."])
def test_segment_rejects_dot_segments(bad: str) -> None:
    with pytest.raises(ValueError, match="segment"):
        segment(bad)


def test_api_name_and_record_id() -> None:
    assert api_name("ns__Thing__c", "object_type") == "ns__Thing__c"
    assert record_id("001000000000001", "id") == "001000000000001"
    assert record_id("001000000000001AAA", "id") == "001000000000001AAA"
    for bad in ("1Account", "Acc-ount", "Account/x", "_x", "a" * 81):
        with pytest.raises(ValueError, match="object_type"):
            api_name(bad, "object_type")
    for bad in ("00100000000000", "001000000000001A", "001000000000001AA!", "0010000000000-1"):
        with pytest.raises(ValueError, match="id"):
            record_id(bad, "id")


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (Request.get("sobjects/"), f"{INSTANCE}/services/data/v58.0/sobjects/"),
        (
            Request.get("query", params={"q": "SELECT Id FROM A WHERE N = 'x&y'"}),
            f"{INSTANCE}/services/data/v58.0/query?q=SELECT%20Id%20FROM%20A%20WHERE%20N%20%3D%20%27x%26y%27",
        ),
        (
            Request.get("/services/apexrest/x", base=Base.INSTANCE),
            f"{INSTANCE}/services/apexrest/x",
        ),
        (Request.post("/services/oauth2/token", base=Base.LOGIN), f"{LOGIN}/services/oauth2/token"),
        (Request.get("https://other.example/x", base=Base.ABSOLUTE), "https://other.example/x"),
        (
            Request.get("jobs/ingest", params=[("a", True), ("b", 2), ("a", "z")]),
            f"{INSTANCE}/services/data/v58.0/jobs/ingest?a=true&b=2&a=z",
        ),
    ],
)
def test_url_resolution(request_: Request, expected: str) -> None:
    assert _url(request_) == expected


def test_data_url_uses_the_version_given_at_resolution() -> None:
    request = Request.get("limits/")
    assert _url(request, "60.0") == f"{INSTANCE}/services/data/v60.0/limits/"


def test_instance_relative_request_needs_an_instance() -> None:
    with pytest.raises(ValueError, match="log in"):
        Request.get("query").url(login_url=LOGIN, instance_url=None, version="58.0")


def test_path_shape_is_checked() -> None:
    with pytest.raises(ValueError, match="relative"):
        Request.get("/services/data/v58.0/query")
    with pytest.raises(ValueError, match="start with"):
        Request.get("services/apexrest", base=Base.INSTANCE)
    with pytest.raises(ValueError, match="method"):
        Request.build("TRACE", "x")


def test_json_body_is_encoded_once_and_typed() -> None:
    request = Request.post("sobjects/Account/", json={"Name": "Caf\u00e9", "N": None})
    # ASCII-only JSON: no charset question can arise on the way.
    assert request.content == b'{"Name":"Caf\\u00e9","N":null}'
    assert request.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {1, 2}, object()])
def test_unencodable_json_is_rejected(value: Any) -> None:
    with pytest.raises(ValueError, match="JSON"):
        Request.post("x", json={"v": value})


def test_form_and_raw_bodies() -> None:
    form = Request.post("/t", base=Base.LOGIN, form={"a": "b c", "p": "x&y=z"})
    assert form.content == b"a=b+c&p=x%26y%3Dz"
    assert form.headers["Content-Type"] == "application/x-www-form-urlencoded"
    text = Request.put("x", data="\u00e9", content_type="text/csv")
    assert text.content == b"\xc3\xa9"
    with pytest.raises(ValueError, match="either"):
        Request(method="POST", path="x", json={}, data=b"x")
    with pytest.raises(ValueError, match="form"):
        Request.post("x", form={}, json={})


@pytest.mark.parametrize(
    "headers", [{"X-A": "1\r\nX-B: 2"}, {"X-A\n": "1"}, {"X-A": "a\nb"}, {"X-A": "\0"}]
)
def test_header_injection_is_rejected(headers: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="line break"):
        Request.get("x", headers=headers)


def test_request_is_frozen_and_owns_its_headers() -> None:
    headers = {"X-A": "1"}
    request = Request.get("x", headers=headers)
    headers["X-A"] = "2"
    assert request.headers["X-A"] == "1"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        request.method = "POST"  # type: ignore[misc]


def test_request_repr_hides_bodies_and_credential_params() -> None:
    login = Request.post("/t", base=Base.LOGIN, form={"password": "hunter2"})
    assert "hunter2" not in repr(login)
    revoke = Request.get("/r", base=Base.LOGIN, params={"token": "00D!tok", "x": "1"})
    assert "00D!tok" not in repr(revoke)
    assert "x=1" in repr(revoke)


def test_redact_url() -> None:
    assert redact_url("https://h/p?q=SELECT") == "https://h/p?q=SELECT"
    masked = redact_url("https://h/p?token=abc&Access_Token=def&x=1")
    assert "abc" not in masked
    assert "def" not in masked
    assert masked.endswith("x=1")


def _sent(exceptions: list[Any]) -> SentRequest:
    return SentRequest(
        request=Request.get("query"),
        method="GET",
        url="https://h/services/data/v58.0/query?q=x&token=secretvalue",
        status=404,
        headers={},
        elapsed=timedelta(milliseconds=5),
        response=None,
        exceptions=exceptions,
        attempts=[
            Attempt(
                number=1,
                method="GET",
                url="https://h/?token=secretvalue",
                status=404,
                elapsed=timedelta(milliseconds=5),
            )
        ],
    )


def test_sent_request_raise_for_status_and_repr() -> None:
    error = NotFound(404, "NOT_FOUND", "gone")
    sent = _sent([error])
    assert not sent.ok
    with pytest.raises(NotFound) as info:
        sent.raise_for_status()
    assert info.value is error
    assert "secretvalue" not in repr(sent)
    assert "secretvalue" not in repr(sent.attempts[0])
    assert "NotFound" in repr(sent)
    ok = _sent([])
    assert ok.ok
    ok.raise_for_status()
