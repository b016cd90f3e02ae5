"""Transport: one pooled session, headers, one DEBUG line per request, errors with no response."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import pytest
import requests

from salesforcepy.exceptions import TransportError
from salesforcepy.request import Base, Request
from salesforcepy.transport import Transport

URL = "https://acme.my.salesforce.com/services/data/v58.0/query?q=SELECT%20Id"


def _resolve(request: Request) -> tuple[str, Mapping[str, str]]:
    return (
        request.url(
            login_url="https://login.salesforce.com",
            instance_url="https://acme.my.salesforce.com",
            version="58.0",
        ),
        {"Authorization": "Bearer T0k3nValue"},
    )


def test_send_merges_headers_and_passes_settings(requests_mock: Any) -> None:
    requests_mock.put("https://acme.my.salesforce.com/services/data/v58.0/x", status_code=201)
    transport = Transport(client_name="me")
    request = Request.put("x", data="a,b\n", content_type="text/csv", headers={"X-Extra": "1"})

    exchange = transport.send(
        request, resolve=_resolve, timeout=(2.0, 3.0), proxies={"https": "http://p:1"}
    )

    sent = requests_mock.last_request
    assert sent.headers["Authorization"] == "Bearer T0k3nValue"
    assert sent.headers["Accept-Encoding"] == "gzip"
    assert sent.headers["Sforce-Call-Options"] == "client=me"
    assert sent.headers["Content-Type"] == "text/csv"
    assert sent.headers["X-Extra"] == "1"
    assert sent.body == b"a,b\n"
    assert sent.timeout == (2.0, 3.0)
    assert sent.proxies["https"] == "http://p:1"
    assert exchange.response.status_code == 201
    assert [(a.number, a.status, a.error) for a in exchange.attempts] == [(1, 201, None)]


def test_request_headers_win_over_defaults(requests_mock: Any) -> None:
    requests_mock.get("https://acme.my.salesforce.com/services/data/v58.0/x", text="")
    Transport().send(
        Request.get("x", headers={"Accept-Encoding": "identity"}), resolve=_resolve, timeout=(1, 1)
    )
    assert requests_mock.last_request.headers["Accept-Encoding"] == "identity"


def test_one_debug_line_per_request_without_secrets(
    requests_mock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    requests_mock.get(URL, json={})
    requests_mock.post("https://login.salesforce.com/t", status_code=400, json={})
    transport = Transport(redact=lambda text: text.replace("SELECT", "[redacted]"))
    caplog.set_level(logging.DEBUG, logger="salesforcepy")

    transport.send(
        Request.get("query", params={"q": "SELECT Id"}), resolve=_resolve, timeout=(1, 1)
    )
    transport.send(
        Request.post("/t", base=Base.LOGIN, form={"password": "pw"}, params={"token": "abc"}),
        resolve=_resolve,
        timeout=(1, 1),
    )

    records = [r for r in caplog.records if r.name == "salesforcepy.transport"]
    assert len(records) == 2
    assert all(r.levelno == logging.DEBUG for r in records)
    first, second = (r.getMessage() for r in records)
    assert first.startswith("GET https://acme.my.salesforce.com/services/data/v58.0/query?q=")
    assert "[redacted]" in first
    assert "SELECT" not in first
    assert "-> 200" in first
    assert "token=%2A%2A%2A" in second or "token=***" in second
    assert "abc" not in second
    assert "T0k3nValue" not in first + second
    assert "-> 400" in second


def test_failed_attempt_is_logged_and_raised(
    requests_mock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    requests_mock.get(URL, exc=requests.exceptions.SSLError("certificate verify failed"))
    caplog.set_level(logging.DEBUG, logger="salesforcepy")

    with pytest.raises(TransportError, match="SSLError") as info:
        Transport().send(
            Request.get("query", params={"q": "SELECT Id"}), resolve=_resolve, timeout=(1, 1)
        )

    assert len(info.value.attempts) == 1
    assert "failed (TransportError)" in caplog.records[-1].getMessage()


def test_owned_session_is_closed_callers_is_not() -> None:
    owned = Transport()
    closed: list[str] = []
    owned.http.close = lambda: closed.append("owned")  # type: ignore[method-assign]
    owned.close()
    mine = requests.Session()
    mine.close = lambda: closed.append("mine")  # type: ignore[method-assign]
    Transport(http=mine).close()
    assert closed == ["owned"]


def test_one_pool_for_every_call(requests_mock: Any) -> None:
    requests_mock.get(URL, json={})
    transport = Transport()
    pool = transport.http
    for _ in range(3):
        transport.send(
            Request.get("query", params={"q": "SELECT Id"}), resolve=_resolve, timeout=(1, 1)
        )
    assert transport.http is pool
    assert requests_mock.call_count == 3


def test_transport_is_the_only_module_importing_requests() -> None:
    import pathlib
    import re

    import salesforcepy

    root = pathlib.Path(salesforcepy.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if "fakeorg" in path.parts or path.name == "transport.py":
            continue
        for line in path.read_text().splitlines():
            if re.match(r"^(import requests|from requests)\b", line):
                offenders.append(path.name)
    assert offenders == []
