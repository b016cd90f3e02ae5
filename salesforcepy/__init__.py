"""salesforcepy: a Python client for the Salesforce REST API family.

Every action returns ``(body, request)``: the parsed body and a
:class:`~salesforcepy.request.SentRequest` with the status, headers, URL, method, elapsed time,
the ``requests.Response`` and the typed errors of the call::

    import salesforcepy

    with salesforcepy.client(username, password, client_id, client_secret) as sf:
        body, request = sf.query("SELECT Id, Name FROM Account LIMIT 1")
"""

from . import exceptions
from ._version import __version__
from .client import Client, client
from .exceptions import (
    AuthError,
    HTTPError,
    NotLoggedIn,
    OutcomeUnknown,
    ParseError,
    SalesforceError,
    TransportError,
    TransportTimeout,
)
from .options import DEFAULT_API_VERSION, CallOptions, ClientOptions
from .request import Request, SentRequest
from .retry import RateLimiter, RetryPolicy
from .session import Session
from .soql import format_external_id, format_soql
from .usage import ApiUsage

__all__ = [
    "DEFAULT_API_VERSION",
    "ApiUsage",
    "AuthError",
    "CallOptions",
    "Client",
    "ClientOptions",
    "HTTPError",
    "NotLoggedIn",
    "OutcomeUnknown",
    "ParseError",
    "RateLimiter",
    "Request",
    "RetryPolicy",
    "SalesforceError",
    "SentRequest",
    "Session",
    "TransportError",
    "TransportTimeout",
    "__version__",
    "client",
    "exceptions",
    "format_external_id",
    "format_soql",
]
