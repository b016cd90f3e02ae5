"""The one place salesforcepy talks HTTP: the only module that imports ``requests``.

:class:`Transport` owns one pooled ``requests.Session`` per client (or uses the caller's), and sends
every call of every resource — each page of ``query_more``, each bulk call, each login — through
:meth:`Transport.send`. That method runs an explicit attempt loop; :meth:`Transport._next_attempt`
is its single decision point. It replays a call once after the session was refreshed (see
:data:`Refresher`), and is where the retry policy plugs in, so every API family gets both at once.

Each attempt sends a (connect, read) timeout, the configured proxies and TLS verification,
``Accept-Encoding: gzip``, the session's ``Authorization`` header and, when configured,
``Sforce-Call-Options: client=<name>``. It writes exactly one DEBUG line to
``logging.getLogger("salesforcepy.transport")``: method, URL (credential-like query values masked,
known secrets redacted), status and time. The library never adds handlers or sets levels.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Callable, Optional, Union

import attrs
import requests

from ._version import __version__
from .exceptions import SalesforceError, TransportError, TransportTimeout
from .request import Attempt, Request, redact_url

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


def _identity(text: str) -> str:
    return text


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
        verify: TLS verification: ``True`` (the default; the session's and environment's settings
            apply), ``False``, or a CA bundle path.
        client_name: sent as ``Sforce-Call-Options: client=<name>`` when given.
        http: a ``requests.Session`` to use instead of a new one; it is never closed by us.
        redact: scrubs known secrets from log lines and error messages.
        refresh: renews the session when an authenticated call is answered "session expired";
            without it such a response is returned as it is.
    """

    def __init__(
        self,
        *,
        verify: Union[bool, str] = True,
        client_name: Optional[str] = None,
        http: Optional[requests.Session] = None,
        redact: Callable[[str], str] = _identity,
        refresh: Optional[Refresher] = None,
    ) -> None:
        if http is not None and not isinstance(http, requests.Session):
            raise TypeError("session must be a requests.Session")
        self.http = http if http is not None else requests.Session()
        self._owns_http = http is None
        # True defers to the session/environment (REQUESTS_CA_BUNDLE), which verify by default.
        self._verify: Optional[Union[bool, str]] = None if verify is True else verify
        self._redact = redact
        self._refresh = refresh
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
    ) -> Exchange:
        """Send ``request``, making as many attempts as the policy asks for.

        Args:
            request: the request to send.
            resolve: gives the URL and session headers for each attempt.
            timeout: (connect, read) seconds.
            proxies: proxy map for this call.

        Returns:
            The final response and the list of attempts.

        Raises:
            TransportError: the last attempt got no response.
        """
        attempts: list[Attempt] = []
        started = time.monotonic()
        while True:
            url, session_headers = resolve(request)
            response, attempt = self._attempt(
                request, url, session_headers, timeout, proxies, number=len(attempts) + 1
            )
            attempts.append(attempt)
            if not self._next_attempt(request, response, attempts, session_headers):
                break
        if response is None:
            error = attempt.error
            assert isinstance(error, TransportError)
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
    ) -> bool:
        """Whether to make another attempt after ``attempts[-1]``.

        The single decision point of the attempt loop. Each reason for another attempt is one
        helper here (today: the session refresh; the retry policy joins it), and each extra
        attempt is recorded in ``SentRequest.attempts``.
        """
        return self._replay_after_refresh(request, response, attempts, session_headers)

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
                verify=self._verify,
                stream=request.stream,
                # A redirect could lead to another host or to plain http; Salesforce API calls
                # do not redirect, so a 3xx is returned to the caller as it is.
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            error = self._transport_error(request.method, url, exc)
        elapsed = timedelta(seconds=time.monotonic() - started)
        status = response.status_code if response is not None else None
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
        detail = str(exc)[:_ERROR_DETAIL_CHARS]
        message = self._redact(
            f"{method} {redact_url(url)}: no response ({type(exc).__name__}: {detail})"
        )
        error = kind(message, method=method, url=redact_url(url))
        error.__cause__ = exc
        return error
