"""The fake org's HTTP(S) server: a lean threaded HTTP/1.1 server and the request dispatcher.

Two layers:

* :class:`HttpServer` owns sockets: one thread per connection, HTTP/1.1 keep-alive, optional TLS
  (the handshake runs in the connection's thread), request bodies always read in full before
  dispatch (so the next request on the connection starts where it should; chunked and gzip/deflate
  bodies are decoded), a ``Content-Length`` on every response, and connection counting for
  :class:`Stats`. It is not werkzeug's development server: that one logs every request line (query
  strings can carry tokens) and cannot drop a connection on purpose.
* :class:`Application` routes a request (werkzeug's URL map, built from the API families in
  :mod:`.api`), applies injected faults, checks the API version and the caller's session, runs the
  handler, renders errors, and adds ``Sforce-Limit-Info``. It is also a plain WSGI application.
"""

from __future__ import annotations

import collections
import contextlib
import email.utils
import gzip
import io
import logging
import re
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
import zlib
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import unquote_to_bytes

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from .api import (
    Context,
    HttpError,
    PathConverter,
    Routes,
    RouteSpec,
    VersionConverter,
    authenticator,
    discover,
    json_response,
    rest_error,
)
from .errors import SalesforceError, not_found
from .faults import DropConnection

if TYPE_CHECKING:
    from .org import OrgState

logger = logging.getLogger(__name__)

MAX_LINE = 65536
MAX_HEADERS = 200
MAX_BODY = 512 * 1024 * 1024
IDLE_TIMEOUT = 300.0


# ---- statistics ----------------------------------------------------------------------------------


class Stats:
    """Requests and connections per endpoint; connections are counted when a socket is accepted.

    A connection counts once for each endpoint it carries a request to. What a connection has
    been counted for is kept only while it is open, so the bookkeeping does not grow with the
    number of connections an org has served.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conn_ids = 0
        self._open: dict[int, set[str]] = {}
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.total_connections = 0
            self.total_requests = 0
            self.requests: collections.Counter[str] = collections.Counter()
            self.connections: collections.Counter[str] = collections.Counter()
            for seen in self._open.values():
                seen.clear()

    def connection_opened(self) -> int:
        with self._lock:
            self._conn_ids += 1
            self.total_connections += 1
            self._open[self._conn_ids] = set()
            return self._conn_ids

    def connection_closed(self, conn_id: int) -> None:
        with self._lock:
            self._open.pop(conn_id, None)

    def request(self, endpoint: str, conn_id: int | None) -> None:
        with self._lock:
            self.total_requests += 1
            self.requests[endpoint] += 1
            seen = self._open.get(conn_id) if conn_id is not None else None
            if seen is not None and endpoint not in seen:
                seen.add(endpoint)
                self.connections[endpoint] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": dict(self.requests),
                "connections": dict(self.connections),
                "total_requests": self.total_requests,
                "total_connections": self.total_connections,
            }


# ---- dispatcher ----------------------------------------------------------------------------------

_UNEXPECTED = SalesforceError(
    500,
    "UNKNOWN_EXCEPTION",
    "An unexpected error occurred. Please include this ErrorId if you contact support: 0",
)


class Application:
    """Route, authenticate, run and render one request against an org."""

    def __init__(self, org: OrgState, families: Iterable[Routes] | None = None) -> None:
        from . import control

        self.org = org
        self.specs: dict[str, RouteSpec] = {}
        url_map = Map(
            converters={"version": VersionConverter, "path": PathConverter},
            strict_slashes=False,
            merge_slashes=False,
        )
        for routes in [*(discover() if families is None else families), control.routes]:
            for spec in routes:
                if spec.endpoint in self.specs:
                    raise ValueError(f"two routes are called {spec.endpoint}")
                self.specs[spec.endpoint] = spec
                url_map.add(spec.rule())
        self.url_map = url_map
        self._adapter = url_map.bind("fakeorg", "/")
        org.app = self

    # WSGI entry point, for use with any WSGI server or werkzeug's test client.
    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        try:
            response = self.handle(environ)
        except DropConnection:
            response = Response(b"", status=500)
        return response(environ, start_response)

    def match(self, path: str, method: str) -> tuple[RouteSpec, dict[str, Any]]:
        endpoint, args = self._adapter.match(path, method)
        return self.specs[endpoint], dict(args)

    def handle(self, environ: dict[str, Any]) -> Response:
        """Answer one request; raises :class:`DropConnection` when a fault says to hang up."""
        org = self.org
        request = Request(environ)
        method = request.method
        if method == "POST" and "_HttpMethod" in request.args:
            method = request.args["_HttpMethod"].upper()
        path = request.path
        try:
            spec, args = self.match(path, method)
        except (NotFound, MethodNotAllowed) as exc:
            endpoint = "unknown" if isinstance(exc, NotFound) else "method_not_allowed"
            org.stats_counter.request(endpoint, environ.get("fakeorg.connection"))
            ctx = Context(org, request, None, {}, None)
            return self._finish(
                ctx, _no_route(ctx, method, exc), path.startswith("/services/data/v")
            )

        org.stats_counter.request(spec.endpoint, environ.get("fakeorg.connection"))
        version = args.pop("version", None)
        ctx = Context(org, request, spec, args, version)
        fault = org.faults.take(method, path) if spec.faults else None
        if fault is not None:
            logger.info("fault %s fires on %s %s", fault.id, method, path)
            early = fault.before(org.faults.stopping)
            if early is not None:
                return self._finish(ctx, early, spec.api_usage)
        response = self._run(ctx, spec)
        if fault is not None:
            response = fault.after(response, org.faults.stopping)
        return self._finish(ctx, response, spec.api_usage)

    def _run(self, ctx: Context, spec: RouteSpec, caller: Context | None = None) -> Response:
        """Check the version and the session, run the handler and render its errors.

        ``caller``: the request this is a subrequest of; its session is used as it is (no
        authentication, no API usage).
        """
        try:
            if ctx.version is not None:
                self.org.check_version(ctx.version)
            if caller is not None:
                ctx.session = caller.session
            else:
                ctx.session = authenticator(spec.auth)(ctx)
                if spec.api_usage and ctx.session is not None:
                    self.org.count_api_call()
            return spec.handler(ctx)
        except SalesforceError as error:
            return spec.errors(ctx, error)
        except HttpError as error:
            return error.to_response(ctx)
        except DropConnection:
            raise
        except Exception:
            logger.exception("unhandled error in %s", spec.endpoint)
            return spec.errors(ctx, _UNEXPECTED)

    def _finish(self, ctx: Context, response: Response, api_usage: bool) -> Response:
        if api_usage:
            response.headers["Sforce-Limit-Info"] = self.org.limit_info()
        return response

    def subrequest(
        self,
        ctx: Context,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Run ``method path`` as the caller of ``ctx`` without faults or API usage (composite)."""
        builder = EnvironBuilder(
            path=path,
            method=method.upper(),
            json=json_body,
            headers=list((headers or {}).items()),
            base_url=self.org.instance_url or "http://fakeorg",
        )
        request = Request(builder.get_environ())
        try:
            spec, args = self.match(request.path, request.method)
        except (NotFound, MethodNotAllowed) as exc:
            return _no_route(ctx, request.method, exc)
        version = args.pop("version", None)
        return self._run(Context(self.org, request, spec, args, version), spec, caller=ctx)


def _no_route(ctx: Context, method: str, exc: NotFound | MethodNotAllowed) -> Response:
    """404 for a path no route has; 405 (with ``Allow``) for a method the path does not take.

    Under Bulk 1.0's ``/services/async/`` both are that API's ``<error>`` (``InvalidUrl``, 400),
    like every other answer there: its clients read no REST error arrays.
    """
    allowed = ",".join(sorted(exc.valid_methods or ())) if isinstance(exc, MethodNotAllowed) else ""
    if ctx.request.path.startswith("/services/async/"):
        from .api.bulk1 import AsyncError, async_error

        if allowed:
            message = f"HTTP Method '{method}' not allowed. Allowed are {allowed}"
        else:
            message = f"Unknown URL: {ctx.request.path}"
        response = async_error(ctx, AsyncError("InvalidUrl", message))
        if allowed:
            response.headers["Allow"] = allowed
        return response
    if isinstance(exc, NotFound):
        return rest_error(ctx, not_found())
    error = SalesforceError(
        405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed. Allowed are {allowed}"
    )
    response = rest_error(ctx, error)
    response.headers["Allow"] = allowed
    return response


def _decompress(body: bytes, *, gzip_format: bool) -> bytes:
    """Inflate a gzip (possibly several members) or zlib request body, at most ``MAX_BODY``
    bytes of it: a small body must not expand into gigabytes in memory."""
    wbits = 16 + zlib.MAX_WBITS if gzip_format else zlib.MAX_WBITS
    parts: list[bytes] = []
    room = MAX_BODY
    data = body
    while data:
        inflater = zlib.decompressobj(wbits)
        try:
            part = inflater.decompress(data, room + 1)
        except zlib.error:
            raise BadRequest(400, "Bad compressed body") from None
        if len(part) > room or inflater.unconsumed_tail:
            raise BadRequest(413, "Request Entity Too Large")
        if not inflater.eof:
            raise BadRequest(400, "Bad compressed body")
        parts.append(part)
        room -= len(part)
        data = inflater.unused_data if gzip_format else b""
    return b"".join(parts)


def _maybe_gzip(response: Response, environ: Mapping[str, Any]) -> None:
    """Compress a response body of 1 KiB or more when the client accepts gzip."""
    if (
        "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", "")
        or "Content-Encoding" in response.headers
    ):
        return
    body = response.get_data()
    if len(body) < 1024:
        return
    response.set_data(gzip.compress(body, compresslevel=1))
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"


# ---- HTTP/1.1 server -----------------------------------------------------------------------------

_REASONS = {status.value: status.phrase for status in HTTPStatus}


class _DateCache:
    """The ``Date`` header value, formatted once per second."""

    def __init__(self) -> None:
        self._second = -1
        self._value = ""

    def get(self) -> str:
        now = int(time.time())
        if now != self._second:
            self._value = email.utils.formatdate(now, usegmt=True)
            self._second = now
        return self._value


# What happens to a connection after a request.
KEEP = "keep"  # wait for the next request
CLOSE = "close"  # close gracefully
EOF = "eof"  # the client closed
DROPPED = "dropped"  # a fault reset it or sent a partial response


class BadRequest(Exception):
    """A request the server cannot read; answered with an error array, then the connection ends."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status

    def as_error(self) -> SalesforceError:
        code = "EXCEEDED_MAX_SIZE_REQUEST" if self.status == 413 else "MALFORMED_REQUEST"
        return SalesforceError(self.status, code, str(self))


_DIGITS = re.compile(r"[0-9]+")
_HEX_DIGITS = re.compile(rb"[0-9A-Fa-f]+")


class HttpServer(socketserver.TCPServer):
    """A threaded HTTP/1.1 server for one :class:`Application`."""

    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        app: Application,
        stats: Stats,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, None, bind_and_activate=True)  # type: ignore[arg-type]
        self.app = app
        self.stats = stats
        self.ssl_context = ssl_context
        self.scheme = "https" if ssl_context else "http"
        self._connections: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        self._lock = threading.Lock()
        self._closing = False
        self._dates = _DateCache()
        host, port = self.server_address[:2]
        self._base_environ: dict[str, Any] = {
            "SERVER_NAME": host,
            "SERVER_PORT": str(port),
            "SCRIPT_NAME": "",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": self.scheme,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def open_connections(self) -> int:
        with self._lock:
            return len(self._connections)

    # socketserver hooks ---------------------------------------------------------------------------

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name="fakeorg-conn",
            daemon=True,
        )
        with self._lock:
            if self._closing:
                request.close()
                return
            self._connections.add(request)
            self._threads.add(thread)
        thread.start()

    def serve(self) -> None:
        self.serve_forever(poll_interval=0.05)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, close every open connection and wait for the connection threads."""
        with self._lock:
            self._closing = True
        self.shutdown()
        self.server_close()
        with self._lock:
            connections = list(self._connections)
            threads = list(self._threads)
        for conn in connections:
            with contextlib.suppress(OSError):
                # The plain socket's shutdown, also for TLS ones: it wakes the connection's
                # thread from a blocking read (SSLSocket.shutdown would first drop its SSL state).
                socket.socket.shutdown(conn, socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    # one connection -------------------------------------------------------------------------------

    def _serve_connection(self, sock: socket.socket, client_address: Any) -> None:
        conn_id = self.stats.connection_opened()
        conn: socket.socket = sock
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(IDLE_TIMEOUT)
            if self.ssl_context is not None:
                # Wrapping takes the file descriptor away from ``sock``: track the TLS socket
                # instead (before the handshake, which may block), so stop() can wake it.
                conn = self.ssl_context.wrap_socket(
                    sock, server_side=True, do_handshake_on_connect=False
                )
                with self._lock:
                    self._connections.discard(sock)
                    self._connections.add(conn)
                    if self._closing:
                        return
                conn.do_handshake()
            rfile = conn.makefile("rb", buffering=65536)
            try:
                outcome = KEEP
                while outcome == KEEP and not self._closing:
                    outcome = self._serve_one(conn, rfile, client_address, conn_id)
                if outcome == CLOSE:
                    self._lingering_close(conn, rfile)
            finally:
                rfile.close()
        except (OSError, ssl.SSLError, ValueError):
            pass  # the peer went away, the TLS handshake failed, or we are shutting down
        finally:
            with contextlib.suppress(OSError):
                conn.close()
            self.stats.connection_closed(conn_id)
            with self._lock:
                self._connections.discard(sock)
                self._connections.discard(conn)
                self._threads.discard(threading.current_thread())

    def _lingering_close(self, conn: socket.socket, rfile: Any) -> None:
        """Send FIN, then read what the client still sends for a moment before closing.

        Closing a socket with unread input makes the kernel answer with a reset, which can destroy
        the response the client has not read yet (say a 413 sent while the body still arrives).
        """
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(1.0)
        drained = 0
        while drained < MAX_LINE * 16:
            data = rfile.read1(MAX_LINE)
            if not data:
                break
            drained += len(data)

    def _serve_one(self, conn: socket.socket, rfile: Any, client_address: Any, conn_id: int) -> str:
        """Read and answer one request; returns what to do with the connection next."""
        line = rfile.readline(MAX_LINE + 1)
        if not line:
            return EOF
        if line in (b"\r\n", b"\n"):
            return KEEP  # tolerate stray blank lines between requests
        try:
            environ, keep_alive, is_head = self._read_request(
                conn, rfile, line, client_address, conn_id
            )
        except BadRequest as exc:
            self._send_error(conn, exc.as_error())
            return CLOSE
        try:
            response = self.app.handle(environ)
        except DropConnection as drop:
            self._drop(conn, drop, environ)
            return DROPPED
        except Exception:
            logger.exception("unhandled error while answering a request")
            response = json_response(_UNEXPECTED.as_json(), status=500)
            keep_alive = False
        if self.app.org.compress_responses:
            _maybe_gzip(response, environ)
        if logger.isEnabledFor(logging.INFO):
            # Logged before the response is written, so a client that has its answer can rely
            # on the line being there. The path only: query strings can carry tokens.
            logger.info(
                "%s %s %d", environ["REQUEST_METHOD"], environ["PATH_INFO"], response.status_code
            )
        self._write_response(conn, response, keep_alive, is_head)
        return KEEP if keep_alive else CLOSE

    def _read_request(
        self, conn: socket.socket, rfile: Any, line: bytes, client_address: Any, conn_id: int
    ) -> tuple[dict[str, Any], bool, bool]:
        if len(line) > MAX_LINE:
            raise BadRequest(414, "URI Too Long")
        try:
            method, target, protocol = line.decode("latin-1").rstrip("\r\n").split(" ")
        except ValueError:
            raise BadRequest(400, "Bad request line") from None
        if not protocol.startswith("HTTP/1."):
            raise BadRequest(505, "HTTP Version Not Supported")
        environ: dict[str, Any] = dict(self._base_environ)
        headers_size = 0
        for _ in range(MAX_HEADERS + 1):
            raw = rfile.readline(MAX_LINE + 1)
            headers_size += len(raw)
            if raw in (b"\r\n", b"\n", b""):
                break
            if headers_size > MAX_LINE:
                raise BadRequest(431, "Request Header Fields Too Large")
            name, sep, value = raw.decode("latin-1").partition(":")
            if not sep or not name or name != name.strip():
                raise BadRequest(400, "Bad header line")
            key = name.upper().replace("-", "_")
            value = value.strip()
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            if key in environ:
                environ[key] += "," + value
            else:
                environ[key] = value
        else:
            raise BadRequest(431, "Too many headers")

        if target.startswith(("http://", "https://")):
            target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
        path, _, query = target.partition("?")
        if not query.isascii():
            # Bytes sent unescaped: escape them, so the query reads as if the client had
            # (werkzeug decodes an escaped invalid UTF-8 sequence leniently, a raw one not at all).
            query = "".join(c if c < "\x80" else f"%{ord(c):02X}" for c in query)
        environ["REQUEST_METHOD"] = method
        environ["PATH_INFO"] = unquote_to_bytes(path).decode("latin-1")
        environ["QUERY_STRING"] = query
        environ["RAW_URI"] = environ["REQUEST_URI"] = target
        environ["SERVER_PROTOCOL"] = protocol
        environ["REMOTE_ADDR"] = client_address[0]
        environ["REMOTE_PORT"] = client_address[1]
        environ["fakeorg.connection"] = conn_id

        if environ.get("HTTP_EXPECT", "").lower() == "100-continue":
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = self._read_body(rfile, environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))

        connection = environ.get("HTTP_CONNECTION", "").lower()
        if protocol == "HTTP/1.0":
            keep_alive = "keep-alive" in connection
        else:
            keep_alive = "close" not in connection
        return environ, keep_alive, method == "HEAD"

    def _read_body(self, rfile: Any, environ: dict[str, Any]) -> bytes:
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = self._read_chunked(rfile)
            # The body is now whole: WSGI readers must see a plain Content-Length body.
            del environ["HTTP_TRANSFER_ENCODING"]
        else:
            length_text = environ.get("CONTENT_LENGTH") or "0"
            if not _DIGITS.fullmatch(length_text):
                raise BadRequest(400, "Bad Content-Length")
            length = int(length_text)
            if length > MAX_BODY:
                raise BadRequest(413, "Request Entity Too Large")
            body = rfile.read(length) if length else b""
            if len(body) != length:
                raise BadRequest(400, "Incomplete body")
        encoding = environ.get("HTTP_CONTENT_ENCODING", "").lower().strip()
        if body and encoding in ("gzip", "x-gzip", "deflate"):
            body = _decompress(body, gzip_format="gzip" in encoding)
            del environ["HTTP_CONTENT_ENCODING"]
        return body

    def _read_chunked(self, rfile: Any) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            size_text = rfile.readline(MAX_LINE + 1).split(b";", 1)[0].strip()
            if not _HEX_DIGITS.fullmatch(size_text):
                raise BadRequest(400, "Bad chunk size")
            size = int(size_text, 16)
            if size == 0:
                while rfile.readline(MAX_LINE + 1) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > MAX_BODY:
                raise BadRequest(413, "Request Entity Too Large")
            chunk = rfile.read(size)
            if len(chunk) != size:
                raise BadRequest(400, "Incomplete chunk")
            parts.append(chunk)
            rfile.readline(MAX_LINE + 1)

    def _serialize(self, response: Response, keep_alive: bool) -> tuple[bytes, bytes]:
        body = response.get_data()
        status = response.status_code
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}"]
        for name, value in response.headers.items():
            lowered = name.lower()
            if lowered in ("content-length", "transfer-encoding", "connection"):
                continue
            lines.append(f"{name}: {value}")
        lines.append(f"Date: {self._dates.get()}")
        lines.append(f"Content-Length: {len(body)}")
        if not keep_alive:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        return head, body

    def _write_response(
        self, conn: socket.socket, response: Response, keep_alive: bool, is_head: bool
    ) -> None:
        head, body = self._serialize(response, keep_alive)
        if is_head or not body:
            conn.sendall(head)
        elif len(body) < 65536:
            conn.sendall(head + body)
        else:
            conn.sendall(head)
            conn.sendall(body)

    def _send_error(self, conn: socket.socket, error: SalesforceError) -> None:
        response = json_response(error.as_json(), status=error.status)
        with contextlib.suppress(OSError):
            self._write_response(conn, response, keep_alive=False, is_head=False)

    def _drop(self, conn: socket.socket, drop: DropConnection, environ: Mapping[str, Any]) -> None:
        """Hang up: a TCP reset with nothing sent, or part of a response and then end of stream."""
        if drop.partial is None:
            # SO_LINGER with a zero timeout turns close() into a reset (RST) instead of a FIN.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        head, body = self._serialize(drop.partial, keep_alive=True)
        data = head + body[: int(len(body) * drop.keep)]
        if not body:
            # Nothing to cut in an empty body (a 204): cut the status line instead, or the
            # client would get a whole response and reuse a connection that is about to close.
            data = head[: head.index(b"\r\n") // 2]
        conn.sendall(data)
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_WR)
