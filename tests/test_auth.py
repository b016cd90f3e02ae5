"""Login request building and response reading (pure functions of salesforcepy.auth)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import pytest
from lxml import etree

from salesforcepy import auth
from salesforcepy.exceptions import AuthError, HTTPError, ParseError
from salesforcepy.options import ClientOptions
from salesforcepy.request import Base

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
PARTNER = "urn:partner.soap.sforce.com"
NASTY_USER = "o'brien&co<dev>@example.com"
NASTY_PASSWORD = "p&ss<w>rd\"'x"


def _options(**kwargs: Any) -> ClientOptions:
    base = {
        "username": "dev@example.com",
        "password": "pw",
        "client_id": "cid",
        "client_secret": "cs",
    }
    return ClientOptions(**{**base, **kwargs})


def test_password_request_form() -> None:
    request = auth.password_request(_options(security_token="Tok", password="a&b=c"))
    assert (request.method, request.base, request.path) == (
        "POST",
        Base.LOGIN,
        "/services/oauth2/token",
    )
    assert not request.authenticated
    assert request.params == ()
    assert request.content is not None
    assert dict(parse_qsl(request.content.decode())) == {
        "grant_type": "password",
        "client_id": "cid",
        "client_secret": "cs",
        "username": "dev@example.com",
        "password": "a&b=cTok",
    }


@pytest.mark.parametrize("missing", ["username", "password", "client_id", "client_secret"])
def test_password_request_names_missing_credentials(missing: str) -> None:
    with pytest.raises(ValueError, match=missing):
        auth.password_request(_options(**{missing: None}))


def test_grant_from_oauth() -> None:
    grant = auth.grant_from_oauth(
        {
            "access_token": "T",
            "instance_url": "https://acme.my.salesforce.com/",
            "id": "https://l/id/1/2",
        }
    )
    assert grant.instance_url == "https://acme.my.salesforce.com"
    assert grant.identity_url == "https://l/id/1/2"


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"instance_url": "https://x"},
        {"access_token": "", "instance_url": "https://x"},
        {"access_token": "T"},
        {"access_token": "T", "instance_url": "http://evil.example"},
        {"access_token": "T", "instance_url": "javascript:alert(1)"},
    ],
)
def test_unusable_token_bodies(body: Any) -> None:
    with pytest.raises(ParseError):
        auth.grant_from_oauth(body)


def test_redact_tokens() -> None:
    body = {
        "access_token": "T",
        "refresh_token": "R",
        "instance_url": "https://x",
        "nested": {"sessionId": "S"},
    }
    assert auth.redact_tokens(body) == {
        "access_token": auth.REDACTED,
        "refresh_token": auth.REDACTED,
        "instance_url": "https://x",
        "nested": {"sessionId": auth.REDACTED},
    }
    assert body["access_token"] == "T"
    assert auth.redact_tokens(["x"]) == ["x"]


def _parse(content: bytes) -> Any:
    return etree.fromstring(content)


def test_soap_envelope_escapes_and_round_trips() -> None:
    request = auth.soap_login_request(
        _options(username=NASTY_USER, password=NASTY_PASSWORD, security_token="T&k<")
    )
    assert request.content is not None
    content = request.content
    assert b"&amp;" in content
    assert b"&lt;" in content
    assert b"<dev>" not in content
    root = _parse(content)
    assert root.findtext(f"{{{ENV}}}Body/{{{PARTNER}}}login/{{{PARTNER}}}username") == NASTY_USER
    assert (
        root.findtext(f"{{{ENV}}}Body/{{{PARTNER}}}login/{{{PARTNER}}}password")
        == NASTY_PASSWORD + "T&k<"
    )
    assert root.find(f"{{{ENV}}}Header") is None
    assert request.headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert request.headers["SOAPAction"] == "login"
    assert not request.authenticated


def test_soap_envelope_sends_org_id_in_login_scope_header() -> None:
    request = auth.soap_login_request(_options(org_id="00D5g000004abcDEAQ"))
    assert request.content is not None
    root = _parse(request.content)
    scope = f"{{{ENV}}}Header/{{{PARTNER}}}LoginScopeHeader/{{{PARTNER}}}organizationId"
    assert root.findtext(scope) == "00D5g000004abcDEAQ"


def test_soap_rejects_values_xml_cannot_carry_without_echoing_them() -> None:
    with pytest.raises(ValueError, match="password") as info:
        auth.soap_login_request(_options(password="bad\x00secret"))
    assert "secret" not in str(info.value)


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        (None, "64.0"),
        ("66.0", "64.0"),
        ("65.0", "64.0"),
        ("64.0", "64.0"),
        ("58.0", "58.0"),
        ("9.0", "9.0"),
    ],
)
def test_soap_login_version_is_capped_at_64(version: Any, expected: str) -> None:
    assert auth.soap_login_version(version) == expected
    request = auth.soap_login_request(_options(version=version))
    assert request.path == f"/services/Soap/u/{expected}"


def _login_response(namespace: str, server: str = "https://acme.my.salesforce.com") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="{ENV}" xmlns="{namespace}"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body><loginResponse><result>
  <passwordExpired>false</passwordExpired>
  <serverUrl>{server}/services/Soap/u/58.0/00D5g000004abcD</serverUrl>
  <sessionId>00D5g000004abcD!SoapSessionValue</sessionId>
  <userId>0055g00000AbCdEAAV</userId>
  <userInfo><organizationId>00D5g000004abcDEAQ</organizationId><roleId xsi:nil="true"/></userInfo>
 </result></loginResponse></soapenv:Body></soapenv:Envelope>""".encode()


@pytest.mark.parametrize("namespace", [PARTNER, "urn:enterprise.soap.sforce.com"])
def test_read_soap_login_success(namespace: str) -> None:
    result = auth.read_soap_login(200, _login_response(namespace), redact=str)
    assert result.error is None
    assert result.grant is not None
    assert result.grant.instance_url == "https://acme.my.salesforce.com"
    assert result.grant.access_token == "00D5g000004abcD!SoapSessionValue"
    assert result.body["sessionId"] == auth.REDACTED
    assert result.body["userInfo"] == {"organizationId": "00D5g000004abcDEAQ", "roleId": None}
    assert "SoapSessionValue" not in repr(result)


def test_read_soap_login_keeps_loopback_port() -> None:
    result = auth.read_soap_login(
        200, _login_response(PARTNER, "http://127.0.0.1:8123"), redact=str
    )
    assert result.grant is not None
    assert result.grant.instance_url == "http://127.0.0.1:8123"


def test_read_soap_login_refuses_plain_http_elsewhere() -> None:
    result = auth.read_soap_login(200, _login_response(PARTNER, "http://acme.example"), redact=str)
    assert result.grant is None
    assert isinstance(result.error, ParseError)


FAULT = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="{env}" xmlns:sf="urn:fault.partner.soap.sforce.com"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body><soapenv:Fault>
  <faultcode>{code}</faultcode>
  <faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked
  out.</faultstring>
  {detail}
 </soapenv:Fault></soapenv:Body></soapenv:Envelope>"""
DETAIL = """<detail><sf:LoginFault xsi:type="sf:LoginFault">
   <sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>
   <sf:exceptionMessage>Invalid username, password, security token; or user locked out.
   </sf:exceptionMessage>
  </sf:LoginFault></detail>"""


@pytest.mark.parametrize(
    ("code", "detail"),
    [("sf:INVALID_LOGIN", DETAIL), ("INVALID_LOGIN", ""), ("sf:INVALID_LOGIN", "")],
)
def test_read_soap_fault(code: str, detail: str) -> None:
    content = FAULT.format(env=ENV, code=code, detail=detail).encode()
    result = auth.read_soap_login(500, content, redact=str)
    assert result.grant is None
    assert isinstance(result.error, AuthError)
    assert result.error.status == 500
    assert result.error.error_code == "INVALID_LOGIN"
    assert "Invalid username" in result.error.message
    assert result.body["faultcode"] == "INVALID_LOGIN"


def test_read_soap_garbage() -> None:
    bad = auth.read_soap_login(500, b"<html>proxy error", redact=str)
    assert isinstance(bad.error, HTTPError)
    assert bad.body == "<html>proxy error"
    odd = auth.read_soap_login(200, b"not xml at all", redact=str)
    assert isinstance(odd.error, ParseError)
    empty = auth.read_soap_login(200, b"<a><b/></a>", redact=str)
    assert isinstance(empty.error, ParseError)


def test_soap_parser_does_not_expand_entities() -> None:
    content = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<r><result><sessionId>&x;</sessionId><serverUrl>https://a.example/x</serverUrl></result></r>"""
    result = auth.read_soap_login(200, content, redact=str)
    # The external entity is neither fetched nor expanded, so no session id is read from it.
    assert result.grant is None
    assert isinstance(result.error, ParseError)


def test_newest_version_compares_numerically() -> None:
    body = [
        {"label": "Winter '11", "url": "/services/data/v20.0", "version": "20.0"},
        {"label": "x", "url": "/services/data/v9.0", "version": "9.0"},
        {"label": "Spring \u201918", "url": "/services/data/v100.0", "version": "100.0"},
        {"label": "broken", "version": "latest"},
        "junk",
    ]
    assert auth.newest_version(body) == "100.0"
    assert auth.newest_version([]) is None
    assert auth.newest_version({"version": "58.0"}) is None


def test_revoke_and_versions_requests() -> None:
    revoke = auth.revoke_request("00D!tok")
    assert (revoke.method, revoke.base, revoke.path) == (
        "POST",
        Base.LOGIN,
        "/services/oauth2/revoke",
    )
    assert revoke.content == b"token=00D%21tok"
    assert "00D!tok" not in repr(revoke)
    versions = auth.versions_request("https://acme.my.salesforce.com")
    assert versions.url(login_url="x", instance_url=None, version="1.0") == (
        "https://acme.my.salesforce.com/services/data/"
    )
    assert not versions.authenticated
