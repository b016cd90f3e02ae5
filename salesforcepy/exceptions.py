"""The error tree of salesforcepy.

Every exception the library raises on purpose derives from :class:`SalesforceError`. Bad arguments
are the exception: they raise the built-in :class:`ValueError` or :class:`TypeError` before anything
is sent. ::

    SalesforceError
     ├── NotLoggedIn                 a call that needs a session, made before login()
     ├── SessionRefreshError         the session expired and could not be renewed (why)
     ├── LoginTimeout                the device flow was not approved in time
     ├── TransportError              no HTTP response arrived (refused, DNS, TLS, reset, ...)
     │    ├── TransportTimeout       the connect or read timeout expired
     │    └── OutcomeUnknown         a non-idempotent request may have been applied; not resent
     │         └── OutcomeUnknownTimeout   ... because the read timed out (also a TransportTimeout)
     ├── ParseError                  a response body that is not what its Content-Type says
     └── HTTPError                   an HTTP response with a non-2xx status (status, error_code,
          │                          message, fields, body)
          ├── AuthError              OAuth {"error", "error_description"} bodies, SOAP login faults
          ├── MultipleChoices        300: an external id matched several records (.urls)
          ├── BadRequest             400
          │    ├── MalformedQuery                      MALFORMED_QUERY
          │    ├── InvalidField                        INVALID_FIELD
          │    ├── InvalidType                         INVALID_TYPE
          │    ├── RequiredFieldMissing                REQUIRED_FIELD_MISSING
          │    ├── DuplicateValue                      DUPLICATE_VALUE
          │    ├── DuplicatesDetected                  DUPLICATES_DETECTED
          │    ├── InvalidOrNullForRestrictedPicklist  INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST
          │    ├── UnableToLockRow                     UNABLE_TO_LOCK_ROW
          │    └── NotApplied            undone or not run because another part failed:
          │         ├── RolledBack                     ALL_OR_NONE_OPERATION_ROLLED_BACK
          │         └── ProcessingHalted               PROCESSING_HALTED
          ├── Unauthorized           401
          │    └── InvalidSessionId                    INVALID_SESSION_ID
          ├── Forbidden              403
          │    └── RequestLimitExceeded                REQUEST_LIMIT_EXCEEDED
          ├── NotFound               404 and NOT_FOUND
          ├── EntityIsDeleted        ENTITY_IS_DELETED (Salesforce sends it with 400 or 404)
          ├── MethodNotAllowed       405
          ├── Conflict               409
          ├── Gone                   410 (retired API version)
          ├── PreconditionFailed     412
          ├── TooManyRequests        429
          └── ServerError            5xx
               └── ServiceUnavailable                  503

:func:`http_error` picks the class: the ``errorCode`` decides first, then the HTTP status, then
:class:`HTTPError` itself. A class keyed by an error code is used whatever status it came with
(its ``status`` attribute tells which), so ``except MalformedQuery`` works even if Salesforce
changes the status. Branch on classes or ``error_code``, never on ``message``: Salesforce rewords
its messages.

No message built here contains a password, secret, token or session id: callers pass text through
the client's redaction before it reaches these classes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from .request import SentRequest

__all__ = [
    "AuthError",
    "BadRequest",
    "Conflict",
    "DuplicateValue",
    "DuplicatesDetected",
    "EntityIsDeleted",
    "Forbidden",
    "Gone",
    "HTTPError",
    "InvalidField",
    "InvalidOrNullForRestrictedPicklist",
    "InvalidSessionId",
    "InvalidType",
    "LoginTimeout",
    "MalformedQuery",
    "MethodNotAllowed",
    "MultipleChoices",
    "NotApplied",
    "NotFound",
    "NotLoggedIn",
    "OutcomeUnknown",
    "OutcomeUnknownTimeout",
    "ParseError",
    "PreconditionFailed",
    "ProcessingHalted",
    "RequestLimitExceeded",
    "RequiredFieldMissing",
    "RolledBack",
    "SalesforceError",
    "ServerError",
    "ServiceUnavailable",
    "SessionRefreshError",
    "TooManyRequests",
    "TransportError",
    "TransportTimeout",
    "UnableToLockRow",
    "Unauthorized",
    "http_error",
]


class SalesforceError(Exception):
    """Base class of every error salesforcepy raises on purpose.

    Attributes:
        request: the :class:`~salesforcepy.request.SentRequest` of the call, when there is one.
    """

    request: Optional[SentRequest] = None


class NotLoggedIn(SalesforceError):
    """A call that needs a session was made before ``login()`` (or after ``logout()``)."""


class SessionRefreshError(SalesforceError):
    """A call was answered "session expired or invalid" and the session could not be renewed.

    It follows the call's :class:`InvalidSessionId` in ``request.exceptions``; the message says
    why (logged out, a session given as ``session_id``, a device-flow login without a refresh
    token, or the token endpoint's refusal, which is also the ``__cause__``).
    """


class LoginTimeout(SalesforceError):
    """A login that waits for a person (the device flow) did not complete in time."""


class TransportError(SalesforceError):
    """No HTTP response arrived: connection refused, DNS failure, TLS error, reset, timeout.

    Attributes:
        method: HTTP method of the failed request.
        url: URL of the failed request (never carries credentials: the client does not put them
            in URLs).
        attempts: the attempts made, oldest first (see ``SentRequest.attempts``).
        request_sent: whether the request may have reached the server (the connection failed
            after sending began, or the read timed out); ``False`` when no connection was made.
    """

    def __init__(
        self, message: str, *, method: str = "", url: str = "", request_sent: bool = False
    ) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.request_sent = request_sent
        self.attempts: list[Any] = []


class TransportTimeout(TransportError):
    """The connect or read timeout expired before a response arrived."""


class OutcomeUnknown(TransportError):
    """A request that is not idempotent (a create, a job transition) may have been applied.

    The connection failed, was cut or timed out after the request was sent, so Salesforce may
    have done what it asked. The client does not send such a request again on its own: a replay
    could create a duplicate. Check whether the change was made (for a create, query for the
    record by a unique field) before sending it again, or use an idempotent call — an upsert by
    external id can be retried safely.
    """


class OutcomeUnknownTimeout(OutcomeUnknown, TransportTimeout):
    """:class:`OutcomeUnknown` because the read timed out after the request was sent."""


class ParseError(SalesforceError):
    """A response body could not be parsed as its Content-Type announced (e.g. truncated JSON).

    Attributes:
        status: HTTP status of the response.
        content_type: the response's Content-Type header.
    """

    def __init__(
        self, message: str, *, status: Optional[int] = None, content_type: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.content_type = content_type


class HTTPError(SalesforceError):
    """An HTTP response whose status is not a success.

    Attributes:
        status: the HTTP status code.
        error_code: Salesforce's ``errorCode`` (or OAuth ``error``, or SOAP fault code); ``None``
            when the body carried none (HTML from a proxy, empty body, ...).
        message: Salesforce's ``message`` text (or a short, redacted excerpt of a non-JSON body).
        fields: field names Salesforce listed for the error.
        body: the parsed body the error was read from.
    """

    default_status: Optional[int] = None

    def __init__(
        self,
        status: int,
        error_code: Optional[str] = None,
        message: str = "",
        fields: Sequence[str] = (),
        *,
        body: Any = None,
    ) -> None:
        self.status = status
        self.error_code = error_code
        self.message = message
        self.fields = list(fields)
        self.body = body
        super().__init__(self._describe())

    def _describe(self) -> str:
        head = f"HTTP {self.status}"
        if self.error_code:
            head += f" {self.error_code}"
        text = f"{head}: {self.message}" if self.message else head
        if self.fields:
            text += f" (fields: {', '.join(self.fields)})"
        return text

    @property
    def response(self) -> Any:
        """The ``requests.Response`` this error was read from, if known."""
        return self.request.response if self.request is not None else None


class AuthError(HTTPError):
    """Login or token failure: an OAuth ``{"error", "error_description"}`` body or a SOAP fault.

    ``error_code`` is the OAuth ``error`` (``invalid_grant``, ``invalid_client_id``, ...) or the
    SOAP fault's exception code (``INVALID_LOGIN``, ...).
    """


class MultipleChoices(HTTPError):
    """300: an external id matched several records; nothing was written.

    Attributes:
        urls: the record URL paths Salesforce listed.
    """

    default_status = 300

    def __init__(self, status: int, urls: Sequence[str], *, body: Any = None) -> None:
        self.urls = list(urls)
        super().__init__(
            status,
            "MULTIPLE_CHOICES",
            f"the external id matched {len(self.urls)} records",
            body=body,
        )


class BadRequest(HTTPError):
    """400: malformed request, SOQL, JSON, or a validation/DML error."""

    default_status = 400


class MalformedQuery(BadRequest):
    """``MALFORMED_QUERY``: SOQL syntax error."""


class InvalidField(BadRequest):
    """``INVALID_FIELD``: unknown field in SOQL or in a body."""


class InvalidType(BadRequest):
    """``INVALID_TYPE``: unknown sObject type."""


class RequiredFieldMissing(BadRequest):
    """``REQUIRED_FIELD_MISSING``: a required field was not given."""


class DuplicateValue(BadRequest):
    """``DUPLICATE_VALUE``: a unique field already holds this value."""


class DuplicatesDetected(BadRequest):
    """``DUPLICATES_DETECTED``: a duplicate rule blocked the save."""


class InvalidOrNullForRestrictedPicklist(BadRequest):
    """``INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST``: value not allowed by a restricted picklist."""


class UnableToLockRow(BadRequest):
    """``UNABLE_TO_LOCK_ROW``: row lock timeout; the operation did not happen and may be retried."""


class NotApplied(BadRequest):
    """A record or subrequest that was fine on its own but was undone, or never run, because
    another part of the same all-or-none request failed. Look for the real cause among the
    results that are *not* of this class; sending this one again on its own may well succeed."""


class RolledBack(NotApplied):
    """``ALL_OR_NONE_OPERATION_ROLLED_BACK``: saved, then rolled back with the rest of an
    ``allOrNone`` sObject Collections request."""


class ProcessingHalted(NotApplied):
    """``PROCESSING_HALTED``: a Composite subrequest not run (or rolled back) because another one
    failed under ``allOrNone``, or because it refers to a subrequest that failed."""


class Unauthorized(HTTPError):
    """401: missing, invalid or expired session."""

    default_status = 401


class InvalidSessionId(Unauthorized):
    """``INVALID_SESSION_ID``: the session expired, was revoked, or is not valid for the API."""


class Forbidden(HTTPError):
    """403: refused (permissions, API disabled, limits)."""

    default_status = 403


class RequestLimitExceeded(Forbidden):
    """``REQUEST_LIMIT_EXCEEDED``: the org's API allocation (or a concurrency limit) is used up."""


class NotFound(HTTPError):
    """404 or ``NOT_FOUND``: unknown resource, record, object or external-id field."""

    default_status = 404


class EntityIsDeleted(HTTPError):
    """``ENTITY_IS_DELETED``: the record is in the recycle bin (sent with 400 or 404)."""


class MethodNotAllowed(HTTPError):
    """405: the resource does not support this HTTP method."""

    default_status = 405


class Conflict(HTTPError):
    """409: conflict with the resource's current state."""

    default_status = 409


class Gone(HTTPError):
    """410: the resource or API version was retired."""

    default_status = 410


class PreconditionFailed(HTTPError):
    """412: an ``If-Match``/``If-Unmodified-Since`` precondition failed."""

    default_status = 412


class TooManyRequests(HTTPError):
    """429: rate limited; ``Retry-After`` may say when to come back."""

    default_status = 429


class ServerError(HTTPError):
    """5xx: Salesforce (or an edge proxy) failed."""


class ServiceUnavailable(ServerError):
    """503: the service is temporarily unavailable."""

    default_status = 503


ERROR_CODE_CLASSES: Mapping[str, type[HTTPError]] = {
    "MALFORMED_QUERY": MalformedQuery,
    "INVALID_FIELD": InvalidField,
    "INVALID_TYPE": InvalidType,
    "REQUIRED_FIELD_MISSING": RequiredFieldMissing,
    "DUPLICATE_VALUE": DuplicateValue,
    "DUPLICATES_DETECTED": DuplicatesDetected,
    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST": InvalidOrNullForRestrictedPicklist,
    "UNABLE_TO_LOCK_ROW": UnableToLockRow,
    "ALL_OR_NONE_OPERATION_ROLLED_BACK": RolledBack,
    "PROCESSING_HALTED": ProcessingHalted,
    "INVALID_SESSION_ID": InvalidSessionId,
    # Bulk API 1.0 spells it this way (in an XML or JSON error body with status 400).
    "InvalidSessionId": InvalidSessionId,
    "REQUEST_LIMIT_EXCEEDED": RequestLimitExceeded,
    "NOT_FOUND": NotFound,
    "ENTITY_IS_DELETED": EntityIsDeleted,
}
"""``errorCode`` -> class; consulted before the status."""

STATUS_CLASSES: Mapping[int, type[HTTPError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    409: Conflict,
    410: Gone,
    412: PreconditionFailed,
    429: TooManyRequests,
    503: ServiceUnavailable,
}
"""HTTP status -> class, for errors whose code has no class of its own."""


def http_error(
    status: int,
    error_code: Optional[str] = None,
    message: str = "",
    fields: Sequence[str] = (),
    *,
    body: Any = None,
) -> HTTPError:
    """Build the most specific :class:`HTTPError` for a status and Salesforce ``errorCode``.

    Args:
        status: the HTTP status.
        error_code: the ``errorCode`` from the body, if any.
        message: the (already redacted) message.
        fields: the ``fields`` list from the body.
        body: the parsed body, kept on the exception.

    Returns:
        An instance of the class chosen by code, then status, then :class:`HTTPError`.
    """
    cls: type[HTTPError]
    if error_code and error_code in ERROR_CODE_CLASSES:
        cls = ERROR_CODE_CLASSES[error_code]
    elif status in STATUS_CLASSES:
        cls = STATUS_CLASSES[status]
    elif status >= 500:
        cls = ServerError
    else:
        cls = HTTPError
    return cls(status, error_code, message, fields, body=body)
