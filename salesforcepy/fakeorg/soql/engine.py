"""Runs compiled SOQL against the store and shapes the rows into REST records.

One SQL statement fetches the rows of the main query; each child subquery adds exactly one more
statement that fetches the children of every parent row at once (the parent ids travel as a single
JSON array parameter, read with ``json_each``), whatever the number of parents.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..schema import record_url
from . import QueryResult
from .compiler import PARENT_IDS_PARAM, Compiler, Plan
from .messages import complexity_limit
from .parser import parse_soql

if TYPE_CHECKING:
    from ..store import Store


def api_version_number(api_version: str) -> str:
    """``"58.0"`` from ``"58.0"`` or ``"v58.0"``."""
    return api_version[1:] if api_version[:1] in ("v", "V") else api_version


def run_query(
    store: Store, soql: str, *, api_version: str, include_deleted: bool = False
) -> QueryResult:
    """Parse, compile and run one SOQL statement (see ``salesforcepy.fakeorg.soql.run_query``)."""
    version = api_version_number(api_version)
    with complexity_limit():
        query = parse_soql(soql)
        compiler = Compiler(store, soql, api_version=version, include_deleted=include_deleted)
        plan = compiler.compile(query)
        return execute(store, plan, version)


def execute(store: Store, plan: Plan, version: str) -> QueryResult:
    """Run a compiled top-level plan, child subqueries included."""
    rows = store.execute(plan.sql, plan.params)
    if plan.kind == "count":
        return QueryResult([], int(rows[0][0]), [], plan.object.name)
    records = shape(plan, rows, version)
    fetch_children(store, plan, rows, records, version)
    return QueryResult(records, len(records), list(plan.columns), plan.object.name)


def run_search(store: Store, sosl: str, *, api_version: str) -> list[dict[str, Any]]:
    """Run one SOSL statement (see ``salesforcepy.fakeorg.soql.run_search``)."""
    from .sosl import run_search as _run

    with complexity_limit():
        return _run(store, sosl, api_version=api_version_number(api_version))


def shape(plan: Plan, rows: Sequence[Sequence[Any]], version: str) -> list[dict[str, Any]]:
    """Turn result rows into records (child subquery keys are left as None)."""
    records: list[dict[str, Any]] = []
    nodes = plan.nodes
    if plan.kind == "aggregate":
        for row in rows:
            record: dict[str, Any] = {"attributes": {"type": "AggregateResult"}}
            for node in nodes:
                node.emit(row, record)
            records.append(record)
        return records
    type_name = plan.object.name
    for row in rows:
        record = {"attributes": {"type": type_name, "url": record_url(type_name, row[0], version)}}
        for node in nodes:
            node.emit(row, record)
        records.append(record)
    return records


def fetch_children(
    store: Store,
    plan: Plan,
    rows: Sequence[Sequence[Any]],
    records: list[dict[str, Any]],
    version: str,
) -> None:
    """Fill the child subquery keys of ``records``: one SQL statement per subquery (and level)."""
    if not plan.children or not rows:
        return
    parent_ids = json.dumps(list(dict.fromkeys(row[0] for row in rows)))
    for key, child in plan.children:
        params = dict(child.params)
        params[PARENT_IDS_PARAM] = parent_ids
        grouped: dict[str, list[Any]] = {}
        for child_row in store.execute(child.sql, params):
            grouped.setdefault(child_row[child.link_index], []).append(child_row)
        if child.offset or child.limit is not None:
            end = None if child.limit is None else child.offset + child.limit
            for parent_id, child_rows in grouped.items():
                grouped[parent_id] = child_rows[child.offset : end]
        kept = [row for child_rows in grouped.values() for row in child_rows]
        kept_records = shape(child, kept, version)
        fetch_children(store, child, kept, kept_records, version)
        by_parent: dict[str, list[dict[str, Any]]] = {}
        for row, record in zip(kept, kept_records):
            by_parent.setdefault(row[child.link_index], []).append(record)
        for row, record in zip(rows, records):
            children = by_parent.get(row[0])
            record[key] = (
                {"totalSize": len(children), "done": True, "records": children}
                if children
                else None
            )
