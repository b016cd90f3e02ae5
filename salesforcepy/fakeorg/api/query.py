"""SOQL query and queryAll with server-side cursors.

* ``GET /services/data/vXX.X/query?q={SOQL}`` and ``/queryAll?q={SOQL}`` (deleted rows too).
* ``GET /services/data/vXX.X/query/{locator}`` (and ``/queryAll/{locator}``): the next page.

A query runs once; its records stay in a cursor (``01g…`` id) that pages are cut from. The page size
follows ``Sforce-Query-Options: batchSize=N`` (200 to 2,000, default 2,000; child rows of
subqueries count towards it). ``nextRecordsUrl`` is ``/services/data/vXX.X/query/{cursor}-{offset}``
and appears only when ``done`` is false. Cursors expire after 15 minutes without use; re-reading a
page (a client retrying after a dropped connection) works until then.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from typing import Any

from werkzeug.wrappers import Response

from ..errors import SalesforceError
from ..ids import IdGenerator
from ..org import OrgState
from . import DATA, Context, Routes

routes = Routes("query")

DEFAULT_BATCH = 2000
MIN_BATCH = 200
MAX_BATCH = 2000
CURSOR_TTL = 15 * 60.0
MAX_CURSORS = 200

_BATCH_RE = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)
_LOCATOR_RE = re.compile(r"(01g[0-9A-Za-z]{15})-(\d+)")


class Cursor:
    __slots__ = ("batch_size", "id", "records", "total_size", "touched")

    def __init__(
        self, cursor_id: str, records: list[dict[str, Any]], total_size: int, batch_size: int
    ) -> None:
        self.id = cursor_id
        self.records = records
        self.total_size = total_size
        self.batch_size = batch_size
        self.touched = time.monotonic()


class Cursors:
    """The open query cursors of one org (least recently used evicted beyond ``MAX_CURSORS``)."""

    def __init__(self, org: OrgState) -> None:
        self._cursors: OrderedDict[str, Cursor] = OrderedDict()
        self._ids = IdGenerator()
        self._lock = threading.Lock()

    def open(self, records: list[dict[str, Any]], total_size: int, batch_size: int) -> Cursor:
        cursor = Cursor(self._ids.new("01g"), records, total_size, batch_size)
        with self._lock:
            # Least recently used first: let go of the expired ones (and their records) now
            # rather than when someone asks for them.
            while self._cursors:
                oldest = next(iter(self._cursors.values()))
                if cursor.touched - oldest.touched <= CURSOR_TTL:
                    break
                self._cursors.popitem(last=False)
            self._cursors[cursor.id] = cursor
            while len(self._cursors) > MAX_CURSORS:
                self._cursors.popitem(last=False)
        return cursor

    def __len__(self) -> int:
        with self._lock:
            return len(self._cursors)

    def get(self, cursor_id: str) -> Cursor | None:
        now = time.monotonic()
        with self._lock:
            cursor = self._cursors.get(cursor_id)
            if cursor is None:
                return None
            if now - cursor.touched > CURSOR_TTL:
                del self._cursors[cursor_id]
                return None
            cursor.touched = now
            self._cursors.move_to_end(cursor_id)
            return cursor


def batch_size(ctx: Context, default: int = DEFAULT_BATCH) -> int:
    """The ``Sforce-Query-Options`` batch size, clamped to 200..2,000 (``default`` if absent)."""
    header = ctx.request.headers.get("Sforce-Query-Options")
    if not header:
        return default
    match = _BATCH_RE.search(header)
    if not match:
        return default
    return max(MIN_BATCH, min(MAX_BATCH, int(match.group(1))))


def _weight(record: dict[str, Any]) -> int:
    """One for the record plus the rows of its child subqueries."""
    weight = 1
    for value in record.values():
        if isinstance(value, dict) and "totalSize" in value and "records" in value:
            weight += len(value["records"])
    return weight


def page_end(records: list[dict[str, Any]], offset: int, size: int) -> int:
    """Where the page from ``offset`` ends: at most ``size`` rows, but at least one record."""
    end = offset
    rows = 0
    count = len(records)
    while end < count:
        weight = _weight(records[end])
        if rows and rows + weight > size:
            break
        rows += weight
        end += 1
    return end


def page_body(
    ctx: Context,
    cursor: Cursor | None,
    offset: int,
    end: int,
    records: list[dict[str, Any]],
    total: int,
) -> dict[str, Any]:
    done = end >= len(records)
    body: dict[str, Any] = {"totalSize": total, "done": done}
    if not done and cursor is not None:
        body["nextRecordsUrl"] = f"/services/data/v{ctx.api_version}/query/{cursor.id}-{end}"
    body["records"] = records[offset:end]
    return body


def _run(ctx: Context, include_deleted: bool) -> Response:
    from ..soql import run_query

    soql = ctx.request.args.get("q")
    if soql is None or not soql.strip():
        raise SalesforceError(400, "MALFORMED_QUERY", "A query string has to be specified")
    result = run_query(
        ctx.store, soql, api_version=ctx.api_version, include_deleted=include_deleted
    )
    size = batch_size(ctx)
    records = result.records
    end = page_end(records, 0, size)
    cursor = None
    if end < len(records):
        cursor = ctx.org.extension("query.cursors", Cursors).open(records, result.total_size, size)
    return ctx.json(page_body(ctx, cursor, 0, end, records, result.total_size))


def _more(ctx: Context) -> Response:
    match = _LOCATOR_RE.fullmatch(ctx.args["locator"])
    cursor = ctx.org.extension("query.cursors", Cursors).get(match.group(1)) if match else None
    if cursor is None or match is None:
        raise SalesforceError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    offset = int(match.group(2))
    if offset > len(cursor.records):
        raise SalesforceError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    end = page_end(cursor.records, offset, batch_size(ctx, cursor.batch_size))
    return ctx.json(page_body(ctx, cursor, offset, end, cursor.records, cursor.total_size))


@routes.route(DATA + "/query")
def query(ctx: Context) -> Response:
    """GET /services/data/vXX.X/query?q={SOQL}"""
    return _run(ctx, include_deleted=False)


@routes.route(DATA + "/queryAll")
def query_all(ctx: Context) -> Response:
    """GET /services/data/vXX.X/queryAll?q={SOQL}"""
    return _run(ctx, include_deleted=True)


@routes.route(DATA + "/query/<locator>")
def query_more(ctx: Context) -> Response:
    """GET /services/data/vXX.X/query/{queryLocator}"""
    return _more(ctx)


@routes.route(DATA + "/queryAll/<locator>")
def query_all_more(ctx: Context) -> Response:
    """GET /services/data/vXX.X/queryAll/{queryLocator}"""
    return _more(ctx)
