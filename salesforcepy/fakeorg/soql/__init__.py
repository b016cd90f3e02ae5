"""SOQL and SOSL for the fake org: parsed with lark into a tree, compiled to SQLite SQL.

INTERFACE CONTRACT — the HTTP layer, Bulk 2.0 query jobs, composite and Wave use exactly these
names. The engine reads the database only through ``store.schema``, ``store.execute(sql, params)``
and ``store.now()`` (see ``store.Store``), following the storage convention in ``schema``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from ..store import Store


@attrs.frozen
class QueryResult:
    """Every row a SOQL query matches, already shaped as REST JSON records.

    ``records``: dicts with ``attributes`` (``type`` and ``url``; ``type`` only for
    ``AggregateResult``), then the selected fields in SELECT order, canonical casing; parent paths
    as nested records (``None`` for a null lookup); child subqueries as nested query results
    (``{"totalSize", "done": True, "records"}``) or ``None`` when there are no children.
    ``total_size``: the row count (for ``SELECT COUNT()`` the count, with ``records`` empty).
    ``columns``: the SELECT list as canonical dotted paths (``["Id", "Account.Name"]``; aggregate
    aliases / ``expr0``...; subqueries omitted) — what Bulk 2.0 query CSVs use as their header.
    ``object_name``: the canonical FROM object.
    """

    records: list[dict[str, Any]]
    total_size: int
    columns: list[str]
    object_name: str


def run_query(
    store: Store, soql: str, *, api_version: str, include_deleted: bool = False
) -> QueryResult:
    """Parse, check and run ``soql``. Raises ``SalesforceError`` (400 MALFORMED_QUERY,
    INVALID_FIELD, INVALID_TYPE, ...) with Salesforce's codes. ``include_deleted`` is queryAll."""
    from .engine import run_query as _run

    return _run(store, soql, api_version=api_version, include_deleted=include_deleted)


def run_search(store: Store, sosl: str, *, api_version: str) -> list[dict[str, Any]]:
    """Run a SOSL ``FIND`` and return the ``searchRecords`` list. Raises ``SalesforceError``
    (400 MALFORMED_SEARCH, INVALID_FIELD, INVALID_TYPE)."""
    from .engine import run_search as _run

    return _run(store, sosl, api_version=api_version)
