"""The fake org's token endpoint beyond the password grant, over raw HTTP: refresh token, client
credentials, JWT bearer and the device flow (see fakeorg/api/oauth_flows.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stat
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.auth import ConnectedApp, random_app

pytestmark = pytest.mark.integration

TIMEOUT = 10
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
FAST = 0.05


def token(org, url: str | None = None, **form) -> requests.Response:
    return requests.post(
        (url or org.login_url) + "/services/oauth2/token",
        data={k: v for k, v in form.items() if v is not None},
        timeout=TIMEOUT,
    )


def error_of(response: requests.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["error"], body["error_description"]


def works(org, access_token: str) -> bool:
    response = requests.get(
        f"{org.instance_url}/services/data/v58.0/limits",
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=TIMEOUT,
    )
    return response.status_code == 200


def user_of(body: dict) -> str:
    return body["id"].rsplit("/", 1)[1]


def assert_token_body(org, body: dict, secret: str) -> None:
    assert body["instance_url"] == org.instance_url
    assert body["token_type"] == "Bearer"
    expected = hmac.new(
        secret.encode(), (body["id"] + body["issued_at"]).encode(), hashlib.sha256
    ).digest()
    assert base64.b64decode(body["signature"]) == expected
    assert works(org, body["access_token"])


# ---- refresh token -------------------------------------------------------------------------------


def refresh(org, value: str, **extra) -> requests.Response:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": value,
        "client_id": org.client_id,
        "client_secret": org.client_secret,
    }
    return token(org, **{**form, **extra})


def test_refresh_grant(org):
    refresh_token = org.issue_refresh_token()
    response = refresh(org, refresh_token)
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == [
        "access_token",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
        "signature",
        "scope",
    ]
    assert body["scope"] == "api refresh_token"
    assert user_of(body) == org.state.admin_user_id
    assert_token_body(org, body, org.client_secret)
    # The refresh token keeps working (no rotation by default).
    assert refresh(org, refresh_token).status_code == 200
    assert refresh(org, refresh_token, client_secret=None).status_code == 200


def test_refresh_grant_survives_session_expiry(org):
    refresh_token = org.issue_refresh_token()
    first = refresh(org, refresh_token).json()["access_token"]
    org.expire_sessions()
    assert not works(org, first)
    second = refresh(org, refresh_token).json()["access_token"]
    assert works(org, second)


def test_revoked_refresh_token_is_invalid_grant_and_ends_its_sessions(org):
    refresh_token = org.issue_refresh_token()
    access = refresh(org, refresh_token).json()["access_token"]
    revoked = requests.post(
        org.login_url + "/services/oauth2/revoke", data={"token": refresh_token}, timeout=TIMEOUT
    )
    assert revoked.status_code == 200
    assert error_of(refresh(org, refresh_token)) == (
        400,
        "invalid_grant",
        "expired access/refresh token",
    )
    assert not works(org, access)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"refresh_token": "5AepUnknown"}, ("invalid_grant", "expired access/refresh token")),
        ({"refresh_token": None}, ("invalid_grant", "expired access/refresh token")),
        ({"client_id": "3MVG9unknown"}, ("invalid_client_id", "client identifier invalid")),
        ({"client_secret": "wrong"}, ("invalid_client", "invalid client credentials")),
    ],
)
def test_refresh_grant_errors(org, change, expected):
    assert error_of(refresh(org, org.issue_refresh_token(), **change)) == (400, *expected)


def test_refresh_token_of_another_app_is_refused(org):
    other = random_app()
    org.state.directory.add_app(other)
    response = refresh(
        org, org.issue_refresh_token(), client_id=other.client_id, client_secret=other.client_secret
    )
    assert error_of(response)[:2] == (400, "invalid_grant")


def test_rotating_app_answers_with_a_new_refresh_token(org):
    app = random_app()
    app.rotate_refresh_tokens = True
    org.state.directory.add_app(app)
    first = org.state.sessions.issue_refresh_token(org.state.admin_user_id, app.client_id).token
    creds = {"client_id": app.client_id, "client_secret": app.client_secret}

    response = refresh(org, first, **creds)

    body = response.json()
    assert response.status_code == 200
    second = body["refresh_token"]
    assert second != first
    assert error_of(refresh(org, first, **creds))[:2] == (400, "invalid_grant")
    again = refresh(org, second, **creds).json()
    third = again["refresh_token"]
    assert third not in (first, second)
    # Access tokens issued from earlier refresh tokens now hang off the newest one.
    revoked = requests.post(
        org.login_url + "/services/oauth2/revoke", data={"token": third}, timeout=TIMEOUT
    )
    assert revoked.status_code == 200
    assert not works(org, body["access_token"])
    assert not works(org, again["access_token"])


# ---- client credentials --------------------------------------------------------------------------


def client_credentials(org, url: str | None = None, **extra) -> requests.Response:
    form = {
        "grant_type": "client_credentials",
        "client_id": org.client_id,
        "client_secret": org.client_secret,
    }
    return token(org, url, **{**form, **extra})


def test_client_credentials_on_my_domain(org):
    response = client_credentials(org)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "refresh_token" not in body
    assert body["scope"] == "api"
    assert user_of(body) == org.state.admin_user_id
    assert_token_body(org, body, org.client_secret)


def test_client_credentials_runs_as_the_apps_user(org):
    user = org.add_user(f"runas{time.time_ns()}@example.com", last_name="Integration")
    app = ConnectedApp("3MVG9RunAs" + str(time.time_ns()), "424242", run_as_user_id=user.user_id)
    org.state.directory.add_app(app)
    response = client_credentials(org, client_id=app.client_id, client_secret=app.client_secret)
    assert user_of(response.json()) == user.user_id


def test_client_credentials_refused_on_the_generic_login_host(org):
    assert org.generic_login_url.startswith("http://localhost:")
    response = client_credentials(org, org.generic_login_url)
    assert error_of(response) == (400, "invalid_grant", "request not supported on this domain")
    # Other flows work under that name too.
    assert (
        token(
            org,
            org.generic_login_url,
            grant_type="password",
            client_id=org.client_id,
            client_secret=org.client_secret,
            username=org.username,
            password=org.password,
        ).status_code
        == 200
    )


@pytest.mark.parametrize("secret", ["wrong", None])
def test_client_credentials_needs_the_secret(org, secret):
    response = client_credentials(org, client_secret=secret)
    assert error_of(response)[:2] == (400, "invalid_client")


# ---- JWT bearer ----------------------------------------------------------------------------------


def assertion(org, key: bytes | None = None, **claims) -> str:
    if key is None:
        with open(org.jwt_private_key_path, "rb") as handle:
            key = handle.read()
    values = {
        "iss": org.client_id,
        "sub": org.username,
        "aud": org.login_url,
        "exp": int(time.time()) + 180,
        **claims,
    }
    return jwt.encode({k: v for k, v in values.items() if v is not None}, key, algorithm="RS256")


def jwt_login(org, signed: str | None) -> requests.Response:
    return token(org, grant_type=JWT_GRANT, assertion=signed)


def test_jwt_bearer(org):
    response = jwt_login(org, assertion(org))
    assert response.status_code == 200, response.text
    body = response.json()
    assert "refresh_token" not in body
    assert user_of(body) == org.state.admin_user_id
    assert_token_body(org, body, org.client_secret)


def test_jwt_bearer_as_another_user(org):
    user = org.add_user(f"jwt{time.time_ns()}@example.com", last_name="Jay")
    body = jwt_login(org, assertion(org, sub=user.username)).json()
    assert user_of(body) == user.user_id


def test_jwt_key_files(org):
    assert os.path.isfile(org.jwt_private_key_path)
    assert stat.S_IMODE(os.stat(org.jwt_private_key_path).st_mode) == 0o600
    with open(org.jwt_certificate_path) as handle:
        assert handle.read().startswith("-----BEGIN CERTIFICATE-----")


def test_jwt_key_files_are_removed_when_the_org_stops():
    with FakeOrg() as running:
        path = running.jwt_private_key_path
        assert jwt_login(running, assertion(running)).status_code == 200
    assert not os.path.exists(path)


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"aud": "https://login.salesforce.com"}, ("invalid_grant", "audience is invalid")),
        ({"aud": None}, ("invalid_grant", "audience is invalid")),
        ({"exp": int(time.time()) - 10}, ("invalid_grant", "expired authorization code")),
        ({"exp": None}, ("invalid_grant", "expired authorization code")),
        ({"exp": int(time.time()) + 3600}, ("invalid_grant", None)),
        ({"iss": "3MVG9unknown"}, ("invalid_client_id", "client identifier invalid")),
        ({"sub": "nobody@example.com"}, ("invalid_grant", "user hasn't approved this consumer")),
    ],
)
def test_jwt_claim_errors(org, claims, expected):
    status, error, description = error_of(jwt_login(org, assertion(org, **claims)))
    assert (status, error) == (400, expected[0])
    if expected[1] is not None:
        assert description == expected[1]


def test_jwt_signed_with_another_key_is_invalid_grant(org):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    response = jwt_login(org, assertion(org, key=stranger))
    assert error_of(response) == (400, "invalid_grant", "invalid assertion")


@pytest.mark.parametrize(
    "signed",
    [
        "not-a-jwt",
        "a.b.c",
        jwt.encode({"iss": "x", "sub": "y", "aud": "z", "exp": 1}, "k" * 32, algorithm="HS256"),
    ],
)
def test_jwt_malformed_or_unsigned(org, signed):
    assert error_of(jwt_login(org, signed))[:2] == (400, "invalid_grant")


def test_jwt_without_assertion(org):
    assert error_of(jwt_login(org, None))[:2] == (400, "invalid_request")


# ---- device flow ---------------------------------------------------------------------------------


@pytest.fixture
def device(org):
    org.configure_device_flow(interval=FAST, lifetime=600, approve_after=2)
    yield org
    org.configure_device_flow(interval=5, lifetime=600, approve_after=2)


def start(org, **extra) -> requests.Response:
    return token(org, response_type="device_code", client_id=org.client_id, **extra)


def poll(org, code: str, wait: float = FAST) -> requests.Response:
    time.sleep(wait)
    return token(org, grant_type="device", client_id=org.client_id, code=code)


def test_device_flow_is_approved_after_two_polls(device):
    started = start(device)
    assert started.status_code == 200, started.text
    body = started.json()
    assert list(body) == ["device_code", "user_code", "verification_uri", "interval"]
    assert body["verification_uri"] == f"{device.login_url}/setup/connect"
    assert body["interval"] == FAST
    assert len(body["user_code"]) == 8
    code = body["device_code"]

    assert error_of(poll(device, code))[:2] == (400, "authorization_pending")
    assert error_of(poll(device, code))[:2] == (400, "authorization_pending")
    approved = poll(device, code)

    assert approved.status_code == 200, approved.text
    tokens = approved.json()
    assert tokens["scope"] == "api refresh_token"
    assert user_of(tokens) == device.state.admin_user_id
    assert_token_body(device, tokens, device.client_secret)
    assert refresh(device, tokens["refresh_token"]).status_code == 200
    # A code is used once.
    assert error_of(poll(device, code))[:2] == (400, "invalid_grant")


def test_device_flow_start_needs_a_known_app(device):
    response = token(device, response_type="device_code", client_id="3MVG9unknown")
    assert error_of(response)[:2] == (400, "invalid_client_id")
    assert error_of(token(device, response_type="magic"))[:2] == (400, "unsupported_response_type")


def test_device_flow_slow_down(device):
    # A long interval makes "too soon" hold however slow the machine; a short one makes a poll
    # after a pause "in time". Each answer is about the time since the previous poll.
    device.configure_device_flow(interval=60)
    code = start(device).json()["device_code"]
    assert error_of(poll(device, code, wait=0))[:2] == (400, "slow_down")
    device.configure_device_flow(interval=FAST)
    assert error_of(poll(device, code, wait=2 * FAST))[:2] == (400, "authorization_pending")
    device.configure_device_flow(interval=60)
    assert error_of(poll(device, code, wait=0))[:2] == (400, "slow_down")


def test_denied_device_code(device):
    body = start(device).json()
    assert error_of(poll(device, body["device_code"]))[:2] == (400, "authorization_pending")
    device.deny_device_code(body["user_code"].lower())
    assert error_of(poll(device, body["device_code"])) == (
        400,
        "access_denied",
        "end-user denied authorization",
    )
    assert error_of(poll(device, body["device_code"]))[:2] == (400, "invalid_grant")
    with pytest.raises(LookupError):
        device.deny_device_code(body["user_code"])


def test_expired_device_code(device):
    device.configure_device_flow(lifetime=0.1)
    code = start(device).json()["device_code"]
    assert error_of(poll(device, code, wait=0.15))[:2] == (400, "expired_token")


def test_device_code_approved_by_a_chosen_user(device):
    user = device.add_user(f"dev{time.time_ns()}@example.com", last_name="Vice")
    device.configure_device_flow(approve_after=None)
    body = start(device, scope="api").json()
    for _ in range(4):
        assert error_of(poll(device, body["device_code"]))[:2] == (400, "authorization_pending")
    device.approve_device_code(body["user_code"], user.username)
    tokens = poll(device, body["device_code"]).json()
    assert user_of(tokens) == user.user_id
    # Without the refresh_token scope there is no refresh token.
    assert tokens["scope"] == "api"
    assert "refresh_token" not in tokens


def test_device_flow_settings_are_checked(org):
    with pytest.raises(ValueError, match="interval"):
        org.configure_device_flow(interval=0)
    with pytest.raises(ValueError, match="approve_after"):
        org.configure_device_flow(approve_after=-1)
    with pytest.raises(LookupError):
        org.approve_device_code("NOPE1234")
