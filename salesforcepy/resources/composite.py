"""The composite family: sObject Collections, Composite, Composite batch and sObject Tree.

REST paths covered (relative to ``/services/data/vXX.X/``):

- ``POST composite/sobjects`` — :meth:`Composite.create`
- ``PATCH composite/sobjects`` — :meth:`Composite.update`
- ``PATCH composite/sobjects/{type}/{externalIdField}`` — :meth:`Composite.upsert`
- ``DELETE composite/sobjects?ids=&allOrNone=`` — :meth:`Composite.delete`
- ``GET composite/sobjects/{type}?ids=&fields=`` (``POST`` for long id lists) —
  :meth:`Composite.retrieve`
- ``POST composite`` — :meth:`Composite.send` (``compositeRequest`` with references)
- ``POST composite/batch`` — :meth:`Composite.batch`
- ``POST composite/tree/{type}`` — :meth:`Composite.tree`
- ``POST composite/graph`` — :meth:`Composite.graph`

Limits are checked before anything is sent: 200 records per Collections call (2,000 ids for
retrieve), at most 10 runs of consecutive same-type records, 25 subrequests per Composite or batch
call with at most 5 queries or Collections calls among a Composite call's, 200 records and five
levels per tree. :meth:`Composite.chunked` splits bigger Collections jobs into several calls and
reports each one.

Salesforce answers these calls with HTTP 200 (201 for a tree) even when records or subrequests
failed, so ``request.exceptions`` only holds errors of the call as a whole. :func:`failures` turns
the per-item failures of any of these bodies into typed errors from
:mod:`salesforcepy.exceptions` (Collections and Tree report ``statusCode`` where other resources
say ``errorCode``; both are read).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Callable, Optional, Protocol, Union
from urllib.parse import quote, unquote

import attrs

from ..exceptions import HTTPError, SalesforceError, http_error
from ..options import Proxies, Timeout, normalize_version
from ..parse import no_redaction
from ..request import Request, Result, SentRequest, api_name, params_of, path, record_id
from ._base import Sender

__all__ = [
    "MAX_GRAPH_NODES",
    "MAX_QUERY_OR_COLLECTIONS",
    "MAX_RECORDS",
    "MAX_RETRIEVE_IDS",
    "MAX_SUBREQUESTS",
    "MAX_TREE_DEPTH",
    "MAX_TREE_RECORDS",
    "MAX_TYPE_RUNS",
    "Chunk",
    "ChunkedResult",
    "Composite",
    "Failure",
    "Subrequest",
    "batch_request",
    "by_reference",
    "composite_request",
    "create_request",
    "delete_request",
    "failures",
    "graph_request",
    "retrieve_request",
    "tree_request",
    "update_request",
    "upsert_request",
]

MAX_RECORDS = 200
"""Records per sObject Collections create/update/upsert/delete call."""
MAX_RETRIEVE_IDS = 2000
"""Ids per sObject Collections retrieve call."""
MAX_TYPE_RUNS = 10
"""Runs of consecutive same-type records Salesforce saves in one Collections call."""
MAX_SUBREQUESTS = 25
"""Subrequests per Composite or Composite batch call."""
MAX_QUERY_OR_COLLECTIONS = 5
"""Query/queryAll or sObject Collections subrequests per Composite call."""
MAX_TREE_RECORDS = 200
"""Records per sObject Tree call, all levels together."""
MAX_TREE_DEPTH = 5
"""Levels of an sObject Tree."""
MAX_GRAPH_NODES = 500
"""Subrequests per graph of a Composite graph call."""

OPERATIONS = ("create", "update", "upsert", "delete", "retrieve")
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
_FORBIDDEN_HEADERS = frozenset({"accept", "authorization", "content-type"})
_REFERENCE_ID_RE = re.compile(r"^[A-Za-z0-9_]+$")
_NAME = r"[A-Za-z0-9_]+"
_INDEXES = r"(?:\[\d+\])*"
_STEPS = rf"(?:\.{_NAME}{_INDEXES})*"  # ".Account.Name", ".records[0].Id"
# "id", "records[0].Account.Name", or "[0].id" into a body that is a list (Collections results).
_REFERENCE_PATH_RE = re.compile(rf"^(?:{_NAME}|\[\d+\]){_INDEXES}{_STEPS}$")
_REFERENCE_RE = re.compile(r"@\{([A-Za-z0-9_]+)[^{}]*\}")
# A reference as Subrequest.ref() writes it: the only @{...} text left unencoded in params.
_URL_REFERENCE_RE = re.compile(rf"@\{{{_NAME}{_INDEXES}{_STEPS}\}}")
_VERSIONED_RE = re.compile(r"^v\d{1,3}\.\d{1,2}/")
_DATA_PREFIX = "/services/data/"
# Above this many characters of ids and field names, retrieve POSTs the lists in a body.
_GET_LIST_CHARS = 4000

Records = Sequence[Mapping[str, Any]]


class _CompositeSender(Sender, Protocol):
    """The client as this module sees it: the funnel, the API version and redaction."""

    @property
    def version(self) -> str:
        """The API version calls use."""
        ...

    def _redact(self, text: str) -> str:
        """``text`` with credentials and the session token masked."""
        ...


# ---- helpers ---------------------------------------------------------------------------------


def _sequence(value: Any, name: str) -> list[Any]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a list, not {type(value).__name__}")
    return list(value)


def _count(items: Sequence[Any], name: str, limit: int, hint: str = "") -> None:
    if not items:
        raise ValueError(f"{name} must not be empty")
    if len(items) > limit:
        raise ValueError(f"{name} has {len(items)} items; at most {limit} go in one call{hint}")


def _bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False")
    return value


def _chunk_hint(operation: str) -> str:
    return f" (use chunked({operation!r}, ...) to split the work into several calls)"


def _key(record: Mapping[str, Any], field: str) -> Optional[str]:
    """The key of ``record`` naming ``field``, ignoring case (Salesforce's names are)."""
    folded = field.lower()
    for key in record:
        if isinstance(key, str) and key.lower() == folded:
            return key
    return None


def _typed_records(
    records: Any, object_type: Optional[str], operation: str, limit: int = MAX_RECORDS
) -> list[dict[str, Any]]:
    """Copies of ``records`` whose ``attributes.type`` is set (from ``object_type`` if absent)."""
    items = _sequence(records, "records")
    _count(items, "records", limit, _chunk_hint(operation))
    if object_type is not None:
        api_name(object_type, "object_type")
    typed: list[dict[str, Any]] = []
    for index, record in enumerate(items):
        if not isinstance(record, Mapping):
            raise TypeError(f"records[{index}] must be a dict, not {type(record).__name__}")
        attributes = record.get("attributes")
        if attributes is None:
            attributes = {}
        if not isinstance(attributes, Mapping):
            raise TypeError(f"records[{index}]['attributes'] must be a dict")
        kind = attributes.get("type") or object_type
        if kind is None:
            raise ValueError(
                f"records[{index}] has no attributes.type; pass object_type= or set "
                "record['attributes'] = {'type': ...}"
            )
        api_name(kind, f"records[{index}] attributes.type")
        typed.append({**record, "attributes": {**attributes, "type": kind}})
    _check_type_runs(typed)
    return typed


def _check_type_runs(records: Sequence[Mapping[str, Any]]) -> None:
    runs = 0
    previous: Optional[str] = None
    for record in records:
        kind = str(record["attributes"]["type"]).lower()
        if kind != previous:
            runs += 1
            previous = kind
    if runs > MAX_TYPE_RUNS:
        raise ValueError(
            f"records switch object type {runs - 1} times; Salesforce saves at most "
            f"{MAX_TYPE_RUNS} runs of consecutive same-type records per call: sort them by type"
        )


def _id_list(ids: Any, limit: int, operation: str) -> list[str]:
    items = _sequence(ids, "ids")
    _count(items, "ids", limit, _chunk_hint(operation))
    return [record_id(value, f"ids[{index}]") for index, value in enumerate(items)]


# ---- sObject Collections requests (pure) -----------------------------------------------------


def create_request(
    records: Records, *, all_or_none: bool = False, object_type: Optional[str] = None
) -> Request:
    """``POST composite/sobjects`` creating up to 200 records (types may be mixed).

    Raises:
        TypeError, ValueError: no records or more than 200, a record without a type (and no
            ``object_type``), a record with an ``Id``, more than 10 type runs.
    """
    typed = _typed_records(records, object_type, "create")
    for index, record in enumerate(typed):
        if _key(record, "Id") is not None:
            raise ValueError(f"records[{index}] has an Id: create() makes new records")
    body = {"allOrNone": _bool(all_or_none, "all_or_none"), "records": typed}
    return Request.post("composite/sobjects", json=body)


def update_request(
    records: Records, *, all_or_none: bool = False, object_type: Optional[str] = None
) -> Request:
    """``PATCH composite/sobjects`` updating up to 200 records, each with its ``id``.

    Raises:
        TypeError, ValueError: as :func:`create_request`, or a record without a valid id.
    """
    typed = _typed_records(records, object_type, "update")
    for index, record in enumerate(typed):
        key = _key(record, "Id")
        if key is None:
            raise ValueError(f"records[{index}] has no id: update() needs one per record")
        record_id(record[key], f"records[{index}] id")
    body = {"allOrNone": _bool(all_or_none, "all_or_none"), "records": typed}
    # Setting the same values again changes nothing: the retry policy may replay it.
    return Request.patch("composite/sobjects", json=body, idempotent=True)


def upsert_request(
    object_type: str,
    external_id_field: str,
    records: Records,
    *,
    all_or_none: bool = False,
) -> Request:
    """``PATCH composite/sobjects/{object_type}/{external_id_field}`` (API 46.0+).

    Each record carries its external id value under ``external_id_field``; records without
    ``attributes.type`` get ``object_type``.

    Raises:
        TypeError, ValueError: bad names, no records or more than 200, a record without its
            external id value.
    """
    api_name(object_type, "object_type")
    api_name(external_id_field, "external_id_field")
    typed = _typed_records(records, object_type, "upsert")
    for index, record in enumerate(typed):
        key = _key(record, external_id_field)
        if key is None or record[key] is None or record[key] == "":
            raise ValueError(f"records[{index}] has no value for {external_id_field}")
    body = {"allOrNone": _bool(all_or_none, "all_or_none"), "records": typed}
    # A replay finds the records the first attempt created: safe to retry.
    return Request.patch(
        path("composite", "sobjects", object_type, external_id_field), json=body, idempotent=True
    )


def delete_request(ids: Sequence[str], *, all_or_none: bool = False) -> Request:
    """``DELETE composite/sobjects?ids=...&allOrNone=...`` for up to 200 ids (any types).

    Raises:
        TypeError, ValueError: no ids, more than 200, or a value that is not a Salesforce id.
    """
    checked = _id_list(ids, MAX_RECORDS, "delete")
    params = {"ids": ",".join(checked), "allOrNone": _bool(all_or_none, "all_or_none")}
    return Request.delete("composite/sobjects", params=params)


def retrieve_request(
    object_type: str, ids: Sequence[str], fields: Sequence[str], *, method: Optional[str] = None
) -> Request:
    """``GET composite/sobjects/{object_type}?ids=&fields=`` or ``POST`` with the lists as JSON.

    Args:
        object_type: the sObject type of every id.
        ids: up to 2,000 record ids.
        fields: the fields to read.
        method: ``"GET"`` or ``"POST"``; by default GET while the lists fit easily in a URL
            (about 200 ids), POST beyond.

    Raises:
        TypeError, ValueError: bad names or ids, no ids or more than 2,000, no fields.
    """
    api_name(object_type, "object_type")
    checked = _id_list(ids, MAX_RETRIEVE_IDS, "retrieve")
    names = _sequence(fields, "fields")
    if not names:
        raise ValueError("fields must not be empty")
    names = [api_name(name, f"fields[{index}]") for index, name in enumerate(names)]
    target = path("composite", "sobjects", object_type)
    if method is None:
        size = sum(len(i) + 1 for i in checked) + sum(len(n) + 1 for n in names)
        method = "GET" if size <= _GET_LIST_CHARS else "POST"
    method = method.upper() if isinstance(method, str) else method
    if method == "GET":
        return Request.get(target, params={"ids": ",".join(checked), "fields": ",".join(names)})
    if method == "POST":
        # A read sent as POST (for long id lists): safe to retry.
        return Request.post(target, json={"ids": checked, "fields": names}, idempotent=True)
    raise ValueError("method must be 'GET' or 'POST'")


# ---- Composite and batch subrequests ---------------------------------------------------------


def _quote_keeping_references(text: str) -> str:
    """Percent-encode ``text`` except ``@{refId.path}`` references, which Salesforce must see as
    they are. Only well-formed references are kept: ``@{...}`` holding anything else (``&``,
    ``#``, ``=``, ...) is encoded like the rest, so a parameter value cannot add parameters."""
    pieces: list[str] = []
    position = 0
    for match in _URL_REFERENCE_RE.finditer(text):
        pieces.append(quote(text[position : match.start()], safe=""))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(quote(text[position:], safe=""))
    return "".join(pieces)


def _with_params(url: str, params: Any) -> str:
    # The same conversions and checks as a Request's params; only the quoting differs.
    pairs = [
        f"{quote(key, safe='')}={_quote_keeping_references(value)}"
        for key, value in params_of(params)
    ]
    if not pairs:
        return url
    return url + ("&" if "?" in url else "?") + "&".join(pairs)


def _check_url(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"url must be a string, not {type(value).__name__}")
    if not value or any(c.isspace() or ord(c) < 32 for c in value):
        raise ValueError("url must be a non-empty path without spaces or control characters")
    if "://" in value:
        raise ValueError("url is a path such as 'sobjects/Account', not a full URL")
    if value.startswith("services/"):
        raise ValueError("a url starting with services/ needs its leading '/'")
    if value.startswith("/") and not value.startswith(_DATA_PREFIX + "v"):
        raise ValueError(
            "an absolute url must start with /services/data/vXX.X/; composite subrequests "
            "reach only the data API"
        )
    versioned = value[len(_DATA_PREFIX) :] if value.startswith("/") else value
    if re.match(r"v\d", versioned) and not _VERSIONED_RE.match(versioned):
        # "v58/sobjects" would be taken as relative and sent as /services/data/v58.0/v58/...
        raise ValueError(
            f"url {value[:60]!r} does not start with a version like v58.0/ followed by a resource"
        )
    # HTTP stacks collapse . and .. segments (encoded too): "sobjects/../composite" would pass
    # the checks on what a subrequest calls and then reach something else.
    resource = value.split("?", 1)[0].split("#", 1)[0]
    if any(unquote(part) in (".", "..") for part in resource.split("/")):
        raise ValueError(
            "url must not have '.' or '..' segments; quote values put into a path with "
            "salesforcepy.request.segment()"
        )
    return value


def _check_method(instance: Any, attribute: Any, value: str) -> None:
    if value not in _METHODS:
        raise ValueError(f"method must be one of {sorted(_METHODS)}, got {value!r}")


def _upper(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("method must be a string")
    return value.upper()


def _check_reference_id(instance: Any, attribute: Any, value: Optional[str]) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError("reference_id must be a string")
    if not _REFERENCE_ID_RE.match(value):
        raise ValueError(f"reference_id {value!r} may hold only letters, digits and underscores")


def _check_http_headers(instance: Any, attribute: Any, value: Mapping[str, str]) -> None:
    for key, val in value.items():
        if not isinstance(key, str) or not isinstance(val, str):
            raise TypeError("http_headers names and values must be strings")
        if key.lower() in _FORBIDDEN_HEADERS:
            raise ValueError(
                f"a subrequest cannot set {key}: Accept, Authorization and Content-Type come "
                "from the composite request itself"
            )
        if any(c in key or c in val for c in "\r\n\0"):
            raise ValueError(f"header {key!r} contains a line break or NUL")


def _to_headers(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError("http_headers must be a dict")
    return dict(value)


@attrs.frozen(kw_only=True)
class Subrequest:
    """One subrequest of a Composite (or Composite batch) call. Build it with
    :meth:`Composite.subrequest` or directly.

    Attributes:
        method: HTTP method.
        url: a data-API path: relative (``"sobjects/Account"``, sent with the call's API version),
            versioned (``"v58.0/sobjects/Account"``) or absolute
            (``"/services/data/v58.0/sobjects/Account"``); may hold ``@{ref.field}`` references.
        reference_id: the name later subrequests use to refer to this one (letters, digits,
            underscores); required by Composite, ignored by batch.
        body: the JSON body (``body`` in Composite, ``richInput`` in batch); may hold references.
        http_headers: extra headers of a Composite subrequest (not Accept, Authorization,
            Content-Type).
    """

    method: str = attrs.field(converter=_upper, validator=_check_method)
    url: str = attrs.field(converter=_check_url)
    reference_id: Optional[str] = attrs.field(default=None, validator=_check_reference_id)
    # Bodies hold customer data: kept out of reprs (and so out of logs and tracebacks).
    body: Any = attrs.field(default=None, repr=False)
    http_headers: Mapping[str, str] = attrs.field(
        factory=dict, converter=_to_headers, validator=_check_http_headers
    )

    def ref(self, field_path: str = "id") -> str:
        """A reference to this subrequest's answer: ``sub.ref("id")`` -> ``"@{refId.id}"``.

        Args:
            field_path: the path into the response body, e.g. ``"id"``,
                ``"records[0].Id"``, or ``"[0].id"`` for a list body (Collections results).

        Raises:
            ValueError: the subrequest has no reference_id, or the path is malformed.
        """
        if self.reference_id is None:
            raise ValueError("this subrequest has no reference_id to refer to")
        if not isinstance(field_path, str) or not _REFERENCE_PATH_RE.match(field_path):
            raise ValueError(
                f"field_path {field_path!r} must look like 'id' or 'records[0].Account.Name'"
            )
        separator = "" if field_path.startswith("[") else "."
        return f"@{{{self.reference_id}{separator}{field_path}}}"

    @classmethod
    def from_json(cls, item: Mapping[str, Any], *, batch: bool = False) -> Subrequest:
        """A subrequest from its wire shape (``method``, ``url``, ``referenceId``, ``body``,
        ``httpHeaders``; ``richInput`` instead of ``body`` with ``batch``).

        Raises:
            TypeError, ValueError: a malformed item, an unknown key, or the body under the other
                call's name (``richInput`` without ``batch``, ``body`` with it).
        """
        if not isinstance(item, Mapping):
            raise TypeError(
                f"a subrequest must be a Subrequest or a dict, not {type(item).__name__}"
            )
        known = {"method", "url", "referenceId", "body", "httpHeaders", "richInput"}
        unknown = sorted(set(item) - known)
        if unknown:
            raise ValueError(f"unknown subrequest keys: {', '.join(map(str, unknown))}")
        if "method" not in item or "url" not in item:
            raise ValueError("a subrequest needs 'method' and 'url'")
        # The body under the other call's name would be dropped silently: refuse it.
        right, wrong = ("richInput", "body") if batch else ("body", "richInput")
        if wrong in item:
            raise ValueError(
                f"a {'batch' if batch else 'composite'} subrequest carries its body in "
                f"{right!r}, not {wrong!r}"
            )
        return cls(
            method=item["method"],
            url=item["url"],
            reference_id=item.get("referenceId"),
            body=item.get("richInput" if batch else "body"),
            http_headers=item.get("httpHeaders"),
        )

    def absolute_url(self, version: str) -> str:
        """The url as ``/services/data/vXX.X/...`` (relative urls get ``version``)."""
        if self.url.startswith("/"):
            return self.url
        if _VERSIONED_RE.match(self.url):
            return _DATA_PREFIX + self.url
        return f"{_DATA_PREFIX}v{version}/{self.url}"

    def resource(self, version: str) -> str:
        """The part of the path after the version (``sobjects/Account``), query excluded."""
        rest = self.absolute_url(version)[len(_DATA_PREFIX) :]
        rest = rest.split("/", 1)[1] if "/" in rest else ""
        return rest.split("?", 1)[0].split("#", 1)[0].strip("/")


def _kind(resource: str) -> str:
    for kind, prefix in (
        ("collections", "composite/sobjects"),
        ("composite", "composite"),
        ("query", "queryAll"),
        ("query", "query"),
    ):
        if resource == prefix or resource.startswith(prefix + "/"):
            return kind
    return "other"


def _batch_subrequests(items: Any) -> list[Subrequest]:
    values = _sequence(items, "subrequests")
    _count(values, "subrequests", MAX_SUBREQUESTS)
    return [
        item if isinstance(item, Subrequest) else Subrequest.from_json(item, batch=True)
        for item in values
    ]


def _references(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, str):
        found.update(match.group(1) for match in _REFERENCE_RE.finditer(value))
    elif isinstance(value, Mapping):
        for item in value.values():
            found |= _references(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found |= _references(item)
    return found


def _checked_composite(
    items: Any, version: str, *, limit: int, query_limit: Optional[int], where: str
) -> list[Subrequest]:
    """Subrequests of a Composite call or graph, checked: count, reference ids, references."""
    values = _sequence(items, where)
    _count(values, where, limit)
    subs = [item if isinstance(item, Subrequest) else Subrequest.from_json(item) for item in values]
    seen: set[str] = set()
    heavy = 0
    for index, sub in enumerate(subs):
        if sub.reference_id is None:
            raise ValueError(f"{where}[{index}] needs a reference_id")
        if sub.reference_id in seen:
            raise ValueError(f"reference_id {sub.reference_id!r} is used twice in {where}")
        kind = _kind(sub.resource(version))
        if kind == "composite":
            raise ValueError(f"{where}[{index}]: composite calls cannot be nested")
        if kind in ("query", "collections"):
            heavy += 1
        for name in sorted(_references(sub.url) | _references(sub.body)):
            if name not in seen:
                raise ValueError(
                    f"{where}[{index}] ({sub.reference_id}) refers to {name!r}, which is not "
                    "the reference_id of an earlier subrequest"
                )
        seen.add(sub.reference_id)
    if query_limit is not None and heavy > query_limit:
        raise ValueError(
            f"{heavy} subrequests are queries or sObject Collections calls; a composite call "
            f"allows {query_limit}"
        )
    return subs


def composite_request(
    subrequests: Iterable[Union[Subrequest, Mapping[str, Any]]],
    *,
    version: str,
    all_or_none: bool = False,
    collate_subrequests: bool = False,
) -> Request:
    """``POST composite`` with up to 25 subrequests.

    Checks, before anything is sent: 1 to 25 subrequests, at most 5 of them query/queryAll or
    sObject Collections calls, every subrequest has a unique ``reference_id``, and every
    ``@{ref...}`` reference names an earlier subrequest.

    Args:
        subrequests: :class:`Subrequest` objects or dicts in the wire shape.
        version: API version for relative subrequest urls.
        all_or_none: roll everything back if any subrequest fails.
        collate_subrequests: let Salesforce group independent subrequests.

    Raises:
        TypeError, ValueError: any of the problems above, or a malformed subrequest.
    """
    version = normalize_version(version)
    subs = _checked_composite(
        subrequests,
        version,
        limit=MAX_SUBREQUESTS,
        query_limit=MAX_QUERY_OR_COLLECTIONS,
        where="subrequests",
    )
    body = {
        "allOrNone": _bool(all_or_none, "all_or_none"),
        "collateSubrequests": _bool(collate_subrequests, "collate_subrequests"),
        "compositeRequest": [_composite_item(sub, version) for sub in subs],
    }
    return Request.post("composite", json=body)


def graph_request(
    graphs: Mapping[str, Iterable[Union[Subrequest, Mapping[str, Any]]]], *, version: str
) -> Request:
    """``POST composite/graph`` (API 50.0+): each graph's subrequests succeed or fail together.

    Args:
        graphs: graph id -> its subrequests (up to 500 each), checked like :func:`composite_request`
            (references stay within their graph).
        version: API version for relative subrequest urls.

    Raises:
        TypeError, ValueError: no graphs, a bad graph id, or a problem with a graph's subrequests.
    """
    version = normalize_version(version)
    if not isinstance(graphs, Mapping):
        raise TypeError(
            f"graphs must be a dict of graph id -> subrequests, not {type(graphs).__name__}"
        )
    if not graphs:
        raise ValueError("graphs must not be empty")
    body = []
    for graph_id, subrequests in graphs.items():
        if not isinstance(graph_id, str) or not _REFERENCE_ID_RE.match(graph_id):
            raise ValueError(f"graph id {graph_id!r} may hold only letters, digits and underscores")
        subs = _checked_composite(
            subrequests, version, limit=MAX_GRAPH_NODES, query_limit=None, where=graph_id
        )
        body.append(
            {"graphId": graph_id, "compositeRequest": [_composite_item(s, version) for s in subs]}
        )
    return Request.post("composite/graph", json={"graphs": body})


def _composite_item(sub: Subrequest, version: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "method": sub.method,
        "url": sub.absolute_url(version),
        "referenceId": sub.reference_id,
    }
    if sub.body is not None:
        item["body"] = sub.body
    if sub.http_headers:
        item["httpHeaders"] = dict(sub.http_headers)
    return item


def batch_request(
    subrequests: Iterable[Union[Subrequest, Mapping[str, Any]]],
    *,
    version: str,
    halt_on_error: bool = False,
) -> Request:
    """``POST composite/batch`` with up to 25 independent subrequests.

    Each subrequest's url is sent relative to ``/services/data/`` (``v58.0/sobjects/...``) and its
    body as ``richInput``.

    Raises:
        TypeError, ValueError: no subrequests or more than 25, headers on a subrequest (batch
            has none), a nested composite call.
    """
    version = normalize_version(version)
    subs = _batch_subrequests(subrequests)
    items = []
    for index, sub in enumerate(subs):
        if sub.http_headers:
            raise ValueError(f"subrequests[{index}]: batch subrequests cannot carry headers")
        if _kind(sub.resource(version)) in ("composite", "collections"):
            raise ValueError(f"subrequests[{index}]: composite calls cannot run inside a batch")
        item: dict[str, Any] = {
            "method": sub.method,
            "url": sub.absolute_url(version)[len(_DATA_PREFIX) :],
        }
        if sub.body is not None:
            item["richInput"] = sub.body
        items.append(item)
    body = {"haltOnError": _bool(halt_on_error, "halt_on_error"), "batchRequests": items}
    return Request.post("composite/batch", json=body)


# ---- sObject Tree ----------------------------------------------------------------------------


class _TreeBuilder:
    """Copies a tree, filling root types and missing referenceIds, and checks its limits."""

    def __init__(self, object_type: str) -> None:
        self.object_type = object_type
        self.count = 0
        self.given: set[str] = set()
        self.missing: list[dict[str, Any]] = []

    def copy(self, record: Any, where: str, depth: int) -> dict[str, Any]:
        if depth > MAX_TREE_DEPTH:
            raise ValueError(f"{where} is at level {depth}; a tree has at most {MAX_TREE_DEPTH}")
        self.count += 1
        if self.count > MAX_TREE_RECORDS:
            raise ValueError(f"a tree holds at most {MAX_TREE_RECORDS} records, all levels counted")
        if not isinstance(record, Mapping):
            raise TypeError(f"{where} must be a dict, not {type(record).__name__}")
        attributes = record.get("attributes") or {}
        if not isinstance(attributes, Mapping):
            raise TypeError(f"{where}['attributes'] must be a dict")
        attributes = dict(attributes)
        if depth == 1:
            attributes.setdefault("type", self.object_type)
        if not attributes.get("type"):
            raise ValueError(f"{where} needs attributes.type (child records are not guessed)")
        api_name(attributes["type"], f"{where} attributes.type")
        reference = attributes.get("referenceId")
        if reference is not None:
            if not isinstance(reference, str) or not _REFERENCE_ID_RE.match(reference):
                raise ValueError(f"{where} attributes.referenceId must be letters/digits/_")
            if reference in self.given:
                raise ValueError(f"referenceId {reference!r} is used twice")
            self.given.add(reference)
        copied: dict[str, Any] = {"attributes": attributes}
        if reference is None:
            self.missing.append(attributes)
        for key, value in record.items():
            if key == "attributes":
                continue
            if isinstance(value, Mapping) and "records" in value:
                children = _sequence(value["records"], f"{where}[{key!r}]['records']")
                copied[key] = {
                    "records": [
                        self.copy(child, f"{where}[{key!r}][{n}]", depth + 1)
                        for n, child in enumerate(children)
                    ]
                }
            else:
                copied[key] = value
        return copied

    def name_missing(self) -> None:
        number = 0
        for attributes in self.missing:
            number += 1
            while f"ref{number}" in self.given:
                number += 1
            attributes["referenceId"] = f"ref{number}"


def tree_request(object_type: str, records: Records) -> Request:
    """``POST composite/tree/{object_type}`` creating record trees in one transaction.

    Children sit under the parent's child relationship name: ``{"Contacts": {"records": [...]}}``.
    Root records without ``attributes.type`` get ``object_type``; records without
    ``attributes.referenceId`` get ``ref1``, ``ref2``, ... (in document order, skipping names
    already used), so every result can be matched to its record.

    Raises:
        TypeError, ValueError: no records, more than 200 records or five levels, a child without
            ``attributes.type``, a duplicate referenceId.
    """
    api_name(object_type, "object_type")
    roots = _sequence(records, "records")
    if not roots:
        raise ValueError("records must not be empty")
    builder = _TreeBuilder(object_type)
    copied = [builder.copy(record, f"records[{n}]", 1) for n, record in enumerate(roots)]
    builder.name_missing()
    return Request.post(path("composite", "tree", object_type), json={"records": copied})


# ---- results ---------------------------------------------------------------------------------


@attrs.frozen
class Failure:
    """One failed record or subrequest of a composite-family call.

    Attributes:
        index: position of the record/id/subrequest in the request (for a tree: in its
            ``results``).
        key: the record id, or the ``referenceId``, when the answer names one.
        errors: typed errors (classes chosen by ``errorCode``/``statusCode``, see
            :func:`salesforcepy.exceptions.http_error`).
        result: the raw per-item answer.
    """

    index: int
    key: Optional[str]
    errors: tuple[HTTPError, ...]
    result: Any = attrs.field(repr=False)

    @property
    def error(self) -> HTTPError:
        """The first error."""
        return self.errors[0]


def _typed_errors(
    items: Any, status: int, result: Any, redact: Callable[[str], str]
) -> tuple[HTTPError, ...]:
    errors: list[HTTPError] = []
    for item in items if isinstance(items, list) else [items]:
        if not isinstance(item, Mapping):
            continue
        code = item.get("errorCode") or item.get("statusCode")
        fields = item.get("fields")
        errors.append(
            http_error(
                status,
                str(code) if code is not None else None,
                redact(str(item.get("message") or "")),
                [str(f) for f in fields] if isinstance(fields, list) else (),
                body=result,
            )
        )
    if not errors:
        errors.append(http_error(status, None, "", body=result))
    return tuple(errors)


def _save_failures(results: list[Any], redact: Callable[[str], str]) -> list[Failure]:
    found = []
    for index, result in enumerate(results):
        if isinstance(result, Mapping) and result.get("success") is False:
            key = result.get("id")
            found.append(
                Failure(
                    index,
                    str(key) if key is not None else None,
                    # 400: the status the same error gets from a single-record call.
                    _typed_errors(result.get("errors"), 400, result, redact),
                    result,
                )
            )
    return found


def _composite_failures(
    entries: list[Any], redact: Callable[[str], str], graph_id: Optional[str] = None
) -> list[Failure]:
    found = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            continue
        status = entry.get("httpStatusCode")
        reference = entry.get("referenceId")
        inner = entry.get("body")
        if isinstance(status, int) and status >= 400:
            errors = _typed_errors(inner, status, inner, redact)
        elif isinstance(inner, list) and (records := _save_failures(inner, redact)):
            errors = tuple(e for record in records for e in record.errors)
        else:
            continue
        key = f"{graph_id}:{reference}" if graph_id is not None else reference
        found.append(Failure(index, key, errors, entry))
    return found


def failures(
    body: Any,
    request: Optional[SentRequest] = None,
    *,
    redact: Callable[[str], str] = no_redaction,
) -> list[Failure]:
    """The failed records or subrequests in the body of any composite-family call.

    Reads sObject Collections results (``success: false``), Composite responses
    (``httpStatusCode`` 400 or more, and failed records of Collections subrequests), batch results
    (``statusCode`` 400 or more), tree results (entries with ``errors``) and graph responses (as
    Composite, with ``key`` ``"{graphId}:{referenceId}"`` and ``index`` within the graph). Other
    bodies (retrieve results, error arrays) have none.

    Args:
        body: the body a call returned.
        request: the call's ``SentRequest``; set as each error's ``request``.
        redact: applied to every message (the client passes its own redaction).

    Returns:
        One :class:`Failure` per failed item, in request order.
    """
    found: list[Failure] = []
    if isinstance(body, list):
        found = _save_failures(body, redact)
    elif isinstance(body, Mapping) and isinstance(body.get("compositeResponse"), list):
        found = _composite_failures(body["compositeResponse"], redact)
    elif isinstance(body, Mapping) and isinstance(body.get("graphs"), list):
        for graph in body["graphs"]:
            response = graph.get("graphResponse") if isinstance(graph, Mapping) else None
            entries = response.get("compositeResponse") if isinstance(response, Mapping) else None
            if isinstance(entries, list):
                found.extend(_composite_failures(entries, redact, str(graph.get("graphId"))))
    elif isinstance(body, Mapping) and isinstance(body.get("results"), list):
        for index, entry in enumerate(body["results"]):
            if not isinstance(entry, Mapping):
                continue
            status = entry.get("statusCode")
            if isinstance(status, int):  # batch
                if status >= 400:
                    inner = entry.get("result")
                    found.append(
                        Failure(index, None, _typed_errors(inner, status, inner, redact), entry)
                    )
            elif entry.get("errors"):  # tree
                reference = entry.get("referenceId")
                found.append(
                    Failure(
                        index,
                        reference,
                        _typed_errors(entry["errors"], 400, entry, redact),
                        entry,
                    )
                )
    if request is not None:
        for failure in found:
            for error in failure.errors:
                error.request = request
    return found


def by_reference(body: Any) -> dict[str, Any]:
    """Composite entries or tree results keyed by ``referenceId``.

    For a Composite body: ``{referenceId: {"body", "httpHeaders", "httpStatusCode", ...}}``; for a
    successful tree: ``{referenceId: new record id}``.
    """
    found: dict[str, Any] = {}
    if isinstance(body, Mapping) and isinstance(body.get("compositeResponse"), list):
        for entry in body["compositeResponse"]:
            if isinstance(entry, Mapping) and isinstance(entry.get("referenceId"), str):
                found[entry["referenceId"]] = entry
    elif isinstance(body, Mapping) and isinstance(body.get("results"), list):
        for entry in body["results"]:
            if isinstance(entry, Mapping) and isinstance(entry.get("referenceId"), str):
                found[entry["referenceId"]] = entry.get("id", entry)
    return found


# ---- chunked Collections jobs ----------------------------------------------------------------


@attrs.frozen
class Chunk:
    """One call of a :meth:`Composite.chunked` job.

    Attributes:
        start: index of the chunk's first item in the input.
        stop: index after its last item.
        body: the call's body (``None`` when no response arrived).
        request: the call's ``SentRequest`` (``None`` when no response arrived).
        error: an exception raised while sending (no response, or strict mode); with no
            ``request`` the outcome of the chunk is unknown.
    """

    start: int
    stop: int
    body: Any = attrs.field(default=None, repr=False)
    request: Optional[SentRequest] = None
    error: Optional[SalesforceError] = None

    @property
    def errors(self) -> list[SalesforceError]:
        """Errors of the call as a whole (not per record)."""
        found: list[SalesforceError] = list(self.request.exceptions) if self.request else []
        if self.error is not None and self.error not in found:
            found.append(self.error)
        return found

    @property
    def outcome_known(self) -> bool:
        """False when no response arrived: the records may or may not have been saved."""
        return self.request is not None


@attrs.frozen
class ChunkedResult:
    """What a :meth:`Composite.chunked` job did, call by call.

    Attributes:
        operation: ``create``, ``update``, ``upsert``, ``delete`` or ``retrieve``.
        total: the number of input items.
        chunks: the calls made, in order.
    """

    operation: str
    total: int
    chunks: tuple[Chunk, ...]

    @property
    def requests(self) -> list[SentRequest]:
        """The ``SentRequest`` of every call that got a response."""
        return [c.request for c in self.chunks if c.request is not None]

    @property
    def sent(self) -> range:
        """Input positions of the items in calls that were sent."""
        return range(0, self.chunks[-1].stop if self.chunks else 0)

    @property
    def not_sent(self) -> range:
        """Input positions of items never sent (the job stopped early)."""
        return range(self.sent.stop, self.total)

    @property
    def results(self) -> list[Any]:
        """Per-item answers aligned with the input; ``None`` where there is none (not sent, the
        call failed as a whole, or no response)."""
        aligned: list[Any] = [None] * self.total
        for chunk in self.chunks:
            if isinstance(chunk.body, list) and len(chunk.body) == chunk.stop - chunk.start:
                aligned[chunk.start : chunk.stop] = chunk.body
        return aligned

    @property
    def errors(self) -> list[SalesforceError]:
        """Errors of whole calls, in order."""
        return [error for chunk in self.chunks for error in chunk.errors]

    def failures(self, *, redact: Callable[[str], str] = no_redaction) -> list[Failure]:
        """Failed records across all calls; ``index`` is the position in the input."""
        found = []
        for chunk in self.chunks:
            if not isinstance(chunk.body, list):
                continue
            for failure in failures(chunk.body, chunk.request, redact=redact):
                found.append(attrs.evolve(failure, index=failure.index + chunk.start))
        return found

    @property
    def ok(self) -> bool:
        """True when every item was sent, every call succeeded and no record failed."""
        return not self.not_sent and not self.errors and not self.failures()

    def raise_for_status(self) -> None:
        """Raise the first error of a whole call, if there is one.

        Raises:
            SalesforceError: the first entry of :attr:`errors`.
        """
        errors = self.errors
        if errors:
            raise errors[0]


# ---- the builder -----------------------------------------------------------------------------


@attrs.define
class Composite:
    """Composite-family builder: ``client.composite``."""

    _client: _CompositeSender

    # -- pure helpers ---------------------------------------------------------------------------

    @staticmethod
    def subrequest(
        method: str,
        url: str,
        body: Any = None,
        *,
        reference_id: Optional[str] = None,
        params: Union[Mapping[str, Any], Iterable[tuple[str, Any]], None] = None,
        http_headers: Optional[Mapping[str, str]] = None,
    ) -> Subrequest:
        """A :class:`Subrequest` for :meth:`send` or :meth:`batch`.

        Args:
            method: HTTP method.
            url: data-API path, e.g. ``"sobjects/Account"`` (see :class:`Subrequest`).
            body: JSON body; may hold references such as ``other.ref("id")``.
            reference_id: this subrequest's name (required by :meth:`send`).
            params: query parameters, appended percent-encoded (well-formed ``@{refId.path}``
                references are left as they are for Salesforce to fill in).
            http_headers: extra headers for a Composite subrequest.

        Raises:
            TypeError, ValueError: a bad method, url, reference_id or header.
        """
        return Subrequest(
            method=method,
            url=_with_params(_check_url(url), params),
            reference_id=reference_id,
            body=body,
            http_headers=http_headers,
        )

    def failures(self, body: Any, request: Optional[SentRequest] = None) -> list[Failure]:
        """:func:`failures` with the client's redaction of messages."""
        return failures(body, request, redact=self._client._redact)

    # -- sObject Collections ------------------------------------------------------------------

    def create(
        self,
        records: Records,
        *,
        all_or_none: bool = False,
        object_type: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/data/vXX.X/composite/sobjects`` — create up to 200 records.

        Args:
            records: field dicts; each needs ``attributes.type`` unless ``object_type`` is given.
                Types may be mixed (at most 10 runs of consecutive same-type records).
            all_or_none: save all records or none.
            object_type: type for records without ``attributes.type``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version (42.0+).

        Returns:
            ``(results, request)``: one ``{"id", "success", "errors"}`` per record, in order;
            status 200 even if records failed (see :meth:`failures`).

        Raises:
            TypeError, ValueError: see :func:`create_request`.
        """
        request = create_request(records, all_or_none=all_or_none, object_type=object_type)
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)

    def update(
        self,
        records: Records,
        *,
        all_or_none: bool = False,
        object_type: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``PATCH /services/data/vXX.X/composite/sobjects`` — update up to 200 records.

        Args:
            records: field dicts, each with its ``id`` (or ``Id``) and ``attributes.type``
                (or ``object_type``).
            all_or_none: save all records or none.
            object_type: type for records without ``attributes.type``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version (42.0+).

        Returns:
            ``(results, request)``: one ``{"id", "success", "errors"}`` per record.

        Raises:
            TypeError, ValueError: see :func:`update_request`.
        """
        request = update_request(records, all_or_none=all_or_none, object_type=object_type)
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)

    def upsert(
        self,
        object_type: str,
        external_id_field: str,
        records: Records,
        *,
        all_or_none: bool = False,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``PATCH /services/data/vXX.X/composite/sobjects/{object_type}/{external_id_field}``.

        Inserts or updates up to 200 records by external id (API 46.0+).

        Args:
            object_type: the sObject type.
            external_id_field: an external id field (or ``Id``); every record carries its value.
            records: field dicts.
            all_or_none: save all records or none.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(results, request)``: one ``{"id", "success", "errors", "created"}`` per record.

        Raises:
            TypeError, ValueError: see :func:`upsert_request`.
        """
        request = upsert_request(object_type, external_id_field, records, all_or_none=all_or_none)
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)

    def delete(
        self,
        ids: Sequence[str],
        *,
        all_or_none: bool = False,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``DELETE /services/data/vXX.X/composite/sobjects?ids=...`` — delete up to 200 records.

        Args:
            ids: record ids of any types.
            all_or_none: delete all or none.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version (42.0+).

        Returns:
            ``(results, request)``: one ``{"id", "success", "errors"}`` per id.

        Raises:
            TypeError, ValueError: see :func:`delete_request`.
        """
        request = delete_request(ids, all_or_none=all_or_none)
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)

    def retrieve(
        self,
        object_type: str,
        ids: Sequence[str],
        fields: Sequence[str],
        *,
        method: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/composite/sobjects/{object_type}?ids=&fields=``.

        Reads up to 2,000 records of one type; long lists are POSTed as a JSON body instead.

        Args:
            object_type: the sObject type.
            ids: record ids.
            fields: field names to read.
            method: force ``"GET"`` or ``"POST"`` (see :func:`retrieve_request`).
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version (42.0+).

        Returns:
            ``(records, request)``: records in id order, ``None`` for an id not found.

        Raises:
            TypeError, ValueError: see :func:`retrieve_request`.
        """
        request = retrieve_request(object_type, ids, fields, method=method)
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)

    def chunked(
        self,
        operation: str,
        items: Sequence[Any],
        *,
        object_type: Optional[str] = None,
        external_id_field: Optional[str] = None,
        fields: Optional[Sequence[str]] = None,
        all_or_none: bool = False,
        chunk_size: Optional[int] = None,
        stop_on_failure: bool = True,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> ChunkedResult:
        """Run a Collections operation over any number of items, one call per chunk.

        Every chunk's request is built (and checked) before the first call is sent. Each call is
        a separate transaction: ``all_or_none`` applies within a chunk, not across chunks. By
        default the job stops after the first chunk with any failure (of the call or of a
        record), so later items are untouched; :attr:`ChunkedResult.not_sent` says which.
        Exceptions from sending (no response; strict mode) are recorded on the chunk, not
        raised: call :meth:`ChunkedResult.raise_for_status` for that.

        Args:
            operation: ``"create"``, ``"update"``, ``"upsert"``, ``"delete"`` or ``"retrieve"``.
            items: records (ids for delete and retrieve).
            object_type: as for the single-call method (required by upsert and retrieve).
            external_id_field: the external id field (upsert).
            fields: the fields to read (retrieve).
            all_or_none: per chunk.
            chunk_size: items per call; at most (and by default) 200, 2,000 for retrieve.
            stop_on_failure: stop after a chunk with a failed call or record.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            A :class:`ChunkedResult`.

        Raises:
            TypeError, ValueError: an unknown operation, a bad chunk size, or any item a
                single call would refuse.
        """
        if operation not in OPERATIONS:
            raise ValueError(f"operation must be one of {', '.join(OPERATIONS)}")
        limit = MAX_RETRIEVE_IDS if operation == "retrieve" else MAX_RECORDS
        size = limit if chunk_size is None else chunk_size
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= limit:
            raise ValueError(f"chunk_size must be an integer from 1 to {limit}")
        values = _sequence(items, "items")
        if not values:
            raise ValueError("items must not be empty")
        bounds = [(start, min(start + size, len(values))) for start in range(0, len(values), size)]
        requests = [
            self._chunk_request(
                operation,
                values[start:stop],
                object_type=object_type,
                external_id_field=external_id_field,
                fields=fields,
                all_or_none=all_or_none,
            )
            for start, stop in bounds
        ]
        chunks: list[Chunk] = []
        for (start, stop), request in zip(bounds, requests):
            try:
                body, sent = self._client._send(
                    request, timeout=timeout, proxies=proxies, version=version
                )
            except HTTPError as exc:  # strict mode: the response is known
                chunk = Chunk(start, stop, exc.body, exc.request, exc)
            except SalesforceError as exc:
                chunk = Chunk(start, stop, None, None, exc)
            else:
                chunk = Chunk(start, stop, body, sent)
            chunks.append(chunk)
            failed = bool(chunk.errors) or bool(
                isinstance(chunk.body, list) and failures(chunk.body)
            )
            if stop_on_failure and failed:
                break
        return ChunkedResult(operation, len(values), tuple(chunks))

    @staticmethod
    def _chunk_request(
        operation: str,
        items: list[Any],
        *,
        object_type: Optional[str],
        external_id_field: Optional[str],
        fields: Optional[Sequence[str]],
        all_or_none: bool,
    ) -> Request:
        if operation == "create":
            return create_request(items, all_or_none=all_or_none, object_type=object_type)
        if operation == "update":
            return update_request(items, all_or_none=all_or_none, object_type=object_type)
        if operation == "delete":
            return delete_request(items, all_or_none=all_or_none)
        if object_type is None:
            raise ValueError(f"{operation} needs object_type")
        if operation == "upsert":
            if external_id_field is None:
                raise ValueError("upsert needs external_id_field")
            return upsert_request(object_type, external_id_field, items, all_or_none=all_or_none)
        if fields is None:
            raise ValueError("retrieve needs fields")
        return retrieve_request(object_type, items, fields, method="POST")

    # -- Composite, batch, tree -----------------------------------------------------------------

    def send(
        self,
        subrequests: Iterable[Union[Subrequest, Mapping[str, Any]]],
        *,
        all_or_none: bool = False,
        collate_subrequests: bool = False,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/data/vXX.X/composite`` — up to 25 subrequests in one call.

        Later subrequests may use earlier answers through references (``sub.ref("id")``).

        Args:
            subrequests: :class:`Subrequest` objects (see :meth:`subrequest`) or wire-shaped
                dicts.
            all_or_none: roll back everything if any subrequest fails.
            collate_subrequests: let Salesforce group independent subrequests.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version; also used for relative subrequest urls.

        Returns:
            ``({"compositeResponse": [...]}, request)``, one entry per subrequest with
            ``body``, ``httpHeaders``, ``httpStatusCode`` and ``referenceId``.

        Raises:
            TypeError, ValueError: see :func:`composite_request`.
        """
        request = composite_request(
            subrequests,
            version=version or self._client.version,
            all_or_none=all_or_none,
            collate_subrequests=collate_subrequests,
        )
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)

    def batch(
        self,
        subrequests: Iterable[Union[Subrequest, Mapping[str, Any]]],
        *,
        halt_on_error: bool = False,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/data/vXX.X/composite/batch`` — up to 25 independent subrequests.

        Each subrequest commits on its own; none can refer to another.

        Args:
            subrequests: :class:`Subrequest` objects or dicts (``method``, ``url``,
                ``richInput``).
            halt_on_error: after the first failure, skip the rest (they answer 412).
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version; also used for relative subrequest urls.

        Returns:
            ``({"hasErrors": ..., "results": [{"statusCode", "result"}, ...]}, request)``.

        Raises:
            TypeError, ValueError: see :func:`batch_request`.
        """
        request = batch_request(
            subrequests, version=version or self._client.version, halt_on_error=halt_on_error
        )
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)

    def tree(
        self,
        object_type: str,
        records: Records,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/data/vXX.X/composite/tree/{object_type}`` — create record trees.

        All records are saved or none. See :func:`tree_request` for the record shape.

        Args:
            object_type: the type of the root records.
            records: root records with their children.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"hasErrors": False, "results": [{"referenceId", "id"}, ...]}, request)`` with
            status 201, or status 400 with ``hasErrors`` true and only the failing records
            (nothing is saved). :func:`by_reference` maps referenceIds to ids.

        Raises:
            TypeError, ValueError: see :func:`tree_request`.
        """
        request = tree_request(object_type, records)
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)

    def graph(
        self,
        graphs: Mapping[str, Iterable[Union[Subrequest, Mapping[str, Any]]]],
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/data/vXX.X/composite/graph`` — all-or-nothing graphs (API 50.0+).

        Args:
            graphs: graph id -> its subrequests (see :func:`graph_request`).
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version; also used for relative subrequest urls.

        Returns:
            ``(body, request)``; ``body["graphs"]`` holds one
            ``{"graphId", "isSuccessful", "graphResponse": {"compositeResponse": [...]}}`` per
            graph.

        Raises:
            TypeError, ValueError: see :func:`graph_request`.
        """
        request = graph_request(graphs, version=version or self._client.version)
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)
