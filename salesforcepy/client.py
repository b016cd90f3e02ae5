"""The client: options, transport and session in one object, and the one funnel every call uses.

:func:`client` builds a :class:`Client` from keyword arguments. The client logs in
(:meth:`Client.login` and the other ``login_via_*`` flows, or adopts a session given as
``session_id``), renews an expired session once per call (see :meth:`Client.login` and
``docs/guides/authentication.rst``), hands out resource builders
(:meth:`Client.sobjects`, :attr:`Client.chatter`, :attr:`Client.wave`, :attr:`Client.jobs`) and
has the query, search, Apex and approvals actions itself. Every action — login included — goes
through :meth:`Client._send`, which resolves the request against the session and hands it to the
transport, and returns ``(body, request)``.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any, Callable, Optional, Union
from urllib.parse import urlsplit

from . import auth, parse
from .exceptions import (
    HTTPError,
    LoginTimeout,
    NotLoggedIn,
    SalesforceError,
    SessionRefreshError,
)
from .options import (
    DEFAULT_API_VERSION,
    DEFAULT_TIMEOUT,
    CallOptions,
    ClientOptions,
    Proxies,
    Timeout,
    normalize_login_url,
)
from .request import Base, Request, Result, SentRequest, is_token
from .resources.apex import Apex, Params
from .resources.approvals import Approvals
from .resources.chatter import Chatter
from .resources.composite import Composite
from .resources.einstein import Einstein
from .resources.jobs import Jobs
from .resources.query import Query
from .resources.sobjects import SObjects
from .resources.wave import Wave
from .retry import PolicyLike, RateLimiter, RetryPolicy, to_policy
from .session import Session
from .transport import Transport, session_expired
from .usage import ApiUsage

if TYPE_CHECKING:
    import requests

__all__ = ["Client", "client"]

logger = logging.getLogger(__name__)

# Shorter values are too likely to occur by chance in ordinary text to be worth scrubbing.
_MIN_SECRET_CHARS = 4
# Retry policies set by Client.retries(), by id of the client: a context variable, so an
# override in one thread (or asyncio task) never applies to calls made by another.
_RETRY_OVERRIDES: contextvars.ContextVar[Mapping[int, RetryPolicy]] = contextvars.ContextVar(
    "salesforcepy_retry_overrides", default=MappingProxyType({})
)
# Tokens the client has held stay redacted; a long-running client renews every few hours, so
# the oldest are dropped past this many.
_MAX_TOKEN_SECRETS = 32
DEVICE_FLOW_WAIT = 600.0
"""Seconds :meth:`Client.login_via_device_flow` waits for approval when neither ``timeout`` nor
Salesforce's ``expires_in`` says otherwise."""
# RFC 8628: after slow_down, poll this many seconds less often from then on.
_SLOW_DOWN_SECONDS = 5.0

Renewal = Callable[[Session], Result]
"""Re-runs a login flow to replace an expired session (given the session being replaced)."""


class Client:
    """A Salesforce client. Build it with :func:`salesforcepy.client`.

    Args:
        options: validated options.
        http: a ``requests.Session`` to send through instead of a new pooled one.
        session_id: an existing access token or SOAP session id to use instead of logging in
            (give ``instance_url`` with it). The client never renews or revokes such a session.
        instance_url: the instance the ``session_id`` belongs to.

    Attributes:
        options: the client's :class:`~salesforcepy.options.ClientOptions`.
        transport: the :class:`~salesforcepy.transport.Transport` every call goes through.

    Raises:
        TypeError, ValueError: ``session_id`` without ``instance_url`` (or the reverse), or an
            invalid instance URL.
    """

    def __init__(
        self,
        options: ClientOptions,
        *,
        http: Optional[requests.Session] = None,
        session_id: Optional[str] = None,
        instance_url: Optional[str] = None,
    ) -> None:
        self.options = options
        self._session: Optional[Session] = None
        # Guards the session and how to renew it; held during a renewal so that concurrent calls
        # whose session expired together wait for one renewal and share it.
        self._lock = threading.RLock()
        self._option_secrets = [s for s in options.secrets() if len(s) >= _MIN_SECRET_CHARS]
        self._token_secrets: list[str] = []
        self._secrets: tuple[str, ...] = ()
        self._update_secrets()
        self._entered_login = False
        self._rerun: Optional[Renewal] = None
        # Why the session cannot be renewed when there is no way to (said in SessionRefreshError).
        self._no_renewal = "the client is not logged in"
        # After logout(): where calls still go (without a token), so they get Salesforce's 401.
        self._logged_out_instance: Optional[str] = None
        self._logging_out = False
        self._failed_renewal: Optional[tuple[str, float, SessionRefreshError]] = None
        self.transport = Transport(
            verify=options.verify,
            client_name=options.client_name,
            http=http,
            redact=self._redact,
            refresh=self._refresh_session,
            retry=options.retry,
            rate_limit=options.rate_limit,
        )
        if session_id is not None or instance_url is not None:
            self._adopt(session_id, instance_url)

    # -- state ----------------------------------------------------------------------------------

    @property
    def session(self) -> Optional[Session]:
        """The current :class:`~salesforcepy.session.Session`, or ``None`` before login."""
        return self._session

    @property
    def logged_in(self) -> bool:
        """Whether the client holds a session."""
        return self._session is not None

    @property
    def refresh_token(self) -> Optional[str]:
        """The refresh token the client holds (from the device flow, a refresh-token login or a
        rotating refresh grant), or ``None``. Store it securely to log in again later with
        :meth:`login_via_refresh_token`."""
        session = self._session
        return session.refresh_token if session is not None else None

    @property
    def version(self) -> str:
        """The API version calls use: the ``version`` option, else the newest the org offered at
        login, else :data:`~salesforcepy.options.DEFAULT_API_VERSION`."""
        if self._session is not None:
            return self._session.api_version
        return self.options.version or DEFAULT_API_VERSION

    @property
    def api_usage(self) -> ApiUsage:
        """The API usage Salesforce reported last (``Sforce-Limit-Info`` of every response).

        ``client.api_usage.used``/``.limit``/``.remaining`` are the org's rolling 24-hour figures
        (``None`` before the first report); ``.items`` holds every reported item (``api-usage``,
        ``api-bursts``, ...) and ``.per_app`` the per-connected-app figures.
        """
        return self.transport.api_usage

    @contextlib.contextmanager
    def retries(self, policy: PolicyLike) -> Iterator[RetryPolicy]:
        """Use another retry policy for this client's calls inside a ``with`` block.

        The override is per thread (and per asyncio task) and covers every request the calls in
        the block make — each page of ``query_more``, each step of a Bulk load::

            with sf.retries(RetryPolicy(max_attempts=8, max_elapsed=600)):
                sf.query_more("SELECT Id FROM Account")
            with sf.retries(False):   # exactly one attempt
                sf.sobjects("Account").insert({"Name": "Acme"})

        Args:
            policy: a :class:`~salesforcepy.retry.RetryPolicy`, ``True`` (default policy),
                ``False``/``None`` (no retries) or a number of attempts.

        Yields:
            The policy in force.

        Raises:
            TypeError, ValueError: not a valid policy.
        """
        chosen = to_policy(policy)
        token = _RETRY_OVERRIDES.set(MappingProxyType({**_RETRY_OVERRIDES.get(), id(self): chosen}))
        try:
            yield chosen
        finally:
            _RETRY_OVERRIDES.reset(token)

    def __repr__(self) -> str:
        where = self._session.instance_url if self._session else None
        return (
            f"<Client username={self.options.username!r} login_url={self.options.login_url!r} "
            f"instance_url={where!r} version={self.version!r}>"
        )

    # -- the funnel -----------------------------------------------------------------------------

    def _update_secrets(self) -> None:
        # Longest first, so that a secret containing another is replaced whole.
        every = {*self._option_secrets, *self._token_secrets}
        self._secrets = tuple(sorted(every, key=len, reverse=True))

    def _remember(self, *values: Optional[str], keep: bool = False) -> None:
        """Add tokens, keys and codes the client now holds to what :meth:`_redact` scrubs.

        Short-lived values (access tokens, assertions, device codes) are kept for the last
        :data:`_MAX_TOKEN_SECRETS`; ``keep`` values (private keys, refresh tokens, a given
        session id) for the client's life.
        """
        with self._lock:
            target = self._option_secrets if keep else self._token_secrets
            for value in values:
                if value and len(value) >= _MIN_SECRET_CHARS and value not in target:
                    target.append(value)
            del self._token_secrets[:-_MAX_TOKEN_SECRETS]
            self._update_secrets()

    def _redact(self, text: str) -> str:
        """``text`` with every known secret (credentials, tokens, keys, codes) replaced."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, auth.REDACTED)
        return text

    def _not_logged_in(self) -> NotLoggedIn:
        return NotLoggedIn("not logged in: call login() first")

    def _resolve(self, request: Request, version: Optional[str]) -> tuple[str, Mapping[str, str]]:
        session = self._session
        instance_url = session.instance_url if session is not None else self._logged_out_instance
        if request.authenticated and instance_url is None:
            raise self._not_logged_in()
        url = request.url(
            login_url=self.options.login_url,
            instance_url=instance_url,
            version=version or self.version,
        )
        if request.authenticated and session is not None:
            if request.base is Base.ASYNC:
                # Bulk API 1.0 takes the session (or OAuth token) in its own header.
                return url, {"X-SFDC-Session": session.access_token}
            return url, {"Authorization": f"Bearer {session.access_token}"}
        return url, {}

    def _call(
        self,
        request: Request,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """Send ``request`` and read the response, without strict-mode raising."""
        call = CallOptions(timeout=timeout, proxies=proxies, version=version)
        if request.authenticated and self._session is None and self._logged_out_instance is None:
            raise self._not_logged_in()
        exchange = self.transport.send(
            request,
            resolve=lambda r: self._resolve(r, call.version),
            timeout=call.timeout or self.options.timeout,
            proxies=call.proxies if call.proxies is not None else self.options.proxies,
            retry=_RETRY_OVERRIDES.get().get(id(self)),
        )
        response = exchange.response
        body, errors = parse.read_response(
            response, raw=request.raw, stream=request.stream, redact=self._redact
        )
        if errors:
            _explain_expiry(errors, exchange.attempts, response)
        sent = SentRequest(
            request=request,
            method=request.method,
            url=exchange.url,
            status=response.status_code,
            headers=response.headers,
            elapsed=exchange.elapsed,
            response=response,
            exceptions=errors,
            attempts=exchange.attempts,
        )
        for error in errors:
            error.request = sent
        return body, sent

    def _finish(self, sent: SentRequest) -> None:
        if self.options.strict:
            sent.raise_for_status()

    def _record(self, sent: SentRequest, error: SalesforceError) -> None:
        """Add ``error`` to a call's errors (and raise it in strict mode)."""
        error.request = sent
        sent.exceptions.append(error)
        self._finish(sent)

    def _send(
        self,
        request: Request,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """Send one request through the transport and return ``(body, request)``.

        Every resource calls this. The per-call overrides replace the client's settings for this
        call only.

        Args:
            request: the request to send.
            timeout: (connect, read) seconds.
            proxies: proxy map.
            version: API version for data-API paths.

        Returns:
            ``(body, SentRequest)`` for any HTTP response.

        Raises:
            NotLoggedIn: the request needs a session and there is none.
            TransportError: no response arrived.
            HTTPError: in strict mode, for an error response.
            TypeError, ValueError: an invalid override.
        """
        body, sent = self._call(request, timeout=timeout, proxies=proxies, version=version)
        self._finish(sent)
        return body, sent

    # -- login and logout -----------------------------------------------------------------------

    def _adopt(self, session_id: Optional[str], instance_url: Optional[str]) -> None:
        if session_id is None or instance_url is None:
            raise ValueError("session_id and instance_url must be given together")
        if not isinstance(session_id, str) or not session_id.strip():
            raise TypeError("session_id must be a non-empty string")
        if not is_token(session_id.strip()):
            # The message does not quote it: it is a credential.
            raise ValueError(
                "session_id must be the token alone: printable ASCII without spaces or line breaks"
            )
        url = normalize_login_url(instance_url, "instance_url")
        if urlsplit(url).path:
            raise ValueError(
                "instance_url must be scheme and host only, e.g. https://acme.my.salesforce.com"
            )
        self._remember(session_id, keep=True)
        self._session = Session(
            instance_url=url,
            access_token=session_id.strip(),
            api_version=self.options.version or DEFAULT_API_VERSION,
            flow="session_id",
        )
        self._no_renewal = (
            "the session was given as session_id, and the client has no way to renew it"
        )

    def _establish(
        self,
        grant: auth.LoginGrant,
        flow: str,
        timeout: Optional[Timeout],
        proxies: Optional[Proxies],
        *,
        current: Optional[Session] = None,
        refresh_token: Optional[str] = None,
    ) -> None:
        """Make ``grant`` the client's session.

        A renewal (``current`` given) keeps the API version and, unless the answer brought a new
        one, the refresh token of the session it replaces.
        """
        self._remember(grant.access_token)
        self._remember(grant.refresh_token, keep=True)
        if current is not None:
            version = current.api_version
            refresh = grant.refresh_token or refresh_token or current.refresh_token
        else:
            version = self.options.version or self._discover_version(grant, timeout, proxies)
            refresh = grant.refresh_token or refresh_token
        session = Session(
            instance_url=grant.instance_url,
            access_token=grant.access_token,
            api_version=version,
            issued_at=grant.issued_at,
            identity_url=grant.identity_url,
            flow=flow,
            refresh_token=refresh,
        )
        with self._lock:
            self._session = session
            self._logged_out_instance = None

    def _logged_in_with(self, rerun: Optional[Renewal], no_renewal: str = "") -> None:
        """Note how to renew the session a login flow just established."""
        with self._lock:
            self._rerun = rerun
            self._no_renewal = no_renewal
            self._failed_renewal = None

    def _discover_version(
        self, grant: auth.LoginGrant, timeout: Optional[Timeout], proxies: Optional[Proxies]
    ) -> str:
        # GET /services/data/ needs no token; a failed answer is not a failed login.
        body, sent = self._call(
            auth.versions_request(grant.instance_url), timeout=timeout, proxies=proxies
        )
        newest = auth.newest_version(body) if sent.ok else None
        if newest is None:
            logger.debug(
                "no API version from GET /services/data/ (status %s); using %s",
                sent.status,
                DEFAULT_API_VERSION,
            )
            return DEFAULT_API_VERSION
        return newest

    def _token_exchange(
        self,
        request: Request,
        flow: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        current: Optional[Session] = None,
        refresh_token: Optional[str] = None,
    ) -> Result:
        """Send a token-endpoint request and, on success, make its answer the session.

        No strict-mode raising (renewals must not raise from inside another call).
        """
        body, sent = self._call(request, timeout=timeout, proxies=proxies)
        if sent.ok:
            try:
                grant = auth.grant_from_oauth(body)
            except SalesforceError as exc:
                exc.request = sent
                sent.exceptions.append(exc)
            else:
                self._establish(
                    grant, flow, timeout, proxies, current=current, refresh_token=refresh_token
                )
        return auth.redact_tokens(body), sent

    def _oauth_login(
        self,
        request: Request,
        flow: str,
        rerun: Optional[Renewal],
        timeout: Optional[Timeout],
        proxies: Optional[Proxies],
        *,
        no_renewal: str = "",
        refresh_token: Optional[str] = None,
    ) -> Result:
        body, sent = self._token_exchange(
            request, flow, timeout=timeout, proxies=proxies, refresh_token=refresh_token
        )
        if sent.ok:
            self._logged_in_with(rerun, no_renewal)
        self._finish(sent)
        return body, sent

    def login(
        self, *, timeout: Optional[Timeout] = None, proxies: Optional[Proxies] = None
    ) -> Result:
        """``POST {login_url}/services/oauth2/token`` — OAuth 2.0 username-password login.

        Sends ``username``, ``password`` (+ ``security_token``), ``client_id`` and
        ``client_secret``. On success the client holds the instance URL and token; unless the
        ``version`` option is set it then asks ``GET /services/data/`` for the newest version.
        On failure the client stays logged out.

        Session renewal (every login flow): when a call is answered ``401 INVALID_SESSION_ID``
        the client renews the session once — with its refresh token if it holds one, else by
        running the same login flow again (password, SOAP, client credentials, JWT; a device-flow
        session without a refresh token and a ``session_id`` session cannot be renewed) — and
        replays the call once. Concurrent calls share one renewal; a call is never renewed
        twice. ``request.attempts`` shows it (``refreshed``); when renewal is impossible or
        fails, the 401's :class:`~salesforcepy.exceptions.InvalidSessionId` says why and a
        :class:`~salesforcepy.exceptions.SessionRefreshError` follows it.

        Args:
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.

        Returns:
            ``(body, request)``; in ``body`` the token values are replaced by ``"[redacted]"``
            (the token is in :attr:`session`). A failure is an
            :class:`~salesforcepy.exceptions.AuthError` in ``request.exceptions``.

        Raises:
            ValueError: a credential the flow needs is missing.
            TransportError: no response arrived.
        """
        request = auth.password_request(self.options)

        def rerun(current: Session) -> Result:
            return self._token_exchange(
                auth.password_request(self.options), "password", current=current
            )

        return self._oauth_login(request, "password", rerun, timeout, proxies)

    def login_via_refresh_token(
        self,
        refresh_token: Optional[str] = None,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
    ) -> Result:
        """``POST {login_url}/services/oauth2/token`` with ``grant_type=refresh_token``.

        Sends ``refresh_token``, ``client_id`` and, when configured, ``client_secret``. The
        client keeps the refresh token (and any new one a rotating connected app returns) and
        renews expired sessions with it.

        Args:
            refresh_token: the refresh token; by default the one the client holds (see
                :attr:`refresh_token`).
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.

        Returns:
            ``(body, request)`` with token values redacted; a refused token (revoked, expired)
            is an :class:`~salesforcepy.exceptions.AuthError` ``invalid_grant`` in
            ``request.exceptions``.

        Raises:
            ValueError: no refresh token given or held, or no ``client_id``.
            TransportError: no response arrived.
        """
        token = refresh_token if refresh_token is not None else self.refresh_token
        if token is None:
            raise ValueError(
                "login_via_refresh_token() needs a refresh token: pass refresh_token=, or log in "
                "first with a flow that returns one (the device flow)"
            )
        self._remember(token, keep=True)
        request = auth.refresh_token_request(self.options, token)
        return self._oauth_login(
            request,
            "refresh_token",
            None,
            timeout,
            proxies,
            no_renewal="the refresh token was refused",
            refresh_token=token,
        )

    def login_via_client_credentials(
        self, *, timeout: Optional[Timeout] = None, proxies: Optional[Proxies] = None
    ) -> Result:
        """``POST {login_url}/services/oauth2/token`` with ``grant_type=client_credentials``.

        Sends ``client_id`` and ``client_secret``; the session runs as the connected app's
        "run as" user. Salesforce accepts this flow only on the org's My Domain, so
        ``login_url`` must be the My Domain (``acme.my.salesforce.com``), not
        login.salesforce.com or test.salesforce.com. An expired session is renewed by running
        the flow again.

        Args:
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.

        Returns:
            ``(body, request)`` with token values redacted; a failure is an
            :class:`~salesforcepy.exceptions.AuthError` in ``request.exceptions``.

        Raises:
            ValueError: ``client_id``/``client_secret`` missing, or a generic login host.
            TransportError: no response arrived.
        """
        request = auth.client_credentials_request(self.options)

        def rerun(current: Session) -> Result:
            return self._token_exchange(
                auth.client_credentials_request(self.options), "client_credentials", current=current
            )

        return self._oauth_login(request, "client_credentials", rerun, timeout, proxies)

    def login_via_jwt(
        self,
        private_key: auth.PrivateKey,
        username: Optional[str] = None,
        audience: Optional[str] = None,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
    ) -> Result:
        """``POST {login_url}/services/oauth2/token`` with the JWT bearer grant.

        Signs an assertion with RS256 (``iss`` = ``client_id``, ``sub`` = the username,
        ``aud`` = the audience, ``exp`` = now + 3 minutes) and sends it as ``assertion``. Needs
        PyJWT with cryptography: ``pip install 'salesforcepy[jwt]'``. The key stays in memory
        (never in a ``repr``, log line or message) so an expired session can be renewed by
        signing a new assertion.

        Args:
            private_key: the connected app certificate's RSA private key: PEM text or bytes, or
                the path of a PEM file.
            username: the user to act as; by default the client's ``username`` option.
            audience: ``aud``; by default ``https://login.salesforce.com``, or
                ``https://test.salesforce.com`` for test.salesforce.com and sandbox My Domains,
                or the login URL itself for other hosts (Experience Cloud sites, a fake org).
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.

        Returns:
            ``(body, request)`` with token values redacted; a refused assertion is an
            :class:`~salesforcepy.exceptions.AuthError` (``invalid_grant``,
            ``invalid_client_id``) in ``request.exceptions``.

        Raises:
            ImportError: PyJWT or cryptography is not installed.
            ValueError: no ``client_id`` or username, or a key that cannot be read or used.
            TransportError: no response arrived.
        """
        client_id = self.options.client_id
        if not client_id:
            raise ValueError("login_via_jwt() needs client_id (the connected app's consumer key)")
        user = username if username is not None else self.options.username
        if not user:
            raise ValueError("login_via_jwt() needs username= or the client's username option")
        if audience is not None and (not isinstance(audience, str) or not audience):
            raise TypeError("audience must be a non-empty string")
        aud = audience or auth.default_audience(self.options.login_url)
        key = auth.load_private_key(private_key)
        self._remember(key.decode("utf-8", errors="replace").strip(), keep=True)

        def build() -> Request:
            assertion = auth.jwt_assertion(
                key, client_id=client_id, username=user, audience=aud, now=time.time()
            )
            # A bearer credential for its lifetime: scrubbed like a token.
            self._remember(assertion)
            return auth.jwt_request(assertion)

        def rerun(current: Session) -> Result:
            return self._token_exchange(build(), "jwt", current=current)

        return self._oauth_login(build(), "jwt", rerun, timeout, proxies)

    def login_via_device_flow(
        self,
        on_authorize: Optional[Callable[[auth.DeviceAuthorization], Any]] = None,
        on_authenticate: Optional[Callable[[Any], Any]] = None,
        timeout: Optional[float] = None,
        *,
        scope: Optional[str] = None,
        proxies: Optional[Proxies] = None,
        sleep: Callable[[float], Any] = time.sleep,
    ) -> Result:
        """``POST {login_url}/services/oauth2/token`` — the OAuth 2.0 device flow.

        First ``response_type=device_code`` (with ``client_id``) gets a user code; a person
        enters it at the verification URL. Meanwhile the client polls with
        ``grant_type=device`` and ``code`` every ``interval`` seconds: ``authorization_pending``
        means keep waiting, ``slow_down`` adds 5 seconds to the interval, anything else ends the
        flow (``access_denied``, ``expired_token``, ``invalid_grant``, ...). The wait is bounded
        by ``timeout``, Salesforce's ``expires_in`` and :data:`DEVICE_FLOW_WAIT`, whichever is
        shortest. The refresh token Salesforce returns is kept and used to renew the session;
        without one an expired session cannot be renewed (it needs a person).

        Args:
            on_authorize: called once with the :class:`~salesforcepy.auth.DeviceAuthorization`
                (``user_code``, ``verification_uri``, ``interval``, ``expires_in``) to show the
                person; by default the instruction is written to standard error.
            on_authenticate: called once with the (redacted) token body when the person has
                approved and the client holds the session.
            timeout: seconds to wait for the person at most.
            scope: scopes to request (space-separated); by default the connected app's.
            proxies: per-call proxy map.
            sleep: waits between polls (tests pass a fake).

        Returns:
            ``(body, request)`` of the last token-endpoint call: the token body (redacted) on
            success; otherwise its error in ``request.exceptions`` — an
            :class:`~salesforcepy.exceptions.AuthError` (``access_denied``, ``expired_token``,
            ...) or, when the wait ran out, a :class:`~salesforcepy.exceptions.LoginTimeout`
            first.

        Raises:
            ValueError: no ``client_id``, or a ``timeout`` that is not positive.
            TransportError: no response arrived.
        """
        if timeout is not None and (
            isinstance(timeout, bool)
            or not isinstance(timeout, (int, float))
            or not 0 < timeout < float("inf")
        ):
            raise ValueError("timeout must be a positive number of seconds")
        body, sent = self._call(auth.device_code_request(self.options, scope), proxies=proxies)
        if sent.ok:
            try:
                authorization = auth.device_authorization(body)
            except SalesforceError as exc:
                self._record(sent, exc)
                return auth.redact_tokens(body), sent
        else:
            self._finish(sent)
            return auth.redact_tokens(body), sent
        self._remember(authorization.device_code)
        (on_authorize or _show_device_instructions)(authorization)
        limits = [DEVICE_FLOW_WAIT, timeout, authorization.expires_in]
        limit = min(x for x in limits if x is not None)
        interval = authorization.interval
        waited = 0.0
        body = auth.redact_tokens(body)
        while True:
            if waited + interval > limit:
                expired = LoginTimeout(f"the device flow was not approved within {limit:g} seconds")
                expired.request = sent
                sent.exceptions.insert(0, expired)
                self._finish(sent)
                return body, sent
            sleep(interval)
            started = time.monotonic()
            body, sent = self._token_exchange(
                auth.device_token_request(self.options, authorization.device_code),
                "device",
                proxies=proxies,
            )
            waited += interval + (time.monotonic() - started)
            code = _oauth_error(sent)
            if code == "authorization_pending":
                continue
            if code == "slow_down":
                interval += _SLOW_DOWN_SECONDS
                continue
            break
        if sent.ok:
            self._logged_in_with(
                None,
                "a device-flow login without a refresh token cannot be renewed without a "
                "person: log in again",
            )
            if on_authenticate is not None:
                on_authenticate(body)
        self._finish(sent)
        return body, sent

    def _soap_exchange(
        self,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        current: Optional[Session] = None,
    ) -> Result:
        request = auth.soap_login_request(self.options)
        _, sent = self._call(request, timeout=timeout, proxies=proxies)
        login = auth.read_soap_login(sent.status, sent.response.content, redact=self._redact)
        sent.exceptions.clear()
        if login.error is not None:
            login.error.request = sent
            sent.exceptions.append(login.error)
        elif login.grant is not None:
            self._establish(login.grant, "soap", timeout, proxies, current=current)
        return login.body, sent

    def login_via_soap(
        self, *, timeout: Optional[Timeout] = None, proxies: Optional[Proxies] = None
    ) -> Result:
        """``POST {login_url}/services/Soap/u/{version}`` — SOAP ``login()`` (partner WSDL).

        SOAP login is gone from API 65.0 on, so the endpoint version is the ``version`` option
        when it is 64.0 or older and 64.0 otherwise; REST calls afterwards use the client's
        version as usual. The envelope escapes every value; the security token is appended to
        the password; ``org_id`` is sent in a ``LoginScopeHeader``. An expired session is
        renewed by logging in again the same way.

        Args:
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.

        Returns:
            ``(body, request)``: ``body`` is the ``result`` element as a dict (``sessionId``
            redacted), or the fault as a dict; a fault is an
            :class:`~salesforcepy.exceptions.AuthError` in ``request.exceptions``.

        Raises:
            ValueError: username or password missing.
            TransportError: no response arrived.
        """
        body, sent = self._soap_exchange(timeout, proxies)
        if sent.ok:

            def rerun(current: Session) -> Result:
                return self._soap_exchange(current=current)

            self._logged_in_with(rerun)
        self._finish(sent)
        return body, sent

    def _refresh_session(self, stale: Mapping[str, str]) -> Optional[SalesforceError]:
        """The transport's refresher: renew the session after a "session expired" answer.

        Returns ``None`` when a session other than the one the failed attempt used is in place
        (renewed now, or by a concurrent call while this one waited), else why not.
        """
        asked = time.monotonic()
        with self._lock:
            session = self._session
            if session is None:
                return SessionRefreshError(f"the session was not renewed: {self._no_renewal}")
            if self._logging_out:
                return SessionRefreshError("the session was not renewed: logout() is ending it")
            if not _sent_with(stale, session.access_token):
                return None
            failed = self._failed_renewal
            if failed is not None and failed[0] == session.access_token and failed[1] >= asked:
                # A renewal of this very session failed while this call waited for it.
                return failed[2]
            if not session.refresh_token and self._rerun is None:
                return SessionRefreshError(f"the session was not renewed: {self._no_renewal}")
            cause: SalesforceError
            try:
                _, sent = self._renew(session)
            except SalesforceError as exc:  # no response from the token endpoint
                cause = exc
            else:
                if sent.ok:
                    logger.debug("expired %s session renewed", session.flow)
                    return None
                cause = sent.exceptions[0]
            error = SessionRefreshError(f"the session expired and could not be renewed: {cause}")
            error.__cause__ = cause
            self._failed_renewal = (session.access_token, time.monotonic(), error)
            return error

    def _renew(self, session: Session) -> Result:
        """Replace ``session``: with its refresh token if it has one, else by the login flow."""
        if session.refresh_token:
            request = auth.refresh_token_request(self.options, session.refresh_token)
            return self._token_exchange(request, "refresh_token", current=session)
        assert self._rerun is not None
        return self._rerun(session)

    def _forget(self) -> None:
        with self._lock:
            if self._session is not None:
                self._logged_out_instance = self._session.instance_url
            self._session = None
            self._rerun = None
            self._no_renewal = "logout() ended the session"
            self._failed_renewal = None

    def logout(
        self,
        *,
        revoke: bool = True,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
    ) -> tuple[Any, Optional[SentRequest]]:
        """``POST {login_url}/services/oauth2/revoke`` — revoke the access token and forget it.

        With ``revoke=False`` nothing is sent: the client just forgets the session (use it for a
        session other processes still use). The client forgets the session when Salesforce
        answers 200 (revoked) or 400 (the token was no longer valid: nothing left to revoke);
        on any other answer, or none, it keeps the session so that ``logout()`` can be retried.
        The refresh token, if any, is forgotten but not revoked.

        After a logout nothing is renewed: calls made afterwards still go to the org, without
        a token, and come back as Salesforce's ``401 INVALID_SESSION_ID`` (followed by a
        :class:`~salesforcepy.exceptions.SessionRefreshError` saying the client logged out), as
        do calls that were in flight when the token was revoked. Any ``login*()`` starts a new
        session.

        Args:
            revoke: revoke the token at Salesforce (default) or only forget it.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.

        Returns:
            ``(None, request)`` on success; ``(None, None)`` with ``revoke=False``.

        Raises:
            NotLoggedIn: there is no session.
            TransportError: no response arrived.
        """
        with self._lock:
            session = self._session
            if session is None:
                raise NotLoggedIn("not logged in: nothing to log out")
            if not revoke:
                self._forget()
                return None, None
            self._logging_out = True
        try:
            body, sent = self._call(
                auth.revoke_request(session.access_token), timeout=timeout, proxies=proxies
            )
        finally:
            with self._lock:
                self._logging_out = False
        if sent.ok or sent.status == 400:
            with self._lock:
                if self._session is session:
                    self._forget()
        self._finish(sent)
        return body, sent

    def close(self) -> None:
        """Release the connection pool (if the client created it). The session is kept."""
        self.transport.close()

    def __enter__(self) -> Client:
        """Log in unless the client holds a session (OAuth when ``client_id`` and
        ``client_secret`` are set, SOAP otherwise).

        Raises:
            SalesforceError: the login failed; the client is left logged out.
        """
        if self._session is None:
            if self.options.client_id and self.options.client_secret:
                _, sent = self.login()
            else:
                _, sent = self.login_via_soap()
            sent.raise_for_status()
            self._entered_login = True
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        """Revoke the session only if ``__enter__`` logged in, then close the connection pool.

        A session the client already held on entry — one given as ``session_id``, or from a
        login made before the ``with`` — is left alone, so other users of it keep working.
        """
        try:
            session = self._session
            if self._entered_login and session is not None and session.flow != "session_id":
                try:
                    self.logout()
                except SalesforceError:
                    if exc_type is None:
                        raise
                    # Keep the caller's exception as the one that propagates.
                    logger.debug("logout after a failed block failed too", exc_info=True)
        finally:
            self._entered_login = False
            self.close()

    def debug(self, level: int = logging.DEBUG) -> None:
        """Set the level of the ``salesforcepy`` logger (kept for SalesforcePy users).

        Only the level changes; add a handler yourself (e.g. ``logging.basicConfig()``) to see
        the records.
        """
        logging.getLogger("salesforcepy").setLevel(level)

    # -- actions and builders -------------------------------------------------------------------

    def query(
        self,
        soql: str,
        *,
        include_deleted: bool = False,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/query?q={soql}``; see :meth:`.Query.query`."""
        return Query(self).query(
            soql, include_deleted=include_deleted, timeout=timeout, proxies=proxies, version=version
        )

    def query_more(
        self,
        soql: str,
        *,
        include_deleted: bool = False,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET query?q={soql}`` then every ``nextRecordsUrl``; see :meth:`.Query.query_more`."""
        return Query(self).query_more(
            soql, include_deleted=include_deleted, timeout=timeout, proxies=proxies, version=version
        )

    def search(
        self,
        sosl: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/search/?q={sosl}``; see :meth:`.Query.search`."""
        return Query(self).search(sosl, timeout=timeout, proxies=proxies, version=version)

    def sobjects(
        self,
        object_type: Optional[str] = None,
        id: Optional[str] = None,
        external_id: Optional[str] = None,
        binary_field: Optional[str] = None,
    ) -> SObjects:
        """A builder for sObject calls; see :class:`.SObjects`.

        Raises:
            TypeError, ValueError: invalid names or ids.
        """
        return SObjects(self, object_type, id, external_id, binary_field)

    def execute_anonymous(
        self,
        apex: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET .../tooling/executeAnonymous/?anonymousBody={apex}``; see
        :meth:`.Apex.execute_anonymous`."""
        return Apex(self).execute_anonymous(apex, timeout=timeout, proxies=proxies, version=version)

    def apexrest(
        self,
        action: str,
        http_method: str,
        request_params: Optional[Params] = None,
        request_body: Any = None,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``{http_method} /services/apexrest/{action}``; see :meth:`.Apex.apexrest`."""
        return Apex(self).apexrest(
            action,
            http_method,
            request_params,
            request_body,
            timeout=timeout,
            proxies=proxies,
            version=version,
        )

    def tooling_query(
        self,
        soql: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/tooling/query/?q={soql}``; see :meth:`.Apex.tooling_query`."""
        return Apex(self).tooling_query(soql, timeout=timeout, proxies=proxies, version=version)

    def approvals(
        self,
        body: Optional[Mapping[str, Any]] = None,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET`` (no body) or ``POST`` (with body) ``.../process/approvals/``; see
        :meth:`.Approvals.approvals`."""
        return Approvals(self).approvals(body, timeout=timeout, proxies=proxies, version=version)

    def limits(
        self,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/limits/`` — the org's limits and what is left of them.

        Args:
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"DailyApiRequests": {"Max": 15000, "Remaining": 14998}, ...}, request)``.
        """
        return self._send(Request.get("limits/"), timeout=timeout, proxies=proxies, version=version)

    @property
    def chatter(self) -> Chatter:
        """Chatter builder: ``client.chatter.feed_item(...)``, ``.feed_comment(...)``."""
        return Chatter(self)

    @property
    def composite(self) -> Composite:
        """Composite family: ``client.composite.create(...)``, ``.send(...)``, ``.tree(...)``."""
        return Composite(self)

    @property
    def wave(self) -> Wave:
        """CRM Analytics builder: ``client.wave.dataset(...)``, ``.query(...)``."""
        return Wave(self)

    @property
    def einstein(self) -> Einstein:
        """Einstein generative AI: ``client.einstein.llm.prompt.generations(...)``,
        ``.llm.embeddings(...)``, ``.prompt_template_generations(...)``."""
        return Einstein(self)

    @property
    def jobs(self) -> Jobs:
        """Bulk API jobs: ``client.jobs.ingest``, ``.query`` (Bulk 2.0), ``.legacy`` (Bulk 1.0)."""
        return Jobs(self)


def _oauth_error(sent: SentRequest) -> Optional[str]:
    """The OAuth ``error`` of a failed token-endpoint call, if it carried one."""
    for error in sent.exceptions:
        if isinstance(error, HTTPError) and error.error_code:
            return error.error_code
    return None


def _show_device_instructions(authorization: auth.DeviceAuthorization) -> None:
    # Only when the caller gave no on_authorize: a person must see the code to log in at all.
    print(
        f"To log in, open {authorization.verification_uri} and enter the code "
        f"{authorization.user_code}",
        file=sys.stderr,
        flush=True,
    )


def _sent_with(headers: Mapping[str, str], token: str) -> bool:
    """Whether ``headers`` carried ``token`` (as ``Authorization: Bearer`` or Bulk 1.0's
    ``X-SFDC-Session``)."""
    return any(value in (token, f"Bearer {token}") for value in headers.values())


def _explain_expiry(errors: list[Any], attempts: list[Any], response: Any) -> None:
    """Say in a final "session expired" error whether and how a renewal was tried."""
    last = attempts[-1] if attempts else None
    first = errors[0]
    if last is None or not isinstance(first, HTTPError):
        return
    if last.refresh_error is not None:
        note = str(last.refresh_error)
        errors.append(last.refresh_error)
    elif len(attempts) > 1 and attempts[-2].refreshed and session_expired(response):
        note = "rejected again after the session was renewed; a call is renewed only once"
    else:
        return
    first.message = f"{first.message} ({note})" if first.message else note
    first.args = (first._describe(),)


def client(
    username: Optional[str] = None,
    password: Optional[str] = None,
    client_id: Optional[str] = None,
    client_secret: Optional[str] = None,
    *,
    login_url: str = "login.salesforce.com",
    version: Optional[str] = None,
    proxies: Optional[Proxies] = None,
    timeout: Timeout = DEFAULT_TIMEOUT,
    session: Optional[requests.Session] = None,
    security_token: Optional[str] = None,
    org_id: Optional[str] = None,
    verify: Union[bool, str] = True,
    client_name: Optional[str] = None,
    strict: bool = False,
    retry: PolicyLike = True,
    rate_limit: Union[float, RateLimiter, None] = None,
    session_id: Optional[str] = None,
    instance_url: Optional[str] = None,
) -> Client:
    """Build a :class:`Client`. Nothing is sent until you log in (or make a call, when a
    ``session_id`` is given).

    Args:
        username: Salesforce username.
        password: password (without the security token).
        client_id: connected app consumer key (OAuth login).
        client_secret: connected app consumer secret (OAuth login).
        login_url: login host (``"login.salesforce.com"``, ``"test.salesforce.com"``, a My Domain)
            or full URL; plain ``http://`` only for loopback hosts.
        version: API version such as ``"58.0"``; by default the newest the org offers.
        proxies: requests-style proxy map for every call.
        timeout: seconds, or ``(connect, read)``; applied to every request.
        session: a ``requests.Session`` to send through (you keep ownership).
        security_token: appended to the password at login.
        org_id: organization id for SOAP login's ``LoginScopeHeader``.
        verify: TLS verification: ``True``, ``False`` or a CA bundle path. Only this option
            turns verification off, whatever ``session.verify`` says.
        client_name: sent as ``Sforce-Call-Options: client=<name>``.
        strict: raise on every HTTP error instead of only recording it in
            ``request.exceptions``.
        retry: the retry policy: a :class:`~salesforcepy.retry.RetryPolicy`, ``True`` (the
            default: retry what is safe), ``False`` (never retry) or a number of attempts. See
            :meth:`Client.retries` to change it for some calls.
        rate_limit: at most this many requests per second, or a
            :class:`~salesforcepy.retry.RateLimiter` shared with other clients.
        session_id: an access token or SOAP session id obtained elsewhere; the client uses it
            as it is, never renews it and never revokes it on leaving a ``with`` block. Give
            ``instance_url`` with it. The API version is ``version`` or
            :data:`~salesforcepy.options.DEFAULT_API_VERSION`.
        instance_url: the instance of ``session_id`` (``https://acme.my.salesforce.com``).

    Raises:
        TypeError: an unknown option or a value of the wrong type.
        ValueError: an invalid value, named in the message.
    """
    options = ClientOptions(
        username=username,
        password=password,
        client_id=client_id,
        client_secret=client_secret,
        login_url=login_url,
        version=version,
        proxies=proxies,
        timeout=timeout,
        security_token=security_token,
        org_id=org_id,
        verify=verify,
        client_name=client_name,
        strict=strict,
        retry=retry,
        rate_limit=rate_limit,
    )
    return Client(options, http=session, session_id=session_id, instance_url=instance_url)
