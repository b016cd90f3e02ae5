"""No password, client secret, security token or access token in a log record, repr or error."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl

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


REFRESH_TOKEN = "5AepRefreshTokenSecretValue"
DEVICE_CODE = "DeviceCodeSecretValue0123456789"
JWT_ACCESS = "00D5g000004abcD!JwtAccessToken"
DEVICE_ACCESS = "00D5g000004abcD!DeviceAccessToken"


def test_nothing_leaks_from_jwt_refresh_token_and_device_flows(
    requests_mock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from .rsa_keys import key_pair

    caplog.set_level(logging.DEBUG)
    pem = key_pair()[0].decode()
    key_line = pem.splitlines()[5]
    token_url = f"{LOGIN_URL}/services/oauth2/token"
    sent_forms: list[str] = []

    def echo(request: Any, context: Any) -> Any:
        # A token endpoint that repeats everything it was sent in its error messages.
        sent_forms.append(request.text)
        context.status_code = 400
        return {"error": "invalid_grant", "error_description": f"rejected {request.text}"}

    client = salesforcepy.client(
        "dev@example.com", None, "3MVG9ConsumerKey", CLIENT_SECRET, version="58.0"
    )
    observed: list[Any] = [client, client.options]

    def collect(result: Any) -> None:
        body, request = result
        # Error bodies too: the echoing endpoint's are returned with the secrets replaced.
        observed.extend([body, request, request.request, *request.attempts])
        for error in request.exceptions:
            observed.extend([error, error.__cause__])

    # JWT: a refused assertion, a good one, then a failed renewal.
    requests_mock.post(token_url, json=echo)
    collect(client.login_via_jwt(pem))
    requests_mock.post(token_url, json={"access_token": JWT_ACCESS, "instance_url": INSTANCE_URL})
    collect(client.login_via_jwt(pem))
    observed.append(client.session)
    requests_mock.post(token_url, json=echo)
    requests_mock.get(
        f"{DATA}/limits/",
        status_code=401,
        json=[{"errorCode": "INVALID_SESSION_ID", "message": f"bad {JWT_ACCESS}"}],
    )
    collect(client._send(salesforcepy.Request.get("limits/")))

    # Refresh token: refused, accepted, renewal refused.
    collect(client.login_via_refresh_token(REFRESH_TOKEN))
    requests_mock.post(
        token_url,
        json={"access_token": ACCESS_TOKEN, "instance_url": INSTANCE_URL},
    )
    collect(client.login_via_refresh_token(REFRESH_TOKEN))
    observed.append(client.session)
    requests_mock.post(token_url, json=echo)
    collect(client._send(salesforcepy.Request.get("limits/")))

    # Device flow: polls answered with echoes of the code until a denial, then a success.
    start = {
        "json": {
            "device_code": DEVICE_CODE,
            "user_code": "ABCD1234",
            "verification_uri": f"{LOGIN_URL}/setup/connect",
            "interval": 1,
        }
    }

    def refusal(error: str) -> dict[str, Any]:
        description = f"code {DEVICE_CODE}: {error}"
        return {"status_code": 400, "json": {"error": error, "error_description": description}}

    shown: list[Any] = []
    requests_mock.post(
        token_url, [start, refusal("authorization_pending"), refusal("access_denied")]
    )
    collect(client.login_via_device_flow(on_authorize=shown.append, sleep=lambda s: None))
    success = {
        "json": {
            "access_token": DEVICE_ACCESS,
            "refresh_token": REFRESH_TOKEN,
            "instance_url": INSTANCE_URL,
        }
    }
    requests_mock.post(token_url, [start, success])
    collect(
        client.login_via_device_flow(
            on_authorize=shown.append, on_authenticate=observed.append, sleep=lambda s: None
        )
    )
    observed += [*shown, client.session]
    with pytest.raises(ValueError, match="private_key") as bad_key:
        client.login_via_jwt(pem.replace(key_line, key_line[::-1]))
    observed.append(bad_key.value)

    assertions = [dict(parse_qsl(f)).get("assertion") for f in sent_forms]
    secrets = [key_line, REFRESH_TOKEN, DEVICE_CODE, JWT_ACCESS, ACCESS_TOKEN, DEVICE_ACCESS]
    secrets += [a for a in assertions if a]
    assert len(secrets) > 6  # the echoing endpoint did see assertions
    texts = [t for obj in observed if obj is not None for t in _texts_of(obj)]
    texts += [r.getMessage() for r in caplog.records]
    assert len(texts) > 40
    for secret in secrets:
        leaks = [t for t in texts if secret in t]
        assert leaks == [], secret


def test_long_lived_secrets_stay_redacted_after_many_renewals(requests_mock: Any) -> None:
    token_url = f"{LOGIN_URL}/services/oauth2/token"
    tokens = iter(f"00D5g000004abcD!Renewed{n:04d}" for n in range(1000))
    requests_mock.post(
        token_url,
        json=lambda request, context: {"access_token": next(tokens), "instance_url": INSTANCE_URL},
    )
    client = salesforcepy.client(client_id="3MVG9ConsumerKey", version="58.0")
    client.login_via_refresh_token(REFRESH_TOKEN)[1].raise_for_status()
    expired = {"status_code": 401, "json": [{"errorCode": "INVALID_SESSION_ID", "message": "x"}]}
    for _ in range(40):
        requests_mock.get(f"{DATA}/limits/", [expired, {"json": {}}])
        _, request = client._send(salesforcepy.Request.get("limits/"))
        assert request.refreshed
    echo = [{"errorCode": "INVALID_FIELD", "message": f"saw {REFRESH_TOKEN}"}]
    requests_mock.get(f"{DATA}/limits/", status_code=400, json=echo)

    _, request = client._send(salesforcepy.Request.get("limits/"))

    assert REFRESH_TOKEN not in str(request.exceptions[0])
    assert "[redacted]" in str(request.exceptions[0])


LONG_PASSWORD = "Long-Password-0123456789-abcdefghij"


def test_a_secret_cut_by_the_length_limit_of_a_message_is_still_redacted(
    requests_mock: Any,
) -> None:
    # The messages quote at most a few hundred characters of what the server or requests said;
    # a secret straddling that limit must not survive in part.
    client = salesforcepy.client(
        "dev@example.com", LONG_PASSWORD, "3MVG9ConsumerKey", CLIENT_SECRET, version="58.0"
    )
    head = LONG_PASSWORD[:12]
    for pad in range(250, 320, 7):
        requests_mock.post(
            f"{LOGIN_URL}/services/oauth2/token",
            exc=requests.exceptions.ConnectionError("x" * pad + LONG_PASSWORD),
        )
        with pytest.raises(SalesforceError) as info:
            client.login()
        assert head not in str(info.value), pad
        requests_mock.post(
            f"{LOGIN_URL}/services/oauth2/token",
            status_code=502,
            text="<html>" + "y" * pad + LONG_PASSWORD + "</html>",
        )
        _, request = client.login()
        assert head not in str(request.exceptions[0]), pad


def test_the_url_of_a_transport_error_is_redacted(requests_mock: Any) -> None:
    client = salesforcepy.client(
        client_secret=CLIENT_SECRET,
        session_id=ACCESS_TOKEN,
        instance_url=INSTANCE_URL,
        version="58.0",
        retry=False,
    )
    requests_mock.get(
        f"{INSTANCE_URL}/services/apexrest/echo/{CLIENT_SECRET}",
        exc=requests.exceptions.ConnectTimeout("no"),
    )
    with pytest.raises(SalesforceError) as info:
        client.apexrest(f"echo/{CLIENT_SECRET}", "GET")
    assert requests_mock.called
    assert CLIENT_SECRET not in info.value.url  # type: ignore[attr-defined]
    assert CLIENT_SECRET not in str(info.value)


PROXY_PASSWORD = "Pr0xy-Pa55word"
PROXY = f"http://bob:{PROXY_PASSWORD}@proxy.example:3128"


def test_proxy_credentials_stay_out_of_reprs_and_messages(requests_mock: Any) -> None:
    from salesforcepy.options import CallOptions

    client = salesforcepy.client(
        session_id=ACCESS_TOKEN,
        instance_url=INSTANCE_URL,
        version="58.0",
        proxies={"https": PROXY, "http": "proxy.example:3128"},
    )
    texts = [repr(client.options), str(client.options), repr(CallOptions(proxies={"all": PROXY}))]
    assert all("proxy.example:3128" in text for text in texts)
    requests_mock.get(
        f"{DATA}/limits/",
        status_code=407,
        text=f"<html>Proxy authentication for bob:{PROXY_PASSWORD} refused</html>",
    )
    _, request = client.limits()
    texts.append(str(request.exceptions[0]))
    assert [t for t in texts if PROXY_PASSWORD in t] == []
    assert client.options.proxies == {"https": PROXY, "http": "proxy.example:3128"}


@pytest.mark.parametrize(
    "proxy", [f"http://bob:{PROXY_PASSWORD}@proxy.example:31x8", "http://", "ftp://proxy.example"]
)
def test_a_malformed_proxy_url_is_refused_without_quoting_it(proxy: str) -> None:
    with pytest.raises(ValueError, match=r"proxies\['https'\]") as info:
        salesforcepy.client(proxies={"https": proxy})
    assert PROXY_PASSWORD not in str(info.value)
    client = salesforcepy.client(session_id=ACCESS_TOKEN, instance_url=INSTANCE_URL)
    with pytest.raises(ValueError, match=r"proxies\['https'\]") as info:
        client.query("SELECT Id FROM Account", proxies={"https": proxy})
    assert PROXY_PASSWORD not in str(info.value)


def test_error_bodies_that_echo_secrets_are_returned_scrubbed(requests_mock: Any) -> None:
    requests_mock.post(
        f"{LOGIN_URL}/services/oauth2/token",
        status_code=400,
        json={"error": "invalid_grant", "error_description": f"password={PASSWORD}&x=1"},
    )
    requests_mock.post(
        f"{LOGIN_URL}/services/Soap/u/58.0",
        status_code=500,
        text=(
            '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><e:Fault>'
            "<faultcode>INVALID_LOGIN</faultcode>"
            f"<faultstring>no {PASSWORD.replace('&', '&amp;')}</faultstring>"
            "</e:Fault></e:Body></e:Envelope>"
        ),
    )
    client = salesforcepy.client(
        "dev@example.com",
        PASSWORD,
        "3MVG9ConsumerKey",
        CLIENT_SECRET,
        security_token=SECURITY_TOKEN,
        version="58.0",
    )
    bodies = []
    for login in (client.login, client.login_via_soap):
        body, request = login()
        bodies += [body, *(getattr(e, "body", None) for e in request.exceptions)]
    requests_mock.post(f"{LOGIN_URL}/services/Soap/u/58.0", status_code=502, text=f"{PASSWORD}!")
    bodies.append(client.login_via_soap()[0])
    requests_mock.post(
        f"{LOGIN_URL}/services/oauth2/token",
        json={"access_token": ACCESS_TOKEN, "instance_url": INSTANCE_URL},
    )
    client.login()[1].raise_for_status()
    echo = [{"errorCode": "INVALID_FIELD", "message": f"{ACCESS_TOKEN} {CLIENT_SECRET}"}]
    requests_mock.get(f"{DATA}/query", status_code=400, json=echo)
    requests_mock.get(f"{DATA}/limits/", status_code=502, text=f"<p>{SECURITY_TOKEN}</p>")
    for body, request in (client.query("SELECT Id FROM Account"), client.limits()):
        bodies += [body, *(getattr(e, "body", None) for e in request.exceptions)]

    assert len(bodies) == 9
    texts = [repr(body) for body in bodies]
    assert [t for t in texts for s in SECRETS if s in t] == []
    assert all("[redacted]" in t for t in texts)
    assert bodies[0]["error"] == "invalid_grant"
    assert bodies[2]["faultcode"] == "INVALID_LOGIN"
    assert bodies[5][0]["errorCode"] == "INVALID_FIELD"


def test_a_netrc_file_does_not_replace_or_add_authorization(
    requests_mock: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # requests reads ~/.netrc for requests without auth and sends its login as Basic auth,
    # replacing the Bearer token; a "default" entry would go to every host.
    netrc = tmp_path / "netrc"
    netrc.write_text("default login someone password NetrcSecret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    requests_mock.post(
        f"{LOGIN_URL}/services/oauth2/token",
        json={"access_token": ACCESS_TOKEN, "instance_url": INSTANCE_URL},
    )
    requests_mock.get(f"{DATA}/limits/", json={})
    client = salesforcepy.client(
        "dev@example.com", PASSWORD, "3MVG9ConsumerKey", CLIENT_SECRET, version="58.0"
    )

    client.login()
    client.limits()

    login_request, call = requests_mock.request_history
    assert "Authorization" not in login_request.headers
    assert call.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_an_unparsable_success_body_is_returned_scrubbed(requests_mock: Any) -> None:
    requests_mock.post(
        f"{LOGIN_URL}/services/oauth2/token",
        headers={"Content-Type": "application/json"},
        text=f'{{"echo": "password={PASSWORD}"',  # cut short: not JSON
    )
    client = salesforcepy.client(
        "dev@example.com", PASSWORD, "3MVG9ConsumerKey", CLIENT_SECRET, version="58.0"
    )

    body, request = client.login()

    assert [type(e).__name__ for e in request.exceptions] == ["ParseError"]
    assert PASSWORD not in body
    assert "[redacted]" in body
