"""Turn HTTP responses into bodies and typed errors.

:func:`parse_body` maps a response to ``dict | list | str | bytes | None`` by its Content-Type:
JSON is parsed, CSV/XML/other text comes back as ``str``, anything else (blobs) as ``bytes``, and
204/304/empty bodies as ``None``. A body that claims to be JSON but is not raises
:class:`~salesforcepy.exceptions.ParseError`.

:func:`errors_from_body` reads Salesforce's error shapes — the usual array of
``{"message", "errorCode", "fields"}``, a single such object, an OAuth ``{"error",
"error_description"}`` object, Bulk API 1.0's ``<error>`` document (or its JSON form) with
``exceptionCode`` and ``exceptionMessage``, the 300 answer (an array of record URL strings), HTML
or plain text from a proxy, or nothing — and never fails on any of them.

:func:`read_response` combines both the way every call uses them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Callable, Optional, Protocol, Union

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from .exceptions import AuthError, HTTPError, MultipleChoices, ParseError, http_error

__all__ = [
    "XML_PARSER",
    "JsonObject",
    "ResponseLike",
    "errors_from_body",
    "loads",
    "no_redaction",
    "parse_body",
    "read_response",
    "scrub",
    "snippet",
]

Redact = Callable[[str], str]
"""Replaces known secrets in a text (the client's ``_redact``)."""

_TEXT_TYPES = frozenset({"application/xml", "application/csv", "application/javascript"})
_SNIPPET_CHARS = 200


class JsonObject(dict[str, Any]):
    """A JSON object from a response: a plain ``dict`` whose lookups ignore case on a miss.

    Salesforce treats object, field and key names case-insensitively (``Name`` and ``name`` are the
    same field), and code written against it — SalesforcePy's own examples read a Bulk job's
    ``"id"`` as ``.get("Id")`` — relies on that. An exact key always wins; only when it is absent
    do ``obj[key]``, ``obj.get(key)`` and ``key in obj`` look for a key equal ignoring case. The
    keys themselves, iteration, equality and ``json.dumps`` are exactly those of the dict that
    came over the wire.
    """

    __slots__ = ()

    def _folded_key(self, key: object) -> str:
        if isinstance(key, str):
            folded = key.casefold()
            for candidate in self:
                if isinstance(candidate, str) and candidate.casefold() == folded:
                    return candidate
        raise KeyError(key)

    def __missing__(self, key: object) -> Any:
        return dict.__getitem__(self, self._folded_key(key))

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        if dict.__contains__(self, key):
            return True
        try:
            self._folded_key(key)
        except KeyError:
            return False
        return True


def loads(content: Union[bytes, str]) -> Any:
    """Parse JSON into plain lists and :class:`JsonObject` dicts."""
    return json.loads(content, object_pairs_hook=JsonObject)


class ResponseLike(Protocol):
    """The parts of a ``requests.Response`` this module reads."""

    status_code: int
    headers: Mapping[str, str]

    @property
    def content(self) -> bytes: ...


def no_redaction(text: str) -> str:
    """The default ``redact`` of the functions that take one: ``text`` unchanged."""
    return text


def content_type(headers: Mapping[str, str]) -> tuple[str, Optional[str]]:
    """The media type (lower case, no parameters) and charset of a Content-Type header."""
    value = headers.get("Content-Type") or ""
    media, _, rest = value.partition(";")
    charset = None
    for param in rest.split(";"):
        key, _, val = param.strip().partition("=")
        if key.lower() == "charset" and val:
            charset = val.strip().strip('"')
    return media.strip().lower(), charset


def _is_json(media: str) -> bool:
    return media in ("application/json", "text/json") or media.endswith("+json")


def _is_text(media: str) -> bool:
    return media.startswith("text/") or media in _TEXT_TYPES or media.endswith("+xml")


def parse_body(response: ResponseLike, *, raw: bool = False) -> Any:
    """Parse a response body according to its Content-Type.

    Args:
        response: the response.
        raw: return non-empty bodies as bytes without looking at the Content-Type.

    Returns:
        ``None`` for 204/304 or an empty body (or JSON ``null``); the decoded JSON value; ``str``
        for text types (CSV, XML, HTML, plain); ``bytes`` otherwise. Without a Content-Type: JSON
        if the body parses as JSON, else text if it is UTF-8, else bytes.

    Raises:
        ParseError: the body is not valid JSON although the Content-Type says it is, or text that
            cannot be decoded with its charset.
    """
    content = response.content
    if response.status_code in (204, 304) or not content or content.isspace():
        return None
    if raw:
        return content
    media, charset = content_type(response.headers)
    if not media:
        return _untyped(content)
    if _is_json(media):
        try:
            return loads(content)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(
                f"HTTP {response.status_code} body is not valid JSON ({type(exc).__name__} at "
                f"position {getattr(exc, 'pos', '?')}; {len(content)} bytes)",
                status=response.status_code,
                content_type=media,
            ) from None
    if _is_text(media):
        try:
            return content.decode(charset or "utf-8")
        except (UnicodeDecodeError, LookupError):
            raise ParseError(
                f"HTTP {response.status_code} {media} body cannot be decoded as "
                f"{charset or 'utf-8'}",
                status=response.status_code,
                content_type=media,
            ) from None
    return content


def _untyped(content: bytes) -> Any:
    # No Content-Type: JSON if it parses, else UTF-8 text, else bytes.
    try:
        return loads(content)
    except (ValueError, UnicodeDecodeError):
        pass
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content


def snippet(text: str, redact: Redact = no_redaction) -> str:
    """A short one-line excerpt of a non-JSON body for an error message."""
    # Redacted before it is flattened and cut, so that a secret holding whitespace, or one
    # straddling the cut, is still found whole.
    flat = " ".join(redact(text).split())
    if len(flat) > _SNIPPET_CHARS:
        flat = flat[:_SNIPPET_CHARS] + "..."
    return flat


def scrub(value: Any, redact: Redact) -> Any:
    """``value`` with ``redact`` applied to every string in it: in lists and object values, at any
    depth. Objects keep their type (:class:`JsonObject` stays one); other values are unchanged."""
    if redact is no_redaction:
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [scrub(item, redact) for item in value]
    if isinstance(value, dict):
        return type(value)((key, scrub(item, redact)) for key, item in value.items())
    return value


def _error_from_item(status: int, item: Mapping[str, Any], body: Any, redact: Redact) -> HTTPError:
    code = item.get("errorCode") or item.get("statusCode")
    fields = item.get("fields")
    return http_error(
        status,
        str(code) if code is not None else None,
        redact(str(item.get("message") or "")),
        [str(f) for f in fields] if isinstance(fields, list) else (),
        body=body,
    )


_DATALOAD_NS = "http://www.force.com/2009/06/asyncapi/dataload"


XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
"""The parser for every XML answer: no DTDs, no entity expansion, no network access."""


def _dataload_error(text: str) -> Optional[tuple[str, str]]:
    """``(exceptionCode, exceptionMessage)`` of a Bulk API 1.0 ``<error>`` document, else None."""
    if _DATALOAD_NS not in text or "exceptionCode" not in text:
        return None
    try:
        root = etree.fromstring(text.encode("utf-8"), XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root.tag != f"{{{_DATALOAD_NS}}}error":
        return None
    code = root.findtext(f"{{{_DATALOAD_NS}}}exceptionCode") or ""
    message = root.findtext(f"{{{_DATALOAD_NS}}}exceptionMessage") or ""
    return code, message


def _async_error(status: int, code: Any, message: Any, *, body: Any = None) -> HTTPError:
    return http_error(status, str(code) if code else None, str(message or ""), body=body)


def errors_from_body(status: int, body: Any, *, redact: Redact = no_redaction) -> list[HTTPError]:
    """The typed errors an error response carries; at least one, never raises.

    Args:
        status: the HTTP status.
        body: the body as :func:`parse_body` returned it (or the text of an unparsable body).
        redact: applied to every message taken from the body.
    """
    if status == 300:
        urls = [u for u in body if isinstance(u, str)] if isinstance(body, list) else []
        return [MultipleChoices(status, urls, body=body)]
    if isinstance(body, list):
        errors = [_error_from_item(status, i, body, redact) for i in body if isinstance(i, Mapping)]
        if errors:
            return errors
    elif isinstance(body, Mapping):
        if "exceptionCode" in body:
            message = redact(str(body.get("exceptionMessage") or ""))
            return [_async_error(status, body.get("exceptionCode"), message, body=body)]
        if isinstance(body.get("error"), str):
            return [
                AuthError(
                    status,
                    body["error"],
                    redact(str(body.get("error_description") or "")),
                    body=body,
                )
            ]
        if "errorCode" in body or "message" in body:
            return [_error_from_item(status, body, body, redact)]
    elif isinstance(body, str):
        dataload = _dataload_error(body)
        if dataload is not None:
            code, message = dataload
            return [_async_error(status, code, redact(message), body=body)]
        return [http_error(status, None, snippet(body, redact), body=body)]
    elif isinstance(body, bytes):
        return [http_error(status, None, f"{len(body)}-byte binary body", body=body)]
    return [http_error(status, None, "", body=body)]


def _text(content: bytes) -> str:
    return content.decode("utf-8", errors="replace")


def read_response(
    response: ResponseLike,
    *,
    raw: bool = False,
    stream: bool = False,
    redact: Redact = no_redaction,
) -> tuple[Any, list[Any]]:
    """The ``body`` and ``exceptions`` of a call from its final response.

    Success (2xx, and 304) gives the parsed body and no errors — or, for a body that does not parse,
    its text (redacted) and a :class:`ParseError`. Any other status gives the parsed error body (its
    text if it does not parse), with ``redact`` applied to every string in it, and the typed errors
    it carries.

    Args:
        response: the final response.
        raw: successful bodies as bytes.
        stream: leave a successful body unread (``body`` is ``None``).
        redact: applied to messages taken from the body.
    """
    status = response.status_code
    if 200 <= status < 300 or status == 304:
        if stream:
            return None, []
        try:
            return parse_body(response, raw=raw), []
        except ParseError as exc:
            return scrub(_text(response.content), redact), [exc]
    try:
        body = parse_body(response)
    except ParseError:
        body = _text(response.content)
    # A server or proxy may echo what it was sent (a login form, a token): error bodies are
    # returned, and kept on their errors, with every secret the client knows replaced.
    body = scrub(body, redact)
    return body, list(errors_from_body(status, body, redact=redact))
