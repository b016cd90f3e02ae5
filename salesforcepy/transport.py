"""The one place salesforcepy talks HTTP: the only module that imports ``requests``.

:class:`Transport` owns one pooled ``requests.Session`` per client (or uses the caller's), and sends
every call of every resource — each page of ``query_more``, each bulk call, each login — through
:meth:`Transport.send`. That method runs an explicit attempt loop: today a call makes one attempt;
:meth:`Transport._next_attempt` is where session refresh on ``401 INVALID_SESSION_ID`` and the retry
policy plug in, so every API family gets them at once.

Each attempt sends a (connect, read) timeout, the configured proxies and TLS verification,
``Accept-Encoding: gzip``, the session's ``Authorization`` header and, when configured,
``Sforce-Call-Options: client=<name>``. It writes exactly one DEBUG line to
``logging.getLogger("salesforcepy.transport")``: method, URL (credential-like query values masked,
known secrets redacted), status and time. The library never adds handlers or sets levels.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Callable, Optional, Union

import attrs
import requests

from ._version import __version__
from .exceptions import SalesforceError, TransportError, TransportTimeout
from .request import Attempt, Request, redact_url

__all__ = ["Exchange", "Resolver", "Transport"]

logger = logging.getLogger(__name__)

Resolver = Callable[[Request], tuple[str, Mapping[str, str]]]
"""Maps a request to its URL and session headers at the time of an attempt.

It is called again for every attempt, so a replay after a session refresh uses the new token.
"""

_ERROR_DETAIL_CHARS = 300


def _identity(text: str) -> str:
    return text


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
    """

    def __init__(
        self,
        *,
        verify: Union[bool, str] = True,
        client_name: Optional[str] = None,
        http: Optional[requests.Session] = None,
        redact: Callable[[str], str] = _identity,
    ) -> None:
        if http is not None and not isinstance(http, requests.Session):
            raise TypeError("session must be a requests.Session")
        self.http = http if http is not None else requests.Session()
        self._owns_http = http is None
        # True defers to the session/environment (REQUESTS_CA_BUNDLE), which verify by default.
        self._verify: Optional[Union[bool, str]] = None if verify is True else verify
        self._redact = redact
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
        """Send ``request``, making as many attempts as the policy asks for (today: one).

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
            if not self._next_attempt(request, response, attempts):
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
        self, request: Request, response: Optional[requests.Response], attempts: list[Attempt]
    ) -> bool:
        """Whether to make another attempt after ``attempts[-1]``.

        The single decision point of the attempt loop. Today every call makes exactly one
        attempt. The session refresh (replay once after ``401 INVALID_SESSION_ID``, through a
        callback from the client; the resolver then supplies the new token) and the retry policy
        (backoff, ``Retry-After``, idempotency rules) decide here; each extra attempt is recorded
        in ``SentRequest.attempts``.
        """
        return False

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
