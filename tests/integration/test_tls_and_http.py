"""TLS verification and the plain-http/redirect rules, over real sockets.

This machine (like many CI hosts) sets ``REQUESTS_CA_BUNDLE``; with ``verify=True`` requests uses
it, so the tests that depend on which CAs are trusted pass ``verify`` explicitly or clear the
environment first.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from urllib3.exceptions import InsecureRequestWarning

import salesforcepy
from salesforcepy.exceptions import OutcomeUnknown, TransportError
from salesforcepy.fakeorg import FakeOrg

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def tls_org() -> Iterator[FakeOrg]:
    with FakeOrg(tls=True) as org:
        yield org


@pytest.fixture
def make(tls_org: FakeOrg) -> Iterator[Any]:
    """Clients for ``tls_org``, closed after the test.

    (A TLS fake org waits for open keep-alive connections when it stops.)
    """
    made: list[salesforcepy.Client] = []

    def factory(**changes: Any) -> salesforcepy.Client:
        client = salesforcepy.client(**{**tls_org.credentials, **changes})
        made.append(client)
        return client

    yield factory
    for client in made:
        client.close()


def test_https_with_the_org_ca_bundle(tls_org: FakeOrg, make: Any) -> None:
    assert tls_org.ca_bundle is not None
    sf = make(verify=tls_org.ca_bundle)

    _, login = sf.login()
    body, sent = sf.query("SELECT Id FROM User")

    assert login.ok
    assert sent.ok
    assert sent.url.startswith("https://127.0.0.1:")
    assert body["totalSize"] >= 1


def test_default_verification_rejects_an_unknown_ca(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    sf = make(verify=True)

    with pytest.raises(TransportError) as info:
        sf.login()

    error = info.value
    assert not isinstance(error, OutcomeUnknown)
    assert isinstance(error.__cause__, requests.exceptions.SSLError)
    assert "SSLError" in str(error)
    assert error.request_sent is False
    # A certificate problem does not go away by trying again.
    assert len(error.attempts) == 1
    assert not sf.logged_in


def test_verify_true_uses_the_environment_bundle(
    tls_org: FakeOrg, make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert tls_org.ca_bundle is not None
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", tls_org.ca_bundle)
    sf = make(verify=True)
    _, sent = sf.login()
    assert sent.ok


def test_another_ca_bundle_is_not_trusted_for_this_org(make: Any) -> None:
    with FakeOrg(tls=True) as other:
        assert other.ca_bundle is not None
        sf = make(verify=other.ca_bundle)
        with pytest.raises(TransportError, match="SSLError"):
            sf.login()


def test_verify_false_works_and_warns(make: Any) -> None:
    sf = make(verify=False)
    with pytest.warns(InsecureRequestWarning):
        _, sent = sf.login()
    assert sent.ok


def test_missing_ca_bundle_is_rejected_before_sending(tmp_path: Any) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        salesforcepy.client(verify=str(tmp_path / "missing.pem"))


def test_plain_http_is_only_for_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        salesforcepy.client(login_url="http://login.salesforce.com")
    with pytest.raises(ValueError, match="loopback"):
        salesforcepy.client(login_url="http://192.168.1.10:8080")
    assert salesforcepy.client(login_url="http://[::1]:8080").options.login_url.startswith("http")


# -- redirects -----------------------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str]
    location: str

    def _answer(self) -> None:
        self.hits.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.location:
            self.send_response(307)
            self.send_header("Location", self.location + self.path)
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PATCH = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(location: str) -> tuple[http.server.ThreadingHTTPServer, list[str]]:
    hits: list[str] = []
    handler = type("Handler", (_Recorder,), {"hits": hits, "location": location})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, hits


def test_redirects_are_never_followed() -> None:
    target, target_hits = _serve("")
    redirector, redirect_hits = _serve(f"http://127.0.0.1:{target.server_address[1]}")
    try:
        sf = salesforcepy.client(
            "user@example.com",
            "pw",
            "id",
            "secret",
            login_url=f"http://127.0.0.1:{redirector.server_address[1]}",
        )
        _, sent = sf.login()
    finally:
        redirector.shutdown()
        target.shutdown()
        redirector.server_close()
        target.server_close()

    assert sent.status == 307
    assert sent.exceptions
    assert not sf.logged_in
    assert redirect_hits == ["POST /services/oauth2/token"]
    # The credentials never went to the host the redirect named.
    assert target_hits == []
