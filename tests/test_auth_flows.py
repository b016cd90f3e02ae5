"""Login flows, session renewal and logout rules against mocked endpoints (request building,
answers, error paths). The same flows run against the fake org in tests/integration."""

from __future__ import annotations

import sys
import time
from typing import Any
from urllib.parse import parse_qsl

import jwt
import pytest
import requests

import salesforcepy
from salesforcepy import auth
from salesforcepy.exceptions import (
    AuthError,
    InvalidSessionId,
    LoginTimeout,
    SessionRefreshError,
)

from .conftest import CREDENTIALS, DATA, INSTANCE_URL, LOGIN_URL, TOKEN, TOKEN_RESPONSE
from .rsa_keys import key_pair

TOKEN_URL = f"{LOGIN_URL}/services/oauth2/token"
REVOKE_URL = f"{LOGIN_URL}/services/oauth2/revoke"
LIMITS_URL = f"{DATA}/limits/"
REFRESH_TOKEN = "5Aep861FakeRefreshTokenValue"
NEW_TOKEN = "00D5g000004abcD!AQ4AQSecondToken"
DEVICE_CODE = "M01WRzlQaFI2ZzZCN3BzN1RUSTRjUDdNcHBnM2w3dHU"
EXPIRED = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
LIMITS = {"DailyApiRequests": {"Max": 15000, "Remaining": 14998}}


def form(history_item: Any) -> dict[str, str]:
    """The form fields of a sent request."""
    body = history_item.body
    return dict(parse_qsl(body.decode() if isinstance(body, bytes) else body))


def token_body(token: str = TOKEN, **extra: str) -> dict[str, str]:
    return {**TOKEN_RESPONSE, "access_token": token, **extra}


def make_client(**options: Any) -> salesforcepy.Client:
    return salesforcepy.client(**{**CREDENTIALS, "version": "58.0", **options})


def assert_token_request(item: Any) -> None:
    assert item.method == "POST"
    assert item.url == TOKEN_URL
    assert item.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert item.headers["Accept"] == "application/json"
    assert "Authorization" not in item.headers


# -- refresh token login -----------------------------------------------------------------------


def test_refresh_token_login(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json=token_body(scope="api refresh_token"))
    client = make_client()

    body, request = client.login_via_refresh_token(REFRESH_TOKEN)

    item = requests_mock.last_request
    assert_token_request(item)
    assert form(item) == {
        "grant_type": "refresh_token",
        "refresh_token": REFRESH_TOKEN,
        "client_id": CREDENTIALS["client_id"],
        "client_secret": CREDENTIALS["client_secret"],
    }
    assert request.ok
    assert body["access_token"] == "[redacted]"
    assert body["scope"] == "api refresh_token"
    assert client.session is not None
    assert client.session.access_token == TOKEN
    assert client.session.flow == "refresh_token"
    assert client.refresh_token == REFRESH_TOKEN


def test_refresh_token_login_without_secret(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json=token_body())
    client = salesforcepy.client(client_id="3MVG9Public", version="58.0")
    client.login_via_refresh_token(REFRESH_TOKEN)
    assert "client_secret" not in form(requests_mock.last_request)


def test_refresh_token_login_reuses_the_held_token(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json=token_body(refresh_token=REFRESH_TOKEN))
    client = make_client()
    client.login_via_refresh_token(REFRESH_TOKEN)
    requests_mock.reset_mock()

    client.login_via_refresh_token()

    assert form(requests_mock.last_request)["refresh_token"] == REFRESH_TOKEN


def test_refresh_token_login_needs_a_token_before_sending(requests_mock: Any) -> None:
    with pytest.raises(ValueError, match="refresh token"):
        make_client().login_via_refresh_token()
    with pytest.raises(ValueError, match="client_id"):
        salesforcepy.client(version="58.0").login_via_refresh_token(REFRESH_TOKEN)
    assert not requests_mock.called


def test_refused_refresh_token(requests_mock: Any) -> None:
    requests_mock.post(
        TOKEN_URL,
        status_code=400,
        json={"error": "invalid_grant", "error_description": "expired access/refresh token"},
    )
    client = make_client()

    body, request = client.login_via_refresh_token(REFRESH_TOKEN)

    assert body["error"] == "invalid_grant"
    assert [type(e) for e in request.exceptions] == [AuthError]
    assert request.exceptions[0].error_code == "invalid_grant"
    assert not client.logged_in
    with pytest.raises(AuthError, match="invalid_grant"):
        make_client(strict=True).login_via_refresh_token(REFRESH_TOKEN)


# -- client credentials ------------------------------------------------------------------------


def test_client_credentials_login(requests_mock: Any) -> None:
    my_domain = "https://acme.my.salesforce.com"
    requests_mock.post(f"{my_domain}/services/oauth2/token", json=token_body())
    client = make_client(login_url="acme.my.salesforce.com")

    _, request = client.login_via_client_credentials()

    item = requests_mock.last_request
    assert item.url == f"{my_domain}/services/oauth2/token"
    assert form(item) == {
        "grant_type": "client_credentials",
        "client_id": CREDENTIALS["client_id"],
        "client_secret": CREDENTIALS["client_secret"],
    }
    assert request.ok
    assert client.session is not None
    assert client.session.flow == "client_credentials"
    assert client.refresh_token is None


@pytest.mark.parametrize("login_url", ["login.salesforce.com", "https://test.salesforce.com"])
def test_client_credentials_refuses_generic_login_hosts(requests_mock: Any, login_url: str) -> None:
    with pytest.raises(ValueError, match="My Domain"):
        make_client(login_url=login_url).login_via_client_credentials()
    assert not requests_mock.called


def test_client_credentials_needs_the_secret(requests_mock: Any) -> None:
    client = salesforcepy.client(client_id="id", login_url="acme.my.salesforce.com")
    with pytest.raises(ValueError, match="client_secret"):
        client.login_via_client_credentials()
    assert not requests_mock.called


# -- JWT bearer --------------------------------------------------------------------------------


def test_jwt_login_signs_the_documented_claims(requests_mock: Any) -> None:
    private, public = key_pair()
    requests_mock.post(TOKEN_URL, json=token_body())
    client = make_client()

    before = int(time.time())
    _, request = client.login_via_jwt(private.decode())
    after = int(time.time())

    item = requests_mock.last_request
    assert_token_request(item)
    fields = form(item)
    assert set(fields) == {"grant_type", "assertion"}
    assert fields["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert jwt.get_unverified_header(fields["assertion"])["alg"] == "RS256"
    claims = jwt.decode(
        fields["assertion"], public, algorithms=["RS256"], audience="https://login.salesforce.com"
    )
    assert claims["iss"] == CREDENTIALS["client_id"]
    assert claims["sub"] == CREDENTIALS["username"]
    assert before + 180 <= claims["exp"] <= after + 180
    assert request.ok
    assert client.session is not None
    assert client.session.flow == "jwt"


def test_jwt_key_from_a_file_or_bytes_and_explicit_claims(
    requests_mock: Any, tmp_path: Any
) -> None:
    private, public = key_pair()
    path = tmp_path / "server.key"
    path.write_bytes(private)
    requests_mock.post(TOKEN_URL, json=token_body())
    client = make_client()

    for key in (path, str(path), private):
        client.login_via_jwt(key, username="other@example.com", audience="https://acme.site.com")
        assertion = form(requests_mock.last_request)["assertion"]
        claims = jwt.decode(
            assertion, public, algorithms=["RS256"], audience="https://acme.site.com"
        )
        assert claims["sub"] == "other@example.com"


@pytest.mark.parametrize(
    ("login_url", "audience"),
    [
        ("https://login.salesforce.com", "https://login.salesforce.com"),
        ("https://test.salesforce.com", "https://test.salesforce.com"),
        ("https://acme.my.salesforce.com", "https://login.salesforce.com"),
        ("https://acme--dev.sandbox.my.salesforce.com", "https://test.salesforce.com"),
        ("https://acme--dev.my.salesforce.com", "https://test.salesforce.com"),
        ("https://acme.my.site.com", "https://acme.my.site.com"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
    ],
)
def test_default_audience(login_url: str, audience: str) -> None:
    assert auth.default_audience(login_url) == audience


def test_jwt_bad_key_fails_before_sending_without_echoing_it(
    requests_mock: Any, tmp_path: Any
) -> None:
    client = make_client()
    garbage = (
        "-----BEGIN PRIVATE KEY-----\nTm90QUtleVNlY3JldE1hdGVyaWFs\n-----END PRIVATE KEY-----\n"
    )
    with pytest.raises(ValueError, match="not a usable RSA private key") as info:
        client.login_via_jwt(garbage)
    assert "Tm90QUtl" not in str(info.value)
    with pytest.raises(ValueError, match="cannot be read"):
        client.login_via_jwt(tmp_path / "missing.key")
    (tmp_path / "notes.txt").write_text("just text")
    with pytest.raises(ValueError, match="not a PEM key"):
        client.login_via_jwt(tmp_path / "notes.txt")
    with pytest.raises(TypeError):
        client.login_via_jwt(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="username"):
        salesforcepy.client(client_id="id").login_via_jwt(key_pair()[0])
    with pytest.raises(ValueError, match="client_id"):
        salesforcepy.client(username="u@example.com").login_via_jwt(key_pair()[0])
    assert not requests_mock.called


def test_jwt_without_pyjwt_says_what_to_install(
    requests_mock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "jwt", None)
    with pytest.raises(ImportError, match=r"salesforcepy\[jwt\]"):
        make_client().login_via_jwt(key_pair()[0])
    assert not requests_mock.called


def test_jwt_refused(requests_mock: Any) -> None:
    requests_mock.post(
        TOKEN_URL,
        status_code=400,
        json={"error": "invalid_grant", "error_description": "audience is invalid"},
    )
    client = make_client()
    _, request = client.login_via_jwt(key_pair()[0])
    assert request.exceptions[0].error_code == "invalid_grant"
    assert not client.logged_in


# -- device flow -------------------------------------------------------------------------------


def device_start(interval: Any = 5, **extra: Any) -> dict[str, Any]:
    return {
        "device_code": DEVICE_CODE,
        "user_code": "X1D9SEET",
        "verification_uri": f"{LOGIN_URL}/setup/connect",
        "interval": interval,
        **extra,
    }


def oauth_error(error: str) -> dict[str, Any]:
    return {"status_code": 400, "json": {"error": error, "error_description": error}}


class Sleeper:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def test_device_flow_polls_until_approved(requests_mock: Any) -> None:
    requests_mock.post(
        TOKEN_URL,
        [
            {"json": device_start()},
            oauth_error("authorization_pending"),
            oauth_error("slow_down"),
            oauth_error("authorization_pending"),
            {"json": token_body(refresh_token=REFRESH_TOKEN, scope="api refresh_token")},
        ],
    )
    shown: list[auth.DeviceAuthorization] = []
    authenticated: list[Any] = []
    sleep = Sleeper()
    client = make_client(client_secret=None)

    body, request = client.login_via_device_flow(
        on_authorize=shown.append, on_authenticate=authenticated.append, sleep=sleep
    )

    history = requests_mock.request_history
    assert form(history[0]) == {
        "response_type": "device_code",
        "client_id": CREDENTIALS["client_id"],
    }
    for item in history[1:]:
        assert_token_request(item)
        assert form(item) == {
            "grant_type": "device",
            "client_id": CREDENTIALS["client_id"],
            "code": DEVICE_CODE,
        }
    assert [(a.user_code, a.verification_uri, a.interval) for a in shown] == [
        ("X1D9SEET", f"{LOGIN_URL}/setup/connect", 5.0)
    ]
    assert DEVICE_CODE not in repr(shown[0])
    # slow_down adds five seconds to every later wait.
    assert sleep.calls == [5.0, 5.0, 10.0, 10.0]
    assert request.ok
    assert body["refresh_token"] == "[redacted]"
    assert authenticated == [body]
    assert client.session is not None
    assert client.session.flow == "device"
    assert client.refresh_token == REFRESH_TOKEN


def test_device_flow_sends_scope_and_secret_when_given(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, [{"json": device_start(interval=1)}, {"json": token_body()}])
    make_client().login_via_device_flow(
        on_authorize=lambda a: None, scope="api refresh_token", sleep=Sleeper()
    )
    start, poll = requests_mock.request_history
    assert form(start)["scope"] == "api refresh_token"
    assert form(poll)["client_secret"] == CREDENTIALS["client_secret"]


@pytest.mark.parametrize("error", ["access_denied", "expired_token", "invalid_grant"])
def test_device_flow_stops_on_a_final_error(requests_mock: Any, error: str) -> None:
    requests_mock.post(
        TOKEN_URL,
        [{"json": device_start()}, oauth_error("authorization_pending"), oauth_error(error)],
    )
    authenticated: list[Any] = []
    client = make_client()

    body, request = client.login_via_device_flow(
        on_authorize=lambda a: None, on_authenticate=authenticated.append, sleep=Sleeper()
    )

    assert requests_mock.call_count == 3
    assert body["error"] == error
    assert [e.error_code for e in request.exceptions] == [error]  # type: ignore[attr-defined]
    assert not client.logged_in
    assert authenticated == []


def test_device_flow_gives_up_after_timeout(requests_mock: Any) -> None:
    requests_mock.post(
        TOKEN_URL, [{"json": device_start(interval=5)}, oauth_error("authorization_pending")]
    )
    sleep = Sleeper()
    client = make_client()

    _, request = client.login_via_device_flow(on_authorize=lambda a: None, timeout=12, sleep=sleep)

    assert sleep.calls == [5.0, 5.0]
    assert requests_mock.call_count == 3
    assert isinstance(request.exceptions[0], LoginTimeout)
    assert "12 seconds" in str(request.exceptions[0])
    assert request.exceptions[1].error_code == "authorization_pending"  # type: ignore[attr-defined]
    assert not client.logged_in
    requests_mock.post(
        TOKEN_URL, [{"json": device_start(interval=5)}, oauth_error("authorization_pending")]
    )
    with pytest.raises(LoginTimeout):
        make_client(strict=True).login_via_device_flow(
            on_authorize=lambda a: None, timeout=12, sleep=Sleeper()
        )


def test_device_flow_honours_expires_in(requests_mock: Any) -> None:
    requests_mock.post(
        TOKEN_URL,
        [{"json": device_start(interval=2, expires_in=7)}, oauth_error("authorization_pending")],
    )
    sleep = Sleeper()
    _, request = make_client().login_via_device_flow(on_authorize=lambda a: None, sleep=sleep)
    assert sleep.calls == [2.0, 2.0, 2.0]
    assert isinstance(request.exceptions[0], LoginTimeout)


def test_device_flow_prints_instructions_by_default(
    requests_mock: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    requests_mock.post(TOKEN_URL, [{"json": device_start(interval=1)}, {"json": token_body()}])
    make_client().login_via_device_flow(sleep=Sleeper())
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "X1D9SEET" in captured.err
    assert f"{LOGIN_URL}/setup/connect" in captured.err
    assert DEVICE_CODE not in captured.err


def test_device_flow_start_refused(requests_mock: Any) -> None:
    requests_mock.post(
        TOKEN_URL,
        status_code=400,
        json={"error": "invalid_client_id", "error_description": "client identifier invalid"},
    )
    shown: list[Any] = []
    _, request = make_client().login_via_device_flow(on_authorize=shown.append, sleep=Sleeper())
    assert request.exceptions[0].error_code == "invalid_client_id"  # type: ignore[attr-defined]
    assert shown == []
    assert requests_mock.call_count == 1


def test_device_flow_argument_checks(requests_mock: Any) -> None:
    with pytest.raises(ValueError, match="client_id"):
        salesforcepy.client().login_via_device_flow()
    with pytest.raises(ValueError, match="timeout"):
        make_client().login_via_device_flow(timeout=0)
    assert not requests_mock.called


# -- an existing session -----------------------------------------------------------------------


def test_existing_session_is_used_as_it_is(requests_mock: Any) -> None:
    requests_mock.get(LIMITS_URL, json=LIMITS)
    client = salesforcepy.client(
        session_id=TOKEN, instance_url="acme.my.salesforce.com", version="58.0"
    )

    body, _ = client._send(salesforcepy.Request.get("limits/"))

    assert body == LIMITS
    assert requests_mock.last_request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert requests_mock.call_count == 1
    assert client.session is not None
    assert client.session.flow == "session_id"
    assert client.session.instance_url == INSTANCE_URL
    assert TOKEN not in repr(client) + repr(client.session)


def test_existing_session_is_neither_renewed_nor_revoked(requests_mock: Any) -> None:
    requests_mock.get(LIMITS_URL, status_code=401, json=EXPIRED)
    client = salesforcepy.client(session_id=TOKEN, instance_url=INSTANCE_URL, version="58.0")

    with client:
        _, request = client._send(salesforcepy.Request.get("limits/"))

    assert requests_mock.call_count == 1
    assert [type(e) for e in request.exceptions] == [InvalidSessionId, SessionRefreshError]
    assert "session_id" in str(request.exceptions[0])
    assert client.logged_in


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"session_id": TOKEN}, ValueError),
        ({"instance_url": INSTANCE_URL}, ValueError),
        ({"session_id": "", "instance_url": INSTANCE_URL}, TypeError),
        ({"session_id": TOKEN, "instance_url": "http://acme.example.com"}, ValueError),
        ({"session_id": TOKEN, "instance_url": f"{INSTANCE_URL}/services/data"}, ValueError),
    ],
)
def test_existing_session_arguments(kwargs: dict[str, Any], error: type) -> None:
    with pytest.raises(error) as info:
        salesforcepy.client(**kwargs)
    assert TOKEN not in str(info.value)


# -- renewal on 401 ----------------------------------------------------------------------------


def logged_in(requests_mock: Any, **extra: str) -> salesforcepy.Client:
    requests_mock.post(TOKEN_URL, json=token_body(**extra))
    client = make_client()
    _, sent = client.login()
    sent.raise_for_status()
    requests_mock.reset_mock()
    return client


def test_expired_password_session_logs_in_again_and_replays(requests_mock: Any) -> None:
    client = logged_in(requests_mock)
    requests_mock.post(TOKEN_URL, json=token_body(NEW_TOKEN))
    requests_mock.get(LIMITS_URL, [{"status_code": 401, "json": EXPIRED}, {"json": LIMITS}])

    body, request = client._send(salesforcepy.Request.get("limits/"))

    urls = [(h.method, h.url) for h in requests_mock.request_history]
    assert urls == [("GET", LIMITS_URL), ("POST", TOKEN_URL), ("GET", LIMITS_URL)]
    assert form(requests_mock.request_history[1])["grant_type"] == "password"
    auths = [requests_mock.request_history[i].headers["Authorization"] for i in (0, 2)]
    assert auths == [f"Bearer {TOKEN}", f"Bearer {NEW_TOKEN}"]
    assert body == LIMITS
    assert request.ok
    assert request.refreshed
    assert [(a.status, a.refreshed) for a in request.attempts] == [(401, True), (200, False)]
    assert client.session is not None
    assert client.session.access_token == NEW_TOKEN
    assert client.session.api_version == "58.0"


def test_a_held_refresh_token_is_preferred(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json=token_body(refresh_token=REFRESH_TOKEN))
    client = make_client()
    client.login_via_refresh_token(REFRESH_TOKEN)
    requests_mock.reset_mock()
    requests_mock.post(TOKEN_URL, json=token_body(NEW_TOKEN, refresh_token="5AepRotated"))
    requests_mock.get(LIMITS_URL, [{"status_code": 401, "json": EXPIRED}, {"json": LIMITS}])

    _, request = client._send(salesforcepy.Request.get("limits/"))

    assert request.ok
    fields = form(requests_mock.request_history[1])
    assert fields["grant_type"] == "refresh_token"
    assert fields["refresh_token"] == REFRESH_TOKEN
    # A rotating connected app returns a new refresh token: the client keeps it.
    assert client.refresh_token == "5AepRotated"


def test_a_permanently_rejected_token_is_renewed_once_then_reported(requests_mock: Any) -> None:
    client = logged_in(requests_mock)
    requests_mock.post(TOKEN_URL, json=token_body(NEW_TOKEN))
    requests_mock.get(LIMITS_URL, status_code=401, json=EXPIRED)

    _, request = client._send(salesforcepy.Request.get("limits/"))

    methods = [h.method for h in requests_mock.request_history]
    assert methods == ["GET", "POST", "GET"]
    assert [type(e) for e in request.exceptions] == [InvalidSessionId]
    assert "rejected again after the session was renewed" in str(request.exceptions[0])
    assert request.exceptions[0].error_code == "INVALID_SESSION_ID"  # type: ignore[attr-defined]
    with pytest.raises(InvalidSessionId, match="renewed"):
        request.raise_for_status()


def test_failed_renewal_is_reported_with_its_cause(requests_mock: Any) -> None:
    client = logged_in(requests_mock)
    requests_mock.post(
        TOKEN_URL,
        status_code=400,
        json={"error": "invalid_grant", "error_description": "authentication failure"},
    )
    requests_mock.get(LIMITS_URL, status_code=401, json=EXPIRED)

    _, request = client._send(salesforcepy.Request.get("limits/"))

    assert [h.method for h in requests_mock.request_history] == ["GET", "POST"]
    first, second = request.exceptions
    assert isinstance(first, InvalidSessionId)
    assert isinstance(second, SessionRefreshError)
    assert "invalid_grant" in str(first)
    assert isinstance(second.__cause__, AuthError)
    assert second.request is request
    assert request.attempts[0].refresh_error is second
    assert client.logged_in  # the old session stays until the user decides


def test_renewal_failure_without_response(requests_mock: Any) -> None:
    client = logged_in(requests_mock)
    requests_mock.post(TOKEN_URL, exc=requests.exceptions.ConnectionError("down"))
    requests_mock.get(LIMITS_URL, status_code=401, json=EXPIRED)

    _, request = client._send(salesforcepy.Request.get("limits/"))

    assert isinstance(request.exceptions[1], SessionRefreshError)
    assert "no response" in str(request.exceptions[1])


def test_strict_mode_raises_the_401_after_a_failed_renewal(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json=token_body())
    client = make_client(strict=True)
    client.login()
    requests_mock.post(TOKEN_URL, status_code=400, json={"error": "invalid_grant"})
    requests_mock.get(LIMITS_URL, status_code=401, json=EXPIRED)
    with pytest.raises(InvalidSessionId, match="could not be renewed"):
        client._send(salesforcepy.Request.get("limits/"))


def test_device_session_without_refresh_token_is_not_renewed(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, [{"json": device_start(interval=1)}, {"json": token_body()}])
    client = make_client()
    client.login_via_device_flow(on_authorize=lambda a: None, sleep=Sleeper())
    requests_mock.reset_mock()
    requests_mock.get(LIMITS_URL, status_code=401, json=EXPIRED)

    _, request = client._send(salesforcepy.Request.get("limits/"))

    assert requests_mock.call_count == 1
    assert [type(e) for e in request.exceptions] == [InvalidSessionId, SessionRefreshError]
    assert "without a person" in str(request.exceptions[1])


def test_jwt_session_is_renewed_with_a_new_assertion(requests_mock: Any) -> None:
    private, public = key_pair()
    requests_mock.post(TOKEN_URL, json=token_body())
    client = make_client()
    client.login_via_jwt(private)
    first = form(requests_mock.last_request)["assertion"]
    requests_mock.reset_mock()
    requests_mock.post(TOKEN_URL, json=token_body(NEW_TOKEN))
    requests_mock.get(LIMITS_URL, [{"status_code": 401, "json": EXPIRED}, {"json": LIMITS}])

    _, request = client._send(salesforcepy.Request.get("limits/"))

    assert request.ok
    fields = form(requests_mock.request_history[1])
    assert fields["grant_type"] == auth.JWT_BEARER_GRANT
    claims = jwt.decode(fields["assertion"], public, algorithms=["RS256"], audience=LOGIN_URL)
    assert claims["sub"] == CREDENTIALS["username"]
    assert claims["exp"] > time.time()
    assert (
        jwt.decode(first, public, algorithms=["RS256"], audience=LOGIN_URL)["iss"] == claims["iss"]
    )


# -- logout ------------------------------------------------------------------------------------


def test_logout_revokes_and_later_calls_raise(requests_mock: Any) -> None:
    client = logged_in(requests_mock, refresh_token=REFRESH_TOKEN)
    requests_mock.post(REVOKE_URL, text="")

    body, request = client.logout()

    assert form(requests_mock.last_request) == {"token": TOKEN}
    assert body is None
    assert request is not None
    assert request.ok
    assert not client.logged_in
    assert client.refresh_token is None
    # Later calls still reach the org, without a token, and get its 401; nothing is renewed.
    requests_mock.get(LIMITS_URL, status_code=401, json=EXPIRED)
    _, after = client._send(salesforcepy.Request.get("limits/"))
    assert after.status == 401
    assert "Authorization" not in requests_mock.last_request.headers
    assert isinstance(after.exceptions[0], InvalidSessionId)
    assert isinstance(after.exceptions[-1], SessionRefreshError)
    assert "logout" in str(after.exceptions[-1])
    with pytest.raises(ValueError, match="refresh token"):
        client.login_via_refresh_token()
    assert requests_mock.call_count == 2


def test_logout_without_revoking_sends_nothing(requests_mock: Any) -> None:
    client = logged_in(requests_mock)
    assert client.logout(revoke=False) == (None, None)
    assert not requests_mock.called
    assert not client.logged_in


def test_logout_of_an_already_invalid_token_forgets_it(requests_mock: Any) -> None:
    client = logged_in(requests_mock)
    requests_mock.post(REVOKE_URL, status_code=400, json={"error": "invalid_token"})
    _, request = client.logout()
    assert request is not None
    assert request.exceptions[0].error_code == "invalid_token"  # type: ignore[attr-defined]
    assert not client.logged_in


def test_a_call_in_flight_during_logout_is_not_renewed(requests_mock: Any) -> None:
    client = logged_in(requests_mock)
    requests_mock.post(REVOKE_URL, text="")

    def revoke_then_expire(request: Any, context: Any) -> Any:
        # logout() runs while this call waits for its answer; the answer is then a 401.
        client.logout()
        context.status_code = 401
        return EXPIRED

    requests_mock.get(LIMITS_URL, json=revoke_then_expire)

    _, request = client._send(salesforcepy.Request.get("limits/"))

    assert [h.method for h in requests_mock.request_history] == ["GET", "POST"]
    assert request.status == 401
    assert [type(e) for e in request.exceptions] == [InvalidSessionId, SessionRefreshError]
    assert "logout()" in str(request.exceptions[1])


# -- the context manager -----------------------------------------------------------------------


def test_context_manager_revokes_the_session_it_created(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json=token_body())
    requests_mock.post(REVOKE_URL, text="")
    with make_client() as client:
        assert client.logged_in
    assert requests_mock.last_request.url == REVOKE_URL
    assert not client.logged_in


def test_context_manager_revokes_a_renewed_session_it_created(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, [{"json": token_body()}, {"json": token_body(NEW_TOKEN)}])
    requests_mock.get(LIMITS_URL, [{"status_code": 401, "json": EXPIRED}, {"json": LIMITS}])
    requests_mock.post(REVOKE_URL, text="")
    with make_client() as client:
        client._send(salesforcepy.Request.get("limits/"))
    assert form(requests_mock.last_request) == {"token": NEW_TOKEN}


@pytest.mark.parametrize("how", ["session_id", "login_before"])
def test_context_manager_leaves_other_sessions_alone(requests_mock: Any, how: str) -> None:
    if how == "session_id":
        client = salesforcepy.client(session_id=TOKEN, instance_url=INSTANCE_URL)
    else:
        client = logged_in(requests_mock)
    with client:
        pass
    assert not requests_mock.called
    assert client.logged_in


def test_login_after_logout_starts_over(requests_mock: Any) -> None:
    client = logged_in(requests_mock)
    client.logout(revoke=False)
    requests_mock.post(TOKEN_URL, json=token_body(NEW_TOKEN))
    requests_mock.get(LIMITS_URL, [{"status_code": 401, "json": EXPIRED}, {"json": LIMITS}])
    client.login()

    _, request = client._send(salesforcepy.Request.get("limits/"))

    assert request.ok
    assert request.refreshed
