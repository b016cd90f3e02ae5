"""Client: login flows, version discovery, logout, context manager, the funnel's settings."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import requests

import salesforcepy
from salesforcepy.exceptions import (
    AuthError,
    InvalidSessionId,
    NotFound,
    NotLoggedIn,
    ParseError,
    ServerError,
    TransportError,
    TransportTimeout,
)
from salesforcepy.options import DEFAULT_API_VERSION, DEFAULT_TIMEOUT

from .conftest import (
    CREDENTIALS,
    DATA,
    INSTANCE_URL,
    LOGIN_URL,
    TOKEN,
    TOKEN_RESPONSE,
    assert_request,
    login,
)

TOKEN_URL = f"{LOGIN_URL}/services/oauth2/token"
VERSIONS_URL = f"{INSTANCE_URL}/services/data/"
SOAP_SESSION = "00D5g000004abcD!SoapSessionValue"


def _soap_ok(server: str = INSTANCE_URL) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns="urn:partner.soap.sforce.com"><soapenv:Body><loginResponse><result>
  <serverUrl>{server}/services/Soap/u/64.0/00D5g000004abcD</serverUrl>
  <sessionId>{SOAP_SESSION}</sessionId><userId>0055g00000AbCdEAAV</userId>
</result></loginResponse></soapenv:Body></soapenv:Envelope>"""


SOAP_FAULT = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault>
  <faultcode>sf:INVALID_LOGIN</faultcode>
  <faultstring>INVALID_LOGIN: Invalid username, password, security token.</faultstring>
</soapenv:Fault></soapenv:Body></soapenv:Envelope>"""


# -- OAuth login and version discovery ---------------------------------------------------------


def test_login_discovers_the_newest_version_numerically(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json=TOKEN_RESPONSE)
    versions = [
        {"label": "Summer '14", "url": "/services/data/v31.0", "version": "31.0"},
        {"label": "x", "url": "/services/data/v100.0", "version": "100.0"},
        {"label": "y", "url": "/services/data/v9.0", "version": "9.0"},
    ]
    requests_mock.get(VERSIONS_URL, json=versions)
    client = salesforcepy.client(**CREDENTIALS)

    body, request = client.login()

    token_call, versions_call = requests_mock.request_history
    assert token_call.url == TOKEN_URL
    assert_request(versions_call, "GET", VERSIONS_URL, authenticated=False)
    assert request.url == TOKEN_URL
    assert body["access_token"] == "[redacted]"
    assert client.version == "100.0"
    assert client.session is not None
    assert client.session.flow == "password"
    requests_mock.get(f"{INSTANCE_URL}/services/data/v100.0/limits/", json={})
    client._send(salesforcepy.Request.get("limits/"))
    assert requests_mock.last_request.url == f"{INSTANCE_URL}/services/data/v100.0/limits/"


@pytest.mark.parametrize(
    "answer",
    [
        {"status_code": 500, "text": "<html>down</html>"},
        {"json": []},
        {"json": {"not": "a list"}},
        {"text": "garbage", "headers": {"Content-Type": "application/json"}},
    ],
)
def test_failed_discovery_falls_back_to_the_default(
    requests_mock: Any, answer: dict[str, Any]
) -> None:
    requests_mock.post(TOKEN_URL, json=TOKEN_RESPONSE)
    requests_mock.get(VERSIONS_URL, **answer)
    client = salesforcepy.client(**CREDENTIALS)

    _, request = client.login()

    assert request.ok
    assert client.version == DEFAULT_API_VERSION == "66.0"


def test_discovery_failure_does_not_raise_in_strict_mode(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json=TOKEN_RESPONSE)
    requests_mock.get(VERSIONS_URL, status_code=404, json=[{"errorCode": "NOT_FOUND"}])
    client = salesforcepy.client(**CREDENTIALS, strict=True)
    client.login()
    assert client.version == DEFAULT_API_VERSION


def test_version_option_skips_discovery(requests_mock: Any) -> None:
    client = login(requests_mock, version="v57")
    assert client.version == "57.0"
    requests_mock.post(TOKEN_URL, json=TOKEN_RESPONSE)
    client.login()
    assert [r.url for r in requests_mock.request_history] == [TOKEN_URL]


def test_failed_login_leaves_the_client_logged_out(requests_mock: Any) -> None:
    failure = {"error": "invalid_grant", "error_description": "authentication failure"}
    requests_mock.post(TOKEN_URL, json=failure, status_code=400)
    client = salesforcepy.client(**CREDENTIALS)

    body, request = client.login()

    assert body == failure
    assert request.status == 400
    error = request.exceptions[0]
    assert isinstance(error, AuthError)
    assert error.error_code == "invalid_grant"
    assert not client.logged_in
    with pytest.raises(NotLoggedIn):
        client.query("SELECT Id FROM Account")
    assert requests_mock.call_count == 1


def test_failed_login_raises_in_strict_mode(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json={"error": "invalid_client_id"}, status_code=400)
    client = salesforcepy.client(**CREDENTIALS, strict=True)
    with pytest.raises(AuthError) as info:
        client.login()
    assert info.value.request is not None
    assert info.value.request.status == 400
    assert not client.logged_in


def test_token_body_without_instance_is_a_parse_error(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json={"access_token": TOKEN})
    client = salesforcepy.client(**CREDENTIALS, version="58.0")
    _, request = client.login()
    assert [type(e) for e in request.exceptions] == [ParseError]
    assert not client.logged_in


def test_login_needs_credentials_before_sending(requests_mock: Any) -> None:
    with pytest.raises(ValueError, match="client_secret"):
        salesforcepy.client("u", "p", "id").login()
    assert not requests_mock.called


def test_calls_before_login_raise_without_sending(requests_mock: Any) -> None:
    client = salesforcepy.client(**CREDENTIALS)
    with pytest.raises(NotLoggedIn):
        client.sobjects(object_type="Account").describe()
    with pytest.raises(NotLoggedIn):
        client.logout()
    assert not requests_mock.called


# -- SOAP login --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "endpoint"), [("66.0", "64.0"), ("58.0", "58.0"), (None, "64.0")]
)
def test_soap_login(requests_mock: Any, version: Any, endpoint: str) -> None:
    url = f"{LOGIN_URL}/services/Soap/u/{endpoint}"
    requests_mock.post(url, text=_soap_ok(), headers={"Content-Type": "text/xml; charset=utf-8"})
    requests_mock.get(VERSIONS_URL, json=[{"version": "66.0"}])
    client = salesforcepy.client("dev@example.com", "pw", version=version, org_id="00D5g000004abcD")

    body, request = client.login_via_soap()

    sent = requests_mock.request_history[0]
    assert sent.url == url
    assert sent.headers["SOAPAction"] == "login"
    assert sent.headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert "Authorization" not in sent.headers
    assert b"00D5g000004abcD</n1:organizationId>" in sent.body
    assert request.ok
    assert body["sessionId"] == "[redacted]"
    assert client.session is not None
    assert client.session.access_token == SOAP_SESSION
    assert client.session.instance_url == INSTANCE_URL
    assert client.session.flow == "soap"
    assert client.version == (version or "66.0")


def test_soap_fault_is_an_auth_error(requests_mock: Any) -> None:
    requests_mock.post(
        f"{LOGIN_URL}/services/Soap/u/64.0",
        text=SOAP_FAULT,
        status_code=500,
        headers={"Content-Type": "text/xml"},
    )
    client = salesforcepy.client("dev@example.com", "wrong")

    body, request = client.login_via_soap()

    assert request.status == 500
    assert [type(e) for e in request.exceptions] == [AuthError]
    assert request.exceptions[0].error_code == "INVALID_LOGIN"
    assert request.exceptions[0].request is request
    assert body["faultcode"] == "INVALID_LOGIN"
    assert not client.logged_in


def test_soap_fault_raises_in_strict_mode(requests_mock: Any) -> None:
    requests_mock.post(f"{LOGIN_URL}/services/Soap/u/64.0", text=SOAP_FAULT, status_code=500)
    with pytest.raises(AuthError, match="INVALID_LOGIN"):
        salesforcepy.client("dev@example.com", "wrong", strict=True).login_via_soap()


def test_soap_login_needs_username_and_password(requests_mock: Any) -> None:
    with pytest.raises(ValueError, match="password"):
        salesforcepy.client("dev@example.com").login_via_soap()
    assert not requests_mock.called


# -- logout and the context manager ------------------------------------------------------------


def test_failed_logout_keeps_the_session(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(f"{LOGIN_URL}/services/oauth2/revoke", status_code=503, text="busy")
    _, request = sf.logout()
    assert isinstance(request.exceptions[0], ServerError)
    assert sf.logged_in


def test_context_manager_logs_in_and_out(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json=TOKEN_RESPONSE)
    requests_mock.post(f"{LOGIN_URL}/services/oauth2/revoke", text="")
    requests_mock.get(f"{DATA}/query", json={"totalSize": 0, "done": True, "records": []})

    with salesforcepy.client(**CREDENTIALS, version="58.0") as client:
        assert client.logged_in
        body, _ = client.query("SELECT Id FROM Account")
        assert body["done"] is True

    assert not client.logged_in
    assert [r.url.split("?")[0] for r in requests_mock.request_history] == [
        TOKEN_URL,
        f"{DATA}/query",
        f"{LOGIN_URL}/services/oauth2/revoke",
    ]


def test_context_manager_raises_on_failed_login(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json={"error": "invalid_grant"}, status_code=400)
    client = salesforcepy.client(**CREDENTIALS)
    with pytest.raises(AuthError), client:
        pytest.fail("the block must not run")  # pragma: no cover
    assert not client.logged_in


def test_context_manager_uses_soap_without_client_credentials(requests_mock: Any) -> None:
    requests_mock.post(f"{LOGIN_URL}/services/Soap/u/58.0", text=_soap_ok())
    requests_mock.post(f"{LOGIN_URL}/services/oauth2/revoke", text="")
    with salesforcepy.client("dev@example.com", "pw", version="58.0") as client:
        assert client.session is not None
        assert client.session.flow == "soap"
    assert requests_mock.last_request.body == f"token={SOAP_SESSION.replace('!', '%21')}".encode()


def test_block_error_wins_over_a_failing_logout(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json=TOKEN_RESPONSE)
    requests_mock.post(
        f"{LOGIN_URL}/services/oauth2/revoke", exc=requests.exceptions.ConnectionError("down")
    )
    with pytest.raises(KeyError), salesforcepy.client(**CREDENTIALS, version="58.0"):
        raise KeyError("from the block")


def test_logout_failure_raises_when_the_block_succeeded(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json=TOKEN_RESPONSE)
    requests_mock.post(
        f"{LOGIN_URL}/services/oauth2/revoke", exc=requests.exceptions.ConnectionError("down")
    )
    with pytest.raises(TransportError), salesforcepy.client(**CREDENTIALS, version="58.0"):
        pass


def test_context_manager_keeps_an_existing_session(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    with sf:
        pass
    assert sf.logged_in
    assert not requests_mock.called


# -- the funnel: headers, timeouts, proxies, TLS, strict ---------------------------------------


def test_every_request_carries_the_default_timeout(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json=TOKEN_RESPONSE)
    requests_mock.get(VERSIONS_URL, json=[{"version": "58.0"}])
    requests_mock.get(f"{DATA}/query", json={"done": True, "records": []})
    requests_mock.post(f"{LOGIN_URL}/services/oauth2/revoke", text="")
    client = salesforcepy.client(**CREDENTIALS)

    client.login()
    client.query("SELECT Id FROM Account")
    client.logout()

    assert len(requests_mock.request_history) == 4
    assert all(r.timeout == DEFAULT_TIMEOUT for r in requests_mock.request_history)


def test_client_and_per_call_overrides(requests_mock: Any) -> None:
    proxies = {"https": "http://proxy.example:3128"}
    client = login(requests_mock, timeout=5, proxies=proxies)
    requests_mock.get(f"{DATA}/sobjects/", json={})
    requests_mock.get(f"{INSTANCE_URL}/services/data/v61.0/sobjects/", json={})

    client.sobjects().describe_global()
    assert requests_mock.last_request.timeout == (5.0, 5.0)
    assert requests_mock.last_request.proxies["https"] == "http://proxy.example:3128"

    other = {"https": "http://other.example:8080"}
    client.sobjects().describe_global(timeout=(1, 2), proxies=other, version="61.0")
    assert requests_mock.last_request.url == f"{INSTANCE_URL}/services/data/v61.0/sobjects/"
    assert requests_mock.last_request.timeout == (1.0, 2.0)
    assert requests_mock.last_request.proxies["https"] == "http://other.example:8080"

    client.sobjects().describe_global()
    assert requests_mock.last_request.timeout == (5.0, 5.0)
    assert requests_mock.last_request.url == f"{DATA}/sobjects/"


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"timeout": 0}, ValueError),
        ({"version": "abc"}, ValueError),
        ({"proxies": "x"}, TypeError),
    ],
)
def test_bad_overrides_raise_before_sending(
    sf: salesforcepy.Client, requests_mock: Any, kwargs: dict[str, Any], exc: type
) -> None:
    with pytest.raises(exc):
        sf.query("SELECT Id FROM Account", **kwargs)
    assert not requests_mock.called


def test_headers_of_an_authenticated_call(requests_mock: Any) -> None:
    client = login(requests_mock, client_name="acme-sync/1.0")
    requests_mock.get(f"{DATA}/sobjects/", json={})

    client.sobjects().describe_global()

    headers = requests_mock.last_request.headers
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Accept-Encoding"] == "gzip"
    assert headers["Sforce-Call-Options"] == "client=acme-sync/1.0"
    assert headers["User-Agent"].startswith("salesforcepy/")


def test_tls_verification(requests_mock: Any, tmp_path: Any) -> None:
    client = login(requests_mock)
    requests_mock.get(f"{DATA}/sobjects/", json={})
    client.sobjects().describe_global()
    # On by default: True, or the CA bundle the environment names (REQUESTS_CA_BUNDLE).
    default = requests_mock.last_request.verify
    assert default is True or (isinstance(default, str) and default)

    unverified = login(requests_mock, verify=False)
    unverified.sobjects().describe_global()
    assert requests_mock.last_request.verify is False

    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    custom = login(requests_mock, verify=str(bundle))
    custom.sobjects().describe_global()
    assert requests_mock.last_request.verify == str(bundle)


def test_a_callers_session_cannot_turn_tls_verification_off(
    requests_mock: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # verify=False is a decision for the client's own option, not a side effect of a session
    # that was set up for something else; a session's CA bundle still applies.
    import requests

    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    unverified = requests.Session()
    unverified.verify = False
    client = login(requests_mock, session=unverified)
    requests_mock.get(f"{DATA}/sobjects/", json={})
    client.sobjects().describe_global()
    assert requests_mock.last_request.verify is not False

    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    with_bundle = requests.Session()
    with_bundle.verify = str(bundle)
    login(requests_mock, session=with_bundle).sobjects().describe_global()
    assert requests_mock.last_request.verify == str(bundle)


def test_strict_mode_raises_typed_errors_with_the_request(requests_mock: Any) -> None:
    client = login(requests_mock, strict=True)
    errors = [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
    requests_mock.get(f"{DATA}/sobjects/Account/0015g00000ABCDEAA5", json=errors, status_code=404)

    with pytest.raises(NotFound) as info:
        client.sobjects(object_type="Account", id="0015g00000ABCDEAA5").query()

    assert info.value.request is not None
    assert info.value.request.status == 404
    assert info.value.response is info.value.request.response
    assert info.value.body == errors


def test_strict_query_more_raises_on_an_error_page(requests_mock: Any) -> None:
    client = login(requests_mock, strict=True)
    requests_mock.get(
        f"{DATA}/query",
        json={"done": False, "nextRecordsUrl": "/services/data/v58.0/query/01g-2", "records": []},
    )
    requests_mock.get(
        f"{DATA}/query/01g-2",
        json=[{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}],
        status_code=401,
    )
    with pytest.raises(InvalidSessionId):
        client.query_more("SELECT Id FROM Account")


def test_no_response_raises_transport_error(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{DATA}/query", exc=requests.exceptions.ConnectionError("refused"))
    with pytest.raises(TransportError) as info:
        sf.query("SELECT Id FROM Account")
    error = info.value
    assert not isinstance(error, TransportTimeout)
    assert error.method == "GET"
    assert error.url.startswith(f"{DATA}/query")
    # A GET is idempotent: the default policy made all four attempts.
    assert [a.status for a in error.attempts] == [None, None, None, None]
    assert isinstance(error.__cause__, requests.exceptions.ConnectionError)


@pytest.mark.parametrize(
    "exc", [requests.exceptions.ConnectTimeout, requests.exceptions.ReadTimeout]
)
def test_timeouts_raise_transport_timeout(
    sf: salesforcepy.Client, requests_mock: Any, exc: type[Exception]
) -> None:
    requests_mock.get(f"{DATA}/query", exc=exc("slow"))
    with pytest.raises(TransportTimeout):
        sf.query("SELECT Id FROM Account")


def test_sent_request_fields(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(
        f"{DATA}/query",
        json={"done": True, "records": []},
        headers={"Sforce-Limit-Info": "api-usage=18/5000"},
    )
    _, request = sf.query("SELECT Id FROM Account")
    assert request.method == "GET"
    assert request.status == 200
    assert request.headers["sforce-limit-info"] == "api-usage=18/5000"
    assert request.elapsed.total_seconds() >= 0
    assert isinstance(request.response, requests.Response)
    assert request.exceptions == []
    assert [(a.number, a.status) for a in request.attempts] == [(1, 200)]
    assert request.request.path == "query"


def test_redirects_are_not_followed(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(
        f"{DATA}/sobjects/", status_code=302, headers={"Location": "http://evil.example/"}
    )
    _, request = sf.sobjects().describe_global()
    assert request.status == 302
    assert requests_mock.call_count == 1
    assert request.exceptions


def test_callers_session_is_used_and_not_closed(requests_mock: Any) -> None:
    http = requests.Session()
    http.headers["X-Team"] = "blue"
    closed: list[bool] = []
    http.close = lambda: closed.append(True)  # type: ignore[method-assign]
    requests_mock.post(TOKEN_URL, json=TOKEN_RESPONSE)
    requests_mock.post(f"{LOGIN_URL}/services/oauth2/revoke", text="")

    with salesforcepy.client(**CREDENTIALS, version="58.0", session=http) as client:
        assert client.transport.http is http

    assert requests_mock.request_history[0].headers["X-Team"] == "blue"
    assert closed == []


def test_debug_sets_only_the_level() -> None:
    logger = logging.getLogger("salesforcepy")
    before = (logger.level, list(logger.handlers))
    try:
        salesforcepy.client().debug()
        assert logger.level == logging.DEBUG
        assert logger.handlers == before[1]
    finally:
        logger.setLevel(before[0])


def test_library_adds_no_handlers(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{DATA}/sobjects/", json={})
    sf.sobjects().describe_global()
    for name in ("salesforcepy", "salesforcepy.transport", "salesforcepy.client"):
        assert logging.getLogger(name).handlers == []
    assert logging.getLogger("salesforcepy").level == logging.NOTSET


def test_client_repr(sf: salesforcepy.Client) -> None:
    text = repr(sf)
    assert "acme.my.salesforce.com" in text
    assert "58.0" in text
