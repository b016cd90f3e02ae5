"""The one place salesforcepy talks HTTP: the only module that imports ``requests``.

:class:`Transport` owns one pooled ``requests.Session`` per client (or uses the caller's), and sends
every call of every resource — each page of ``query_more``, each bulk call, each login — through
:meth:`Transport.send`. That method runs an explicit attempt loop; :meth:`Transport._next_attempt`
is its single decision point. It replays a call once after the session was refreshed (see
:data:`Refresher`), and asks the :class:`~salesforcepy.retry.RetryPolicy` whether a failed attempt
may be sent again, so every API family gets both at once. A request that is not idempotent and may
have reached the server is never sent again: it ends in
:class:`~salesforcepy.exceptions.OutcomeUnknown`. Before each attempt an optional
:class:`~salesforcepy.retry.RateLimiter` hands out a token; after each, the ``Sforce-Limit-Info``
header updates :attr:`Transport.api_usage`.

Each attempt sends a (connect, read) timeout, the configured proxies and TLS verification,
``Accept-Encoding: gzip``, the session's ``Authorization`` header and, when configured,
``Sforce-Call-Options: client=<name>``. It writes exactly one DEBUG line to
``logging.getLogger("salesforcepy.transport")``: method, URL (credential-like query values masked,
known secrets redacted), status and time; a retry adds one more DEBUG line with the policy's
reason and wait. The library never adds handlers or sets levels.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import ssl
import threading
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Callable, Optional, Union

import attrs
import requests
import urllib3

from ._version import __version__
from .exceptions import (
    OutcomeUnknown,
    OutcomeUnknownTimeout,
    SalesforceError,
    TransportError,
    TransportTimeout,
)
from .parse import no_redaction
from .request import Attempt, Request, redact_url
from .retry import CONNECT, FATAL, READ, Outcome, RateLimiter, RetryPolicy, error_codes
from .usage import ApiUsage, parse_limit_info

__all__ = ["Exchange", "Refresher", "Resolver", "Transport", "session_expired"]

logger = logging.getLogger(__name__)

Resolver = Callable[[Request], tuple[str, Mapping[str, str]]]
"""Maps a request to its URL and session headers at the time of an attempt.

It is called again for every attempt, so a replay after a session refresh uses the new token.
"""

Refresher = Callable[[Mapping[str, str]], Optional[SalesforceError]]
"""Renews the session after an attempt was answered "session expired or invalid".

It is called with the session headers that attempt sent (so it can tell whether another thread
has renewed the session meanwhile) and returns ``None`` when a usable session is in place — the
call is then replayed once — or the error saying why there is none (the response then stands).
It must be thread-safe: concurrent calls that fail together should share one renewal.
"""

_ERROR_DETAIL_CHARS = 300
# Bulk API 1.0 reports an expired session as an XML (or JSON) exceptionCode, with status 400.
_BULK_SESSION_CODE = re.compile(rb"<(?:[\w.-]+:)?exceptionCode>\s*InvalidSessionId\s*</")
_SESSION_CODES = frozenset({"INVALID_SESSION_ID", "InvalidSessionId"})


def _headers_only(prepared: requests.PreparedRequest) -> requests.PreparedRequest:
    """The auth of every request: the headers already carry the session; nothing to add."""
    return prepared


def failure_kind(exc: BaseException) -> str:
    """How far a failed request got: :data:`~salesforcepy.retry.CONNECT` (no connection, nothing
    sent), :data:`~salesforcepy.retry.READ` (the request may have reached the server) or
    :data:`~salesforcepy.retry.FATAL` (retrying cannot help: TLS verification, a bad URL...)."""
    if isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.ProxyError)):
        return CONNECT
    if isinstance(exc, requests.exceptions.SSLError):
        # requests gives every TLS failure this one type. A certificate that fails verification
        # stops the handshake; any other TLS error (an EOF or a bad record while the answer was
        # read) may come after the request went out.
        verify_failed = _caused_by(exc, ssl.SSLCertVerificationError) or (
            "certificate verify failed" in str(exc).lower()
        )
        return FATAL if verify_failed else READ
    if isinstance(exc, requests.exceptions.ConnectionError):
        # requests wraps both "could not connect" and "connection dropped mid-exchange" in
        # ConnectionError; only urllib3's NewConnectionError (refused, DNS, unreachable) proves
        # that nothing was sent.
        return CONNECT if _caused_by(exc, urllib3.exceptions.NewConnectionError) else READ
    if isinstance(
        exc,
        (
            requests.exceptions.Timeout,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ),
    ):
        return READ
    return FATAL


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    pending: list[object] = [exc]
    while pending:
        item = pending.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kind):
            return True
        pending.extend(item.args)
        pending.extend([item.__cause__, item.__context__, getattr(item, "reason", None)])
    return False


def retry_after(response: requests.Response, now: Optional[float] = None) -> Optional[float]:
    """Seconds the ``Retry-After`` header asks to wait (delta-seconds or an HTTP date), if any.

    An HTTP date is measured from the response's ``Date`` header when it has one (so client and
    server clocks need not agree), else from ``now`` (default: the current time).
    """
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds and seconds != float("inf") else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    reference = None
    date = response.headers.get("Date")
    if date:
        try:
            reference = email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError, IndexError):
            reference = None
    if reference is None:
        reference = time.time() if now is None else now
    return max(0.0, when.timestamp() - reference)


def session_expired(response: requests.Response) -> bool:
    """Whether ``response`` says the session token is expired or invalid.

    That is a 401 (or 400) whose body carries the error code ``INVALID_SESSION_ID`` (the REST
    error array or object) or Bulk API 1.0's ``InvalidSessionId`` exception code (XML or JSON).
    """
    if response.status_code not in (400, 401):
        return False
    content = response.content or b""
    if _BULK_SESSION_CODE.search(content):
        return True
    try:
        body = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return False
    items = body if isinstance(body, list) else [body]
    return any(
        isinstance(item, Mapping)
        and (item.get("errorCode") in _SESSION_CODES or item.get("exceptionCode") in _SESSION_CODES)
        for item in items
    )


@attrs.frozen(kw_only=True)
class Exchange:
    """The outcome of :meth:`Transport.send`: the final response and every attempt."""

    response: Any
    url: str
    attempts: list[Attempt]
    elapsed: timedelta


class Transport:
    """Sends requests over one pooled ``requests.Session``.

    Args:
        verify: TLS verification: ``True`` (the default; a CA bundle named by the session or the
            environment applies, but a session's ``verify = False`` does not), ``False``, or a CA
            bundle path.
        client_name: sent as ``Sforce-Call-Options: client=<name>`` when given.
        http: a ``requests.Session`` to use instead of a new one; it is never closed by us.
        redact: scrubs known secrets from log lines and error messages.
        refresh: renews the session when an authenticated call is answered "session expired";
            without it such a response is returned as it is.
        retry: the retry policy of calls that do not bring their own.
        rate_limit: a token bucket every attempt draws from (shared between clients when they
            share the instance).

    Attributes:
        api_usage: the API usage from the latest ``Sforce-Limit-Info`` headers.
    """

    def __init__(
        self,
        *,
        verify: Union[bool, str] = True,
        client_name: Optional[str] = None,
        http: Optional[requests.Session] = None,
        redact: Callable[[str], str] = no_redaction,
        refresh: Optional[Refresher] = None,
        retry: Optional[RetryPolicy] = None,
        rate_limit: Optional[RateLimiter] = None,
    ) -> None:
        if http is not None and not isinstance(http, requests.Session):
            raise TypeError("session must be a requests.Session")
        self.http = http if http is not None else requests.Session()
        self._owns_http = http is None
        # True defers to the session/environment (a CA bundle, REQUESTS_CA_BUNDLE).
        self._verify: Optional[Union[bool, str]] = None if verify is True else verify
        self._redact = redact
        self._refresh = refresh
        self.retry = retry if retry is not None else RetryPolicy()
        self.rate_limit = rate_limit
        self.api_usage = ApiUsage()
        self._usage_lock = threading.Lock()
        # Built once: every attempt copies these and adds its own.
        headers = {"Accept-Encoding": "gzip", "User-Agent": f"salesforcepy/{__version__}"}
        if client_name:
            headers["Sforce-Call-Options"] = f"client={client_name}"
        self._headers: Mapping[str, str] = headers

    def close(self) -> None:
        """Close the connection pool if this transport created it."""
        if self._owns_http:
            self.http.close()

    def send(
        self,
        request: Request,
        *,
        resolve: Resolver,
        timeout: tuple[float, float],
        proxies: Optional[Mapping[str, str]] = None,
        retry: Optional[RetryPolicy] = None,
    ) -> Exchange:
        """Send ``request``, making as many attempts as the policy asks for.

        Args:
            request: the request to send.
            resolve: gives the URL and session headers for each attempt.
            timeout: (connect, read) seconds.
            proxies: proxy map for this call.
            retry: the retry policy for this call (default: the transport's).

        Returns:
            The final response and the list of attempts.

        Raises:
            OutcomeUnknown: no response arrived to a request that is not idempotent, after it
                may have reached the server.
            TransportError: the last attempt got no response.
        """
        attempts: list[Attempt] = []
        policy = retry if retry is not None else self.retry
        budget_start = policy.clock()
        started = time.monotonic()
        while True:
            url, session_headers = resolve(request)
            response, attempt = self._attempt(
                request, url, session_headers, timeout, proxies, number=len(attempts) + 1
            )
            attempts.append(attempt)
            if not self._next_attempt(
                request, response, attempts, session_headers, policy=policy, since=budget_start
            ):
                break
        if response is None:
            error = attempts[-1].error
            assert isinstance(error, TransportError)
            if error.request_sent and not request.idempotent:
                error = self._outcome_unknown(request, error)
            error.attempts = list(attempts)
            raise error
        return Exchange(
            response=response,
            url=url,
            attempts=attempts,
            elapsed=timedelta(seconds=time.monotonic() - started),
        )

    def _next_attempt(
        self,
        request: Request,
        response: Optional[requests.Response],
        attempts: list[Attempt],
        session_headers: Mapping[str, str],
        *,
        policy: RetryPolicy,
        since: float,
    ) -> bool:
        """Whether to make another attempt after ``attempts[-1]``.

        The single decision point of the attempt loop. Each reason for another attempt is one
        helper here (the session refresh, then the retry policy), and each extra attempt is
        recorded in ``SentRequest.attempts``.
        """
        return self._replay_after_refresh(
            request, response, attempts, session_headers
        ) or self._retry(request, response, attempts, policy, since)

    def _retry(
        self,
        request: Request,
        response: Optional[requests.Response],
        attempts: list[Attempt],
        policy: RetryPolicy,
        since: float,
    ) -> bool:
        """Ask ``policy`` whether the failed attempt may be sent again; wait as it says.

        The decision (and its reason) is noted on the attempt; a replay after a session refresh
        does not count against ``max_attempts``.
        """
        last = attempts[-1]
        if response is not None and response.status_code < 400:
            return False
        if response is not None:
            # Error bodies are small; reading one (even of a streamed call) keeps it for parsing.
            outcome = Outcome(
                method=request.method,
                idempotent=request.idempotent,
                status=response.status_code,
                error_codes=error_codes(response.content),
                retry_after=retry_after(response),
            )
        else:
            cause = last.error.__cause__ if last.error is not None else None
            outcome = Outcome(
                method=request.method,
                idempotent=request.idempotent,
                failure=failure_kind(cause) if cause is not None else FATAL,
            )
        counted = sum(1 for a in attempts if not a.refreshed)
        decision = policy.decide(outcome, attempts=counted, elapsed=policy.clock() - since)
        attempts[-1] = attrs.evolve(
            last,
            error_codes=outcome.error_codes,
            retry=decision.reason or None,
            wait=decision.wait if decision.retry else 0.0,
        )
        if not decision.retry:
            return False
        logger.debug(
            "%s %s: %s", request.method, self._redact(redact_url(last.url)), decision.reason
        )
        if response is not None:
            response.close()
        if decision.wait > 0:
            policy.sleep(decision.wait)
        return True

    def _outcome_unknown(self, request: Request, error: TransportError) -> OutcomeUnknown:
        kind = OutcomeUnknownTimeout if isinstance(error, TransportTimeout) else OutcomeUnknown
        # error's message is already redacted and names the method, URL and cause.
        message = (
            f"{error}; the request may have been applied: the connection failed after it was "
            f"sent, and a {request.method} that is not idempotent is never sent again "
            "automatically. Check whether the change was made (for a create, query for the "
            "record by a unique field; for a Bulk job, read the job's state) before sending it "
            "again."
        )
        unknown = kind(message, method=error.method, url=error.url, request_sent=True)
        unknown.__cause__ = error.__cause__
        return unknown

    def _replay_after_refresh(
        self,
        request: Request,
        response: Optional[requests.Response],
        attempts: list[Attempt],
        session_headers: Mapping[str, str],
    ) -> bool:
        """Refresh the session and replay once, when an authenticated call's session expired.

        At most one refresh per call, whatever the replay answers: a token that is rejected
        again is not refreshed again (no loop). The outcome is noted on the attempt that got the
        "session expired" answer (``refreshed`` or ``refresh_error``).
        """
        if (
            self._refresh is None
            or response is None
            or not request.authenticated
            or any(a.refreshed or a.refresh_error is not None for a in attempts)
            or not session_expired(response)
        ):
            return False
        error = self._refresh(session_headers)
        if error is not None:
            attempts[-1] = attrs.evolve(attempts[-1], refresh_error=error)
            return False
        attempts[-1] = attrs.evolve(attempts[-1], refreshed=True)
        response.close()
        return True

    def _attempt(
        self,
        request: Request,
        url: str,
        session_headers: Mapping[str, str],
        timeout: tuple[float, float],
        proxies: Optional[Mapping[str, str]],
        *,
        number: int,
    ) -> tuple[Optional[requests.Response], Attempt]:
        headers = {**self._headers, **session_headers, **request.headers}
        verify = self._verify
        if verify is None and self.http.verify is False:
            # Only the client's own verify=False turns verification off, never a session (given
            # for its adapters, say) that happens to have it off.
            verify = True
        if self.rate_limit is not None:
            self.rate_limit.acquire()
        started = time.monotonic()
        response: Optional[requests.Response] = None
        error: Optional[SalesforceError] = None
        try:
            response = self.http.request(
                request.method,
                url,
                data=request.content,
                headers=headers,
                timeout=timeout,
                proxies=dict(proxies) if proxies is not None else None,
                verify=verify,
                # Any auth stops requests from reading ~/.netrc, whose entry (a "default" one
                # matches every host) it would send as Basic auth in place of the session header.
                auth=_headers_only,
                stream=request.stream,
                # A redirect could lead to another host or to plain http; Salesforce API calls
                # do not redirect, so a 3xx is returned to the caller as it is.
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            error = self._transport_error(request.method, url, exc)
        elapsed = timedelta(seconds=time.monotonic() - started)
        status = response.status_code if response is not None else None
        if response is not None:
            self._note_usage(response)
        if logger.isEnabledFor(logging.DEBUG):
            outcome = str(status) if status is not None else f"failed ({type(error).__name__})"
            logger.debug(
                "%s %s -> %s in %.1f ms (attempt %d)",
                request.method,
                self._redact(redact_url(url)),
                outcome,
                elapsed.total_seconds() * 1000,
                number,
            )
        attempt = Attempt(
            number=number,
            method=request.method,
            url=url,
            status=status,
            elapsed=elapsed,
            error=error,
        )
        return response, attempt

    def _transport_error(
        self, method: str, url: str, exc: requests.exceptions.RequestException
    ) -> TransportError:
        kind = TransportTimeout if isinstance(exc, requests.exceptions.Timeout) else TransportError
        # Redacted before it is cut: a secret straddling the cut would otherwise survive in part.
        detail = self._redact(str(exc))[:_ERROR_DETAIL_CHARS]
        shown = self._redact(redact_url(url))
        message = f"{method} {shown}: no response ({type(exc).__name__}: {detail})"
        error = kind(message, method=method, url=shown, request_sent=failure_kind(exc) == READ)
        error.__cause__ = exc
        return error

    def _note_usage(self, response: requests.Response) -> None:
        header = response.headers.get("Sforce-Limit-Info")
        if not header:
            return
        reading = parse_limit_info(header)
        if reading:
            with self._usage_lock:
                self.api_usage = self.api_usage.merge(reading)
