"""No password, client secret, security token or access token in a log record, repr or error."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import requests

import salesforcepy
from salesforcepy.exceptions import SalesforceError

from .conftest import DATA, INSTANCE_URL, LOGIN_URL

PASSWORD = "Pa55-word&secret"
SECURITY_TOKEN = "SecTokXYZ987"
CLIENT_SECRET = "ConsumerSecret-42"
ACCESS_TOKEN = "00D5g000004abcD!AccessTokenValue"
SECRETS = (PASSWORD, SECURITY_TOKEN, CLIENT_SECRET, ACCESS_TOKEN, "SoapSessionSecret")


def _texts_of(obj: Any) -> list[str]:
    texts = [repr(obj), str(obj)]
    if isinstance(obj, BaseException):
        texts.extend(str(a) for a in obj.args)
    return texts


def test_nothing_leaks(requests_mock: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    requests_mock.post(
        f"{LOGIN_URL}/services/oauth2/token",
        json={
            "access_token": ACCESS_TOKEN,
            "instance_url": INSTANCE_URL,
            "refresh_token": "R3fresh",
        },
    )
    requests_mock.get(f"{INSTANCE_URL}/services/data/", json=[{"version": "58.0"}])
    # A server (or proxy) that echoes credentials back must not get them into our messages.
    echo = [{"errorCode": "INVALID_FIELD", "message": f"bad value {PASSWORD} / {ACCESS_TOKEN}"}]
    requests_mock.get(f"{DATA}/query", json=echo, status_code=400)
    requests_mock.get(
        f"{DATA}/sobjects/",
        text=f"<html>proxy saw {CLIENT_SECRET} and {SECURITY_TOKEN}</html>",
        status_code=502,
    )
    requests_mock.get(
        f"{DATA}/limits/",
        exc=requests.exceptions.ConnectionError(f"reset while sending {ACCESS_TOKEN}"),
    )
    requests_mock.post(
        f"{LOGIN_URL}/services/oauth2/revoke",
        json={"error": "invalid_token", "error_description": f"token {ACCESS_TOKEN} unknown"},
        status_code=400,
    )
    requests_mock.post(
        f"{LOGIN_URL}/services/Soap/u/58.0",
        text=(
            '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><e:Fault>'
            f"<faultcode>INVALID_LOGIN</faultcode><faultstring>no {PASSWORD}</faultstring>"
            "</e:Fault></e:Body></e:Envelope>"
        ),
        status_code=500,
    )

    client = salesforcepy.client(
        "dev@example.com",
        PASSWORD,
        "3MVG9ConsumerKey",
        CLIENT_SECRET,
        security_token=SECURITY_TOKEN,
        version="58.0",
    )
    observed: list[Any] = [client, client.options]
    body, request = client.login()
    observed += [body, request, request.request, client.session, *request.attempts]
    for call in (
        lambda: client.query("SELECT Id FROM Account"),
        lambda: client.sobjects().describe_global(),
    ):
        body, request = call()
        observed += [request, request.request, *request.exceptions, *request.attempts]
    with pytest.raises(SalesforceError) as info:
        client._send(salesforcepy.Request.get("limits/"))
    observed += [info.value, *info.value.attempts]  # type: ignore[attr-defined]
    for call in (lambda: client.logout(), lambda: client.login_via_soap()):
        body, request = call()
        observed += [request, request.request, *request.exceptions, *request.attempts]
    strict = salesforcepy.client(
        "dev@example.com",
        PASSWORD,
        "id",
        CLIENT_SECRET,
        security_token=SECURITY_TOKEN,
        strict=True,
        version="58.0",
    )
    with pytest.raises(SalesforceError) as strict_info:
        strict.login_via_soap()
    observed.append(strict_info.value)

    texts = [t for obj in observed for t in _texts_of(obj)]
    texts += [r.getMessage() for r in caplog.records]
    assert any(r.name == "salesforcepy.transport" for r in caplog.records)
    assert len(texts) > 30
    for secret in SECRETS:
        leaks = [t for t in texts if secret in t]
        assert leaks == [], secret
