"""The client: options, transport and session in one object, and the one funnel every call uses.

:func:`client` builds a :class:`Client` from keyword arguments. The client logs in
(:meth:`Client.login`, :meth:`Client.login_via_soap`), hands out resource builders
(:meth:`Client.sobjects`, :attr:`Client.chatter`, :attr:`Client.wave`, :attr:`Client.jobs`) and
has the query, search, Apex and approvals actions itself. Every action — login included — goes
through :meth:`Client._send`, which resolves the request against the session and hands it to the
transport, and returns ``(body, request)``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Optional, Union

from . import auth, parse
from .exceptions import NotLoggedIn, SalesforceError
from .options import (
    DEFAULT_API_VERSION,
    DEFAULT_TIMEOUT,
    CallOptions,
    ClientOptions,
    Proxies,
    Timeout,
)
from .request import Base, Request, Result, SentRequest
from .resources.apex import Apex, Params
from .resources.approvals import Approvals
from .resources.chatter import Chatter
from .resources.composite import Composite
from .resources.einstein import Einstein
from .resources.jobs import Jobs
from .resources.query import Query
from .resources.sobjects import SObjects
from .resources.wave import Wave
from .session import Session
from .transport import Transport

if TYPE_CHECKING:
    import requests

__all__ = ["Client", "client"]

logger = logging.getLogger(__name__)

_REDACTED = "[redacted]"
# Shorter values are too likely to occur by chance in ordinary text to be worth scrubbing.
_MIN_SECRET_CHARS = 4


class Client:
    """A Salesforce client. Build it with :func:`salesforcepy.client`.

    Args:
        options: validated options.
        http: a ``requests.Session`` to send through instead of a new pooled one.

    Attributes:
        options: the client's :class:`~salesforcepy.options.ClientOptions`.
        transport: the :class:`~salesforcepy.transport.Transport` every call goes through.
    """

    def __init__(self, options: ClientOptions, *, http: Optional[requests.Session] = None) -> None:
        self.options = options
        self._session: Optional[Session] = None
        self._option_secrets = sorted(
            {s for s in options.secrets() if len(s) >= _MIN_SECRET_CHARS}, key=len, reverse=True
        )
        self._entered_login = False
        self.transport = Transport(
            verify=options.verify, client_name=options.client_name, http=http, redact=self._redact
        )

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
    def version(self) -> str:
        """The API version calls use: the ``version`` option, else the newest the org offered at
        login, else :data:`~salesforcepy.options.DEFAULT_API_VERSION`."""
        if self._session is not None:
            return self._session.api_version
        return self.options.version or DEFAULT_API_VERSION

    def __repr__(self) -> str:
        where = self._session.instance_url if self._session else None
        return (
            f"<Client username={self.options.username!r} login_url={self.options.login_url!r} "
            f"instance_url={where!r} version={self.version!r}>"
        )

    # -- the funnel -----------------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        """``text`` with every known secret (credentials, current token) replaced."""
        secrets = self._option_secrets
        token = self._session.access_token if self._session is not None else None
        if token and len(token) >= _MIN_SECRET_CHARS:
            secrets = [token, *secrets]
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, _REDACTED)
        return text

    def _resolve(self, request: Request, version: Optional[str]) -> tuple[str, Mapping[str, str]]:
        session = self._session
        if request.authenticated and session is None:
            raise NotLoggedIn("not logged in: call login() first")
        url = request.url(
            login_url=self.options.login_url,
            instance_url=session.instance_url if session is not None else None,
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
        if request.authenticated and self._session is None:
            raise NotLoggedIn("not logged in: call login() first")
        exchange = self.transport.send(
            request,
            resolve=lambda r: self._resolve(r, call.version),
            timeout=call.timeout or self.options.timeout,
            proxies=call.proxies if call.proxies is not None else self.options.proxies,
        )
        response = exchange.response
        body, errors = parse.read_response(
            response, raw=request.raw, stream=request.stream, redact=self._redact
        )
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

    def _establish(
        self,
        grant: auth.LoginGrant,
        flow: str,
        timeout: Optional[Timeout],
        proxies: Optional[Proxies],
    ) -> None:
        version = self.options.version or self._discover_version(grant, timeout, proxies)
        self._session = Session(
            instance_url=grant.instance_url,
            access_token=grant.access_token,
            api_version=version,
            issued_at=grant.issued_at,
            identity_url=grant.identity_url,
            flow=flow,
        )

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

    def login(
        self, *, timeout: Optional[Timeout] = None, proxies: Optional[Proxies] = None
    ) -> Result:
        """``POST {login_url}/services/oauth2/token`` — OAuth 2.0 username-password login.

        Sends ``username``, ``password`` (+ ``security_token``), ``client_id`` and
        ``client_secret``. On success the client holds the instance URL and token; unless the
        ``version`` option is set it then asks ``GET /services/data/`` for the newest version.
        On failure the client stays logged out.

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
        body, sent = self._call(request, timeout=timeout, proxies=proxies)
        if sent.ok:
            try:
                grant = auth.grant_from_oauth(body)
            except SalesforceError as exc:
                exc.request = sent
                sent.exceptions.append(exc)
            else:
                self._establish(grant, "password", timeout, proxies)
        self._finish(sent)
        return auth.redact_tokens(body), sent

    def login_via_soap(
        self, *, timeout: Optional[Timeout] = None, proxies: Optional[Proxies] = None
    ) -> Result:
        """``POST {login_url}/services/Soap/u/{version}`` — SOAP ``login()`` (partner WSDL).

        SOAP login is gone from API 65.0 on, so the endpoint version is the ``version`` option
        when it is 64.0 or older and 64.0 otherwise; REST calls afterwards use the client's
        version as usual. The envelope escapes every value; the security token is appended to
        the password; ``org_id`` is sent in a ``LoginScopeHeader``.

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
        request = auth.soap_login_request(self.options)
        _, sent = self._call(request, timeout=timeout, proxies=proxies)
        login = auth.read_soap_login(sent.status, sent.response.content, redact=self._redact)
        sent.exceptions.clear()
        if login.error is not None:
            login.error.request = sent
            sent.exceptions.append(login.error)
        elif login.grant is not None:
            self._establish(login.grant, "soap", timeout, proxies)
        self._finish(sent)
        return login.body, sent

    def logout(
        self, *, timeout: Optional[Timeout] = None, proxies: Optional[Proxies] = None
    ) -> Result:
        """``POST {login_url}/services/oauth2/revoke`` — revoke the session's token.

        The client forgets the session when Salesforce confirms (200).

        Returns:
            ``(None, request)`` on success.

        Raises:
            NotLoggedIn: there is no session.
            TransportError: no response arrived.
        """
        session = self._session
        if session is None:
            raise NotLoggedIn("not logged in: nothing to log out")
        body, sent = self._call(
            auth.revoke_request(session.access_token), timeout=timeout, proxies=proxies
        )
        if sent.ok:
            self._session = None
        self._finish(sent)
        return body, sent

    def close(self) -> None:
        """Release the connection pool (if the client created it). The session is kept."""
        self.transport.close()

    def __enter__(self) -> Client:
        """Log in (OAuth when ``client_id`` and ``client_secret`` are set, SOAP otherwise).

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
        """Log out if ``__enter__`` logged in, then close the connection pool."""
        try:
            if self._entered_login and self._session is not None:
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
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/query?q={soql}``; see :meth:`.Query.query`."""
        return Query(self).query(soql, timeout=timeout, proxies=proxies, version=version)

    def query_more(
        self,
        soql: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET query?q={soql}`` then every ``nextRecordsUrl``; see :meth:`.Query.query_more`."""
        return Query(self).query_more(soql, timeout=timeout, proxies=proxies, version=version)

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
) -> Client:
    """Build a :class:`Client`. Nothing is sent until you log in.

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
        verify: TLS verification: ``True``, ``False`` or a CA bundle path.
        client_name: sent as ``Sforce-Call-Options: client=<name>``.
        strict: raise on every HTTP error instead of only recording it in
            ``request.exceptions``.

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
    )
    return Client(options, http=session)
