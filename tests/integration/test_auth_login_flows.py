"""Every login flow of the client against the fake org over a real socket, with its failures:
password, SOAP, refresh token, client credentials, JWT bearer, device flow, existing session."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

import salesforcepy
from salesforcepy.auth import DeviceAuthorization
from salesforcepy.exceptions import AuthError, InvalidSessionId, LoginTimeout
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.request import Base, Request

from ..rsa_keys import key_pair

pytestmark = pytest.mark.integration

TIMEOUT = 10


@pytest.fixture(scope="module")
def org() -> Iterator[FakeOrg]:
    with FakeOrg() as running:
        running.configure_device_flow(interval=0.05)
        yield running


@pytest.fixture
def device_org(org: FakeOrg) -> Iterator[FakeOrg]:
    yield org
    org.configure_device_flow(interval=0.05, lifetime=600, approve_after=2)


def make_client(org: FakeOrg, **options: Any) -> salesforcepy.Client:
    return salesforcepy.client(**{**org.credentials, **options})


def token_works(org: FakeOrg, token: str) -> bool:
    response = requests.get(
        f"{org.instance_url}/services/data/v58.0/limits",
        headers={"Authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
    )
    return response.status_code == 200


def who_am_i(client: salesforcepy.Client) -> str:
    """The user the client's token belongs to, as the org's userinfo endpoint says."""
    userinfo = Request.get("/services/oauth2/userinfo", base=Base.LOGIN)
    body, request = client._send(userinfo)
    request.raise_for_status()
    return str(body["user_id"])


# ---- password and SOAP ---------------------------------------------------------------------------


def test_password_login(org: FakeOrg) -> None:
    client = make_client(org)
    body, request = client.login()
    assert request.ok
    assert body["access_token"] == "[redacted]"
    assert client.version == org.state.latest_version
    assert who_am_i(client) == org.state.admin_user_id
    _, failed = make_client(org, password="wrong", security_token=None).login()
    assert failed.exceptions[0].error_code == "invalid_grant"  # type: ignore[attr-defined]


def test_soap_login(org: FakeOrg) -> None:
    client = make_client(org)
    _, request = client.login_via_soap()
    assert request.ok
    assert client.session is not None
    assert client.session.flow == "soap"
    assert token_works(org, client.session.access_token)
    _, failed = make_client(org, password="wrong", security_token=None).login_via_soap()
    assert failed.exceptions[0].error_code == "INVALID_LOGIN"  # type: ignore[attr-defined]


# ---- refresh token -------------------------------------------------------------------------------


def test_refresh_token_login(org: FakeOrg) -> None:
    refresh_token = org.issue_refresh_token()
    client = make_client(org, username=None, password=None)

    body, request = client.login_via_refresh_token(refresh_token)

    assert request.ok, request.exceptions
    assert body["scope"] == "api refresh_token"
    assert client.session is not None
    assert client.session.flow == "refresh_token"
    assert client.refresh_token == refresh_token
    assert who_am_i(client) == org.state.admin_user_id


def test_revoked_refresh_token_is_refused(org: FakeOrg) -> None:
    refresh_token = org.issue_refresh_token()
    revoked = requests.post(
        org.login_url + "/services/oauth2/revoke", data={"token": refresh_token}, timeout=TIMEOUT
    )
    assert revoked.status_code == 200
    client = make_client(org)

    body, request = client.login_via_refresh_token(refresh_token)

    assert body == {"error": "invalid_grant", "error_description": "expired access/refresh token"}
    assert isinstance(request.exceptions[0], AuthError)
    assert not client.logged_in


def test_refresh_token_of_another_user(org: FakeOrg) -> None:
    user = org.add_user(f"rt{time.time_ns()}@example.com", last_name="Refresh")
    client = make_client(org)
    client.login_via_refresh_token(org.issue_refresh_token(user.username))
    assert who_am_i(client) == user.user_id


# ---- client credentials --------------------------------------------------------------------------


def test_client_credentials_login(org: FakeOrg) -> None:
    client = make_client(org, username=None, password=None)
    body, request = client.login_via_client_credentials()
    assert request.ok, request.exceptions
    assert body["scope"] == "api"
    assert client.refresh_token is None
    assert who_am_i(client) == org.state.admin_user_id


def test_client_credentials_refused_on_the_generic_login_host(org: FakeOrg) -> None:
    client = make_client(org, login_url=org.generic_login_url)
    body, request = client.login_via_client_credentials()
    assert body["error_description"] == "request not supported on this domain"
    assert request.exceptions[0].error_code == "invalid_grant"  # type: ignore[attr-defined]
    assert not client.logged_in


def test_client_credentials_with_a_wrong_secret(org: FakeOrg) -> None:
    _, request = make_client(org, client_secret="wrong").login_via_client_credentials()
    assert request.exceptions[0].error_code == "invalid_client"  # type: ignore[attr-defined]


# ---- JWT bearer ----------------------------------------------------------------------------------


def test_jwt_login_with_the_orgs_key_file(org: FakeOrg) -> None:
    client = make_client(org, password=None)
    body, request = client.login_via_jwt(org.jwt_private_key_path)
    assert request.ok, request.exceptions
    assert "refresh_token" not in body
    assert client.session is not None
    assert client.session.flow == "jwt"
    assert who_am_i(client) == org.state.admin_user_id


def test_jwt_login_as_another_user_with_key_text(org: FakeOrg) -> None:
    user = org.add_user(f"jwt{time.time_ns()}@example.com", last_name="Bearer")
    with open(org.jwt_private_key_path) as handle:
        pem = handle.read()
    client = make_client(org)
    _, request = client.login_via_jwt(pem, username=user.username)
    assert request.ok
    assert who_am_i(client) == user.user_id


@pytest.mark.parametrize(
    ("arguments", "description"),
    [
        ({"private_key": key_pair("not the org's")[0]}, "invalid assertion"),
        ({"audience": "https://login.salesforce.com"}, "audience is invalid"),
        ({"username": "nobody@example.com"}, "user hasn't approved this consumer"),
    ],
    ids=["bad key", "wrong audience", "unknown user"],
)
def test_jwt_refused(org: FakeOrg, arguments: dict[str, Any], description: str) -> None:
    arguments = {"private_key": org.jwt_private_key_path, **arguments}
    client = make_client(org)

    body, request = client.login_via_jwt(**arguments)

    assert body == {"error": "invalid_grant", "error_description": description}
    assert isinstance(request.exceptions[0], AuthError)
    assert not client.logged_in


def test_jwt_with_an_unknown_consumer_key(org: FakeOrg) -> None:
    _, request = make_client(org, client_id="3MVG9nope").login_via_jwt(org.jwt_private_key_path)
    assert request.exceptions[0].error_code == "invalid_client_id"  # type: ignore[attr-defined]


# ---- device flow ---------------------------------------------------------------------------------


def test_device_flow_login(device_org: FakeOrg) -> None:
    shown: list[DeviceAuthorization] = []
    authenticated: list[Any] = []
    client = make_client(device_org, username=None, password=None, client_secret=None)

    body, request = client.login_via_device_flow(
        on_authorize=shown.append, on_authenticate=authenticated.append, timeout=30
    )

    assert request.ok, request.exceptions
    assert [a.verification_uri for a in shown] == [f"{device_org.login_url}/setup/connect"]
    assert authenticated == [body]
    assert body["refresh_token"] == "[redacted]"
    assert client.refresh_token is not None
    assert who_am_i(client) == device_org.state.admin_user_id
    # The refresh token it got is a working one.
    other = make_client(device_org)
    assert other.login_via_refresh_token(client.refresh_token)[1].ok


def test_denied_device_code(device_org: FakeOrg) -> None:
    device_org.configure_device_flow(approve_after=None)
    client = make_client(device_org)

    body, request = client.login_via_device_flow(
        on_authorize=lambda a: device_org.deny_device_code(a.user_code), timeout=30
    )

    assert body["error"] == "access_denied"
    assert isinstance(request.exceptions[0], AuthError)
    assert not client.logged_in


def test_expired_device_code(device_org: FakeOrg) -> None:
    device_org.configure_device_flow(approve_after=None, lifetime=0.2)
    client = make_client(device_org)
    body, request = client.login_via_device_flow(on_authorize=lambda a: None, timeout=30)
    assert body["error"] == "expired_token"
    assert request.exceptions[0].error_code == "expired_token"  # type: ignore[attr-defined]
    assert not client.logged_in


def test_device_flow_times_out(device_org: FakeOrg) -> None:
    device_org.configure_device_flow(approve_after=None)
    client = make_client(device_org)
    _, request = client.login_via_device_flow(on_authorize=lambda a: None, timeout=0.3)
    assert isinstance(request.exceptions[0], LoginTimeout)
    assert not client.logged_in


def test_device_flow_approved_by_another_user(device_org: FakeOrg) -> None:
    user = device_org.add_user(f"dv{time.time_ns()}@example.com", last_name="Device")
    device_org.configure_device_flow(approve_after=None)
    client = make_client(device_org)
    _, request = client.login_via_device_flow(
        on_authorize=lambda a: device_org.approve_device_code(a.user_code, user.username),
        timeout=30,
    )
    assert request.ok
    assert who_am_i(client) == user.user_id


# ---- an existing session -------------------------------------------------------------------------


def test_existing_session(org: FakeOrg) -> None:
    owner = make_client(org)
    owner.login()
    assert owner.session is not None
    token = owner.session.access_token

    with salesforcepy.client(session_id=token, instance_url=org.instance_url) as borrowed:
        body, request = borrowed.query("SELECT Id FROM User")
        assert request.ok
        assert body["totalSize"] >= 1

    # Leaving the block neither revoked nor replaced the owner's session.
    assert token_works(org, token)


def test_existing_session_that_expired(org: FakeOrg) -> None:
    owner = make_client(org)
    owner.login()
    assert owner.session is not None
    borrowed = salesforcepy.client(
        session_id=owner.session.access_token, instance_url=org.instance_url
    )
    org.expire_sessions()
    org.reset_stats()

    _, request = borrowed.query("SELECT Id FROM User")

    assert isinstance(request.exceptions[0], InvalidSessionId)
    assert "session_id" in str(request.exceptions[0])
    assert org.stats()["requests"].get("oauth.token", 0) == 0
