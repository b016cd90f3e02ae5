"""The fake org under abuse: shutdown with clients attached, malformed HTTP, hostile bodies.

Everything here goes over a real socket. A malformed request must get a Salesforce-shaped 4xx
(never a 500, never a hang), and stopping an org must end every thread it started.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading

import pytest
import requests

from salesforcepy.fakeorg import FakeOrg

pytestmark = pytest.mark.integration

TIMEOUT = 10


def _connection_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "fakeorg-conn" and t.is_alive()]


def _address(org: FakeOrg) -> tuple[str, int]:
    host, port = org.instance_url.split("//")[1].rsplit(":", 1)
    return host.strip("[]"), int(port)


# ---- shutdown ------------------------------------------------------------------------------------


def test_stop_ends_tls_keep_alive_connections():
    before = set(_connection_threads())
    running = FakeOrg(tls=True).start()
    http = requests.Session()
    try:
        url = running.instance_url + "/services/data/"
        assert http.get(url, verify=running.ca_bundle, timeout=TIMEOUT).status_code == 200
        assert running.stats()["open_connections"] == 1
    finally:
        running.stop()
    try:
        # The server hung up on the idle connection, and its thread is gone once stop() returns.
        assert set(_connection_threads()) <= before
        with pytest.raises(requests.ConnectionError):
            http.get(url, verify=running.ca_bundle, timeout=TIMEOUT)
    finally:
        http.close()


def test_stop_ends_a_connection_stuck_in_the_tls_handshake():
    before = set(_connection_threads())
    running = FakeOrg(tls=True).start()
    silent = socket.create_connection(_address(running), timeout=TIMEOUT)
    try:
        # Wait until the server has accepted it (it then waits for a ClientHello forever).
        while running.stats()["total_connections"] == 0:
            threading.Event().wait(0.01)
        running.stop()
        assert set(_connection_threads()) <= before
        assert silent.recv(1) == b""
    finally:
        silent.close()


def test_tls_server_still_answers_after_a_silent_client(tls_org_and_silent_client):
    running = tls_org_and_silent_client
    context = ssl.create_default_context(cafile=running.ca_bundle)
    with socket.create_connection(_address(running), timeout=TIMEOUT) as raw:  # noqa: SIM117
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            tls.sendall(b"GET /services/data/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert tls.recv(12) == b"HTTP/1.1 200"


@pytest.fixture
def tls_org_and_silent_client():
    with FakeOrg(tls=True) as running:
        silent = socket.create_connection(_address(running), timeout=TIMEOUT)
        try:
            yield running
        finally:
            silent.close()


def _open_files() -> dict[str, str] | None:
    """What each open file descriptor points at (Linux only)."""
    import os

    try:
        names = os.listdir("/proc/self/fd")
    except OSError:  # not Linux
        return None
    found = {}
    for name in names:
        with contextlib.suppress(OSError):  # the descriptor listdir itself used is gone
            found[name] = os.readlink(f"/proc/self/fd/{name}")
    return found


def _fakeorg_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("fakeorg") and t.is_alive()}


def _busy_org(number: int, tmp_path) -> tuple[FakeOrg, requests.Session]:
    """A started org with a keep-alive client attached, a bulk job under way (slow pace) and JWT
    key files made; TLS and a database file for some."""
    from salesforcepy.fakeorg.bulk import BulkSettings

    running = FakeOrg(
        tls=number % 3 == 0,
        db=str(tmp_path / f"org{number}.db") if number % 2 else None,
        bulk=BulkSettings(start_delay=0, rows_per_second=5),
    ).start()
    http = requests.Session()
    verify = running.ca_bundle or True
    login = http.post(
        running.login_url + "/services/oauth2/token",
        data={
            "grant_type": "password",
            "client_id": running.client_id,
            "client_secret": running.client_secret,
            "username": running.username,
            "password": running.password,
        },
        verify=verify,
        timeout=TIMEOUT,
    )
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    jobs = running.instance_url + "/services/data/v58.0/jobs/ingest"
    job = http.post(
        jobs, json={"object": "Account", "operation": "insert"}, headers=auth, verify=verify
    )
    job_url = f"{jobs}/{job.json()['id']}"
    rows = "Name\n" + "".join(f"Account {i}\n" for i in range(100))
    headers = {**auth, "Content-Type": "text/csv"}
    upload = http.put(job_url + "/batches", data=rows, headers=headers, verify=verify)
    assert upload.status_code == 201
    close = http.patch(job_url, json={"state": "UploadComplete"}, headers=auth, verify=verify)
    assert close.json()["state"] == "UploadComplete"
    assert running.jwt_private_key_path
    return running, http


def test_starting_and_stopping_orgs_leaks_no_threads_files_or_sockets(tmp_path):
    import gc
    import os

    threads_before, files_before = _fakeorg_threads(), _open_files()
    sessions = []
    for number in range(10):
        running, http = _busy_org(number, tmp_path)
        sessions.append(http)
        key_file = running.jwt_private_key_path
        running.stop()
        assert not os.path.exists(key_file)
    assert _fakeorg_threads() <= threads_before
    for http in sessions:
        http.close()
    gc.collect()
    if files_before is not None:
        assert _open_files() == files_before
