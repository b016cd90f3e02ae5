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
    with FakeOrg(tls=True) as running:  # noqa: SIM117 - one line would not fit
        with socket.create_connection(_address(running), timeout=TIMEOUT) as silent:
            # Wait until the server has accepted it (it then waits for a ClientHello forever).
            for _ in range(1000):
                if running.stats()["total_connections"]:
                    break
                threading.Event().wait(0.01)
            assert running.stats()["total_connections"] == 1
            running.stop()
            assert set(_connection_threads()) <= before
            assert silent.recv(1) == b""


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


def _busy_org(
    number: int, tmp_path, stack: contextlib.ExitStack
) -> tuple[FakeOrg, requests.Session]:
    """A started org with a keep-alive client attached, a bulk job under way (slow pace) and JWT
    key files made; TLS and a database file for some. ``stack`` stops the org and closes the
    client if the test ends early."""
    from salesforcepy.fakeorg.bulk import BulkSettings

    running = FakeOrg(
        tls=number % 3 == 0,
        db=str(tmp_path / f"org{number}.db") if number % 2 else None,
        bulk=BulkSettings(start_delay=0, rows_per_second=5),
    ).start()
    stack.callback(running.stop)
    http = requests.Session()
    stack.callback(http.close)
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

    gc.collect()
    threads_before, files_before = _fakeorg_threads(), _open_files()
    with contextlib.ExitStack() as stack:
        sessions = []
        for number in range(10):
            running, http = _busy_org(number, tmp_path, stack)
            sessions.append(http)
            key_file = running.jwt_private_key_path
            running.stop()
            assert not os.path.exists(key_file)
        assert _fakeorg_threads() <= threads_before
        for http in sessions:
            http.close()
    gc.collect()
    if files_before is not None:
        # Nothing new is open. (Not equality: a connection of an org another test started may
        # close while this test runs.)
        assert set(_open_files().items()) <= set(files_before.items())


# ---- malformed HTTP ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def org():
    with FakeOrg() as running:
        yield running


@pytest.fixture(scope="module")
def token(org):
    answer = requests.post(
        org.login_url + "/services/oauth2/token",
        data={
            "grant_type": "password",
            "client_id": org.client_id,
            "client_secret": org.client_secret,
            "username": org.username,
            "password": org.password,
        },
        timeout=TIMEOUT,
    )
    return answer.json()["access_token"]


def exchange(org: FakeOrg, payload: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read one response until the server closes; (status, headers, body).

    A server that neither answers nor hangs up fails the test with a timeout.
    """
    with socket.create_connection(_address(org), timeout=TIMEOUT) as sock:
        sock.sendall(payload)
        chunks = []
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    raw = b"".join(chunks)
    assert raw, "the server hung up without an answer"
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    assert int(headers["content-length"]) == len(body)
    return int(lines[0].split(" ")[1]), headers, body


def assert_error_array(status: int, headers: dict[str, str], body: bytes, code: str) -> None:
    import json

    assert headers["content-type"] == "application/json;charset=UTF-8"
    errors = json.loads(body)
    assert [error["errorCode"] for error in errors] == [code], errors
    assert errors[0]["message"]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (b"NONSENSE\r\n\r\n", 400),
        (b"GET / SPDY/3\r\n\r\n", 505),
        (b"GET /services/data/ HTTP/1.1\r\nbad header line\r\n\r\n", 400),
        (b"POST /services/data/ HTTP/1.1\r\nContent-Length: lots\r\n\r\n", 400),
        (b"POST /services/data/ HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n", 400),
        (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"X: a\r\n" * 300 + b"\r\n", 431),
        (b"POST / HTTP/1.1\r\nContent-Length: 900000000000\r\n\r\n", 413),
    ],
)
def test_framing_errors_are_salesforce_error_arrays(org, payload, status):
    answer_status, headers, body = exchange(org, payload)
    assert answer_status == status
    assert headers["connection"] == "close"
    code = "EXCEEDED_MAX_SIZE_REQUEST" if status == 413 else "MALFORMED_REQUEST"
    assert_error_array(answer_status, headers, body, code)


@pytest.mark.parametrize("size", [b"-5", b"+5", b"0x5", b" ", b"5 5"])
def test_bad_chunk_sizes_are_refused_not_waited_on(org, size):
    payload = (
        b"POST /services/oauth2/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + size
        + b"\r\nabcde\r\n0\r\n\r\n"
    )
    status, headers, body = exchange(org, payload)
    assert status == 400
    assert_error_array(status, headers, body, "MALFORMED_REQUEST")


@pytest.mark.parametrize("length", [b"+5", b"-1", b"0x5", b"5.0"])
def test_content_length_must_be_digits(org, length):
    head = b"POST /services/oauth2/token HTTP/1.1\r\nContent-Length: "
    payload = head + length + b"\r\n\r\nabcde"
    status, headers, body = exchange(org, payload)
    assert status == 400
    assert_error_array(status, headers, body, "MALFORMED_REQUEST")


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compressed_body_may_not_expand_past_the_size_limit(org, monkeypatch, encoding):
    import gzip
    import zlib

    monkeypatch.setattr("salesforcepy.fakeorg.server.MAX_BODY", 64 * 1024)
    data = b'{"path": "' + b"x" * (1024 * 1024) + b'"}'
    body = gzip.compress(data) if encoding == "gzip" else zlib.compress(data)
    assert len(body) < 64 * 1024
    payload = (
        f"POST /__fakeorg__/faults HTTP/1.1\r\nContent-Type: application/json\r\n"
        f"Content-Encoding: {encoding}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    status, headers, answer = exchange(org, payload)
    assert status == 413
    assert_error_array(status, headers, answer, "EXCEEDED_MAX_SIZE_REQUEST")


def test_concatenated_gzip_members_are_one_body(org):
    import gzip

    body = gzip.compress(b'{"path": "two-members", ') + gzip.compress(b'"status": 503}')
    answer = requests.post(
        org.instance_url + "/__fakeorg__/faults",
        data=body,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["path"] == "two-members"
    org.clear_faults()


def test_truncated_gzip_body_is_400(org):
    import gzip

    body = gzip.compress(b'{"path": "cut", "status": 503}')[:-6]
    payload = (
        b"POST /__fakeorg__/faults HTTP/1.1\r\nContent-Type: application/json\r\n"
        b"Content-Encoding: gzip\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    ) + body
    status, headers, answer = exchange(org, payload)
    assert status == 400
    assert_error_array(status, headers, answer, "MALFORMED_REQUEST")


def test_raw_bytes_in_the_query_string_are_read_like_percent_escapes(org, token):
    # Not valid UTF-8 (0xff): the same answer as for %FF, a query error, not a crash.
    auth = b"Authorization: Bearer " + token.encode() + b"\r\nConnection: close\r\n\r\n"
    raw = b"GET /services/data/v58.0/query?q=SELECT+Id+FROM+\xff HTTP/1.1\r\n" + auth
    escaped = b"GET /services/data/v58.0/query?q=SELECT+Id+FROM+%FF HTTP/1.1\r\n" + auth
    status, headers, body = exchange(org, raw)
    assert status == 400
    assert_error_array(status, headers, body, "MALFORMED_QUERY")
    assert (status, body) == exchange(org, escaped)[::2]
    # Valid UTF-8 sent unescaped still means its characters.
    utf8 = "SELECT Id FROM Account WHERE Name = 'Zoë'".replace(" ", "+").encode()
    request = b"GET /services/data/v58.0/query?q=" + utf8 + b" HTTP/1.1\r\n" + auth
    status, _, body = exchange(org, request)
    assert status == 200, body


def test_raw_bytes_in_a_tunnelled_method_are_a_405_not_a_crash(org, token):
    payload = (
        b"POST /services/data/v58.0/sobjects/Account?_HttpMethod=\xff HTTP/1.1\r\n"
        b"Authorization: Bearer " + token.encode() + b"\r\nConnection: close\r\n\r\n"
    )
    status, headers, body = exchange(org, payload)
    assert status == 405
    assert_error_array(status, headers, body, "METHOD_NOT_ALLOWED")


# ---- hostile JSON --------------------------------------------------------------------------------

DEEP_JSON = "[" * 100_000


@pytest.fixture
def rest(org, rest_for):
    return rest_for(org)


@pytest.mark.parametrize(
    "body", [DEEP_JSON, '{"a":' * 50_000, '{"Name": NaN}', '{"Name": "x", "Amount": Infinity}']
)
@pytest.mark.parametrize("path", ["/sobjects/Account", "/composite", "/composite/sobjects"])
def test_json_too_deep_or_with_non_numbers_is_a_parser_error(rest, path, body):
    answer = rest.post(path, data=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_multipart_json_part_too_deep_is_a_parser_error(rest):
    answer = rest.post(
        "/sobjects/Document",
        files={
            "entity_document": (None, DEEP_JSON, "application/json"),
            "Body": ("a.txt", b"hello", "text/plain"),
        },
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_bulk2_multipart_job_part_too_deep_is_a_parser_error(rest):
    answer = rest.post(
        "/jobs/ingest",
        files={
            "job": (None, DEEP_JSON, "application/json"),
            "content": ("content", b"Name\nA\n", "text/csv"),
        },
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_bulk2_list_locator_holding_deep_json_is_an_invalid_locator(rest):
    import base64

    # Deep enough to exhaust Python's recursion, short enough for a URL.
    locator = base64.urlsafe_b64encode(b"[" * 20_000).decode().rstrip("=")
    for path in ("/jobs/ingest", "/jobs/query"):
        answer = rest.get(path, params={"queryLocator": locator})
        assert answer.status_code == 400, answer.text
        assert answer.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_bulk1_json_job_too_deep_is_an_invalid_job(org, token):
    answer = requests.post(
        org.instance_url + "/services/async/58.0/job",
        data=DEEP_JSON,
        headers={"X-SFDC-Session": token, "Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["exceptionCode"] == "InvalidJob"


def test_bulk1_json_batch_too_deep_fails_as_an_invalid_batch(rest_for):
    from salesforcepy.fakeorg.bulk import BulkSettings

    with FakeOrg(bulk=BulkSettings.fast()) as running:
        rest = rest_for(running)
        base = running.instance_url + "/services/async/58.0/job"
        headers = {"X-SFDC-Session": rest.token, "Content-Type": "application/json"}
        job = rest.http.post(
            base,
            json={"operation": "insert", "object": "Account", "contentType": "JSON"},
            headers=headers,
            timeout=TIMEOUT,
        ).json()
        batch = rest.http.post(
            f"{base}/{job['id']}/batch", data=DEEP_JSON, headers=headers, timeout=TIMEOUT
        ).json()
        for _ in range(500):
            info = rest.http.get(
                f"{base}/{job['id']}/batch/{batch['id']}", headers=headers, timeout=TIMEOUT
            ).json()
            if info["state"] not in ("Queued", "InProgress"):
                break
            threading.Event().wait(0.01)
        assert info["state"] == "Failed"
        assert info["stateMessage"].startswith("InvalidBatch : ")


def test_jwt_assertion_with_deep_json_is_invalid_grant(org):
    import base64

    def part(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    assertion = f"{part(DEEP_JSON)}.{part('{}')}.{part('sig')}"
    answer = requests.post(
        org.login_url + "/services/oauth2/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "invalid_grant"


def test_apex_echo_returns_a_body_too_deep_to_parse_as_text(rest):
    answer = rest.post(
        "/services/apexrest/Echo", data=DEEP_JSON, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 200, answer.text[:200]
    assert answer.json()["body"] == DEEP_JSON


# ---- queries too big to evaluate -----------------------------------------------------------------


def _soql(rest, soql: str):
    return rest.get("/query", params={"q": soql})


def test_long_or_chains_run(org, rest):
    names = [f"Chain {number}" for number in range(1500)]
    for name in names[:3]:
        org.store.create("Account", {"Name": name})
    where = " OR ".join(f"Name = '{name}'" for name in names)
    answer = _soql(rest, f"SELECT Name FROM Account WHERE {where}")  # noqa: S608
    assert answer.status_code == 200, answer.text[:300]
    assert sorted(r["Name"] for r in answer.json()["records"]) == names[:3]
    both = " AND ".join(f"Name != 'Other {number}'" for number in range(1500))
    soql = f"SELECT COUNT() FROM Account WHERE Name LIKE 'Chain%' AND {both}"  # noqa: S608
    answer = _soql(rest, soql)
    assert answer.status_code == 200, answer.text[:300]
    assert answer.json()["totalSize"] == 3


@pytest.mark.parametrize("depth", [60, 3000])
def test_conditions_nested_too_deeply_are_query_too_complicated(rest, depth):
    where = "NOT " * depth + "Name = 'x'"
    answer = _soql(rest, f"SELECT Id FROM Account WHERE {where}")  # noqa: S608
    assert answer.status_code == 400, answer.text[:300]
    assert answer.json()[0]["errorCode"] == "QUERY_TOO_COMPLICATED"


def test_bulk_query_nested_too_deeply_is_refused_at_creation(rest):
    soql = "SELECT Id FROM Account WHERE " + "NOT " * 3000 + "Name = 'x'"
    answer = rest.post("/jobs/query", json={"operation": "query", "query": soql})
    assert answer.status_code == 400, answer.text[:300]
    assert answer.json()[0]["errorCode"] == "QUERY_TOO_COMPLICATED"


def test_search_nested_too_deeply_is_query_too_complicated(rest):
    where = "NOT " * 60 + "Name = 'x'"
    answer = rest.get("/search", params={"q": f"FIND {{acme}} RETURNING Account(Id WHERE {where})"})
    assert answer.status_code == 400, answer.text[:300]
    assert answer.json()[0]["errorCode"] == "QUERY_TOO_COMPLICATED"


def test_saql_too_deep_to_evaluate_is_a_malformed_query(org, rest):
    dataset_id, version_id = org.define_dataset("deep", "Account", ["Name", "NumberOfEmployees"])
    condition = " || ".join(["'NumberOfEmployees' > 1"] * 5000)
    saql = f'q = load "{dataset_id}/{version_id}"; q = filter q by {condition};'
    answer = rest.post("/wave/query", json={"query": saql})
    assert answer.status_code == 400, answer.text[:300]
    assert answer.json()[0]["errorCode"] == "MALFORMED_QUERY"


def test_apex_nested_too_deeply_is_a_compile_problem(rest):
    source = "{" * 3000 + "}" * 3000
    answer = rest.get("/tooling/executeAnonymous", params={"anonymousBody": source})
    assert answer.status_code == 200, answer.text[:300]
    result = answer.json()
    assert (result["compiled"], result["success"]) == (False, False)
    assert result["compileProblem"]
    assert result["line"] == 1
    assert result["column"] > 1


# ---- subrequests fail alone ----------------------------------------------------------------------


def test_a_crashing_subrequest_is_its_own_500_and_the_batch_goes_on(rest_for):
    from werkzeug.wrappers import Response

    from salesforcepy.fakeorg.api import DATA, Context, Routes, discover

    family = Routes("crashing")

    @family.route(DATA + "/crash")
    def crash(ctx: Context) -> Response:
        raise RuntimeError("a bug in a handler")

    with FakeOrg(families=[*discover(), family]) as running:
        rest = rest_for(running)
        answer = rest.post(
            "/composite/batch",
            json={
                "batchRequests": [
                    {"method": "GET", "url": "v58.0/crash"},
                    {"method": "GET", "url": "v58.0/limits"},
                    {"method": "PUT", "url": "v58.0/limits"},
                ]
            },
        )
    assert answer.status_code == 200, answer.text
    crashed, fine, refused = answer.json()["results"]
    assert crashed["statusCode"] == 500
    assert crashed["result"][0]["errorCode"] == "UNKNOWN_EXCEPTION"
    assert fine["statusCode"] == 200
    assert refused["statusCode"] == 405
    assert refused["result"] == [
        {
            "message": "HTTP Method 'PUT' not allowed. Allowed are GET,HEAD",
            "errorCode": "METHOD_NOT_ALLOWED",
        }
    ]


# ---- cursors -------------------------------------------------------------------------------------


def test_expired_cursors_are_let_go_when_another_opens(org):
    from salesforcepy.fakeorg.api import query as query_module

    cursors = query_module.Cursors(org.state)
    first = cursors.open([{"Id": "a"}], 1, 200)
    second = cursors.open([{"Id": "b"}], 1, 200)
    assert len(cursors) == 2
    # Both last used longer ago than the cursor lifetime.
    first.touched -= query_module.CURSOR_TTL + 2
    second.touched -= query_module.CURSOR_TTL + 1
    third = cursors.open([{"Id": "c"}], 1, 200)
    assert len(cursors) == 1
    assert cursors.get(third.id) is third


# ---- per-family state ----------------------------------------------------------------------------


def test_an_extension_factory_may_use_another_extension(org):
    made = {}

    def outer(state):
        return ("outer", state.extension("robustness.inner", lambda _state: "inner"))

    def make() -> None:
        made["value"] = org.state.extension("robustness.outer", outer)

    worker = threading.Thread(target=make, daemon=True)
    worker.start()
    worker.join(TIMEOUT)
    assert not worker.is_alive(), "extension() deadlocked"
    assert made["value"] == ("outer", "inner")
    assert org.state.extension("robustness.inner", lambda _state: "other") == "inner"


def test_expired_sessions_are_swept_as_new_ones_are_issued():
    from salesforcepy.fakeorg.auth import SessionStore

    sessions = SessionStore("00D5g0000000001EAA")
    old = [sessions.issue("0055g0000000002AAA") for _ in range(600)]
    for session in old:
        session.expires_at = 0.0  # long past on the monotonic clock
    fresh = [sessions.issue("0055g0000000002AAA") for _ in range(600)]
    assert len(sessions) == 600  # the expired ones went when the table reached 1,024
    assert all(sessions.lookup(session.token) is session for session in fresh)


def test_connection_counts_need_no_memory_per_closed_connection():
    running = FakeOrg().start()
    try:
        url = running.instance_url + "/services/data/"
        for _ in range(5):
            answer = requests.get(url, headers={"Connection": "close"}, timeout=TIMEOUT)
            assert answer.status_code == 200
        with requests.Session() as http:
            for _ in range(3):
                assert http.get(url, timeout=TIMEOUT).status_code == 200
        for _ in range(1000):  # the server notices the closes in its own time
            if not running.stats()["open_connections"]:
                break
            threading.Event().wait(0.01)
        stats = running.state.stats_counter
        assert stats.snapshot()["connections"] == {"versions.list_versions": 6}
        assert stats.snapshot()["requests"] == {"versions.list_versions": 8}
        assert stats._open == {}
    finally:
        running.stop()


def test_external_id_sent_as_raw_utf8_in_the_path_means_its_characters(rest_for):
    from salesforcepy.fakeorg.schema import FieldDef

    with FakeOrg() as running:
        running.define_field("Account", FieldDef("Key__c", "string", length=80, external_id=True))
        rest = rest_for(running)
        body = b'{"Name": "Raw path"}'
        payload = (
            "PATCH /services/data/v58.0/sobjects/Account/Key__c/Zoë-Ångström HTTP/1.1\r\n"
            f"Authorization: Bearer {rest.token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode() + body
        status, _, answer = exchange(running, payload)
        assert status == 201, answer
        found = rest.get("/sobjects/Account/Key__c/Zo%C3%AB-%C3%85ngstr%C3%B6m")
        assert found.status_code == 200, found.text
        assert found.json()["Key__c"] == "Zoë-Ångström"


@pytest.mark.parametrize("delay", [1e308, float("nan"), float("inf")])
def test_a_delay_no_clock_can_wait_is_refused_when_injected(org, delay):
    with pytest.raises(ValueError, match="delay"):
        org.inject_fault(path="never-matches", delay=delay)


def test_a_delay_no_clock_can_wait_is_a_400_over_http(org):
    answer = requests.post(
        org.instance_url + "/__fakeorg__/faults",
        json={"path": "never-matches", "delay": 1e308},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()[0]["errorCode"] == "INVALID_FIELD"
    org.clear_faults()


@pytest.mark.parametrize(
    "spec",
    [
        {"status": 503, "headers": ["Retry-After", "1"]},
        {"status": 503, "method": 5},
        {"status": 503, "message": ["not", "text"]},
        {"status": 503, "after_commit": "yes"},
        {"reset": 1},
    ],
)
def test_control_interface_refuses_mistyped_fault_keys(org, spec):
    answer = requests.post(org.instance_url + "/__fakeorg__/faults", json=spec, timeout=TIMEOUT)
    assert answer.status_code == 400, answer.text
    assert answer.json()[0]["errorCode"] == "INVALID_FIELD"
    assert org.state.faults.pending() == []
