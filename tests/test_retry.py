"""RetryPolicy decisions (pure), backoff with jitter, option conversion, and the RateLimiter."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from salesforcepy.retry import (
    CONNECT,
    FATAL,
    READ,
    Outcome,
    RateLimiter,
    RetryPolicy,
    error_codes,
    to_limiter,
    to_policy,
)


class FakeClock:
    """A monotonic clock that only moves when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def policy(**kwargs: Any) -> RetryPolicy:
    kwargs.setdefault("random", lambda: 1.0)
    return RetryPolicy(**kwargs)


def decide(outcome: Outcome, attempts: int = 1, elapsed: float = 0.0, **kwargs: Any) -> Any:
    return policy(**kwargs).decide(outcome, attempts=attempts, elapsed=elapsed)


POST = {"method": "POST", "idempotent": False}
GET = {"method": "GET", "idempotent": True}


# -- what is retried ---------------------------------------------------------------------------


@pytest.mark.parametrize("request_kind", [POST, GET])
def test_no_connection_is_retried_for_every_method(request_kind: dict[str, Any]) -> None:
    decision = decide(Outcome(**request_kind, failure=CONNECT))
    assert decision.retry
    assert "nothing sent" in decision.reason


def test_read_failure_is_retried_only_when_idempotent() -> None:
    assert decide(Outcome(**GET, failure=READ)).retry
    refused = decide(Outcome(**POST, failure=READ))
    assert not refused.retry
    assert refused.reason == ""


def test_fatal_failures_are_never_retried() -> None:
    assert not decide(Outcome(**GET, failure=FATAL)).retry
    assert not decide(Outcome(**POST, failure=FATAL)).retry


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "UNABLE_TO_LOCK_ROW"),
        (503, "SERVER_UNAVAILABLE"),
        (500, "API_TEMPORARILY_UNAVAILABLE"),
        (502, "SERVER_UNAVAILABLE"),
    ],
)
def test_error_codes_meaning_not_done_are_retried_for_every_method(status: int, code: str) -> None:
    decision = decide(Outcome(**POST, status=status, error_codes=(code,)))
    assert decision.retry
    assert code in decision.reason


def test_503_is_a_refusal_for_every_method() -> None:
    assert decide(Outcome(**POST, status=503)).retry


@pytest.mark.parametrize("status", [502, 504])
def test_502_and_504_only_for_idempotent_requests(status: int) -> None:
    assert decide(Outcome(**GET, status=status)).retry
    # A gateway error after a POST says nothing about whether Salesforce did the work.
    assert not decide(Outcome(**POST, status=status)).retry


@pytest.mark.parametrize("status", [400, 401, 404, 409, 500])
def test_other_errors_are_not_retried(status: int) -> None:
    assert not decide(Outcome(**GET, status=status, error_codes=("MALFORMED_QUERY",))).retry


@pytest.mark.parametrize(
    ("status", "codes"), [(429, ()), (403, ("REQUEST_LIMIT_EXCEEDED",)), (429, ("X",))]
)
def test_limits_need_retry_after(status: int, codes: tuple[str, ...]) -> None:
    assert not decide(Outcome(**POST, status=status, error_codes=codes)).retry
    decision = decide(Outcome(**POST, status=status, error_codes=codes, retry_after=7.0))
    assert decision.retry
    assert decision.wait == 7.0
    assert "Retry-After 7 s" in decision.reason


def test_retry_after_beyond_the_cap_is_not_waited_for() -> None:
    decision = decide(Outcome(**GET, status=503, retry_after=61.0), max_retry_after=60.0)
    assert not decision.retry
    assert "max_retry_after" in decision.reason


def test_retry_after_replaces_the_backoff() -> None:
    decision = decide(Outcome(**GET, status=503, retry_after=0.0), backoff=5.0)
    assert decision.retry
    assert decision.wait == 0.0


# -- limits --------------------------------------------------------------------------------------


def test_max_attempts_counts_the_first_attempt() -> None:
    outcome = Outcome(**GET, status=503)
    assert decide(outcome, attempts=2, max_attempts=3).retry
    final = decide(outcome, attempts=3, max_attempts=3)
    assert not final.retry
    assert "gave up after 3 attempts" in final.reason


def test_max_elapsed_includes_the_wait() -> None:
    outcome = Outcome(**GET, status=503)
    # random() == 1.0: the wait before retry 1 is exactly `backoff`.
    assert decide(outcome, elapsed=9.0, backoff=1.0, max_elapsed=10.0).retry
    late = decide(outcome, elapsed=9.5, backoff=1.0, max_elapsed=10.0)
    assert not late.retry
    assert "max_elapsed" in late.reason
    assert not decide(
        Outcome(**GET, status=503, retry_after=5.0), elapsed=6.0, max_elapsed=10.0
    ).retry


def test_none_policy_makes_one_attempt() -> None:
    assert (
        not RetryPolicy.none().decide(Outcome(**GET, failure=CONNECT), attempts=1, elapsed=0).retry
    )


# -- backoff -------------------------------------------------------------------------------------


def test_backoff_doubles_up_to_the_cap() -> None:
    p = policy(backoff=0.5, max_backoff=3.0)
    assert [p.backoff_wait(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_backoff_is_fully_jittered() -> None:
    draws = iter([0.0, 0.25, 0.999])
    p = RetryPolicy(backoff=4.0, random=lambda: next(draws))
    assert [p.backoff_wait(1) for _ in range(3)] == [0.0, 1.0, pytest.approx(3.996)]


def test_backoff_does_not_overflow_on_huge_attempt_numbers() -> None:
    assert policy(max_backoff=2.0).backoff_wait(10_000) == 2.0


def test_default_jitter_stays_within_the_bound() -> None:
    p = RetryPolicy(backoff=1.0, max_backoff=8.0)
    waits = [p.backoff_wait(3) for _ in range(200)]
    assert all(0.0 <= w < 4.0 for w in waits)
    assert len(set(waits)) > 100  # random, not a constant


# -- configuration -----------------------------------------------------------------------------


def test_custom_statuses_and_codes() -> None:
    p = policy(statuses={500}, refusal_statuses=(), error_codes={"MY_TRANSIENT"})
    assert p.decide(Outcome(**GET, status=500), attempts=1, elapsed=0).retry
    assert not p.decide(Outcome(**POST, status=503), attempts=1, elapsed=0).retry
    assert p.decide(
        Outcome(**POST, status=400, error_codes=("MY_TRANSIENT",)), attempts=1, elapsed=0
    ).retry
    assert not p.decide(
        Outcome(**POST, status=400, error_codes=("UNABLE_TO_LOCK_ROW",)), attempts=1, elapsed=0
    ).retry


def test_switches_for_connection_and_read_failures() -> None:
    p = policy(retry_connect=False, retry_read=False)
    assert not p.decide(Outcome(**POST, failure=CONNECT), attempts=1, elapsed=0).retry
    assert not p.decide(Outcome(**GET, failure=READ), attempts=1, elapsed=0).retry


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"max_attempts": 0}, ValueError),
        ({"max_attempts": True}, ValueError),
        ({"max_attempts": 2.5}, ValueError),
        ({"max_elapsed": -1}, ValueError),
        ({"backoff": float("nan")}, ValueError),
        ({"max_backoff": "1"}, TypeError),
        ({"statuses": [99]}, ValueError),
        ({"statuses": ["503"]}, ValueError),
        ({"error_codes": "UNABLE_TO_LOCK_ROW"}, TypeError),
        ({"error_codes": [""]}, TypeError),
        ({"sleep": 3}, TypeError),
        ({"max_atempts": 3}, TypeError),
    ],
)
def test_invalid_policies_are_rejected(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        RetryPolicy(**kwargs)


def test_policies_compare_by_settings_not_callables() -> None:
    assert RetryPolicy(sleep=lambda s: None) == RetryPolicy()
    assert RetryPolicy(max_attempts=2) != RetryPolicy()
    assert "sleep" not in repr(RetryPolicy())


@pytest.mark.parametrize(
    ("value", "attempts"),
    [(True, 4), (False, 1), (None, 1), (7, 7), (RetryPolicy(max_attempts=2), 2)],
)
def test_to_policy(value: Any, attempts: int) -> None:
    assert to_policy(value).max_attempts == attempts


@pytest.mark.parametrize("value", ["3", 2.0, object()])
def test_to_policy_rejects_other_types(value: Any) -> None:
    with pytest.raises(TypeError, match="retry must be"):
        to_policy(value)


def test_to_policy_rejects_zero_attempts() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        to_policy(0)


# -- error codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "codes"),
    [
        (b'[{"message": "m", "errorCode": "UNABLE_TO_LOCK_ROW"}]', ("UNABLE_TO_LOCK_ROW",)),
        (b'{"errorCode": "SERVER_UNAVAILABLE"}', ("SERVER_UNAVAILABLE",)),
        (b'[{"errorCode": "A"}, {"errorCode": "B"}, {"x": 1}, 5]', ("A", "B")),
        (b"<html>Service Unavailable</html>", ()),
        (b'[{"errorCode": 5}]', ()),
        (b"", ()),
        (b"\xff\xfe", ()),
    ],
)
def test_error_codes(content: bytes, codes: tuple[str, ...]) -> None:
    assert error_codes(content) == codes


# -- rate limiter ----------------------------------------------------------------------------


def test_rate_limiter_spaces_requests() -> None:
    clock = FakeClock()
    limiter = RateLimiter(4, clock=clock, sleep=clock.sleep)
    waits = [limiter.acquire() for _ in range(5)]
    assert waits == [0.0, 0.25, 0.25, 0.25, 0.25]
    assert clock.now == pytest.approx(1001.0)


def test_rate_limiter_burst_and_refill() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, burst=3, clock=clock, sleep=clock.sleep)
    assert [limiter.acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire() == 0.5
    clock.now += 10  # a quiet period refills up to the burst, not beyond
    assert [limiter.acquire() for _ in range(4)] == [0.0, 0.0, 0.0, 0.5]


def test_rate_limiter_is_thread_safe() -> None:
    """Concurrent callers each reserve a distinct slot: the waits are exactly 0, 1/r, 2/r, ..."""
    lock = threading.Lock()
    clock = FakeClock()
    waits: list[float] = []
    limiter = RateLimiter(10, clock=clock, sleep=lambda s: None)
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        for _ in range(25):
            wait = limiter.reserve()
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(round(w, 6) for w in waits) == [round(i / 10, 6) for i in range(200)]


@pytest.mark.parametrize(
    ("rate", "burst", "error"),
    [
        (0, 1, ValueError),
        (-1, 1, ValueError),
        (float("inf"), 1, ValueError),
        ("5", 1, TypeError),
        (True, 1, TypeError),
        (5, 0, ValueError),
        (5, 1.5, ValueError),
    ],
)
def test_rate_limiter_validation(rate: Any, burst: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        RateLimiter(rate, burst)


def test_to_limiter() -> None:
    shared = RateLimiter(3)
    assert to_limiter(None) is None
    assert to_limiter(shared) is shared
    made = to_limiter(2.5)
    assert isinstance(made, RateLimiter)
    assert made.rate == 2.5
    assert repr(made) == "<RateLimiter 2.5/s burst=1>"
