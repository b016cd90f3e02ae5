"""Logging in to the fake org: OAuth password grant, revoke, identity, SOAP login, 401 paths."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time

import pytest
import requests
from lxml import etree

from salesforcepy.fakeorg.auth import Directory, SessionStore, UserCredentials
from salesforcepy.fakeorg.ids import is_valid_id

pytestmark = pytest.mark.integration

TIMEOUT = 10
INVALID_SESSION = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
SOAPENV = "http://schemas.xmlsoap.org/soap/envelope/"
PARTNER = "urn:partner.soap.sforce.com"
ENTERPRISE = "urn:enterprise.soap.sforce.com"


# ---- OAuth password grant ------------------------------------------------------------------------


def test_password_grant_success(rest, org):
    response = rest.login()
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [
        "access_token",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
        "signature",
    ]
    assert body["instance_url"] == org.instance_url
    assert body["token_type"] == "Bearer"
    assert re.fullmatch(r"\d{13}", body["issued_at"])
    assert abs(int(body["issued_at"]) / 1000 - time.time()) < 60
    org_id, user_id = body["id"].rsplit("/", 2)[1:]
    assert body["id"] == f"{org.login_url}/id/{org_id}/{user_id}"
    assert org_id == org.org_id
    assert is_valid_id(org_id)
    assert org_id.startswith("00D")
    assert is_valid_id(user_id)
    assert user_id.startswith("005")
    assert body["access_token"].startswith(org.org_id[:15] + "!")
    assert "refresh_token" not in body


def test_signature_is_hmac_of_id_and_issued_at(rest, org):
    body = rest.login().json()
    expected = hmac.new(
        org.client_secret.encode(), (body["id"] + body["issued_at"]).encode(), hashlib.sha256
    ).digest()
    assert base64.b64decode(body["signature"]) == expected


def test_each_login_gets_a_new_working_token(rest):
    first = rest.login().json()["access_token"]
    second = rest.login().json()["access_token"]
    assert first != second
    for token in (first, second):
        assert (
            rest.get(
                "/limits", auth=False, headers={"Authorization": f"Bearer {token}"}
            ).status_code
            == 200
        )


def test_password_with_security_token_works(rest, org):
    response = rest.login(password=org.password + org.security_token)
    assert response.status_code == 200


def test_username_is_case_insensitive(rest, org):
    assert rest.login(username=org.username.upper()).status_code == 200


def test_client_credentials_as_basic_auth(rest, org):
    response = rest.http.post(
        org.login_url + "/services/oauth2/token",
        data={"grant_type": "password", "username": org.username, "password": org.password},
        auth=(org.client_id, org.client_secret),
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("overrides", "error", "description"),
    [
        ({"password": "wrong"}, "invalid_grant", "authentication failure"),
        ({"password": None}, "invalid_grant", "authentication failure"),
        ({"username": "nobody@example.com"}, "invalid_grant", "authentication failure"),
        ({"client_id": "3MVG9unknown"}, "invalid_client_id", "client identifier invalid"),
        ({"client_id": None}, "invalid_client_id", "client identifier invalid"),
        ({"client_secret": "123"}, "invalid_client", "invalid client credentials"),
        ({"client_secret": None}, "invalid_client", "invalid client credentials"),
        ({"grant_type": "magic"}, "unsupported_grant_type", "grant type not supported"),
        ({"grant_type": None}, "unsupported_grant_type", "grant type not supported"),
    ],
)
def test_token_errors(rest, overrides, error, description):
    response = rest.login(**overrides)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"error": error, "error_description": description}
    assert "Sforce-Limit-Info" not in response.headers


def test_password_plus_wrong_token_fails(rest, org):
    response = rest.login(password=org.password + "WRONGTOKEN")
    assert response.json()["error"] == "invalid_grant"


def test_untrusted_address_needs_the_security_token(org):
    directory = Directory([UserCredentials("u@example.com", "005000000000001AAA", "pw", "TOKEN")])
    assert directory.authenticate("u@example.com", "pw", trusted=True) is not None
    assert directory.authenticate("u@example.com", "pw", trusted=False) is None
    assert directory.authenticate("U@Example.com", "pwTOKEN", trusted=False) is not None
    assert "pw" not in repr(directory.user("u@example.com"))
    assert "TOKEN" not in repr(directory.user("u@example.com"))


def test_token_endpoint_only_takes_post(rest, org):
    response = rest.http.get(org.login_url + "/services/oauth2/token", timeout=TIMEOUT)
    assert response.status_code == 405


# ---- the 401 paths -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "00Dxx!abc"},
    ],
)
def test_missing_or_invalid_token_is_401(rest, headers):
    response = rest.get("/limits", auth=False, headers=headers)
    assert response.status_code == 401
    assert response.json() == INVALID_SESSION


def test_oauth_scheme_is_accepted(rest):
    response = rest.get("/limits", auth=False, headers={"Authorization": f"OAuth {rest.token}"})
    assert response.status_code == 200


def test_revoked_token_is_401(rest):
    token = rest.login().json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert rest.get("/limits", auth=False, headers=headers).status_code == 200
    assert (
        rest.post("/services/oauth2/revoke", data={"token": token}, auth=False).status_code == 200
    )
    response = rest.get("/limits", auth=False, headers=headers)
    assert response.status_code == 401
    assert response.json() == INVALID_SESSION


def test_expired_sessions_are_401_and_new_logins_work(rest, org):
    other = rest.login().json()["access_token"]
    assert org.expire_sessions() >= 2
    for token in (rest.token, other):
        response = rest.get("/limits", auth=False, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.json() == INVALID_SESSION
    fresh = rest.login().json()["access_token"]
    assert (
        rest.get("/limits", auth=False, headers={"Authorization": f"Bearer {fresh}"}).status_code
        == 200
    )


def test_idle_session_times_out():
    sessions = SessionStore("00D5g0000000001EAA", seconds_valid=0)
    session = sessions.issue("0055g0000000001AAA")
    assert sessions.lookup(session.token) is None
    assert session.token not in repr(session)


# ---- revoke --------------------------------------------------------------------------------------


def test_revoke_by_get(rest):
    token = rest.login().json()["access_token"]
    response = rest.get("/services/oauth2/revoke", params={"token": token}, auth=False)
    assert response.status_code == 200
    assert response.content == b""
    assert (
        rest.get("/limits", auth=False, headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )


@pytest.mark.parametrize(
    ("data", "error"), [({"token": "nope"}, "invalid_token"), ({}, "invalid_request")]
)
def test_revoke_errors(rest, data, error):
    response = rest.post("/services/oauth2/revoke", data=data, auth=False)
    assert response.status_code == 400
    assert response.json()["error"] == error


def test_revoking_twice_fails_the_second_time(rest):
    token = rest.login().json()["access_token"]
    assert (
        rest.post("/services/oauth2/revoke", data={"token": token}, auth=False).status_code == 200
    )
    assert (
        rest.post("/services/oauth2/revoke", data={"token": token}, auth=False).status_code == 400
    )


def test_revoking_a_refresh_token_revokes_its_access_tokens(org):
    sessions = org.state.sessions
    refresh = sessions.issue_refresh_token(org.state.admin_user_id, org.client_id)
    derived = sessions.issue(org.state.admin_user_id, refresh_token=refresh.token)
    unrelated = sessions.issue(org.state.admin_user_id)
    assert sessions.revoke(refresh.token)
    assert sessions.lookup(derived.token) is None
    assert sessions.lookup(unrelated.token) is not None
    assert sessions.lookup_refresh_token(refresh.token) is None


# ---- identity and userinfo -----------------------------------------------------------------------


def test_identity_url(rest, org):
    login = rest.login().json()
    response = rest.http.get(
        login["id"], headers=rest.auth, params={"version": "58.0"}, timeout=TIMEOUT
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == login["id"]
    assert body["user_id"] == org.state.admin_user_id
    assert body["organization_id"] == org.org_id
    assert body["username"] == org.username
    assert body["urls"]["rest"] == f"{org.instance_url}/services/data/v58.0/"
    assert body["urls"]["partner"] == f"{org.instance_url}/services/Soap/u/58.0/{org.org_id[:15]}"
    assert body["active"] is True
    assert "Sforce-Limit-Info" not in response.headers


def test_identity_url_keeps_placeholder_without_version(rest):
    body = rest.http.get(rest.login().json()["id"], headers=rest.auth, timeout=TIMEOUT).json()
    assert body["urls"]["sobjects"].endswith("/services/data/v{version}/sobjects/")


def test_identity_with_15_char_ids(rest, org):
    url = f"{org.login_url}/id/{org.org_id[:15]}/{org.state.admin_user_id[:15]}"
    assert rest.http.get(url, headers=rest.auth, timeout=TIMEOUT).status_code == 200


def test_identity_bad_token(rest):
    response = rest.http.get(
        rest.login().json()["id"], headers={"Authorization": "Bearer nope"}, timeout=TIMEOUT
    )
    assert response.status_code == 403
    assert response.text == "Bad_OAuth_Token"


def test_other_users_log_in_as_themselves(rest, org):
    user = org.add_user(f"user{time.time_ns()}@example.com", last_name="Other", first_name="Olga")
    assert user.user_id.startswith("005")
    assert user.password not in repr(user)
    login = rest.login(username=user.username, password=user.password)
    assert login.status_code == 200
    token = login.json()["access_token"]
    assert login.json()["id"].endswith("/" + user.user_id)
    me = rest.get(
        "/services/oauth2/userinfo", auth=False, headers={"Authorization": f"Bearer {token}"}
    )
    assert me.json()["preferred_username"] == user.username
    assert me.json()["given_name"] == "Olga"
    admin_identity = rest.http.get(
        rest.login().json()["id"], headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
    )
    assert admin_identity.status_code == 403
    created = rest.post(
        "/sobjects/Account",
        json={"Name": "Olga's"},
        auth=False,
        headers={"Authorization": f"Bearer {token}"},
    )
    record = rest.get(f"/sobjects/Account/{created.json()['id']}").json()
    assert record["CreatedById"] == user.user_id
    assert record["OwnerId"] == user.user_id
    assert rest.login(username=user.username, password="nope").status_code == 400


def test_identity_of_another_org(rest, org):
    url = f"{org.login_url}/id/00D000000000001AAA/{org.state.admin_user_id}"
    assert rest.http.get(url, headers=rest.auth, timeout=TIMEOUT).status_code == 404


def test_userinfo(rest, org):
    response = rest.get("/services/oauth2/userinfo")
    assert response.status_code == 200
    body = response.json()
    assert body["sub"] == rest.login().json()["id"]
    assert body["preferred_username"] == org.username
    assert body["organization_id"] == org.org_id
    assert body["user_id"] == org.state.admin_user_id


def test_userinfo_with_oauth_token_parameter(rest):
    response = rest.get("/services/oauth2/userinfo", auth=False, params={"oauth_token": rest.token})
    assert response.status_code == 200


def test_userinfo_bad_token(rest):
    response = rest.get("/services/oauth2/userinfo", auth=False)
    assert response.status_code == 403
    assert response.text == "Bad_OAuth_Token"


# ---- SOAP login ----------------------------------------------------------------------------------


def soap_body(username: str, password: str, namespace: str, *, prefixed: bool) -> bytes:
    """A login envelope built with lxml; ``prefixed`` binds the namespace to ``n1``."""
    envelope = etree.Element(f"{{{SOAPENV}}}Envelope", nsmap={"env": SOAPENV})
    body = etree.SubElement(envelope, f"{{{SOAPENV}}}Body")
    login = etree.SubElement(
        body, f"{{{namespace}}}login", nsmap={"n1" if prefixed else None: namespace}
    )
    etree.SubElement(login, f"{{{namespace}}}username").text = username
    etree.SubElement(login, f"{{{namespace}}}password").text = password
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def soap_login(org, wsdl: str, version: str, body: bytes, headers: dict | None = None):
    return requests.post(
        f"{org.login_url}/services/Soap/{wsdl}/{version}",
        data=body,
        headers={"Content-Type": "text/xml; charset=UTF-8", **(headers or {})},
        timeout=TIMEOUT,
    )


@pytest.mark.parametrize(
    ("wsdl", "namespace", "prefixed", "soap_action"),
    [
        ("u", PARTNER, True, "login"),
        ("u", PARTNER, False, '""'),
        ("c", ENTERPRISE, False, None),
        ("c", ENTERPRISE, True, "login"),
    ],
)
def test_soap_login(rest, org, wsdl, namespace, prefixed, soap_action):
    headers = {"SOAPAction": soap_action} if soap_action is not None else {}
    body = soap_body(org.username, org.password, namespace, prefixed=prefixed)
    response = soap_login(org, wsdl, "58.0", body, headers)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    result = root.find(f"{{{SOAPENV}}}Body/{{{namespace}}}loginResponse/{{{namespace}}}result")
    assert result is not None
    names = [etree.QName(child).localname for child in result]
    assert names == [
        "metadataServerUrl",
        "passwordExpired",
        "sandbox",
        "serverUrl",
        "sessionId",
        "userId",
        "userInfo",
    ]
    info = [etree.QName(child).localname for child in result.find(f"{{{namespace}}}userInfo")]
    assert info[:3] == ["accessibilityMode", "currencySymbol", "orgAttachmentFileSizeLimit"]
    assert info[-4:] == ["userName", "userTimeZone", "userType", "userUiSkin"]
    assert result.findtext(f"{{{namespace}}}userId") == org.state.admin_user_id
    server_url = result.findtext(f"{{{namespace}}}serverUrl")
    assert server_url.startswith(f"{org.instance_url}/services/Soap/{wsdl}/58.0/{org.org_id[:15]}")
    session_id = result.findtext(f"{{{namespace}}}sessionId")
    # A SOAP session id is an ordinary REST bearer token.
    assert (
        rest.get(
            "/limits", auth=False, headers={"Authorization": f"Bearer {session_id}"}
        ).status_code
        == 200
    )


def test_soap_login_escapes_and_security_token(org):
    body = soap_body(org.username, org.password + org.security_token, PARTNER, prefixed=True)
    assert soap_login(org, "u", "60.0", body).status_code == 200


def soap_fault(response, wsdl: str = "u") -> tuple[str, str]:
    assert response.status_code == 500
    fault_ns = f"urn:fault.{'partner' if wsdl == 'u' else 'enterprise'}.soap.sforce.com"
    assert f'xmlns:sf="{fault_ns}"'.encode() in response.content
    root = etree.fromstring(response.content)
    fault = root.find(f"{{{SOAPENV}}}Body/{{{SOAPENV}}}Fault")
    code = fault.findtext("faultcode")
    detail_code = fault.findtext(f"detail/{{{fault_ns}}}*/{{{fault_ns}}}exceptionCode")
    return code, detail_code


@pytest.mark.parametrize("wsdl", ["u", "c"])
def test_soap_login_failure_is_invalid_login_fault(org, wsdl):
    namespace = PARTNER if wsdl == "u" else ENTERPRISE
    response = soap_login(
        org, wsdl, "58.0", soap_body(org.username, "wrong", namespace, prefixed=False)
    )
    assert soap_fault(response, wsdl) == ("sf:INVALID_LOGIN", "INVALID_LOGIN")
    assert b"LoginFault" in response.content


@pytest.mark.parametrize("version", ["65.0", "66.0"])
def test_soap_login_is_gone_from_65(org, version):
    response = soap_login(
        org, "u", version, soap_body(org.username, org.password, PARTNER, prefixed=True)
    )
    assert soap_fault(response) == ("sf:UNSUPPORTED_API_VERSION", "UNSUPPORTED_API_VERSION")


@pytest.mark.parametrize("version", ["30.0", "99.0"])
def test_soap_login_unsupported_versions(org, version):
    response = soap_login(
        org, "c", version, soap_body(org.username, org.password, ENTERPRISE, prefixed=True)
    )
    assert soap_fault(response, "c") == ("sf:UNSUPPORTED_API_VERSION", "UNSUPPORTED_API_VERSION")


@pytest.mark.parametrize(
    "body",
    [
        b"not xml",
        b"<a/>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    ],
)
def test_soap_login_rejects_garbage(org, body):
    response = soap_login(org, "u", "58.0", body)
    assert response.status_code == 500
    assert b"soapenv:Client" in response.content
    assert b"root:" not in response.content


def test_soap_other_operations_are_refused(org):
    body = soap_body(org.username, org.password, PARTNER, prefixed=True).replace(
        b"login", b"logout"
    )
    response = soap_login(org, "u", "58.0", body)
    assert soap_fault(response)[0] == "sf:INVALID_OPERATION"


def test_tokens_never_appear_in_logs(rest, org, caplog):
    caplog.set_level("DEBUG", logger="salesforcepy")
    token = rest.login().json()["access_token"]
    rest.get("/services/oauth2/revoke", params={"token": token}, auth=False)
    org.inject_fault(path="limits", status=503)
    rest.get("/limits")
    assert token not in caplog.text
    assert org.password not in caplog.text
