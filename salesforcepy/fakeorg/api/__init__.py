"""The fake org's API families: one module per family, each registering its own routes.

How to add an API family (Bulk, composite, approvals, Chatter, Wave, Apex, a new OAuth grant, ...)
------------------------------------------------------------------------------------------------

1. Create ``salesforcepy/fakeorg/api/<family>.py``. Every module in this package whose name does
   not start with ``_`` is imported when a server starts, and its module-level ``routes`` object
   (a :class:`Routes`) is added to the URL map. Nothing in the core needs editing.
2. Declare the routes with the decorator. Paths are werkzeug rule strings; ``DATA`` is the
   versioned REST prefix ``/services/data/v<version:version>``. A trailing slash is optional on
   every route::

       from salesforcepy.fakeorg.api import DATA, Context, Routes

       routes = Routes("approvals")

       @routes.route(DATA + "/process/approvals", methods=["GET", "POST"])
       def approvals(ctx: Context) -> Response:
           \"\"\"GET/POST /services/data/vXX.X/process/approvals\"\"\"
           body = ctx.json_body()          # 400 JSON_PARSER_ERROR on bad JSON
           ...
           return ctx.json({"approvals": {}})

3. A handler takes a :class:`Context` and returns a werkzeug ``Response`` (use the ``ctx.json``,
   ``ctx.csv``, ``ctx.xml``, ``ctx.bytes`` and ``ctx.empty`` helpers: they set ``Content-Type``).
   Route arguments are in ``ctx.args`` (the ``version`` argument is taken out and validated:
   ``ctx.version`` is ``"58.0"``; versions below 31.0 get 410, unknown ones 404).
   Raise ``SalesforceError`` for any Salesforce error: the route's error renderer turns it into the
   family's wire shape (the REST error array by default). Raise an :class:`HttpError` subclass for
   a response that is not an error array (OAuth ``{"error": ...}``, SOAP faults, ...).
4. Per-route (or per-``Routes``) options:

   * ``auth`` — the name of an authenticator: ``"bearer"`` (default: ``Authorization: Bearer`` or
     ``OAuth`` token, else 401 ``INVALID_SESSION_ID``) or ``"none"``. A family with another scheme
     (Bulk 1.0's ``X-SFDC-Session``) registers its own with :func:`register_authenticator`.
   * ``api_usage`` — count the request against the org's daily API usage and send
     ``Sforce-Limit-Info`` (default true).
   * ``errors`` — a callable ``(ctx, SalesforceError) -> Response`` rendering errors in the
     family's format (Bulk 1.0 XML, for example).
   * ``faults`` — whether injected faults may hit the route (default true).

5. State that a family keeps between requests (jobs, cursors, ...) lives on the org:
   ``ctx.org.extension("bulk2", BulkJobs)`` creates it once per org and returns it;
   ``ctx.org.on_close(callback)`` stops background workers when the org shuts down.
   ``ctx.org.store`` is the SQLite store, ``ctx.session.user_id`` the caller.
6. New OAuth grants register a handler in :mod:`.oauth` (``@oauth.grant("refresh_token")``)
   from their own module; the token endpoint dispatches on ``grant_type`` / ``response_type``.
7. Helpers: :func:`multipart_parts` splits a ``multipart/form-data`` body into raw parts;
   ``ctx.subrequest(method, path, json_body=...)`` runs another route in-process as the same user
   (composite); ``MultipleMatches`` renders as the 300 array of record URLs.
8. Rule order does not matter: werkzeug prefers static segments to converters, so
   ``/sobjects/<sobject>/describe/layouts`` added by a new module wins over the generic
   ``/sobjects/<sobject>/<key>/<path:value>``. Any path segment may use the ``version`` converter
   (``/services/async/<version:version>/job`` for Bulk 1.0).
9. Tests: ``tests/fakeorg/test_api_<family>.py``, over a real socket against ``FakeOrg`` (the
   ``org`` and ``rest`` fixtures of ``tests/fakeorg/conftest.py``).

Endpoint names in ``FakeOrg.stats()`` are ``"<family>.<handler function>"``.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import pkgutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Callable, Optional

import werkzeug.routing
from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from werkzeug.routing import BaseConverter, Rule
from werkzeug.wrappers import Request, Response

from ..errors import SalesforceError, not_found
from ..json_input import parse_json

if TYPE_CHECKING:
    from ..auth import Session
    from ..org import OrgState

__all__ = [
    "DATA",
    "JSON_TYPE",
    "Context",
    "HttpError",
    "Part",
    "Routes",
    "VersionConverter",
    "bytes_response",
    "csv_response",
    "discover",
    "empty_response",
    "json_response",
    "multipart_parts",
    "register_authenticator",
    "rest_error",
    "xml_response",
]

DATA = "/services/data/v<version:version>"
JSON_TYPE = "application/json;charset=UTF-8"

Handler = Callable[["Context"], Response]
ErrorRenderer = Callable[["Context", SalesforceError], Response]
Authenticator = Callable[["Context"], "Optional[Session]"]


class VersionConverter(BaseConverter):
    """The ``58.0`` of ``/services/data/v58.0``: digits, a dot, digits."""

    regex = r"\d{1,3}\.\d{1,2}"


class PathConverter(werkzeug.routing.PathConverter):
    """werkzeug's ``path`` converter, but matching any character, line breaks and a leading slash
    included (an external id value may hold any character once percent-decoded)."""

    regex = r"[\s\S]+?"
    part_isolating = False  # werkzeug would infer True: the regex has no "/" in it


class HttpError(Exception):
    """An error response that is not a REST error array; subclasses render their own body."""

    def to_response(self, ctx: Context) -> Response:
        raise NotImplementedError


# ---- response helpers ----------------------------------------------------------------------------


def json_response(
    payload: Any,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    *,
    pretty: bool = False,
) -> Response:
    """A JSON response (``application/json;charset=UTF-8``), compact unless ``pretty``."""
    if pretty:
        text = json.dumps(payload, indent=2, ensure_ascii=False)
    else:
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return Response(text.encode("utf-8"), status=status, headers=headers, content_type=JSON_TYPE)


def csv_response(
    data: str | Iterable[Sequence[Any]],
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    *,
    delimiter: str = ",",
    line_ending: str = "\n",
) -> Response:
    """A ``text/csv`` response from text, or from rows written with the csv module."""
    if isinstance(data, str):
        text = data
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_ending)
        writer.writerows(data)
        text = buffer.getvalue()
    return Response(
        text.encode("utf-8"), status=status, headers=headers, content_type="text/csv; charset=UTF-8"
    )


def xml_response(
    document: etree._Element | bytes,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    *,
    content_type: str = "application/xml;charset=UTF-8",
) -> Response:
    """An XML response from an lxml element (serialized with a declaration) or bytes."""
    if isinstance(document, bytes):
        body = document
    else:
        body = etree.tostring(document, xml_declaration=True, encoding="UTF-8")
    return Response(body, status=status, headers=headers, content_type=content_type)


def bytes_response(
    data: bytes,
    content_type: str = "application/octet-stream",
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Raw bytes with the given content type."""
    return Response(data, status=status, headers=headers, content_type=content_type)


def empty_response(status: int = 204, headers: Mapping[str, str] | None = None) -> Response:
    """A response with no body (204 by default)."""
    response = Response(b"", status=status, headers=headers)
    del response.headers["Content-Type"]
    return response


def rest_error(ctx: Context, error: SalesforceError) -> Response:
    """The default error renderer: Salesforce's REST error array with the error's status.

    ``MultipleMatches`` (an external id matching several records) becomes the 300 answer: a JSON
    array of record URL paths.
    """
    from ..errors import MultipleMatches

    if isinstance(error, MultipleMatches):
        version = ctx.version or ctx.org.latest_version
        paths = [
            f"/services/data/v{version}/sobjects/{error.object_name}/{record_id}"
            for record_id in error.ids
        ]
        return json_response(paths, status=300)
    return json_response(error.as_json(), status=error.status)


# ---- multipart bodies ----------------------------------------------------------------------------


class Part:
    """One part of a ``multipart/form-data`` body, bytes untouched."""

    __slots__ = ("content_type", "data", "filename", "name")

    def __init__(
        self, name: str, filename: str | None, content_type: str | None, data: bytes
    ) -> None:
        self.name = name
        self.filename = filename
        self.content_type = content_type
        self.data = data

    def __repr__(self) -> str:
        return f"<Part {self.name!r} {self.content_type} {len(self.data)} bytes>"


def multipart_parts(request: Request) -> list[Part]:
    """Split a ``multipart/form-data`` body into its parts (400 ``MALFORMED_REQUEST`` if it can't).

    Unlike ``request.form``/``request.files``, every part keeps its raw bytes, whether or not it
    has a filename, and there is no size cap on non-file parts.
    """
    from werkzeug.http import parse_options_header
    from werkzeug.sansio.multipart import NEED_DATA, Data, Epilogue, Field, File, MultipartDecoder

    _, options = parse_options_header(request.headers.get("Content-Type", ""))
    boundary = options.get("boundary")
    if not boundary:
        raise SalesforceError(400, "MALFORMED_REQUEST", "The multipart request has no boundary")
    decoder = MultipartDecoder(boundary.encode("latin-1"), max_form_memory_size=None)
    decoder.receive_data(request.get_data(cache=True))
    decoder.receive_data(None)
    parts: list[Part] = []
    chunks: list[bytes] = []
    try:
        while True:
            event = decoder.next_event()
            if event is NEED_DATA or isinstance(event, Epilogue):
                break
            if isinstance(event, (Field, File)):
                filename = event.filename if isinstance(event, File) else None
                parts.append(Part(event.name, filename, event.headers.get("Content-Type"), b""))
                chunks = []
            elif isinstance(event, Data):
                chunks.append(event.data)
                if not event.more_data and parts:
                    parts[-1].data = b"".join(chunks)
    except ValueError as exc:
        raise SalesforceError(400, "MALFORMED_REQUEST", f"Bad multipart body: {exc}") from None
    if not parts:
        raise SalesforceError(400, "MALFORMED_REQUEST", "The multipart request has no parts")
    return parts


# ---- authenticators ------------------------------------------------------------------------------

_AUTHENTICATORS: dict[str, Authenticator] = {}


def register_authenticator(name: str, authenticate: Authenticator) -> None:
    """Make ``auth=name`` available to routes.

    ``authenticate(ctx)`` returns the caller's session, or raises ``SalesforceError`` (rendered by
    the route's error renderer) when the credentials are missing or bad; ``None`` means the route
    runs without a session.
    """
    _AUTHENTICATORS[name] = authenticate


def authenticator(name: str) -> Authenticator:
    try:
        return _AUTHENTICATORS[name]
    except KeyError:
        raise LookupError(f"no authenticator named {name!r}") from None


def _no_auth(ctx: Context) -> Session | None:
    return None


def _bearer_auth(ctx: Context) -> Session | None:
    token = bearer_token(ctx.request)
    session = ctx.org.sessions.lookup(token) if token else None
    if session is None:
        raise SalesforceError(401, "INVALID_SESSION_ID", "Session expired or invalid")
    return session


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer …`` (or ``OAuth …``) header, or None."""
    header = request.headers.get("Authorization")
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() not in ("bearer", "oauth"):
        return None
    return token.strip() or None


register_authenticator("none", _no_auth)
register_authenticator("bearer", _bearer_auth)


# ---- routes --------------------------------------------------------------------------------------


class RouteSpec:
    """One registered route: its rule, handler and options."""

    __slots__ = ("api_usage", "auth", "endpoint", "errors", "faults", "handler", "methods", "path")

    def __init__(
        self,
        path: str,
        methods: Sequence[str],
        handler: Handler,
        endpoint: str,
        auth: str,
        api_usage: bool,
        errors: ErrorRenderer,
        faults: bool,
    ) -> None:
        self.path = path
        self.methods = tuple(m.upper() for m in methods)
        self.handler = handler
        self.endpoint = endpoint
        self.auth = auth
        self.api_usage = api_usage
        self.errors = errors
        self.faults = faults

    def rule(self) -> Rule:
        return Rule(self.path, endpoint=self.endpoint, methods=list(self.methods))


class Routes:
    """The routes of one API family, declared with :meth:`route`.

    Args:
        family: short name used as the endpoint prefix in stats (``"query"``).
        auth: default authenticator name for the family's routes.
        api_usage: default for counting requests and sending ``Sforce-Limit-Info``.
        errors: default error renderer.
        faults: whether injected faults apply (the control interface turns this off).
    """

    def __init__(
        self,
        family: str,
        *,
        auth: str = "bearer",
        api_usage: bool = True,
        errors: ErrorRenderer = rest_error,
        faults: bool = True,
    ) -> None:
        self.family = family
        self.auth = auth
        self.api_usage = api_usage
        self.errors = errors
        self.faults = faults
        self._specs: list[RouteSpec] = []

    def route(
        self,
        path: str,
        methods: Sequence[str] = ("GET",),
        *,
        name: str | None = None,
        auth: str | None = None,
        api_usage: bool | None = None,
        errors: ErrorRenderer | None = None,
        faults: bool | None = None,
    ) -> Callable[[Handler], Handler]:
        """Register the decorated handler for ``path`` and ``methods``."""

        def decorate(handler: Handler) -> Handler:
            endpoint = f"{self.family}.{name or handler.__name__}"
            if any(spec.endpoint == endpoint for spec in self._specs):
                endpoint = f"{endpoint}.{len(self._specs)}"
            self._specs.append(
                RouteSpec(
                    path,
                    methods,
                    handler,
                    endpoint,
                    auth or self.auth,
                    self.api_usage if api_usage is None else api_usage,
                    errors or self.errors,
                    self.faults if faults is None else faults,
                )
            )
            return handler

        return decorate

    def __iter__(self) -> Iterator[RouteSpec]:
        return iter(self._specs)


def discover() -> list[Routes]:
    """Import every public module of this package and collect its ``routes``."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        routes = getattr(module, "routes", None)
        if isinstance(routes, Routes):
            found.append(routes)
    return found


# ---- the per-request context ---------------------------------------------------------------------


class Context:
    """What a handler gets: org, request, caller's session, API version and route arguments."""

    __slots__ = ("_json", "args", "environ", "org", "request", "route", "session", "version")

    def __init__(
        self,
        org: OrgState,
        request: Request,
        route: RouteSpec | None,
        args: dict[str, Any],
        version: str | None,
    ) -> None:
        self.org = org
        self.request = request
        self.environ = request.environ
        self.route = route
        self.args = args
        self.version = version
        self.session: Session | None = None
        self._json: Any = _UNSET

    # ---- caller ----------------------------------------------------------------------------------

    @property
    def store(self) -> Any:
        """The org's Store."""
        return self.org.store

    @property
    def user_id(self) -> str:
        """The authenticated user's id (the admin user on routes without auth)."""
        if self.session is not None:
            return self.session.user_id
        return self.org.admin_user_id

    @property
    def api_version(self) -> str:
        """The path's API version, or the latest supported one outside ``/services/data``."""
        return self.version or self.org.latest_version

    def version_at_least(self, major: float) -> bool:
        """True when the request's API version is ``major`` or newer."""
        return float(self.api_version) >= major

    def require_version(self, major: float) -> None:
        """404 NOT_FOUND, as for an unknown resource, when the request's API version is older
        than ``major`` (the version the resource first appeared in)."""
        if not self.version_at_least(major):
            raise not_found()

    @property
    def base_url(self) -> str:
        """Scheme and host the client used (``http://127.0.0.1:5000``)."""
        return self.request.host_url.rstrip("/")

    @property
    def is_loopback(self) -> bool:
        return is_loopback(self.request.remote_addr)

    # ---- request bodies --------------------------------------------------------------------------

    def json_body(self, *, expect: type | tuple[type, ...] | None = dict) -> Any:
        """The request body parsed as JSON (400 ``JSON_PARSER_ERROR`` if it isn't, or is not of the
        ``expect`` type; an empty body is an error too)."""
        if self._json is _UNSET:
            raw = self.request.get_data(cache=True)
            try:
                value = parse_json(raw) if raw.strip() else _UNSET
            except ValueError as exc:
                raise SalesforceError(
                    400, "JSON_PARSER_ERROR", f"The request body is not valid JSON: {exc}"
                ) from None
            if value is _UNSET:
                raise SalesforceError(400, "JSON_PARSER_ERROR", "The request body is empty")
            self._json = value
        if expect is not None and not isinstance(self._json, expect):
            wanted = (
                expect.__name__
                if isinstance(expect, type)
                else "/".join(t.__name__ for t in expect)
            )
            kind = "an array" if isinstance(self._json, list) else type(self._json).__name__
            raise SalesforceError(
                400,
                "JSON_PARSER_ERROR",
                f"Cannot deserialize {wanted} from {kind} in the request body",
            )
        return self._json

    def arg(self, name: str, default: str | None = None) -> str | None:
        """A query-string parameter."""
        return self.request.args.get(name, default)

    # ---- responses -------------------------------------------------------------------------------

    def json(
        self, payload: Any, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> Response:
        """JSON response; indented when the request carries ``X-PrettyPrint: 1``."""
        pretty = self.request.headers.get("X-PrettyPrint") == "1"
        return json_response(payload, status, headers, pretty=pretty)

    def csv(
        self, data: str | Iterable[Sequence[Any]], status: int = 200, **kwargs: Any
    ) -> Response:
        return csv_response(data, status, **kwargs)

    def xml(self, document: etree._Element | bytes, status: int = 200, **kwargs: Any) -> Response:
        return xml_response(document, status, **kwargs)

    def bytes(
        self, data: bytes, content_type: str = "application/octet-stream", status: int = 200
    ) -> Response:
        return bytes_response(data, content_type, status)

    def empty(self, status: int = 204, headers: Mapping[str, str] | None = None) -> Response:
        return empty_response(status, headers)

    def subrequest(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Run another REST call in-process as the same user (for composite families).

        Neither faults nor API usage apply to the inner call.
        """
        app = self.org.app
        assert app is not None, "the org has no application"
        return app.subrequest(self, method, path, json_body=json_body, headers=headers)


_UNSET: Any = object()


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and IPv4-mapped loopback addresses."""
    if not address:
        return False
    if address.startswith("::ffff:"):
        address = address[7:]
    return address.startswith("127.") or address == "::1"
