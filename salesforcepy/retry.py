"""When to send a call again (:class:`RetryPolicy`), how fast calls may go (:class:`RateLimiter`).

The transport asks the policy after every attempt whether to make another one
(:meth:`RetryPolicy.decide`). The policy sees an :class:`Outcome` — the method, whether the
request is idempotent, the status, Salesforce's error codes, ``Retry-After`` and, when no response
arrived, how far the request got — and answers with a :class:`Decision`. It does no I/O, so every
rule is unit-testable; the transport does the waiting, through the policy's injectable ``sleep``.

What is retried by default (see ``docs/guides/resilience.rst``):

========================================================  ======================================
failure                                                   retried for
========================================================  ======================================
no connection made (refused, DNS, connect timeout)        every method: nothing was sent
``UNABLE_TO_LOCK_ROW``, ``SERVER_UNAVAILABLE``,           every method: Salesforce did not do it
``API_TEMPORARILY_UNAVAILABLE``
503                                                       every method: the server refused it
429 / ``REQUEST_LIMIT_EXCEEDED`` with ``Retry-After``     every method, after the time it names
502, 504                                                  idempotent requests only
reset, read timeout, cut body, TLS error after sending    idempotent requests only
========================================================  ======================================

A request that is not idempotent (a create, a Bulk job transition) and may have reached the server
is never sent again; the transport raises
:class:`~salesforcepy.exceptions.OutcomeUnknown` instead.
"""

from __future__ import annotations

import json
import random
import threading
import time
from typing import Any, Callable, Optional, Union

import attrs

__all__ = [
    "CONNECT",
    "FATAL",
    "READ",
    "Decision",
    "Outcome",
    "RateLimiter",
    "RetryPolicy",
    "error_codes",
    "to_policy",
]

CONNECT = "connect"
"""Failure kind: no connection was made, so the request was not sent."""
READ = "read"
"""Failure kind: the connection failed or timed out after the request was (maybe) sent."""
FATAL = "fatal"
"""Failure kind: retrying cannot help (TLS verification, an invalid URL, ...)."""

_DEFAULT_STATUSES = frozenset({502, 503, 504})
_DEFAULT_REFUSALS = frozenset({503})
_DEFAULT_CODES = frozenset(
    {"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "API_TEMPORARILY_UNAVAILABLE"}
)
_DEFAULT_LIMIT_CODES = frozenset({"REQUEST_LIMIT_EXCEEDED"})
# Error bodies worth reading for an error code; others are left to the parser.
_PEEK_LIMIT = 64 * 1024


@attrs.frozen(kw_only=True)
class Outcome:
    """What the policy sees of one attempt.

    Attributes:
        method: HTTP method.
        idempotent: whether sending the request twice has the effect of sending it once.
        status: HTTP status, or ``None`` when no response arrived.
        error_codes: Salesforce ``errorCode`` values of an error body.
        retry_after: seconds from the ``Retry-After`` header, when there is one.
        failure: for a missing response: :data:`CONNECT`, :data:`READ` or :data:`FATAL`.
    """

    method: str
    idempotent: bool
    status: Optional[int] = None
    error_codes: tuple[str, ...] = ()
    retry_after: Optional[float] = None
    failure: Optional[str] = None


@attrs.frozen
class Decision:
    """The policy's answer: whether to send again, after how long, and why (for the attempt log).

    Attributes:
        retry: make another attempt.
        wait: seconds to wait first.
        reason: a short explanation, recorded on the attempt.
    """

    retry: bool
    wait: float = 0.0
    reason: str = ""


def _sleep(seconds: float) -> None:
    # Looks time.sleep up when called, so a test suite can swap this module's ``time``.
    time.sleep(seconds)


def _positive_int(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{attribute.name} must be a positive integer, got {value!r}")


def _non_negative(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{attribute.name} must be a number of seconds")
    if not 0 <= value < float("inf"):
        raise ValueError(f"{attribute.name} must be a finite number >= 0, got {value!r}")


def _statuses(value: Any) -> frozenset[int]:
    items = frozenset(value)
    if not all(isinstance(s, int) and not isinstance(s, bool) and 100 <= s <= 599 for s in items):
        raise ValueError("statuses must be HTTP status codes (100-599)")
    return items


def _codes(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        raise TypeError("error codes must be a collection of strings, not one string")
    items = frozenset(value)
    if not all(isinstance(c, str) and c for c in items):
        raise TypeError("error codes must be non-empty strings")
    return items


def _callable(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not callable(value):
        raise TypeError(f"{attribute.name} must be callable")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Which failed attempts are sent again, and how long to wait in between.

    Waits grow exponentially with full jitter: before retry *n* the transport sleeps a random time
    between 0 and ``min(max_backoff, backoff * 2 ** (n - 1))`` seconds — unless the response said
    when to come back (``Retry-After``), which is then waited for exactly.

    Args:
        max_attempts: attempts per call, the first included (1 turns retries off).
        max_elapsed: no new attempt starts once this many seconds have passed since the first one
            began (waits included).
        backoff: the first backoff cap, in seconds.
        max_backoff: the cap of any one backoff wait.
        max_retry_after: a ``Retry-After`` longer than this is not waited for: the response is
            returned (or raised in strict mode) instead.
        statuses: statuses retried for idempotent requests.
        refusal_statuses: statuses meaning the server refused the call without doing anything,
            retried for every method.
        error_codes: Salesforce error codes meaning the operation did not happen, retried for
            every method whatever the status.
        limit_codes: error codes (and, implicitly, status 429) retried for every method only when
            ``Retry-After`` says when.
        retry_connect: retry attempts that made no connection (nothing was sent).
        retry_read: retry idempotent requests whose connection failed, timed out or was cut after
            sending.
        sleep: waits that many seconds (tests pass a recorder).
        clock: monotonic seconds, for ``max_elapsed``.
        random: a number in [0, 1), for the jitter.
    """

    max_attempts: int = attrs.field(default=4, validator=_positive_int)
    max_elapsed: float = attrs.field(default=300.0, validator=_non_negative)
    backoff: float = attrs.field(default=0.5, validator=_non_negative)
    max_backoff: float = attrs.field(default=20.0, validator=_non_negative)
    max_retry_after: float = attrs.field(default=60.0, validator=_non_negative)
    statuses: frozenset[int] = attrs.field(default=_DEFAULT_STATUSES, converter=_statuses)
    refusal_statuses: frozenset[int] = attrs.field(default=_DEFAULT_REFUSALS, converter=_statuses)
    error_codes: frozenset[str] = attrs.field(default=_DEFAULT_CODES, converter=_codes)
    limit_codes: frozenset[str] = attrs.field(default=_DEFAULT_LIMIT_CODES, converter=_codes)
    retry_connect: bool = True
    retry_read: bool = True
    sleep: Callable[[float], Any] = attrs.field(
        default=_sleep, validator=_callable, eq=False, repr=False
    )
    clock: Callable[[], float] = attrs.field(
        default=time.monotonic, validator=_callable, eq=False, repr=False
    )
    random: Callable[[], float] = attrs.field(
        default=random.random, validator=_callable, eq=False, repr=False
    )

    @classmethod
    def none(cls) -> RetryPolicy:
        """A policy that never retries: one attempt per call."""
        return cls(max_attempts=1)

    def backoff_wait(self, retry: int) -> float:
        """The jittered wait before retry number ``retry`` (1 for the first retry)."""
        ceiling = min(self.max_backoff, self.backoff * 2 ** min(retry - 1, 62))
        return self.random() * ceiling

    def decide(self, outcome: Outcome, *, attempts: int, elapsed: float) -> Decision:
        """Whether to make another attempt after ``attempts`` attempts and ``elapsed`` seconds.

        Args:
            outcome: the last attempt.
            attempts: attempts made so far (1 after the first).
            elapsed: seconds since the first attempt began.
        """
        reason = self._retryable(outcome)
        if reason is None:
            return Decision(False)
        if attempts >= self.max_attempts:
            return Decision(False, reason=f"{reason}; gave up after {attempts} attempts")
        if outcome.retry_after is not None:
            if outcome.retry_after > self.max_retry_after:
                return Decision(
                    False,
                    reason=f"{reason}; Retry-After {outcome.retry_after:g} s is longer than "
                    f"max_retry_after ({self.max_retry_after:g} s)",
                )
            wait = max(0.0, outcome.retry_after)
            how = f"Retry-After {wait:g} s"
        else:
            wait = self.backoff_wait(attempts)
            how = f"backoff {wait:.3f} s"
        if elapsed + wait > self.max_elapsed:
            return Decision(False, reason=f"{reason}; the next attempt would pass max_elapsed")
        return Decision(True, wait, f"{reason}; retrying after {how}")

    def _retryable(self, outcome: Outcome) -> Optional[str]:
        """Why the outcome may be retried, or ``None`` if it may not."""
        if outcome.status is None:
            if outcome.failure == CONNECT and self.retry_connect:
                return "no connection (nothing sent)"
            if outcome.failure == READ and self.retry_read and outcome.idempotent:
                return f"no response to an idempotent {outcome.method}"
            return None
        codes = set(outcome.error_codes)
        retryable_codes = sorted(codes & self.error_codes)
        if retryable_codes:
            return f"{outcome.status} {retryable_codes[0]}"
        if outcome.status == 429 or codes & self.limit_codes:
            if outcome.retry_after is None:
                return None  # without Retry-After, hammering a used-up limit only makes it worse
            name = sorted(codes & self.limit_codes)
            return f"{outcome.status} {name[0] if name else 'Too Many Requests'}"
        if outcome.status in self.refusal_statuses:
            return f"{outcome.status} (refused)"
        if outcome.status in self.statuses and outcome.idempotent:
            return f"{outcome.status} on an idempotent {outcome.method}"
        return None


PolicyLike = Union[RetryPolicy, bool, int, None]
"""What the ``retry`` option accepts: a policy, ``True`` (the default policy), ``False`` or
``None`` (no retries), or a number of attempts."""


def to_policy(value: Any) -> RetryPolicy:
    """Turn a ``retry`` option value into a :class:`RetryPolicy`.

    Raises:
        TypeError: not a policy, bool, int or ``None``.
        ValueError: a number of attempts below 1.
    """
    if isinstance(value, RetryPolicy):
        return value
    if value is None or value is False:
        return RetryPolicy.none()
    if value is True:
        return RetryPolicy()
    if isinstance(value, int):
        return RetryPolicy(max_attempts=value)
    raise TypeError(
        "retry must be a RetryPolicy, True (default retries), False (none) or a number of attempts"
    )


def error_codes(content: bytes) -> tuple[str, ...]:
    """The ``errorCode`` values of a Salesforce JSON error body (``()`` for anything else)."""
    if not content or len(content) > _PEEK_LIMIT:
        return ()
    try:
        body = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return ()
    items = body if isinstance(body, list) else [body]
    codes = []
    for item in items:
        if isinstance(item, dict):
            code = item.get("errorCode")
            if isinstance(code, str):
                codes.append(code)
    return tuple(codes)


class RateLimiter:
    """A thread-safe token bucket: at most ``rate`` requests per second, bursts up to ``burst``.

    One limiter can be shared by several clients (and threads) that draw on the same API
    allocation: pass the same instance as every client's ``rate_limit``. Each attempt — retries
    included — takes one token; a caller that finds the bucket empty reserves the next token and
    sleeps until it is due, outside the lock, so waiting callers are served in arrival order.

    Args:
        rate: requests per second (> 0).
        burst: how many requests may go at once after a quiet period (>= 1).
        clock: monotonic seconds (injectable for tests).
        sleep: waits that many seconds (injectable for tests).
    """

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Any] = time.sleep,
    ) -> None:
        if isinstance(rate, bool) or not isinstance(rate, (int, float)):
            raise TypeError("rate_limit must be a number of requests per second")
        if not 0 < rate < float("inf"):
            raise ValueError(
                f"rate_limit must be a positive number of requests per second, got {rate!r}"
            )
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise ValueError(f"burst must be a positive integer, got {burst!r}")
        self.rate = float(rate)
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated = clock()

    def __repr__(self) -> str:
        return f"<RateLimiter {self.rate:g}/s burst={self.burst}>"

    def reserve(self) -> float:
        """Take a token and return how many seconds to wait before using it (0 when available)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(float(self.burst), self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def acquire(self) -> float:
        """Wait for a token; returns the seconds waited."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait


def to_limiter(value: Any) -> Optional[RateLimiter]:
    """Turn a ``rate_limit`` option value (``None``, requests per second, or a shared
    :class:`RateLimiter`) into a limiter.

    Raises:
        TypeError, ValueError: anything else, or a rate that is not positive.
    """
    if value is None or isinstance(value, RateLimiter):
        return value
    return RateLimiter(value)
