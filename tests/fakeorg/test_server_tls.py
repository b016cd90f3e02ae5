"""HTTPS with the throwaway CA: verification succeeds with the bundle and fails without it."""

from __future__ import annotations

import os
import socket
import ssl

import pytest
import requests

from salesforcepy.fakeorg import FakeOrg

pytestmark = pytest.mark.integration

TIMEOUT = 10


@pytest.fixture(scope="module")
def tls_org():
    with FakeOrg(tls=True) as running:
        yield running


def test_urls_and_credentials(tls_org):
    assert tls_org.instance_url.startswith("https://127.0.0.1:")
    assert tls_org.login_url == tls_org.instance_url
    assert os.path.isfile(tls_org.ca_bundle)
    assert tls_org.credentials["verify"] == tls_org.ca_bundle
    assert set(tls_org.credentials) == {
        "username",
        "password",
        "security_token",
        "client_id",
        "client_secret",
        "login_url",
        "verify",
    }


def test_verified_login_and_call(tls_org):
    form = {
        "grant_type": "password",
        "client_id": tls_org.client_id,
        "client_secret": tls_org.client_secret,
        "username": tls_org.username,
        "password": tls_org.password,
    }
    with requests.Session() as http:
        login = http.post(
            tls_org.login_url + "/services/oauth2/token",
            data=form,
            verify=tls_org.ca_bundle,
            timeout=TIMEOUT,
        )
        assert login.status_code == 200
        assert login.json()["instance_url"].startswith("https://")
        headers = {"Authorization": "Bearer " + login.json()["access_token"]}
        for _ in range(3):
            response = http.get(
                tls_org.instance_url + "/services/data/v58.0/limits",
                headers=headers,
                verify=tls_org.ca_bundle,
                timeout=TIMEOUT,
            )
            assert response.status_code == 200


def test_localhost_name_is_in_the_certificate(tls_org):
    url = tls_org.instance_url.replace("127.0.0.1", "localhost") + "/services/data/"
    assert requests.get(url, verify=tls_org.ca_bundle, timeout=TIMEOUT).status_code == 200


def test_without_the_bundle_verification_fails(tls_org):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(tls_org.instance_url + "/services/data/", verify=True, timeout=TIMEOUT)


def test_failed_handshakes_do_not_break_the_server(tls_org):
    for _ in range(3):
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(tls_org.instance_url + "/services/data/", verify=True, timeout=TIMEOUT)
    ok = requests.get(
        tls_org.instance_url + "/services/data/", verify=tls_org.ca_bundle, timeout=TIMEOUT
    )
    assert ok.status_code == 200


def test_plain_http_to_the_tls_port_gets_nothing_useful(tls_org):
    with pytest.raises(requests.ConnectionError):
        requests.get(
            tls_org.instance_url.replace("https", "http") + "/services/data/", timeout=TIMEOUT
        )


def test_ssl_module_verifies_with_the_bundle(tls_org):
    context = ssl.create_default_context(cafile=tls_org.ca_bundle)
    host, port = tls_org.instance_url.split("//")[1].split(":")
    # Nested on purpose: parenthesized context managers need Python 3.10.
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as raw:  # noqa: SIM117
        with context.wrap_socket(raw, server_hostname=host) as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_bundle_is_removed_on_stop():
    with FakeOrg(tls=True) as running:
        bundle = running.ca_bundle
        assert os.path.isfile(bundle)
    assert not os.path.exists(bundle)
