"""Composite and Composite batch: several REST calls in one request, run in-process.

Each subrequest goes through ``ctx.subrequest`` (the same routes, as the same user, without faults
or API usage), so its answer is exactly what the call alone would have answered.

Composite (``POST /composite``): up to 25 subrequests, at most 5 of them queries or sObject
Collections calls; ``referenceId`` names each one and later ones may use ``@{refId.path}``
references to earlier bodies. ``allOrNone: true`` runs everything in one store transaction and
stops at the first failure (rolling back, the others answering ``PROCESSING_HALTED``); otherwise
each subrequest commits on its own and only those that reference a failed one are skipped.

Composite batch (``POST /composite/batch``): up to 25 independent subrequests with ``richInput``
bodies; ``haltOnError`` answers 412 ``BATCH_PROCESSING_HALTED`` for everything after the first
failure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import SalesforceError
from .references import REFERENCE_ID_RE, Unresolved, substitute_json, substitute_url
from .sobject_collections import all_or_none_flag

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from ..api import Context

__all__ = [
    "MAX_QUERY_OR_COLLECTIONS",
    "MAX_SUBREQUESTS",
    "run_batch",
    "run_composite",
]

MAX_SUBREQUESTS = 25
MAX_QUERY_OR_COLLECTIONS = 5
MAX_GRAPH_NODES = 500
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
FORBIDDEN_HEADERS = frozenset({"accept", "authorization", "content-type"})
# How a message is framed on the wire: a subrequest has no wire, its body is ``body`` itself.
# Passed on, Transfer-Encoding (say) would make the in-process request read an empty body.
FRAMING_HEADERS = frozenset(
    {"connection", "content-encoding", "content-length", "host", "transfer-encoding"}
)
# Response headers a subresponse passes on (Content-Type/-Length are the outer response's).
KEPT_HEADERS = ("Location", "ETag", "Last-Modified")
ROLLED_BACK = (
    "The transaction was rolled back since another operation in the same transaction failed."
)
BATCH_HALTED = "Batch processing halted per request"

_DATA_URL_RE = re.compile(r"/services/data/v\d{1,3}\.\d{1,2}/([^?#]*)")
_BATCH_URL_RE = re.compile(r"v\d{1,3}\.\d{1,2}/([^?#]*)")


def _bad_input(message: str) -> SalesforceError:
    return SalesforceError(400, "INVALID_API_INPUT", message)


def _parser_error(message: str) -> SalesforceError:
    return SalesforceError(400, "JSON_PARSER_ERROR", message)


def _flag(body: Mapping[str, Any], name: str) -> bool:
    value = body.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _parser_error(f"Cannot deserialize value of type boolean for {name}")
    return value


def resource_kind(rest: str) -> str | None:
    """What a data-API path (after ``/services/data/vXX.X/``) is, for composite's rules."""
    path = rest.strip("/")
    for kind, prefix in (
        ("collections", "composite/sobjects"),
        ("composite", "composite"),
        ("query", "queryAll"),
        ("query", "query"),
        ("sobjects", "sobjects"),
    ):
        if path == prefix or path.startswith(prefix + "/"):
            return kind
    return None


def _outcome(response: Response) -> tuple[int, dict[str, str], Any]:
    data = response.get_data()
    body: Any
    if not data.strip():
        body = None
    elif response.mimetype and "json" in response.mimetype:
        body = json.loads(data.decode("utf-8"))
    else:
        body = data.decode("utf-8", errors="replace")
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    return response.status_code, headers, body


def _refuse_blob_reads(ctx: Context, subs: list[_Sub]) -> None:
    """Composite runs sObject resources but not blob retrieval (``GET .../{id}/Body``)."""
    for sub in subs:
        if sub.method != "GET" or sub.kind != "sobjects":
            continue
        match = _DATA_URL_RE.match(sub.url)
        parts = match.group(1).strip("/").split("/") if match else []
        if len(parts) != 4:
            continue
        try:
            obj = ctx.store.object(parts[1])
        except SalesforceError:
            continue
        field = obj.field(parts[3])
        if field is not None and field.type == "base64" and obj.field(parts[2]) is None:
            raise _bad_input(
                f"Subrequest {sub.reference_id}: {sub.url} retrieves blob data, which composite "
                "does not support; read it with a GET of its own"
            )


class _Sub:
    __slots__ = ("body", "headers", "kind", "method", "reference_id", "url")

    def __init__(
        self,
        method: str,
        url: str,
        reference_id: str,
        body: Any,
        headers: dict[str, str],
        kind: str,
    ) -> None:
        self.method = method
        self.url = url
        self.reference_id = reference_id
        self.body = body
        self.headers = headers
        self.kind = kind


def _parse_subrequests(items: Any, name: str, limit: int, query_limit: int | None) -> list[_Sub]:
    if items is None:
        raise _parser_error(f"'{name}' is a required field.")
    if not isinstance(items, list):
        raise _parser_error(f"'{name}' must be an array")
    if len(items) > limit:
        raise SalesforceError(
            400, "LIMIT_EXCEEDED", f"A request can have at most {limit} subrequests"
        )
    subs: list[_Sub] = []
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            raise _parser_error(f"Subrequest {position} must be a JSON object")
        method = item.get("method")
        url = item.get("url")
        reference_id = item.get("referenceId")
        if method is None:
            raise _parser_error("'method' is a required field.")
        if url is None:
            raise _parser_error("'url' is a required field.")
        if reference_id is None:
            raise _parser_error("'referenceId' is a required field.")
        if not isinstance(method, str) or method.upper() not in METHODS:
            raise _bad_input(f"Subrequest {position}: unsupported method {method!r}")
        if not isinstance(url, str) or not isinstance(reference_id, str):
            raise _parser_error(f"Subrequest {position}: url and referenceId must be strings")
        if not REFERENCE_ID_RE.fullmatch(reference_id):
            raise _bad_input(
                f"Invalid referenceId {reference_id!r}: use only letters, digits and underscores"
            )
        if reference_id in seen:
            raise _bad_input(f"Duplicate referenceId provided in the request: {reference_id}")
        seen.add(reference_id)
        match = _DATA_URL_RE.match(url)
        kind = resource_kind(match.group(1)) if match else None
        if kind is None or kind == "composite":
            raise _bad_input(
                f"Subrequest {reference_id}: {url} is not a resource composite supports "
                "(sObject resources, query, queryAll, sObject Collections)"
            )
        raw_headers = item.get("httpHeaders") or {}
        if not isinstance(raw_headers, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in raw_headers.items()
        ):
            raise _parser_error(f"Subrequest {reference_id}: httpHeaders must map names to strings")
        forbidden = sorted(k for k in raw_headers if k.lower() in FORBIDDEN_HEADERS)
        if forbidden:
            raise _bad_input(
                f"Subrequest {reference_id}: the {', '.join(forbidden)} header cannot be set on "
                "a subrequest; it is inherited from the composite request"
            )
        subs.append(
            _Sub(
                method.upper(),
                url,
                reference_id,
                item.get("body"),
                {k: v for k, v in raw_headers.items() if k.lower() not in FRAMING_HEADERS},
                kind,
            )
        )
    if query_limit is not None:
        heavy = sum(1 for sub in subs if sub.kind in ("query", "collections"))
        if heavy > query_limit:
            raise SalesforceError(
                400,
                "LIMIT_EXCEEDED",
                f"A composite request can have at most {query_limit} query or sObject "
                f"Collections subrequests; this one has {heavy}",
            )
    return subs


def _force_all_or_none(sub: _Sub, url: str, body: Any) -> tuple[str, Any]:
    """An outer ``allOrNone: true`` overrides a Collections subrequest's own flag."""
    if sub.kind != "collections":
        return url, body
    if sub.method == "DELETE":
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        query = [(k, v) for k, v in query if k != "allOrNone"] + [("allOrNone", "true")]
        return urlunsplit(parts._replace(query=urlencode(query))), body
    if isinstance(body, Mapping) and "records" in body:
        return url, {**body, "allOrNone": True}
    return url, body


def _entry(status: int, headers: Mapping[str, str], body: Any, reference_id: str) -> dict[str, Any]:
    return {
        "body": body,
        "httpHeaders": dict(headers),
        "httpStatusCode": status,
        "referenceId": reference_id,
    }


def _halted(reference_id: str, message: str) -> dict[str, Any]:
    body = SalesforceError(400, "PROCESSING_HALTED", message).as_json()
    return _entry(400, {}, body, reference_id)


def _failed(sub: _Sub, status: int, body: Any, strict: bool) -> bool:
    if status >= 400:
        return True
    # Under allOrNone a Collections call whose records failed fails the whole request.
    return (
        strict
        and sub.kind == "collections"
        and isinstance(body, list)
        and any(isinstance(r, Mapping) and r.get("success") is False for r in body)
    )


class _RollBack(Exception):
    pass


def _execute(
    ctx: Context, subs: list[_Sub], all_or_none: bool
) -> tuple[list[dict[str, Any]], bool]:
    """The subresponses, and whether an ``all_or_none`` run was rolled back."""
    entries: list[dict[str, Any]] = []
    bodies: dict[str, Any] = {}
    failed_at: int | None = None

    def run() -> None:
        nonlocal failed_at
        for index, sub in enumerate(subs):
            try:
                url = substitute_url(sub.url, bodies)
                body = substitute_json(sub.body, bodies)
            except Unresolved as unresolved:
                entries.append(_halted(sub.reference_id, unresolved.message))
                if all_or_none:
                    failed_at = index
                    return
                continue
            if all_or_none:
                url, body = _force_all_or_none(sub, url, body)
            response = ctx.subrequest(
                sub.method,
                url,
                json_body=body if sub.method not in ("GET", "DELETE") else None,
                headers=sub.headers,
            )
            status, headers, result = _outcome(response)
            entries.append(_entry(status, headers, result, sub.reference_id))
            if _failed(sub, status, result, all_or_none):
                if all_or_none:
                    failed_at = index
                    return
                continue
            bodies[sub.reference_id] = result

    if not all_or_none:
        run()
        return entries, False
    try:
        with ctx.store.transaction():
            run()
            if failed_at is not None:
                raise _RollBack
    except _RollBack:
        final = []
        for index, sub in enumerate(subs):
            if index == failed_at:
                final.append(entries[index])
            else:
                final.append(_halted(sub.reference_id, ROLLED_BACK))
        return final, True
    return entries, False


def run_composite(ctx: Context, body: Any) -> dict[str, Any]:
    """``POST /composite``: the ``{"compositeResponse": [...]}`` answer.

    Raises:
        SalesforceError: a malformed request (top-level 400; nothing ran).
    """
    if not isinstance(body, Mapping):
        raise _parser_error("The request body must be a JSON object")
    all_or_none = all_or_none_flag(body.get("allOrNone"))
    _flag(body, "collateSubrequests")
    subs = _parse_subrequests(
        body.get("compositeRequest"), "compositeRequest", MAX_SUBREQUESTS, MAX_QUERY_OR_COLLECTIONS
    )
    _refuse_blob_reads(ctx, subs)
    entries, _ = _execute(ctx, subs, all_or_none)
    return {"compositeResponse": entries}


def run_graph(ctx: Context, body: Any) -> dict[str, Any]:
    """``POST /composite/graph``: each graph all-or-nothing, up to 500 nodes.

    Raises:
        SalesforceError: a malformed request (top-level 400; nothing ran).
    """
    if not isinstance(body, Mapping):
        raise _parser_error("The request body must be a JSON object")
    graphs = body.get("graphs")
    if not isinstance(graphs, list) or not graphs:
        raise _parser_error("'graphs' is a required field and must be a non-empty array")
    parsed: list[tuple[str, list[_Sub]]] = []
    seen: set[str] = set()
    for graph in graphs:
        if not isinstance(graph, Mapping):
            raise _parser_error("Each graph must be a JSON object")
        graph_id = graph.get("graphId")
        if not isinstance(graph_id, str) or not graph_id:
            raise _parser_error("'graphId' is a required field.")
        if graph_id in seen:
            raise _bad_input(f"Duplicate graphId provided in the request: {graph_id}")
        seen.add(graph_id)
        subs = _parse_subrequests(
            graph.get("compositeRequest"), "compositeRequest", MAX_GRAPH_NODES, None
        )
        _refuse_blob_reads(ctx, subs)
        parsed.append((graph_id, subs))
    answers = []
    for graph_id, subs in parsed:
        # A Collections node whose records failed answers 200 but still rolls the graph back.
        entries, rolled_back = _execute(ctx, subs, all_or_none=True)
        answers.append(
            {
                "graphId": graph_id,
                "graphResponse": {"compositeResponse": entries},
                "isSuccessful": not rolled_back,
            }
        )
    return {"graphs": answers}


def run_batch(ctx: Context, body: Any) -> dict[str, Any]:
    """``POST /composite/batch``: ``{"hasErrors": ..., "results": [...]}``.

    Raises:
        SalesforceError: a malformed request (top-level 400; nothing ran).
    """
    if not isinstance(body, Mapping):
        raise _parser_error("The request body must be a JSON object")
    halt_on_error = _flag(body, "haltOnError")
    items = body.get("batchRequests")
    if items is None:
        raise _parser_error("'batchRequests' is a required field.")
    if not isinstance(items, list):
        raise _parser_error("'batchRequests' must be an array")
    if len(items) > MAX_SUBREQUESTS:
        raise SalesforceError(
            400,
            "LIMIT_EXCEEDED",
            f"A batch request can have at most {MAX_SUBREQUESTS} subrequests",
        )
    planned: list[tuple[str, str, Any]] = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            raise _parser_error(f"Batch request {position} must be a JSON object")
        method, url = item.get("method"), item.get("url")
        if not isinstance(method, str) or method.upper() not in METHODS:
            raise _bad_input(f"Batch request {position}: unsupported method {method!r}")
        if not isinstance(url, str) or not url:
            raise _parser_error(f"Batch request {position}: 'url' is a required field.")
        if "binaryPartName" in item or "binaryPartNameAlias" in item:
            raise _bad_input(
                f"Batch request {position}: binary parts need a multipart request, which the "
                "fake org does not support"
            )
        relative = url[len("/services/data/") :] if url.startswith("/services/data/") else url
        relative = relative.lstrip("/")
        match = _BATCH_URL_RE.match(relative)
        if match and resource_kind(match.group(1)) in ("composite", "collections"):
            raise _bad_input(f"Batch request {position}: {url} cannot run inside a batch")
        planned.append((method.upper(), "/services/data/" + relative, item.get("richInput")))
    results: list[dict[str, Any]] = []
    has_errors = False
    for method, path, rich_input in planned:
        if halt_on_error and has_errors:
            halted = SalesforceError(412, "BATCH_PROCESSING_HALTED", BATCH_HALTED).as_json()
            results.append({"statusCode": 412, "result": halted})
            continue
        response = ctx.subrequest(
            method, path, json_body=rich_input if method not in ("GET", "DELETE") else None
        )
        status, _, result = _outcome(response)
        if status >= 400:
            has_errors = True
        results.append({"statusCode": status, "result": result})
    return {"hasErrors": has_errors, "results": results}
