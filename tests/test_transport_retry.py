"""The retry policy inside the transport and the client: what is sent again, what is raised,
what each attempt records, per-call overrides, rate limiting and API usage (mocked HTTP)."""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Mapping
from typing import Any, Optional

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

import salesforcepy
from salesforcepy.exceptions import (
    OutcomeUnknown,
    OutcomeUnknownTimeout,
    RequestLimitExceeded,
    ServiceUnavailable,
    TooManyRequests,
    TransportError,
    TransportTimeout,
)
from salesforcepy.request import Request
from salesforcepy.retry import RateLimiter, RetryPolicy
from salesforcepy.transport import Transport, failure_kind, retry_after

from .conftest import DATA, INSTANCE_URL, TOKEN, login

QUERY_URL = f"{DATA}/query"
INSERT_URL = f"{DATA}/sobjects/Account/"
UNAVAILABLE = [{"message": "Server temporarily unavailable", "errorCode": "SERVER_UNAVAILABLE"}]
LOCKED = [{"message": "unable to obtain exclusive access", "errorCode": "UNABLE_TO_LOCK_ROW"}]


class Recorder:
    """Sleep and clock for a policy: records each wait and moves its clock by it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now

    def policy(self, **kwargs: Any) -> RetryPolicy:
        kwargs.setdefault("random", lambda: 0.5)
        return RetryPolicy(sleep=self.sleep, clock=self.clock, **kwargs)


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


def refused() -> requests.exceptions.ConnectionError:
    """What requests raises when nothing listens on the port: nothing was sent."""
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] refused")
    return requests.exceptions.ConnectionError(MaxRetryError(None, INSERT_URL, reason))  # type: ignore[arg-type]


def reset() -> requests.exceptions.ConnectionError:
    """What requests raises when the server drops the connection after the request went out."""
    return requests.exceptions.ConnectionError(
        "('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))"
    )


def verify_failed() -> ssl.SSLCertVerificationError:
    """The cause of a certificate that fails verification: the handshake stops, nothing is sent."""
    return ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] self-signed")


def tls_cut() -> ssl.SSLEOFError:
    """The cause of a TLS connection cut while the answer was being read."""
    return ssl.SSLEOFError(8, "EOF occurred in violation of protocol")


def client_with(requests_mock: Any, rec: Recorder, **options: Any) -> salesforcepy.Client:
    options.setdefault("retry", rec.policy())
    return login(requests_mock, **options)


# -- failure classification --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (requests.exceptions.ConnectTimeout("slow connect"), "connect"),
        (requests.exceptions.ProxyError("proxy down"), "connect"),
        (refused(), "connect"),
        (reset(), "read"),
        (requests.exceptions.ReadTimeout("slow"), "read"),
        (requests.exceptions.ChunkedEncodingError("IncompleteRead"), "read"),
        (requests.exceptions.ContentDecodingError("bad gzip"), "read"),
        (requests.exceptions.SSLError("certificate verify failed"), "fatal"),
        (requests.exceptions.SSLError(verify_failed()), "fatal"),
        (requests.exceptions.SSLError(tls_cut()), "read"),
        (requests.exceptions.InvalidURL("bad"), "fatal"),
    ],
)
def test_failure_kind(exc: Exception, kind: str) -> None:
    assert failure_kind(exc) == kind


def test_insert_cut_by_a_tls_error_after_sending_is_outcome_unknown(
    requests_mock: Any, rec: Recorder
) -> None:
    # A TLS-level EOF while reading the answer: the create may have been applied.
    sf = client_with(requests_mock, rec)
    requests_mock.post(INSERT_URL, exc=requests.exceptions.SSLError(tls_cut()))

    with pytest.raises(OutcomeUnknown) as info:
        sf.sobjects("Account").insert({"Name": "Acme"})

    assert info.value.request_sent is True
    assert requests_mock.call_count == 1


def test_read_cut_by_a_tls_error_is_retried(requests_mock: Any, rec: Recorder) -> None:
    sf = client_with(requests_mock, rec)
    requests_mock.get(
        QUERY_URL,
        [
            {"exc": requests.exceptions.SSLError(tls_cut())},
            {"json": {"totalSize": 0, "done": True, "records": []}},
        ],
    )

    _, sent = sf.query("SELECT Id FROM Account")

    assert sent.ok
    assert [a.status for a in sent.attempts] == [None, 200]


# -- what is sent again ------------------------------------------------------------------------


def test_503_burst_on_a_query_is_retried_with_backoff(requests_mock: Any, rec: Recorder) -> None:
    sf = client_with(requests_mock, rec, retry=rec.policy(backoff=1.0))
    requests_mock.get(
        QUERY_URL,
        [
            {"status_code": 503, "json": UNAVAILABLE},
            {"status_code": 503, "text": "<html>busy</html>"},
            {"json": {"totalSize": 0, "done": True, "records": []}},
        ],
    )

    body, sent = sf.query("SELECT Id FROM Account")

    assert sent.ok
    assert body["done"] is True
    assert [a.status for a in sent.attempts] == [503, 503, 200]
    assert [a.number for a in sent.attempts] == [1, 2, 3]
    # Full jitter with random() == 0.5: half of 1 s, then half of 2 s.
    assert rec.sleeps == [0.5, 1.0]
    assert [a.wait for a in sent.attempts] == [0.5, 1.0, 0.0]
    assert sent.attempts[0].error_codes == ("SERVER_UNAVAILABLE",)
    assert "SERVER_UNAVAILABLE; retrying after backoff 0.500 s" in (sent.attempts[0].retry or "")
    assert "503 (refused)" in (sent.attempts[1].retry or "")
    assert sent.attempts[2].retry is None
    assert requests_mock.call_count == 3


@pytest.mark.parametrize(
    "failure",
    [
        {"status_code": 503, "json": UNAVAILABLE},
        {"status_code": 400, "json": LOCKED},
        {"status_code": 500, "json": [{"errorCode": "API_TEMPORARILY_UNAVAILABLE"}]},
        {"exc": refused()},
        {"exc": requests.exceptions.ConnectTimeout("connect timed out")},
        {"status_code": 429, "headers": {"Retry-After": "3"}, "json": []},
    ],
)
def test_insert_is_retried_when_nothing_happened(
    requests_mock: Any, rec: Recorder, failure: dict[str, Any]
) -> None:
    sf = client_with(requests_mock, rec)
    created = {"id": "001000000000001AAA", "success": True, "errors": []}
    requests_mock.post(INSERT_URL, [failure, {"status_code": 201, "json": created}])

    body, sent = sf.sobjects("Account").insert({"Name": "Acme"})

    assert sent.status == 201
    assert body["id"] == created["id"]
    assert len(sent.attempts) == 2
    assert requests_mock.call_count == 2
    assert all(h.json() == {"Name": "Acme"} for h in requests_mock.request_history)


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (reset(), OutcomeUnknown),
        (requests.exceptions.ReadTimeout("read timed out"), OutcomeUnknownTimeout),
        (requests.exceptions.ChunkedEncodingError("IncompleteRead(27 bytes read)"), OutcomeUnknown),
    ],
)
def test_insert_that_may_have_been_applied_is_not_replayed(
    requests_mock: Any, rec: Recorder, exc: Exception, cls: type[Exception]
) -> None:
    sf = client_with(requests_mock, rec)
    requests_mock.post(INSERT_URL, exc=exc)

    with pytest.raises(cls) as info:
        sf.sobjects("Account").insert({"Name": "Acme"})

    error = info.value
    assert type(error) is cls
    assert requests_mock.call_count == 1
    assert rec.sleeps == []
    assert error.request_sent is True
    assert error.method == "POST"
    assert "may have been applied" in str(error)
    assert "query for the record" in str(error)
    assert [a.status for a in error.attempts] == [None]
    assert error.__cause__ is exc
    assert TOKEN not in str(error)


def test_read_timeout_outcome_unknown_is_also_a_timeout(requests_mock: Any, rec: Recorder) -> None:
    sf = client_with(requests_mock, rec)
    requests_mock.post(INSERT_URL, exc=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(TransportTimeout):
        sf.sobjects("Account").insert({"Name": "Acme"})


@pytest.mark.parametrize("status", [502, 504])
def test_gateway_errors_on_a_post_are_returned_not_replayed(
    requests_mock: Any, rec: Recorder, status: int
) -> None:
    sf = client_with(requests_mock, rec)
    requests_mock.post(INSERT_URL, status_code=status, text="<html>Bad Gateway</html>")

    body, sent = sf.sobjects("Account").insert({"Name": "Acme"})

    assert requests_mock.call_count == 1
    assert sent.status == status
    assert sent.exceptions[0].status == status
    assert "Bad Gateway" in body


@pytest.mark.parametrize("status", [502, 504])
def test_gateway_errors_on_idempotent_calls_are_retried(
    requests_mock: Any, rec: Recorder, status: int
) -> None:
    sf = client_with(requests_mock, rec)
    url = f"{DATA}/sobjects/Account/001000000000001AAA"
    requests_mock.patch(url, [{"status_code": status, "text": "gateway"}, {"status_code": 204}])
    requests_mock.delete(url, [{"status_code": status, "text": "gateway"}, {"status_code": 204}])
    record = sf.sobjects("Account", id="001000000000001AAA")

    _, updated = record.update({"Name": "New"})
    _, deleted = record.delete()

    assert [a.status for a in updated.attempts] == [status, 204]
    assert [a.status for a in deleted.attempts] == [status, 204]


@pytest.mark.parametrize(
    "exc",
    [reset(), requests.exceptions.ReadTimeout("slow"), requests.exceptions.ChunkedEncodingError()],
)
def test_idempotent_writes_are_replayed_after_read_failures(
    requests_mock: Any, rec: Recorder, exc: Exception
) -> None:
    sf = client_with(requests_mock, rec)
    update_url = f"{DATA}/sobjects/Account/001000000000001AAA"
    upsert_url = f"{DATA}/sobjects/Account/Ext_Id__c/a%2Fb"
    requests_mock.patch(update_url, [{"exc": exc}, {"status_code": 204}])
    requests_mock.patch(
        upsert_url, [{"exc": exc}, {"status_code": 200, "json": {"id": "x", "created": False}}]
    )

    _, updated = sf.sobjects("Account", id="001000000000001AAA").update({"Name": "N"})
    body, upserted = sf.sobjects("Account", id="a/b", external_id="Ext_Id__c").upsert({"Name": "N"})

    assert [a.status for a in updated.attempts] == [None, 204]
    assert [a.status for a in upserted.attempts] == [None, 200]
    assert isinstance(updated.attempts[0].error, TransportError)
    assert "idempotent PATCH" in (updated.attempts[0].retry or "")
    assert body["created"] is False


def test_non_idempotent_patch_is_not_replayed(requests_mock: Any, rec: Recorder) -> None:
    """A Bulk job transition is a PATCH, but not one that may be sent twice."""
    transport = Transport(retry=rec.policy())
    url = f"{DATA}/jobs/ingest/7505g000001abcDAAQ"
    requests_mock.patch(url, exc=requests.exceptions.ReadTimeout("slow"))
    request = Request.patch("jobs/ingest/7505g000001abcDAAQ", json={"state": "UploadComplete"})

    with pytest.raises(OutcomeUnknownTimeout):
        transport.send(request, resolve=_resolve, timeout=(1, 1))
    assert requests_mock.call_count == 1


def test_tls_failures_are_not_retried(requests_mock: Any, rec: Recorder) -> None:
    sf = client_with(requests_mock, rec)
    requests_mock.get(QUERY_URL, exc=requests.exceptions.SSLError("certificate verify failed"))

    with pytest.raises(TransportError) as info:
        sf.query("SELECT Id FROM Account")

    assert not isinstance(info.value, OutcomeUnknown)
    assert info.value.request_sent is False
    assert requests_mock.call_count == 1


def test_connection_failures_give_up_after_max_attempts(requests_mock: Any, rec: Recorder) -> None:
    sf = client_with(requests_mock, rec, retry=rec.policy(max_attempts=3))
    requests_mock.post(INSERT_URL, exc=refused())

    with pytest.raises(TransportError) as info:
        sf.sobjects("Account").insert({"Name": "Acme"})

    # Nothing was ever sent, so this is not an OutcomeUnknown.
    assert not isinstance(info.value, OutcomeUnknown)
    assert len(info.value.attempts) == 3
    assert "gave up after 3 attempts" in (info.value.attempts[-1].retry or "")
    assert len(rec.sleeps) == 2


# -- limits and Retry-After --------------------------------------------------------------------


def test_429_without_retry_after_is_returned(requests_mock: Any, rec: Recorder) -> None:
    sf = client_with(requests_mock, rec)
    requests_mock.get(QUERY_URL, status_code=429, json=[{"errorCode": "TOO_MANY", "message": "x"}])

    _, sent = sf.query("SELECT Id FROM Account")

    assert requests_mock.call_count == 1
    assert isinstance(sent.exceptions[0], TooManyRequests)
    assert rec.sleeps == []


def test_request_limit_exceeded_waits_for_retry_after(requests_mock: Any, rec: Recorder) -> None:
    sf = client_with(requests_mock, rec)
    limit = [{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit exceeded."}]
    requests_mock.get(
        QUERY_URL,
        [
            {"status_code": 403, "json": limit, "headers": {"Retry-After": "12"}},
            {"json": {"totalSize": 0, "done": True, "records": []}},
        ],
    )

    _, sent = sf.query("SELECT Id FROM Account")

    assert sent.ok
    assert rec.sleeps == [12.0]
    assert "REQUEST_LIMIT_EXCEEDED; retrying after Retry-After 12 s" in (
        sent.attempts[0].retry or ""
    )


def test_request_limit_exceeded_without_retry_after_is_raised_in_strict_mode(
    requests_mock: Any, rec: Recorder
) -> None:
    sf = client_with(requests_mock, rec, strict=True)
    limit = [{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit exceeded."}]
    requests_mock.get(QUERY_URL, status_code=403, json=limit)
    with pytest.raises(RequestLimitExceeded):
        sf.query("SELECT Id FROM Account")
    assert requests_mock.call_count == 1


def test_retry_after_longer_than_allowed_is_not_waited_for(
    requests_mock: Any, rec: Recorder
) -> None:
    sf = client_with(requests_mock, rec, retry=rec.policy(max_retry_after=30))
    requests_mock.get(QUERY_URL, status_code=429, headers={"Retry-After": "3600"}, json=[])

    _, sent = sf.query("SELECT Id FROM Account")

    assert requests_mock.call_count == 1
    assert rec.sleeps == []
    assert "max_retry_after" in (sent.attempts[0].retry or "")


class _Headers:
    def __init__(self, headers: Mapping[str, str]) -> None:
        self.headers = requests.structures.CaseInsensitiveDict(headers)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "5"}, 5.0),
        ({"Retry-After": " 2.5 "}, 2.5),
        ({"Retry-After": "-3"}, 0.0),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "soon"}, None),
        ({}, None),
        (
            {
                "Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT",
                "Date": "Wed, 21 Oct 2015 07:28:00 GMT",
            },
            30.0,
        ),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT", "Date": "nonsense"}, 0.0),
    ],
)
def test_retry_after_parsing(headers: dict[str, str], expected: Optional[float]) -> None:
    # Without a usable Date header the current time is the reference: 2015 is long past.
    assert retry_after(_Headers(headers)) == expected  # type: ignore[arg-type]


def test_retry_after_date_without_date_header_uses_now() -> None:
    response = _Headers({"Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT"})
    assert retry_after(response, now=1445412490.0) == 20.0  # type: ignore[arg-type]


def test_max_elapsed_stops_retries(requests_mock: Any, rec: Recorder) -> None:
    sf = client_with(
        requests_mock, rec, retry=rec.policy(max_attempts=10, max_elapsed=2.0, backoff=1.0)
    )
    requests_mock.get(QUERY_URL, status_code=503, json=UNAVAILABLE)

    _, sent = sf.query("SELECT Id FROM Account")

    # waits 0.5, 1.0 (elapsed 1.5); the next wait (2.0) would pass 2 s.
    assert rec.sleeps == [0.5, 1.0]
    assert len(sent.attempts) == 3
    assert isinstance(sent.exceptions[0], ServiceUnavailable)
    assert "max_elapsed" in (sent.attempts[-1].retry or "")


def test_strict_mode_raises_after_retries_are_exhausted(requests_mock: Any, rec: Recorder) -> None:
    sf = client_with(requests_mock, rec, strict=True)
    requests_mock.get(QUERY_URL, status_code=503, json=UNAVAILABLE)

    with pytest.raises(ServiceUnavailable) as info:
        sf.query("SELECT Id FROM Account")

    assert info.value.request is not None
    assert len(info.value.request.attempts) == 4


# -- per client and per call -------------------------------------------------------------------


def test_default_client_retries_and_can_be_switched_off(requests_mock: Any) -> None:
    requests_mock.get(QUERY_URL, status_code=503, json=UNAVAILABLE)

    _, default = login(requests_mock).query("SELECT Id FROM Account")
    _, off = login(requests_mock, retry=False).query("SELECT Id FROM Account")
    _, two = login(requests_mock, retry=2).query("SELECT Id FROM Account")

    assert (len(default.attempts), len(off.attempts), len(two.attempts)) == (4, 1, 2)


def test_retries_override_applies_to_the_block_only(requests_mock: Any, rec: Recorder) -> None:
    sf = client_with(requests_mock, rec)
    other = client_with(requests_mock, rec)
    requests_mock.get(QUERY_URL, status_code=503, json=UNAVAILABLE)

    with sf.retries(False) as chosen:
        _, inside = sf.query("SELECT Id FROM Account")
        _, other_client = other.query("SELECT Id FROM Account")
        with sf.retries(2):
            _, nested = sf.query("SELECT Id FROM Account")
        _, after_nested = sf.query("SELECT Id FROM Account")
    _, outside = sf.query("SELECT Id FROM Account")

    assert chosen.max_attempts == 1
    assert len(inside.attempts) == 1
    assert len(other_client.attempts) == 4
    assert len(nested.attempts) == 2
    assert len(after_nested.attempts) == 1
    assert len(outside.attempts) == 4


def test_retries_override_is_per_thread(requests_mock: Any, rec: Recorder) -> None:
    sf = client_with(requests_mock, rec)
    requests_mock.get(QUERY_URL, status_code=503, json=UNAVAILABLE)
    seen: list[int] = []

    def worker() -> None:
        _, sent = sf.query("SELECT Id FROM Account")
        seen.append(len(sent.attempts))

    with sf.retries(False):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        _, here = sf.query("SELECT Id FROM Account")

    assert seen == [4]
    assert len(here.attempts) == 1


def test_retries_override_rejects_bad_values(requests_mock: Any) -> None:
    sf = login(requests_mock)
    with pytest.raises(TypeError), sf.retries("always"):  # type: ignore[arg-type]
        pass


def test_query_more_pages_each_get_retries(requests_mock: Any, rec: Recorder) -> None:
    sf = client_with(requests_mock, rec)
    first = {
        "totalSize": 2,
        "done": False,
        "records": [{"Id": "1"}],
        "nextRecordsUrl": "/services/data/v58.0/query/01g-1",
    }
    requests_mock.get(QUERY_URL, json=first)
    requests_mock.get(
        f"{INSTANCE_URL}/services/data/v58.0/query/01g-1",
        [
            {"exc": reset()},
            {"status_code": 503, "json": UNAVAILABLE},
            {"json": {"totalSize": 2, "done": True, "records": [{"Id": "2"}]}},
        ],
    )

    pages, sent = sf.query_more("SELECT Id FROM Account")

    assert [r["Id"] for p in pages for r in p["records"]] == ["1", "2"]
    assert [a.status for a in sent.attempts] == [None, 503, 200]


# -- refresh and retries together ----------------------------------------------------------------


def _resolve(request: Request) -> tuple[str, Mapping[str, str]]:
    url = request.url(
        login_url="https://login.salesforce.com", instance_url=INSTANCE_URL, version="58.0"
    )
    return url, {"Authorization": "Bearer T0k3nValue"}


def test_a_refresh_replay_does_not_use_up_retries(requests_mock: Any, rec: Recorder) -> None:
    refreshes: list[Mapping[str, str]] = []

    def refresh(headers: Mapping[str, str]) -> None:
        refreshes.append(headers)

    transport = Transport(refresh=refresh, retry=rec.policy(max_attempts=3))
    expired = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    requests_mock.get(
        QUERY_URL,
        [
            {"status_code": 401, "json": expired},
            {"status_code": 503, "json": UNAVAILABLE},
            {"status_code": 503, "json": UNAVAILABLE},
            {"json": {"done": True}},
        ],
    )

    exchange = transport.send(Request.get("query"), resolve=_resolve, timeout=(1, 1))

    assert [a.status for a in exchange.attempts] == [401, 503, 503, 200]
    assert exchange.attempts[0].refreshed
    assert len(refreshes) == 1


# -- rate limiting ------------------------------------------------------------------------------


class CountingLimiter(RateLimiter):
    def __init__(self) -> None:
        super().__init__(1000)
        self.taken = 0

    def acquire(self) -> float:
        self.taken += 1
        return 0.0


def test_every_attempt_takes_a_token(requests_mock: Any, rec: Recorder) -> None:
    limiter = CountingLimiter()
    sf = client_with(requests_mock, rec, rate_limit=limiter)
    assert limiter.taken == 1  # the login
    requests_mock.get(
        QUERY_URL, [{"status_code": 503, "json": UNAVAILABLE}, {"json": {"done": True}}]
    )

    sf.query("SELECT Id FROM Account")

    assert limiter.taken == 3


def test_a_limiter_can_be_shared_between_clients(requests_mock: Any, rec: Recorder) -> None:
    limiter = CountingLimiter()
    first = client_with(requests_mock, rec, rate_limit=limiter)
    second = client_with(requests_mock, rec, rate_limit=limiter)
    limiter.taken = 0
    requests_mock.get(QUERY_URL, json={"done": True})

    first.query("SELECT Id FROM Account")
    second.query("SELECT Id FROM Account")

    assert first.options.rate_limit is second.options.rate_limit is limiter
    assert limiter.taken == 2


def test_rate_limit_number_builds_a_limiter(requests_mock: Any) -> None:
    sf = login(requests_mock, rate_limit=5)
    assert isinstance(sf.options.rate_limit, RateLimiter)
    assert sf.transport.rate_limit is sf.options.rate_limit
    with pytest.raises(ValueError, match="rate_limit"):
        salesforcepy.client(rate_limit=0)


# -- API usage ----------------------------------------------------------------------------------


def test_api_usage_follows_every_response(requests_mock: Any) -> None:
    sf = login(requests_mock)
    assert sf.api_usage.used is None
    requests_mock.get(
        QUERY_URL,
        [
            {"json": {"done": True}, "headers": {"Sforce-Limit-Info": "api-usage=18/5000"}},
            {
                "status_code": 400,
                "json": [{"errorCode": "MALFORMED_QUERY", "message": "x"}],
                "headers": {
                    "Sforce-Limit-Info": "api-usage=19/5000; per-app-api-usage=4/100(appName=etl)"
                },
            },
            {"json": {"done": True}},
        ],
    )

    sf.query("SELECT Id FROM Account")
    assert (sf.api_usage.used, sf.api_usage.limit, sf.api_usage.remaining) == (18, 5000, 4982)
    sf.query("SELECT Id FROM Account")
    assert sf.api_usage.used == 19
    assert sf.api_usage.per_app["etl"].used == 4
    sf.query("SELECT Id FROM Account")  # no header: the last reading stands
    assert sf.api_usage.used == 19


def test_api_usage_counts_retried_attempts_too(requests_mock: Any, rec: Recorder) -> None:
    sf = client_with(requests_mock, rec)
    requests_mock.get(
        QUERY_URL,
        [
            {
                "status_code": 503,
                "json": UNAVAILABLE,
                "headers": {"Sforce-Limit-Info": "api-usage=7/10"},
            },
            {"json": {"done": True}, "headers": {"Sforce-Limit-Info": "api-usage=8/10"}},
        ],
    )
    sf.query("SELECT Id FROM Account")
    assert sf.api_usage.used == 8


def test_limits(requests_mock: Any) -> None:
    sf = login(requests_mock)
    limits = {"DailyApiRequests": {"Max": 15000, "Remaining": 14998}}
    requests_mock.get(f"{DATA}/limits/", json=limits)

    body, sent = sf.limits()

    assert body == limits
    assert requests_mock.last_request.url == f"{DATA}/limits/"
    assert requests_mock.last_request.method == "GET"
    assert sent.ok


# -- logging -----------------------------------------------------------------------------------


def test_each_retry_is_logged_without_secrets(
    requests_mock: Any, rec: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    sf = client_with(requests_mock, rec)
    requests_mock.get(
        QUERY_URL, [{"status_code": 503, "json": UNAVAILABLE}, {"json": {"done": True}}]
    )
    caplog.set_level(logging.DEBUG, logger="salesforcepy")

    sf.query("SELECT Id FROM Account")

    lines = [r.getMessage() for r in caplog.records if r.name == "salesforcepy.transport"]
    assert len(lines) == 3  # two attempts and one retry decision
    assert "retrying after backoff" in lines[1]
    assert all(TOKEN not in line for line in lines)
