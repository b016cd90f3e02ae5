"""Shared fixtures for client unit tests: a client logged in against mocked Salesforce endpoints.

Also, for every test module: a guard that fails the module if a fake org thread it started
outlives it, and a multipart parser for checking request bodies.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple, Optional
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests_mock.response
from hypothesis import settings as _hypothesis_settings

import salesforcepy

# Property tests explore new random inputs on every run; CI (`.ci/run` sets HYPOTHESIS_PROFILE=ci)
# runs a fixed, reproducible set instead, so a landing never depends on the luck of the draw.
_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

LOGIN_URL = "https://login.salesforce.com"
INSTANCE_URL = "https://acme.my.salesforce.com"
VERSION = "58.0"
DATA = f"{INSTANCE_URL}/services/data/v{VERSION}"
TOKEN = "00D5g000004abcD!AQ4AQFakeTokenValue"

CREDENTIALS: dict[str, str] = {
    "username": "dev@example.com",
    "password": "hunter2-Pa55",
    "client_id": "3MVG9FakeConsumerKey",
    "client_secret": "1955FakeConsumerSecret",
    "security_token": "AbC123SecTok",
}

TOKEN_RESPONSE: dict[str, str] = {
    "access_token": TOKEN,
    "instance_url": INSTANCE_URL,
    "id": "https://login.salesforce.com/id/00D5g000004abcDEAQ/0055g00000AbCdEAAV",
    "token_type": "Bearer",
    "issued_at": "1716212345678",
    "signature": "lV+jLC3xSCKbbJ9cLjefbFsT7qDmrVD6N1scrH+QKsg=",
}


def _fake_org_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("fakeorg") and t.is_alive()}


@pytest.fixture(scope="module", autouse=True)
def _fake_orgs_end_their_threads() -> Iterator[None]:
    """After a module (and its module-scoped orgs) is done, no fake org thread it started lives on.

    ``FakeOrg.stop()`` joins its server, connection and bulk threads, so a thread still alive
    here is an org a test never stopped (say one that failed before its ``stop()``) or a stop
    that did not end its threads.
    """
    before = _fake_org_threads()
    yield
    deadline = time.monotonic() + 5
    while _fake_org_threads() - before and time.monotonic() < deadline:
        time.sleep(0.05)
    left = sorted(t.name for t in _fake_org_threads() - before)
    assert not left, f"fake org threads outlived this module: {left}"


@pytest.fixture(autouse=True)
def _salesforce_json_content_type(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Give mocked ``json=`` responses the Content-Type Salesforce sends with JSON.

    requests-mock sends no Content-Type by default; the client's parsing is driven by it. Only
    tests that use the ``requests_mock`` fixture are affected.
    """
    if "requests_mock" not in request.fixturenames:
        return
    original = requests_mock.response.create_response

    def create_response(request: Any, **kwargs: Any) -> Any:
        if kwargs.get("json") is not None:
            headers = dict(kwargs.get("headers") or {})
            if not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/json;charset=UTF-8"
            kwargs["headers"] = headers
        return original(request, **kwargs)

    monkeypatch.setattr(requests_mock.response, "create_response", create_response)


@pytest.fixture(autouse=True)
def _no_retry_waits(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the default retry policy retry without really waiting, in tests against mocked HTTP.

    The policy's default ``sleep`` looks ``time.sleep`` up in ``salesforcepy.retry`` when called;
    only that module's view of ``time`` is replaced.
    """
    if "requests_mock" not in request.fixturenames:
        return
    import types

    import salesforcepy.retry

    fake_time = types.SimpleNamespace(**vars(salesforcepy.retry.time))
    fake_time.sleep = lambda seconds: None
    monkeypatch.setattr(salesforcepy.retry, "time", fake_time)


def login(requests_mock: Any, **options: Any) -> salesforcepy.Client:
    """A client logged in through a mocked token endpoint; the mock's history is then cleared."""
    requests_mock.post(f"{LOGIN_URL}/services/oauth2/token", json=TOKEN_RESPONSE)
    options.setdefault("version", VERSION)
    client = salesforcepy.client(**{**CREDENTIALS, **options})
    _, sent = client.login()
    sent.raise_for_status()
    requests_mock.reset_mock()
    return client


@pytest.fixture
def sf(requests_mock: Any) -> salesforcepy.Client:
    """A client logged in with API version 58.0 at ``INSTANCE_URL``."""
    return login(requests_mock)


def query_pairs(url: str) -> list[tuple[str, str]]:
    """The decoded query string of ``url``, in order, case preserved."""
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def assert_request(
    history_item: Any,
    method: str,
    url: str,
    *,
    query: Optional[list[tuple[str, str]]] = None,
    json: Any = None,
    body: Optional[bytes] = None,
    content_type: Optional[str] = None,
    authenticated: bool = True,
    headers: Optional[Mapping[str, str]] = None,
) -> None:
    """Check one sent request: method, URL (path exact), query, body, auth and headers."""
    assert history_item.method == method
    sent_url = urlsplit(history_item.url)
    expected = urlsplit(url)
    assert (sent_url.scheme, sent_url.netloc, sent_url.path) == (
        expected.scheme,
        expected.netloc,
        expected.path,
    )
    assert query_pairs(history_item.url) == (query or [])
    if authenticated:
        assert history_item.headers["Authorization"] == f"Bearer {TOKEN}"
    else:
        assert "Authorization" not in history_item.headers
    assert history_item.headers["Accept-Encoding"] == "gzip"
    if json is not None:
        assert history_item.headers["Content-Type"] == "application/json"
        assert history_item.json() == json
    if body is not None:
        sent_body = history_item.body
        sent_body = sent_body.encode() if isinstance(sent_body, str) else sent_body
        assert sent_body == body
    if json is None and body is None:
        assert not history_item.body
    if content_type is not None:
        assert history_item.headers["Content-Type"] == content_type
    for key, value in (headers or {}).items():
        assert history_item.headers[key] == value


class FilePart(NamedTuple):
    """One file part of a multipart body, read into memory."""

    filename: Optional[str]
    content_type: Optional[str]
    content: bytes


def parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, FilePart]]:
    """The form fields and file parts of a ``multipart/form-data`` body.

    werkzeug keeps each file part in a spooled temporary file; they are read and closed here, so a
    test does not leave them to the garbage collector (``ResourceWarning: Unclosed file``).
    """
    from werkzeug.formparser import MultiPartParser

    mimetype, _, boundary = content_type.partition("; boundary=")
    assert mimetype == "multipart/form-data"
    form, files = MultiPartParser().parse(io.BytesIO(body), boundary.encode(), len(body))
    parts: dict[str, FilePart] = {}
    for name, storage in files.items():
        try:
            parts[name] = FilePart(storage.filename, storage.content_type, storage.read())
        finally:
            storage.close()
    return dict(form), parts
