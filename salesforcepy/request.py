"""Values describing one call: the outgoing :class:`Request` and the :class:`SentRequest` returned.

A :class:`Request` is built by a resource builder without any I/O; the client resolves it against
its session (instance URL, API version, token) when it is sent. Paths are built from segments with
:func:`path`, which validates and URL-quotes every segment.

The second element of every ``(body, request)`` tuple is a :class:`SentRequest`.
"""

from __future__ import annotations

import enum
import json as jsonlib
import re
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Optional, Union
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import attrs

if TYPE_CHECKING:
    from .exceptions import SalesforceError

__all__ = [
    "IDEMPOTENT_METHODS",
    "METHODS",
    "Attempt",
    "Base",
    "Request",
    "Result",
    "SentRequest",
    "api_name",
    "is_token",
    "params_of",
    "path",
    "record_id",
    "redact_url",
    "segment",
]

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "DELETE"})
"""Methods whose requests are idempotent unless the builder says otherwise. PUT and PATCH are not
among them: Salesforce uses them for Bulk uploads and job transitions, which must not be replayed;
builders mark the ones that are (record updates, upserts by external id)."""

_API_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")
_ID_RE = re.compile(r"^[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?$")
# RFC 9110 field names are tokens; values are visible Latin-1 characters, spaces and tabs.
_HEADER_NAME_RE = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_HEADER_VALUE_RE = re.compile(r"^[\t\x20-\x7e\x80-\xff]*\Z")
# Access tokens and session ids are printable ASCII without spaces.
_TOKEN_RE = re.compile(r"^[\x21-\x7e]+\Z")
# Query-string keys whose values are credentials; masked wherever a URL is shown.
SENSITIVE_KEYS = frozenset(
    {
        "token",
        "access_token",
        "refresh_token",
        "password",
        "client_secret",
        "code",
        "assertion",
        "oauth_token",
        "sessionid",
        "sid",
    }
)


class Base(str, enum.Enum):
    """What a :class:`Request` path is relative to."""

    DATA = "data"
    """``{instance_url}/services/data/v{version}/`` — the versioned REST data API."""
    INSTANCE = "instance"
    """``{instance_url}`` — e.g. ``/services/apexrest/...`` or a ``nextRecordsUrl``."""
    LOGIN = "login"
    """``{login_url}`` — OAuth and SOAP login endpoints."""
    ABSOLUTE = "absolute"
    """The path is a full URL."""
    ASYNC = "async"
    """``{instance_url}/services/async/{version}/`` — Bulk API 1.0; the session goes in
    ``X-SFDC-Session`` instead of ``Authorization``."""


def api_name(value: Any, name: str) -> str:
    """Validate a Salesforce API name (object or field): letters, digits, underscores.

    Raises:
        TypeError: not a string.
        ValueError: not an API name (``"../x"``, ``"Name; DROP"``, ...).
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    if not _API_NAME_RE.match(value):
        raise ValueError(f"{name} must be an API name such as 'Account' or 'Ext_Id__c'")
    return value


def record_id(value: Any, name: str) -> str:
    """Validate a Salesforce id: 15 or 18 base-62 characters.

    Raises:
        TypeError: not a string.
        ValueError: wrong length or characters.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    if not _ID_RE.match(value):
        raise ValueError(f"{name} must be a 15- or 18-character Salesforce id")
    return value


def is_token(value: Any) -> bool:
    """Whether ``value`` can be sent as a session token in a header as it is: a non-empty string
    of printable ASCII without spaces (what Salesforce's access tokens and session ids are).

    A token that is not would fail inside requests, whose error message quotes the header.
    """
    return isinstance(value, str) and _TOKEN_RE.match(value) is not None


def segment(value: Any, name: str = "path segment") -> str:
    """URL-quote one path segment; ``/`` and every other reserved character is encoded.

    Raises:
        TypeError: not a string.
        ValueError: empty, ``.`` or ``..`` (HTTP stacks collapse those, whatever the encoding).
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    if value in ("", ".", ".."):
        raise ValueError(f"{name} must not be empty, '.' or '..'")
    return quote(value, safe="")


def path(*segments: str) -> str:
    """Join segments into a relative path, quoting each one (see :func:`segment`)."""
    return "/".join(segment(s) for s in segments)


def _check_method(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if value not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {value!r}")


def _check_headers(
    instance: Any, attribute: attrs.Attribute[Any], value: Mapping[str, str]
) -> None:
    for key, val in value.items():
        if not isinstance(key, str) or not isinstance(val, str):
            raise TypeError("header names and values must be strings")
        # A CR or LF would let a value start a new header or request.
        if any(c in key or c in val for c in "\r\n\0"):
            raise ValueError(f"header {key[:40]!r} contains a line break or NUL")
        if not _HEADER_NAME_RE.match(key):
            raise ValueError(f"header name {key[:40]!r} is not an HTTP token")
        # http.client sends header values as Latin-1; anything else would fail mid-send.
        if not _HEADER_VALUE_RE.match(val):
            raise ValueError(
                f"header {key!r} has a character that cannot be sent in an HTTP header "
                "(control characters and non-Latin-1 text are not allowed)"
            )


def _to_method(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("method must be a string")
    return value.upper()


def _to_headers(value: Any) -> dict[str, str]:
    # Frozen requests must not share a dict the caller can still mutate.
    return dict(value) if value is not None else {}


def params_of(value: Any) -> tuple[tuple[str, str], ...]:
    """Query parameters (a mapping or pairs) as string pairs: booleans as ``true``/``false``,
    numbers as digits.

    Raises:
        TypeError: a name that is not a string, or a value that is not a string, number or bool.
    """
    if value is None:
        return ()
    items = value.items() if isinstance(value, Mapping) else value
    result = []
    for key, val in items:
        if not isinstance(key, str):
            raise TypeError("query parameter names must be strings")
        if isinstance(val, bool):
            val = "true" if val else "false"
        elif isinstance(val, (int, float)):
            val = str(val)
        elif not isinstance(val, str):
            raise TypeError(f"query parameter {key!r} must be a string, number or boolean")
        result.append((key, val))
    return tuple(result)


def _default_idempotent(self: Request) -> bool:
    return self.method in IDEMPOTENT_METHODS


def _encode_body(self: Request) -> Optional[bytes]:
    if self.json is not None and self.data is not None:
        raise ValueError("a request has either a JSON body or raw data, not both")
    if self.json is not None:
        try:
            # NaN and Infinity are not JSON; Salesforce would reject them with JSON_PARSER_ERROR.
            text = jsonlib.dumps(self.json, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"the request body cannot be sent as JSON: {exc}") from None
        return text.encode("utf-8")
    if isinstance(self.data, str):
        return self.data.encode("utf-8")
    return self.data


@attrs.frozen(kw_only=True, repr=False)
class Request:
    """One outgoing HTTP call, before it is resolved against a session. No I/O.

    Build it with the named constructors (:meth:`get`, :meth:`post`, ...), which also set the
    ``Content-Type`` header that matches the body.

    Attributes:
        method: HTTP method.
        path: relative to ``base``; for :attr:`Base.DATA` a relative path such as
            ``"sobjects/Account"``, for :attr:`Base.INSTANCE` and :attr:`Base.LOGIN` a path
            starting with ``/``, for :attr:`Base.ABSOLUTE` a full URL.
        base: what ``path`` is relative to.
        params: query parameters, in order.
        headers: extra request headers.
        json: a body to send as JSON (``None``: no JSON body).
        data: a raw body (bytes, or text sent as UTF-8).
        raw: return a successful body as bytes, whatever its Content-Type.
        stream: do not read a successful body; read it from ``SentRequest.response``.
        authenticated: send the session's ``Authorization`` header.
        idempotent: sending the request twice has the effect of sending it once, so the retry
            policy may replay it after a failure that left the outcome unknown. Defaults to
            true for GET, HEAD and DELETE, false otherwise.
        content: the encoded body, computed from ``json``/``data``.
    """

    method: str = attrs.field(converter=_to_method, validator=_check_method)
    path: str = attrs.field(validator=attrs.validators.instance_of(str))
    base: Base = attrs.field(default=Base.DATA, converter=Base)
    params: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=params_of)
    headers: Mapping[str, str] = attrs.field(
        factory=dict, converter=_to_headers, validator=_check_headers
    )
    json: Any = None
    data: Union[bytes, str, None] = None
    raw: bool = False
    stream: bool = False
    authenticated: bool = True
    idempotent: bool = attrs.field(
        default=attrs.Factory(_default_idempotent, takes_self=True),
        validator=attrs.validators.instance_of(bool),
    )
    content: Optional[bytes] = attrs.field(
        init=False, default=attrs.Factory(_encode_body, takes_self=True)
    )

    def __attrs_post_init__(self) -> None:
        if self.base in (Base.INSTANCE, Base.LOGIN) and not self.path.startswith("/"):
            raise ValueError(f"a {self.base.value}-relative path must start with '/'")
        if self.base in (Base.DATA, Base.ASYNC) and self.path.startswith("/"):
            raise ValueError("a data-API path is relative, e.g. 'sobjects/Account'")

    @classmethod
    def build(
        cls,
        method: str,
        path: str,
        *,
        base: Base = Base.DATA,
        params: Union[Mapping[str, Any], Iterable[tuple[str, Any]], None] = None,
        headers: Optional[Mapping[str, str]] = None,
        json: Any = None,
        data: Union[bytes, str, None] = None,
        form: Optional[Mapping[str, str]] = None,
        content_type: Optional[str] = None,
        raw: bool = False,
        stream: bool = False,
        authenticated: bool = True,
        idempotent: Optional[bool] = None,
    ) -> Request:
        """Build a request, setting ``Content-Type`` from the kind of body.

        Args:
            method: HTTP method.
            path: see the class attributes.
            base: what ``path`` is relative to.
            params: query parameters.
            headers: extra headers.
            json: body sent as ``application/json``.
            data: raw body; give ``content_type`` with it.
            form: body sent as ``application/x-www-form-urlencoded``.
            content_type: Content-Type of ``data``.
            raw: return the successful body as bytes.
            stream: leave the successful body unread.
            authenticated: send the session token.
            idempotent: whether a replay is harmless; ``None`` decides by method (see
                :attr:`idempotent`).
        """
        all_headers = dict(headers or {})
        if form is not None:
            if data is not None or json is not None:
                raise ValueError("form cannot be combined with data or json")
            data = urlencode(list(form.items()))
            content_type = "application/x-www-form-urlencoded"
        elif json is not None:
            content_type = "application/json"
        if content_type is not None:
            all_headers.setdefault("Content-Type", content_type)
        extra: dict[str, Any] = {} if idempotent is None else {"idempotent": idempotent}
        return cls(
            method=method,
            path=path,
            base=base,
            params=params,
            headers=all_headers,
            json=json,
            data=data,
            raw=raw,
            stream=stream,
            authenticated=authenticated,
            **extra,
        )

    @classmethod
    def get(cls, path: str, **kwargs: Any) -> Request:
        """A GET request (see :meth:`build` for the keyword arguments)."""
        return cls.build("GET", path, **kwargs)

    @classmethod
    def post(cls, path: str, **kwargs: Any) -> Request:
        """A POST request (see :meth:`build` for the keyword arguments)."""
        return cls.build("POST", path, **kwargs)

    @classmethod
    def put(cls, path: str, **kwargs: Any) -> Request:
        """A PUT request (see :meth:`build` for the keyword arguments)."""
        return cls.build("PUT", path, **kwargs)

    @classmethod
    def patch(cls, path: str, **kwargs: Any) -> Request:
        """A PATCH request (see :meth:`build` for the keyword arguments)."""
        return cls.build("PATCH", path, **kwargs)

    @classmethod
    def delete(cls, path: str, **kwargs: Any) -> Request:
        """A DELETE request (see :meth:`build` for the keyword arguments)."""
        return cls.build("DELETE", path, **kwargs)

    def url(self, *, login_url: str, instance_url: Optional[str], version: str) -> str:
        """The full URL of this request, query string included.

        Args:
            login_url: the client's login URL (for :attr:`Base.LOGIN`).
            instance_url: the session's instance URL (for :attr:`Base.DATA`, :attr:`Base.ASYNC`
                and :attr:`Base.INSTANCE`).
            version: API version such as ``"58.0"`` (for :attr:`Base.DATA` and
                :attr:`Base.ASYNC`).

        Raises:
            ValueError: an instance-relative request without an instance URL.
        """
        if self.base is Base.ABSOLUTE:
            url = self.path
        elif self.base is Base.LOGIN:
            url = login_url + self.path
        else:
            if instance_url is None:
                raise ValueError("this request needs an instance URL; log in first")
            if self.base is Base.DATA:
                url = f"{instance_url}/services/data/v{version}/{self.path}"
            elif self.base is Base.ASYNC:
                url = f"{instance_url}/services/async/{version}/{self.path}"
            else:
                url = instance_url + self.path
        if self.params:
            # %20 rather than "+" for spaces: unambiguous in every server's query parser.
            url += ("&" if "?" in url else "?") + urlencode(self.params, quote_via=quote)
        return url

    def __repr__(self) -> str:
        # Bodies may hold passwords (login forms) or customer data: never shown.
        shown = redact_url(self.path)
        size = len(self.content) if self.content is not None else 0
        params = "&".join(
            f"{k}={'***' if k.lower() in SENSITIVE_KEYS else v}" for k, v in self.params
        )
        extra = f" params={params!r}" if params else ""
        return f"<Request {self.method} {self.base.value}:{shown}{extra} body={size} bytes>"


def redact_url(url: str) -> str:
    """``url`` with the values of credential-like query parameters replaced by ``***``."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(k.lower() in SENSITIVE_KEYS for k, _ in pairs):
        return url
    query = urlencode(
        [(k, "***" if k.lower() in SENSITIVE_KEYS else v) for k, v in pairs], quote_via=quote
    )
    return urlunsplit(parts._replace(query=query))


@attrs.frozen(kw_only=True)
class Attempt:
    """One HTTP exchange made for a call (a retry or a replay after refresh adds another).

    Attributes:
        number: 1 for the first attempt.
        method: HTTP method.
        url: URL requested.
        status: HTTP status, or ``None`` when no response arrived.
        elapsed: time from sending to the response body being read (or to the failure).
        error: the transport error when no response arrived.
        refreshed: the answer said the session expired, and the client renewed the session and
            replayed the call (the next attempt).
        refresh_error: the answer said the session expired and the session could not be renewed:
            why (the call was not replayed).
        error_codes: Salesforce ``errorCode`` values the retry policy read from an error body.
        retry: why another attempt followed (or why none did although the failure is of a
            retryable kind); ``None`` when the policy had nothing to say.
        wait: seconds waited before the next attempt (backoff or ``Retry-After``).
    """

    number: int
    method: str
    url: str = attrs.field(repr=redact_url)
    status: Optional[int]
    elapsed: timedelta
    error: Optional[SalesforceError] = None
    refreshed: bool = False
    refresh_error: Optional[SalesforceError] = None
    error_codes: tuple[str, ...] = ()
    retry: Optional[str] = None
    wait: float = 0.0


@attrs.define(kw_only=True, eq=False, repr=False)
class SentRequest:
    """The request half of every ``(body, request)`` tuple: what was sent and what came back.

    Attributes:
        request: the :class:`Request` that was sent.
        method: HTTP method.
        url: the final URL, query string included.
        status: HTTP status of the response.
        headers: response headers (case-insensitive).
        elapsed: total time of the call, all attempts included.
        response: the ``requests.Response``.
        exceptions: typed errors of this call; empty on success.
        attempts: one :class:`Attempt` per HTTP exchange, oldest first.
    """

    request: Request
    method: str
    url: str
    status: int
    headers: Mapping[str, str]
    elapsed: timedelta
    response: Any
    exceptions: list[SalesforceError] = attrs.field(factory=list)
    attempts: list[Attempt] = attrs.field(factory=list)

    @property
    def ok(self) -> bool:
        """True when the call produced no error."""
        return not self.exceptions

    @property
    def refreshed(self) -> bool:
        """True when the session was renewed during this call (and the call replayed)."""
        return any(attempt.refreshed for attempt in self.attempts)

    def raise_for_status(self) -> None:
        """Raise the first typed error of this call, if there is one.

        Raises:
            SalesforceError: the first entry of :attr:`exceptions`.
        """
        if self.exceptions:
            raise self.exceptions[0]

    def __repr__(self) -> str:
        errors = ",".join(type(e).__name__ for e in self.exceptions)
        tail = f" errors=[{errors}]" if errors else ""
        return f"<SentRequest {self.method} {redact_url(self.url)} status={self.status}{tail}>"


Result = tuple[Any, SentRequest]
"""What every action returns: ``(body, request)``."""
