"""Which requests the builders declare idempotent — what the retry policy may replay after a
connection failure that left the outcome unknown."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from salesforcepy import auth
from salesforcepy.options import ClientOptions
from salesforcepy.request import Request
from salesforcepy.resources import apex, approvals, chatter, composite, query, wave
from salesforcepy.resources.jobs import ingest
from salesforcepy.resources.jobs import query as bulk_query
from salesforcepy.resources.sobjects import SObjects

ID = "001000000000001AAA"
JOB = "7505g000001abcDAAQ"
OPTIONS = ClientOptions(
    username="u@example.com", password="pw", client_id="id", client_secret="secret"
)


def sobjects(**kwargs: Any) -> SObjects:
    return SObjects(None, **kwargs)  # type: ignore[arg-type]


IDEMPOTENT: list[tuple[str, Callable[[], Request]]] = [
    ("query", lambda: query.query_request("SELECT Id FROM Account")),
    ("next page", lambda: query.next_page_request("/services/data/v58.0/query/01g-2")),
    ("get record", lambda: sobjects(object_type="Account", id=ID).query_request()),
    ("update", lambda: sobjects(object_type="Account", id=ID).update_request({"Name": "x"})),
    (
        "update with a file",
        lambda: sobjects(object_type="Document", id=ID, binary_field="Body").update_request(
            {"Name": "x"}, ("a.txt", b"x", "text/plain")
        ),
    ),
    (
        "upsert",
        lambda: sobjects(object_type="Account", id="k", external_id="Ext__c").upsert_request({}),
    ),
    ("delete", lambda: sobjects(object_type="Account", id=ID).delete_request()),
    ("collections update", lambda: composite.update_request([{"Id": ID}], object_type="Account")),
    (
        "collections upsert",
        lambda: composite.upsert_request("Account", "Ext__c", [{"Ext__c": "k"}]),
    ),
    ("collections delete", lambda: composite.delete_request([ID])),
    (
        "collections retrieve by POST",
        lambda: composite.retrieve_request("Account", [ID], ["Name"], method="POST"),
    ),
    ("wave query", lambda: wave.wave_query_request({"query": 'q = load "x";'})),
    ("apexrest GET", lambda: apex.apexrest_request("x", "GET")),
    ("bulk job info", lambda: ingest.get_request(JOB)),
    ("token", lambda: auth.password_request(OPTIONS)),
    ("SOAP login", lambda: auth.soap_login_request(OPTIONS)),
]

NOT_IDEMPOTENT: list[tuple[str, Callable[[], Request]]] = [
    ("insert", lambda: sobjects(object_type="Account").insert_request({"Name": "x"})),
    (
        "collections create",
        lambda: composite.create_request([{"Name": "x"}], object_type="Account"),
    ),
    (
        "composite",
        lambda: composite.composite_request(
            [{"method": "GET", "url": "/services/data/v58.0/limits", "referenceId": "a"}],
            version="58.0",
        ),
    ),
    ("approvals submit", lambda: approvals.approvals_request({"requests": [{"a": 1}]})),
    ("chatter post", lambda: chatter.feed_item_request({"body": {}})),
    ("apexrest POST", lambda: apex.apexrest_request("x", "POST", request_body={})),
    ("apexrest PATCH", lambda: apex.apexrest_request("x", "PATCH", request_body={})),
    ("bulk create", lambda: ingest.create_request({"object": "Account", "operation": "insert"})),
    ("bulk upload", lambda: ingest.upload_request(JOB, "Name\nx\n")),
    ("bulk close", lambda: ingest.update_request(JOB, "UploadComplete")),
    ("bulk query create", lambda: bulk_query.create_request("SELECT Id FROM Account")),
    ("revoke", lambda: auth.revoke_request("token")),
]


@pytest.mark.parametrize("build", [pytest.param(b, id=n) for n, b in IDEMPOTENT])
def test_idempotent(build: Callable[[], Request]) -> None:
    assert build().idempotent is True


@pytest.mark.parametrize("build", [pytest.param(b, id=n) for n, b in NOT_IDEMPOTENT])
def test_not_idempotent(build: Callable[[], Request]) -> None:
    assert build().idempotent is False


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("GET", True),
        ("HEAD", True),
        ("DELETE", True),
        ("POST", False),
        ("PUT", False),
        ("PATCH", False),
    ],
)
def test_default_by_method(method: str, expected: bool) -> None:
    assert Request.build(method, "x").idempotent is expected
    assert Request.build(method, "x", idempotent=not expected).idempotent is (not expected)


def test_idempotent_must_be_a_bool() -> None:
    with pytest.raises(TypeError):
        Request(method="GET", path="x", idempotent="yes")  # type: ignore[arg-type]
