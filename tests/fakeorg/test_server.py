"""The fake org's HTTP layer over a real socket: framing, keep-alive, routing, versions, errors."""

from __future__ import annotations

import gzip
import json
import re
import socket

import pytest
import requests
from werkzeug.test import Client
from werkzeug.wrappers import Response

from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.api import DATA, Context, Routes, discover, register_authenticator
from salesforcepy.fakeorg.errors import SalesforceError

pytestmark = pytest.mark.integration


def raw_exchange(
    org, payload: bytes, *, read_until_close: bool = True, timeout: float = 5.0
) -> bytes:
    """Send raw bytes to the org and return everything it answers until it closes (or times out)."""
    host, port = org.instance_url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(payload)
        chunks = []
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                chunks.append(data)
                if not read_until_close and b"\r\n\r\n" in b"".join(chunks):
                    break
        except socket.timeout:
            pass
    return b"".join(chunks)


def split_responses(raw: bytes) -> list[tuple[str, dict[str, str], bytes]]:
    """Parse consecutive HTTP/1.1 responses framed by Content-Length."""
    responses = []
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers["content-length"])
        responses.append((lines[0], headers, rest[:length]))
        raw = rest[length:]
    return responses


# ---- versions and per-version resources ----------------------------------------------------------


def test_versions_list_needs_no_auth_and_has_no_limit_header(org):
    response = requests.get(org.instance_url + "/services/data/", timeout=10)
    assert response.status_code == 200
    assert "Sforce-Limit-Info" not in response.headers
    versions = response.json()
    assert versions[0] == {"label": "Summer '14", "url": "/services/data/v31.0", "version": "31.0"}
    assert versions[-1] == {"label": "Spring '26", "url": "/services/data/v66.0", "version": "66.0"}
    by_version = {v["version"]: v["label"] for v in versions}
    assert by_version["32.0"] == "Winter '15"
    assert by_version["58.0"] == "Summer '23"
    assert by_version["59.0"] == "Winter '24"
    assert [float(v["version"]) for v in versions] == list(range(31, 67))


def test_versions_list_without_trailing_slash(org):
    assert requests.get(org.instance_url + "/services/data", timeout=10).status_code == 200


def test_resources_by_version(rest):
    response = rest.get("/")
    assert response.status_code == 200
    resources = response.json()
    for key in (
        "sobjects",
        "query",
        "queryAll",
        "search",
        "composite",
        "limits",
        "jobs",
        "process",
        "tooling",
        "chatter",
        "connect",
        "wave",
        "recent",
        "parameterizedSearch",
    ):
        assert resources[key] == f"/services/data/v58.0/{key}"
    login = rest.login().json()
    assert resources["identity"] == login["id"]


@pytest.mark.parametrize(
    ("version", "absent"),
    [("33.0", {"composite", "wave", "jobs"}), ("35.0", {"wave", "jobs"}), ("40.0", {"jobs"})],
)
def test_resources_by_version_leave_out_later_families(rest, version, absent):
    # The map lists only what the version serves: wave (v36.0) and jobs (Bulk 2.0, v41.0) answer
    # 404 before, and used to be listed anyway.
    resources = rest.get("/", version=version).json()

    assert absent.isdisjoint(resources)
    assert {"sobjects", "query", "chatter", "process"} <= set(resources)
    assert rest.get("/", version="41.0").json()["jobs"] == "/services/data/v41.0/jobs"


def test_resources_by_version_needs_a_session(rest):
    response = rest.get("/", auth=False)
    assert response.status_code == 401
    assert response.json() == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]


@pytest.mark.parametrize("version", ["20.0", "30.0", "7.0"])
def test_retired_versions_are_gone(rest, version):
    response = rest.get("/limits", version=version)
    assert response.status_code == 410
    assert response.json()[0]["errorCode"] == "UNSUPPORTED_API_VERSION"


@pytest.mark.parametrize("version", ["67.0", "99.0", "58.5"])
def test_unknown_versions_are_not_found(rest, version):
    response = rest.get("/limits", version=version)
    assert response.status_code == 404
    assert response.json() == [
        {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}
    ]


@pytest.mark.parametrize("version", ["31.0", "45.0", "66.0"])
def test_supported_versions_answer(rest, version):
    assert rest.get("/limits", version=version).status_code == 200


def test_version_without_dot_zero_is_not_a_route(rest):
    response = rest.http.get(rest.org.instance_url + "/services/data/v58/limits", headers=rest.auth)
    assert response.status_code == 404


# ---- headers and framing -------------------------------------------------------------------------


def test_limit_info_counts_requests(rest):
    pattern = re.compile(r"api-usage=(\d+)/(\d+)")
    first = pattern.fullmatch(rest.get("/limits").headers["Sforce-Limit-Info"])
    second = pattern.fullmatch(rest.get("/limits").headers["Sforce-Limit-Info"])
    assert first is not None
    assert second is not None
    assert int(second.group(1)) == int(first.group(1)) + 1
    assert first.group(2) == second.group(2) == str(rest.org.state.api_limit)


def test_limit_info_also_on_errors(rest):
    assert "Sforce-Limit-Info" in rest.get("/nothing-here").headers
    assert "Sforce-Limit-Info" in rest.get("/limits", auth=False).headers


def test_limits_resource_reflects_api_usage(rest):
    body = rest.get("/limits").json()
    used = int(
        re.search(r"api-usage=(\d+)", rest.get("/limits").headers["Sforce-Limit-Info"]).group(1)
    )
    assert body["DailyApiRequests"]["Max"] == rest.org.state.api_limit
    # The first call was counted before its body was built, the second one after.
    assert body["DailyApiRequests"]["Remaining"] == rest.org.state.api_limit - (used - 1)
    assert all(set(v) >= {"Max", "Remaining"} for v in body.values())


def test_every_response_has_content_length(rest):
    for response in (
        rest.get("/limits"),
        rest.get("/missing"),
        rest.delete("/limits"),
        rest.get("/limits", auth=False),
        rest.post("/services/oauth2/revoke", data={"token": "nope"}, auth=False),
        rest.post("/services/oauth2/revoke", data={"token": rest.login().json()["access_token"]}),
    ):
        assert response.headers["Content-Length"] == str(len(response.content))
        assert "Transfer-Encoding" not in response.headers


def test_head_has_headers_and_no_body(rest):
    get = rest.get("/limits")
    head = rest.request("HEAD", "/limits")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Length"] == str(len(get.content))


def test_pretty_print_header(rest):
    compact = rest.get("/limits")
    pretty = rest.get("/limits", headers={"X-PrettyPrint": "1"})
    assert b"\n" not in compact.content
    assert b"\n  " in pretty.content
    assert json.loads(pretty.content).keys() == compact.json().keys()


# ---- routing errors ------------------------------------------------------------------------------


def test_unknown_route_is_a_not_found_array(rest):
    for path in ("/nothing-here", "/services/nothing", "/"):
        response = rest.http.get(rest.org.instance_url + path, headers=rest.auth)
        assert response.status_code == 404
        assert response.json() == [
            {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}
        ]


def test_wrong_method_is_405_with_allow(rest):
    response = rest.delete("/limits")
    assert response.status_code == 405
    assert response.json()[0]["errorCode"] == "METHOD_NOT_ALLOWED"
    assert set(response.headers["Allow"].split(",")) == {"GET", "HEAD"}


def test_trailing_slash_everywhere(rest):
    assert rest.get("/limits/").status_code == 200
    assert rest.get("/limits").status_code == 200
    assert rest.get("/sobjects/Account/").status_code == rest.get("/sobjects/Account").status_code


# ---- keep-alive and connections ------------------------------------------------------------------


def test_keep_alive_uses_one_connection(rest, org):
    before = org.stats()
    with requests.Session() as http:
        for _ in range(25):
            response = http.get(rest.url("/limits"), headers=rest.auth)
            assert response.status_code == 200
    after = org.stats()
    assert after["total_connections"] - before["total_connections"] == 1
    assert after["requests"]["limits.limits"] - before["requests"].get("limits.limits", 0) == 25


def test_connection_close_means_one_connection_per_request(rest, org):
    before = org.stats()["total_connections"]
    with requests.Session() as http:
        for _ in range(5):
            response = http.get(rest.url("/limits"), headers={**rest.auth, "Connection": "close"})
            assert response.headers["Connection"] == "close"
    assert org.stats()["total_connections"] - before == 5


def test_unread_request_body_does_not_break_the_next_request(org):
    # A POST body sent to a route that never reads it (405), then a GET on the same connection.
    body = b'{"padding": "' + b"x" * 5000 + b'"}'
    payload = (
        b"POST /services/data/v58.0/limits HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\n"
        b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
        + b"GET /services/data/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    responses = split_responses(raw_exchange(org, payload))
    assert [r[0] for r in responses] == ["HTTP/1.1 405 Method Not Allowed", "HTTP/1.1 200 OK"]
    assert json.loads(responses[1][2])[0]["version"] == "31.0"


def test_pipelined_requests_are_answered_in_order(org):
    payload = (
        b"GET /services/data/ HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /services/data/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    statuses = [r[0] for r in split_responses(raw_exchange(org, payload))]
    assert statuses == ["HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"]


def test_http_1_0_closes_after_the_response(org):
    raw = raw_exchange(org, b"GET /services/data/ HTTP/1.0\r\n\r\n")
    ((status, headers, body),) = split_responses(raw)
    assert status == "HTTP/1.1 200 OK"
    assert headers["connection"] == "close"
    assert json.loads(body)[0]["version"] == "31.0"


def test_expect_100_continue(org):
    body = b"token=unknown"
    payload = (
        b"POST /services/oauth2/revoke HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    raw = raw_exchange(org, payload)
    assert raw.startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
    ((status, _, answer),) = split_responses(raw[len(b"HTTP/1.1 100 Continue\r\n\r\n") :])
    assert status == "HTTP/1.1 400 Bad Request"
    assert json.loads(answer)["error"] == "invalid_token"


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (b"NONSENSE\r\n\r\n", 400),
        (b"GET / SPDY/3\r\n\r\n", 505),
        (b"GET /services/data/ HTTP/1.1\r\nbad header line\r\n\r\n", 400),
        (b"POST /services/data/ HTTP/1.1\r\nContent-Length: lots\r\n\r\n", 400),
        (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
    ],
)
def test_malformed_requests_get_an_error_and_a_close(org, payload, status):
    raw = raw_exchange(org, payload)
    assert raw.startswith(f"HTTP/1.1 {status} ".encode())
    assert b"Connection: close" in raw


def test_early_error_reaches_a_client_that_is_still_sending(org):
    # The server refuses the body from its headers (413) while the client keeps sending: the
    # answer must arrive intact rather than be destroyed by a reset.
    head = b"POST /services/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 900000000\r\n\r\n"
    raw = raw_exchange(org, head + b"x" * 200_000)
    assert raw.startswith(b"HTTP/1.1 413 ")


def test_chunked_request_body(rest):
    # A generator body makes requests send Transfer-Encoding: chunked; the control interface
    # answers with what it understood.
    response = rest.post(
        "/__fakeorg__/faults",
        data=(part for part in [b'{"path": "chunk', b'ed-test", "st', b'atus": 503}']),
        headers={"Content-Type": "application/json"},
        auth=False,
    )
    assert response.status_code == 201, response.text
    assert response.json()["path"] == "chunked-test"
    assert response.json()["status"] == 503


def test_gzip_request_body(rest):
    body = gzip.compress(json.dumps({"path": "gzip-test", "status": 502}).encode())
    response = rest.post(
        "/__fakeorg__/faults",
        data=body,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        auth=False,
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == 502


def test_bad_gzip_body_is_400(org):
    payload = (
        b"POST /__fakeorg__/faults HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: 5\r\n\r\nhello"
    )
    assert raw_exchange(org, payload).startswith(b"HTTP/1.1 400 ")


# ---- the family framework ------------------------------------------------------------------------


def _custom_family() -> Routes:
    routes = Routes("custom")

    @routes.route(DATA + "/echo", methods=["POST"])
    def echo(ctx: Context) -> Response:
        return ctx.json(
            {
                "you_sent": ctx.json_body(expect=(dict, list)),
                "user": ctx.user_id,
                "version": ctx.version,
            }
        )

    @routes.route(DATA + "/boom")
    def boom(ctx: Context) -> Response:
        raise RuntimeError("handler bug")

    @routes.route(DATA + "/teapot")
    def teapot(ctx: Context) -> Response:
        raise SalesforceError(418, "I_AM_A_TEAPOT", "short and stout")

    @routes.route(DATA + "/inner")
    def inner(ctx: Context) -> Response:
        inner_response = ctx.subrequest("GET", f"/services/data/v{ctx.version}/limits")
        return ctx.json(
            {
                "status": inner_response.status_code,
                "has_api_limit": "DailyApiRequests" in json.loads(inner_response.get_data()),
            }
        )

    def xml_errors(ctx: Context, error: SalesforceError) -> Response:
        return ctx.xml(
            f"<error><code>{error.error_code}</code></error>".encode(), status=error.status
        )

    def header_auth(ctx: Context):
        session = ctx.org.sessions.lookup(ctx.request.headers.get("X-Custom-Session", ""))
        if session is None:
            raise SalesforceError(400, "InvalidSessionId", "bad session")
        return session

    register_authenticator("custom-header", header_auth)

    @routes.route(
        "/services/custom/whoami", auth="custom-header", api_usage=False, errors=xml_errors
    )
    def whoami(ctx: Context) -> Response:
        return ctx.csv([["user"], [ctx.user_id]])

    return routes


@pytest.fixture(scope="module")
def custom_org():
    with FakeOrg(families=[*discover(), _custom_family()]) as running:
        yield running


@pytest.fixture
def custom(custom_org, rest_for):
    return rest_for(custom_org)


def test_family_route_gets_context(custom):
    response = custom.post("/echo", json=[1, 2], version="45.0")
    assert response.status_code == 200
    assert response.json() == {
        "you_sent": [1, 2],
        "user": custom.org.state.admin_user_id,
        "version": "45.0",
    }
    assert "Sforce-Limit-Info" in response.headers


def test_family_route_enforces_the_session(custom):
    response = custom.post("/echo", json={}, auth=False)
    assert response.status_code == 401
    assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_bad_json_is_json_parser_error(custom):
    for body in (b"{nope", b"", b"\xff\xfe"):
        response = custom.post("/echo", data=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400
        assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"
    wrong_type = custom.post("/echo", json="a string")
    assert wrong_type.status_code == 400
    assert wrong_type.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_handler_crash_is_500_unknown_exception_and_keeps_the_connection(custom):
    with requests.Session() as http:
        crash = http.get(custom.url("/boom"), headers=custom.auth)
        after = http.get(custom.url("/limits"), headers=custom.auth)
    assert crash.status_code == 500
    assert crash.json()[0]["errorCode"] == "UNKNOWN_EXCEPTION"
    assert after.status_code == 200


def test_salesforce_error_keeps_its_status(custom):
    response = custom.get("/teapot")
    assert response.status_code == 418
    assert response.json() == [{"message": "short and stout", "errorCode": "I_AM_A_TEAPOT"}]


def test_custom_authenticator_and_error_renderer(custom):
    bad = custom.get("/services/custom/whoami", auth=False, headers={"X-Custom-Session": "nope"})
    assert bad.status_code == 400
    assert b"<error><code>InvalidSessionId</code></error>" in bad.content
    assert "Sforce-Limit-Info" not in bad.headers
    good = custom.get(
        "/services/custom/whoami", auth=False, headers={"X-Custom-Session": custom.token}
    )
    assert good.status_code == 200
    assert good.headers["Content-Type"].startswith("text/csv")
    assert good.text.splitlines() == ["user", custom.org.state.admin_user_id]


def test_subrequest_runs_another_route(custom):
    response = custom.get("/inner")
    assert response.json() == {"status": 200, "has_api_limit": True}


def test_endpoint_names_in_stats(custom):
    custom.get("/teapot")
    assert custom.org.stats()["requests"]["custom.teapot"] >= 1


def test_application_is_a_wsgi_app(org):
    client = Client(org.state.app)
    response = client.get("/services/data/")
    assert response.status_code == 200
    assert response.json[0]["version"] == "31.0"


# ---- lifecycle -----------------------------------------------------------------------------------


def test_stop_closes_idle_keep_alive_connections_and_the_port():
    with FakeOrg() as running:
        url = running.instance_url
        http = requests.Session()
        assert http.get(url + "/services/data/").status_code == 200
        assert running.stats()["open_connections"] == 1
    with pytest.raises(requests.ConnectionError):
        http.get(url + "/services/data/", timeout=2)
    http.close()


def test_stop_during_an_injected_delay_hangs_up():
    import threading

    outcome = {}

    def call(url: str) -> None:
        try:
            outcome["status"] = requests.get(url, timeout=60).status_code
        except requests.ConnectionError as exc:
            outcome["error"] = exc

    running = FakeOrg().start()
    try:
        running.inject_fault(path="/services/data", delay=30)
        caller = threading.Thread(
            target=call, args=(running.instance_url + "/services/data/",), daemon=True
        )
        caller.start()
        for _ in range(1000):
            if running.stats()["faults_fired"]:
                break
            threading.Event().wait(0.01)
        assert running.stats()["faults_fired"] == 1
    finally:
        running.stop()
    caller.join(60)
    assert not caller.is_alive()
    assert "error" in outcome
    assert "status" not in outcome


def test_state_is_unavailable_before_start():
    org = FakeOrg()
    with pytest.raises(RuntimeError, match="not running"):
        org.credentials  # noqa: B018 - the property access is the test


def test_unknown_seed_is_refused():
    with pytest.raises(ValueError, match="unknown seed"):
        FakeOrg(seed="nope")


# ---- options ---------------------------------------------------------------------------------


def test_gzip_responses_when_enabled():
    with FakeOrg(compress=True) as running:
        url = running.instance_url + "/services/data/"
        compressed = requests.get(url, headers={"Accept-Encoding": "gzip"}, timeout=10)
        assert compressed.headers["Content-Encoding"] == "gzip"
        assert int(compressed.headers["Content-Length"]) < len(compressed.content)
        assert compressed.json()[0]["version"] == "31.0"
        plain = requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=10)
        assert "Content-Encoding" not in plain.headers
        assert plain.json() == compressed.json()


def test_no_gzip_by_default(org):
    response = requests.get(
        org.instance_url + "/services/data/", headers={"Accept-Encoding": "gzip"}, timeout=10
    )
    assert "Content-Encoding" not in response.headers


def test_request_log_has_no_query_string(rest, caplog):
    caplog.set_level("INFO", logger="salesforcepy.fakeorg.server")
    token = rest.login().json()["access_token"]
    rest.get("/services/oauth2/revoke", params={"token": token}, auth=False)
    assert "GET /services/oauth2/revoke 200" in caplog.text
    assert token not in caplog.text


def test_ipv6_loopback():
    with FakeOrg(host="::1") as running:
        assert running.instance_url.startswith("http://[::1]:")
        assert requests.get(running.instance_url + "/services/data/", timeout=10).status_code == 200


def test_demo_seed_and_custom_objects(rest_for):
    from salesforcepy.fakeorg.schema import FieldDef

    with FakeOrg(seed="demo") as running:
        rest = rest_for(running)
        total = rest.get("/query", params={"q": "SELECT COUNT() FROM Account"}).json()["totalSize"]
        assert total >= 100
        upsert = rest.patch(
            "/sobjects/Account/External_Id__c/NEW-1", json={"Name": "Seeded Upsert"}
        )
        assert upsert.status_code == 201
        running.define_object(
            "Invoice__c", [FieldDef("Amount__c", "currency", precision=18, scale=2)]
        )
        created = rest.post("/sobjects/invoice__c", json={"Name": "INV-1", "amount__c": 12.5})
        assert created.status_code == 201
        assert created.json()["id"].startswith("a0")
        record = rest.get(f"/sobjects/Invoice__c/{created.json()['id']}").json()
        assert record["Amount__c"] == 12.5
        described = rest.get("/sobjects/Invoice__c/describe").json()
        assert described["custom"] is True
