"""The control interface: fault injection, session expiry, stats, clock (Python and HTTP)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import requests
from werkzeug.test import Client

from salesforcepy.fakeorg.faults import Fault

pytestmark = pytest.mark.integration

TIMEOUT = 10


def count_named(org, name: str) -> int:
    rows = org.store.execute(
        'SELECT COUNT(*) FROM "Account" WHERE "Name" = ? AND "IsDeleted" = 0', (name,)
    )
    return int(rows[0][0])


# ---- error responses -----------------------------------------------------------------------------


def test_error_fault_with_retry_after(rest, org):
    org.inject_fault(path=r"/limits$", status=503, headers={"Retry-After": "7"})
    response = rest.get("/limits")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    assert response.json()[0]["errorCode"] == "SERVER_UNAVAILABLE"
    assert "Sforce-Limit-Info" in response.headers
    assert rest.get("/limits").status_code == 200  # times=1: used up


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"error_code": "UNABLE_TO_LOCK_ROW"}, 400, "UNABLE_TO_LOCK_ROW"),
        ({"error_code": "REQUEST_LIMIT_EXCEEDED"}, 403, "REQUEST_LIMIT_EXCEEDED"),
        ({"error_code": "INVALID_SESSION_ID"}, 401, "INVALID_SESSION_ID"),
        ({"status": 429}, 429, "REQUEST_LIMIT_EXCEEDED"),
        ({"status": 502, "error_code": "CUSTOM_CODE"}, 502, "CUSTOM_CODE"),
    ],
)
def test_error_fault_codes(rest, org, kwargs, status, code):
    org.inject_fault(path="/limits", **kwargs)
    response = rest.get("/limits")
    assert response.status_code == status
    assert response.json()[0]["errorCode"] == code


def test_fault_times_and_method(rest, org):
    org.inject_fault(path="/limits", method="GET", status=500, times=3)
    assert [rest.get("/limits").status_code for _ in range(4)] == [500, 500, 500, 200]
    org.inject_fault(path="/limits", method="POST", status=500)
    assert rest.get("/limits").status_code == 200
    org.clear_faults()


def test_fault_forever_until_cleared(rest, org):
    org.inject_fault(path="/limits", status=503, times=None)
    assert [rest.get("/limits").status_code for _ in range(3)] == [503, 503, 503]
    org.clear_faults()
    assert rest.get("/limits").status_code == 200


def test_fault_path_is_a_regex_on_the_path_only(rest, org):
    org.inject_fault(path=r"^/services/data/v\d+\.0/limits$", status=503)
    assert rest.get("/limits", params={"x": "1"}).status_code == 503


def test_faults_never_hit_the_control_interface(rest, org):
    org.inject_fault(path=".*", status=503, times=None)
    assert rest.get("/__fakeorg__/stats", auth=False).status_code == 200
    assert rest.delete("/__fakeorg__/faults", auth=False).status_code == 204
    assert rest.get("/limits").status_code == 200


def test_headers_only_fault_decorates_the_real_response(rest, org):
    org.inject_fault(path="/limits", headers={"Retry-After": "1", "X-Fault": "yes"})
    response = rest.get("/limits")
    assert response.status_code == 200
    assert response.headers["X-Fault"] == "yes"


def test_fault_validation():
    with pytest.raises(ValueError, match="choose one"):
        Fault.build(status=500, reset=True)
    with pytest.raises(ValueError, match="needs"):
        Fault.build(path="x")
    with pytest.raises(ValueError, match="times"):
        Fault.build(status=500, times=0)
    with pytest.raises(ValueError, match="CR or LF"):
        Fault.build(status=500, headers={"X": "a\r\nb"})
    with pytest.raises(ValueError, match="not a regular expression"):
        Fault.build(path="(", status=500)


# ---- slow responses ------------------------------------------------------------------------------


def test_delay_fault_times_out_a_client(rest, org):
    org.inject_fault(path="/limits", delay=1.5)
    with pytest.raises(requests.ReadTimeout):
        rest.get("/limits", timeout=0.3)
    # The next request on a new connection is answered normally.
    assert rest.get("/limits").status_code == 200


def test_delay_after_commit_applies_the_change(rest, org):
    org.inject_fault(path="/sobjects/Account", method="POST", delay=1.5, after_commit=True)
    with pytest.raises(requests.ReadTimeout):
        rest.post("/sobjects/Account", json={"Name": "Slow Commit"}, timeout=0.3)
    # The client gave up after 0.3 s; on a busy machine the org may commit later than that.
    deadline = time.monotonic() + 10
    while count_named(org, "Slow Commit") == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert count_named(org, "Slow Commit") == 1


# ---- dropped connections -------------------------------------------------------------------------


def test_reset_before_commit_leaves_no_record(rest, org):
    org.inject_fault(path="/sobjects/Account", method="POST", reset=True)
    with pytest.raises(requests.ConnectionError):
        rest.post("/sobjects/Account", json={"Name": "Reset Before"})
    assert count_named(org, "Reset Before") == 0
    assert org.stats()["faults_fired"] >= 1


def test_reset_after_commit_keeps_the_record(rest, org):
    org.inject_fault(path="/sobjects/Account", method="POST", reset=True, after_commit=True)
    with pytest.raises(requests.ConnectionError):
        rest.post("/sobjects/Account", json={"Name": "Reset After"})
    assert count_named(org, "Reset After") == 1


def test_error_after_commit_keeps_the_record(rest, org):
    org.inject_fault(path="/sobjects/Account", method="POST", status=503, after_commit=True)
    response = rest.post("/sobjects/Account", json={"Name": "Error After"})
    assert response.status_code == 503
    assert count_named(org, "Error After") == 1


def test_error_before_commit_leaves_no_record(rest, org):
    org.inject_fault(path="/sobjects/Account", method="POST", error_code="UNABLE_TO_LOCK_ROW")
    response = rest.post("/sobjects/Account", json={"Name": "Locked"})
    assert response.status_code == 400
    assert count_named(org, "Locked") == 0


def test_truncated_body(rest, org):
    org.inject_fault(path="/limits", truncate=True, after_commit=True)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        rest.get("/limits")


def test_server_survives_resets(rest, org):
    org.inject_fault(path="/limits", reset=True, times=5)
    for _ in range(5):
        with pytest.raises(requests.ConnectionError):
            rest.get("/limits")
    assert rest.get("/limits").status_code == 200


# ---- the HTTP control interface ------------------------------------------------------------------


def test_http_faults(rest, org):
    created = rest.post(
        "/__fakeorg__/faults",
        json={"path": "/limits", "status": 429, "headers": {"Retry-After": "2"}, "times": 2},
        auth=False,
    )
    assert created.status_code == 201
    info = created.json()
    assert (info["status"], info["times"], info["path"]) == (429, 2, "/limits")
    listed = rest.get("/__fakeorg__/faults", auth=False).json()
    assert [f["id"] for f in listed] == [info["id"]]
    assert rest.get("/limits").headers["Retry-After"] == "2"
    assert rest.delete("/__fakeorg__/faults", auth=False).status_code == 204
    assert rest.get("/__fakeorg__/faults", auth=False).json() == []
    assert rest.get("/limits").status_code == 200


@pytest.mark.parametrize(
    "spec",
    [{"status": 500, "bogus": 1}, {"status": 500, "reset": True}, {"path": "(", "status": 500}, {}],
)
def test_http_fault_errors(rest, spec):
    response = rest.post("/__fakeorg__/faults", json=spec, auth=False)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_FIELD"


def test_http_reset_fault(rest, org):
    rest.post("/__fakeorg__/faults", json={"path": "/limits", "reset": True}, auth=False)
    with pytest.raises(requests.ConnectionError):
        rest.get("/limits")


def test_http_expire_sessions(rest):
    response = rest.post("/__fakeorg__/expire-sessions", auth=False)
    assert response.status_code == 200
    assert response.json()["expired"] >= 1
    assert rest.get("/limits").status_code == 401


def test_http_stats(rest, org):
    rest.delete("/__fakeorg__/stats", auth=False)
    with requests.Session() as http:
        for _ in range(3):
            http.get(rest.url("/limits"), headers=rest.auth, timeout=TIMEOUT)
    stats = rest.get("/__fakeorg__/stats", auth=False).json()
    assert stats["requests"]["limits.limits"] == 3
    assert stats["connections"]["limits.limits"] == 1
    assert stats["total_requests"] >= 3
    assert stats == {**stats, "api_usage": org.stats()["api_usage"]}


def test_control_interface_is_loopback_only(org):
    client = Client(org.state.app)
    for method, path in [
        ("GET", "/__fakeorg__/stats"),
        ("POST", "/__fakeorg__/expire-sessions"),
        ("DELETE", "/__fakeorg__/faults"),
    ]:
        remote = client.open(path, method=method, environ_base={"REMOTE_ADDR": "192.0.2.10"})
        assert remote.status_code == 403
        local = client.open(path, method=method, environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert local.status_code in (200, 204)


def test_stats_and_reset(org):
    org.reset_stats()
    stats = org.stats()
    assert stats["requests"] == {}
    assert stats["total_requests"] == 0
    assert stats["total_connections"] == 0
    assert {
        "requests",
        "connections",
        "total_requests",
        "total_connections",
        "open_connections",
        "faults_fired",
        "api_usage",
    } <= set(stats)


# ---- the org clock -------------------------------------------------------------------------------


def test_clock_sets_record_timestamps(rest, org):
    when = dt.datetime(2020, 2, 29, 12, 0, tzinfo=dt.timezone.utc)
    org.clock.set(when, frozen=True)
    try:
        record_id = rest.post("/sobjects/Account", json={"Name": "Leap Day"}).json()["id"]
        record = rest.get(f"/sobjects/Account/{record_id}").json()
        assert record["CreatedDate"] == "2020-02-29T12:00:00.000+0000"
    finally:
        org.clock.reset()
    assert abs(org.store.now() - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(seconds=5)


def test_clock_over_http(rest, org):
    response = rest.post(
        "/__fakeorg__/clock", json={"now": "2021-01-01T00:00:00Z", "frozen": True}, auth=False
    )
    assert response.status_code == 200
    try:
        assert org.store.now() == dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)
        assert rest.post("/__fakeorg__/clock", json={"now": "never"}, auth=False).status_code == 400
    finally:
        assert rest.delete("/__fakeorg__/clock", auth=False).status_code == 204
    assert abs(org.store.now() - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(seconds=5)


def test_clock_advance(org):
    before = org.store.now()
    org.clock.advance(dt.timedelta(days=3))
    try:
        assert org.store.now() - before >= dt.timedelta(days=3)
    finally:
        org.clock.reset()
    assert org.store.now() - before < dt.timedelta(days=1)
