"""Sessions that expire mid-run, against the fake org: every call renews once and completes,
concurrent calls share one renewal, a permanently rejected token is reported after one renewal,
nothing renews after logout, and the context manager revokes only its own session.

Token-endpoint requests are counted with ``FakeOrg.stats()`` (endpoint ``oauth.token``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, Callable

import pytest
import requests

import salesforcepy
from salesforcepy.exceptions import InvalidSessionId, SessionRefreshError
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.soql import quote

pytestmark = pytest.mark.integration

TIMEOUT = 10
RECORDS = 2050  # more than one query page (2,000 rows)


def seed(store: Any) -> None:
    for number in range(RECORDS):
        store.create("Account", {"Name": f"Paged {number:04d}"})


@pytest.fixture(scope="module")
def org() -> Iterator[FakeOrg]:
    with FakeOrg(seed=seed) as running:
        running.configure_device_flow(interval=0.05)
        yield running


@pytest.fixture(autouse=True)
def _clean(org: FakeOrg) -> Iterator[None]:
    yield
    org.clear_faults()


def make_client(org: FakeOrg, **options: Any) -> salesforcepy.Client:
    return salesforcepy.client(**{**org.credentials, **options})


def token_requests(org: FakeOrg) -> int:
    return int(org.stats()["requests"].get("oauth.token", 0))


def soap_requests(org: FakeOrg) -> int:
    return sum(n for name, n in org.stats()["requests"].items() if name.startswith("soap."))


def token_works(org: FakeOrg, token: str) -> bool:
    response = requests.get(
        f"{org.instance_url}/services/data/v58.0/limits",
        headers={"Authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
    )
    return response.status_code == 200


def expire_after(client: salesforcepy.Client, org: FakeOrg, predicate: Callable[[Any], bool]):
    """Expire every session right after the first response that matches ``predicate``."""
    fired = threading.Event()

    def hook(response: Any, *args: Any, **kwargs: Any) -> None:
        if not fired.is_set() and predicate(response):
            fired.set()
            org.expire_sessions()

    client.transport.http.hooks["response"].append(hook)
    return fired


def logged_in(org: FakeOrg, how: str) -> salesforcepy.Client:
    client = make_client(org)
    if how == "password":
        _, request = client.login()
    elif how == "soap":
        _, request = client.login_via_soap()
    elif how == "client_credentials":
        _, request = client.login_via_client_credentials()
    elif how == "jwt":
        _, request = client.login_via_jwt(org.jwt_private_key_path)
    elif how == "refresh_token":
        _, request = client.login_via_refresh_token(org.issue_refresh_token())
    elif how == "device":
        _, request = client.login_via_device_flow(on_authorize=lambda a: None, timeout=30)
    else:  # pragma: no cover - a typo in a parameter list
        raise AssertionError(how)
    request.raise_for_status()
    return client


# ---- expiry in the middle of work ----------------------------------------------------------------


def test_expiry_mid_query_more(org: FakeOrg) -> None:
    client = logged_in(org, "password")
    fired = expire_after(client, org, lambda r: "/query" in r.url and r.status_code == 200)
    org.reset_stats()

    pages, request = client.query_more("SELECT Id, Name FROM Account WHERE Name LIKE 'Paged%'")

    assert fired.is_set()
    assert request.ok, request.exceptions
    assert len(pages) == 2
    names = [r["Name"] for page in pages for r in page["records"]]
    assert len(names) == RECORDS
    assert len(set(names)) == RECORDS
    assert token_requests(org) == 1
    # The second page was refused once, then replayed with the renewed session.
    assert [(a.status, a.refreshed) for a in request.attempts] == [(401, True), (200, False)]
    assert org.stats()["requests"]["query.query"] == 1
    assert org.stats()["requests"]["query.query_more"] == 2


def test_expiry_mid_insert(org: FakeOrg) -> None:
    client = logged_in(org, "password")
    org.expire_sessions()
    org.reset_stats()

    body, request = client.sobjects(object_type="Account").insert({"Name": "Inserted once"})

    assert request.ok, request.exceptions
    assert request.status == 201
    assert request.refreshed
    assert token_requests(org) == 1
    found, _ = client.query("SELECT Id FROM Account WHERE Name = 'Inserted once'")
    assert [r["Id"] for r in found["records"]] == [body["id"]]


def test_eight_threads_and_one_expiry_make_one_renewal(org: FakeOrg) -> None:
    client = logged_in(org, "password")
    org.expire_sessions()
    org.reset_stats()
    # A slow token endpoint keeps the renewal in flight while every thread's 401 arrives (a
    # thread that sent its first request only after the renewal would not see a 401 at all).
    org.inject_fault(path="/services/oauth2/token", delay=1.0, times=None)
    start = threading.Barrier(8)
    results: list[Any] = [None] * 8

    def work(index: int) -> None:
        start.wait(TIMEOUT)
        name = quote(f"Paged {index:04d}")
        soql = f"SELECT Id, Name FROM Account WHERE Name = {name}"  # noqa: S608 - quoted
        results[index] = client.query(soql)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 3)

    assert token_requests(org) == 1
    for index, (body, request) in enumerate(results):
        assert request.ok, request.exceptions
        assert body["records"][0]["Name"] == f"Paged {index:04d}"
        assert [a.status for a in request.attempts] == [401, 200]


@pytest.mark.parametrize(
    "how", ["password", "soap", "client_credentials", "jwt", "refresh_token", "device"]
)
def test_every_flow_renews(org: FakeOrg, how: str) -> None:
    client = logged_in(org, how)
    assert client.session is not None
    old = client.session.access_token
    org.expire_sessions()
    org.reset_stats()

    _, request = client.query("SELECT Id FROM Account LIMIT 1")

    assert request.ok, request.exceptions
    assert request.refreshed
    assert token_requests(org) + soap_requests(org) == 1
    assert client.session.access_token != old
    # Flows that hold a refresh token renew with it; the others repeat themselves.
    expected = "refresh_token" if how in ("refresh_token", "device") else how
    assert client.session.flow == expected


# ---- when renewal cannot help ----------------------------------------------------------------


def test_permanently_rejected_token_is_renewed_once_then_reported(org: FakeOrg) -> None:
    client = logged_in(org, "password")
    org.inject_fault(path="/limits", status=401, error_code="INVALID_SESSION_ID", times=None)
    org.reset_stats()

    _, request = client._send(salesforcepy.Request.get("limits/"))

    assert token_requests(org) == 1
    assert org.stats()["requests"]["limits.limits"] == 2
    assert request.status == 401
    assert [type(e) for e in request.exceptions] == [InvalidSessionId]
    assert "rejected again after the session was renewed" in str(request.exceptions[0])
    # The next call starts over: one renewal again, never a loop.
    client._send(salesforcepy.Request.get("limits/"))
    assert token_requests(org) == 2


def test_revoked_refresh_token_fails_the_renewal_clearly(org: FakeOrg) -> None:
    client = logged_in(org, "refresh_token")
    assert client.refresh_token is not None
    revoked = requests.post(
        org.login_url + "/services/oauth2/revoke",
        data={"token": client.refresh_token},
        timeout=TIMEOUT,
    )
    assert revoked.status_code == 200
    org.reset_stats()

    _, request = client.query("SELECT Id FROM Account LIMIT 1")

    assert token_requests(org) == 1
    first, second = request.exceptions
    assert isinstance(first, InvalidSessionId)
    assert isinstance(second, SessionRefreshError)
    assert "invalid_grant" in str(second)


def test_device_session_without_refresh_token_is_not_renewed(org: FakeOrg) -> None:
    client = make_client(org)
    _, request = client.login_via_device_flow(on_authorize=lambda a: None, scope="api", timeout=30)
    request.raise_for_status()
    assert client.refresh_token is None
    org.expire_sessions()
    org.reset_stats()

    _, request = client.query("SELECT Id FROM Account LIMIT 1")

    assert token_requests(org) == 0
    assert isinstance(request.exceptions[1], SessionRefreshError)


# ---- logout and the context manager --------------------------------------------------------------


def test_nothing_renews_after_logout(org: FakeOrg) -> None:
    client = logged_in(org, "password")
    assert client.session is not None
    token = client.session.access_token
    _, request = client.logout()
    assert request is not None
    assert request.ok
    org.reset_stats()

    assert not token_works(org, token)
    _, request = client.query("SELECT Id FROM Account LIMIT 1")
    assert request.status == 401
    assert isinstance(request.exceptions[0], InvalidSessionId)
    assert isinstance(request.exceptions[-1], SessionRefreshError)
    assert len(request.attempts) == 1
    assert token_requests(org) == 0


def test_context_manager_revokes_its_own_session(org: FakeOrg) -> None:
    with make_client(org) as client:
        assert client.session is not None
        token = client.session.access_token
        assert token_works(org, token)
    assert not token_works(org, token)
    assert not client.logged_in


def test_context_manager_keeps_sessions_it_did_not_create(org: FakeOrg) -> None:
    client = logged_in(org, "jwt")
    assert client.session is not None
    token = client.session.access_token
    with client:
        pass
    with salesforcepy.client(session_id=token, instance_url=org.instance_url):
        pass
    assert token_works(org, token)
    assert client.logged_in
