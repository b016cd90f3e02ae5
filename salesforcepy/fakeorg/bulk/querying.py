"""Bulk queries: which SOQL a bulk query job accepts, and its result rows as CSV cells.

Both Bulk API 2.0 query jobs and Bulk 1.0 query batches run their SOQL through
:func:`salesforcepy.fakeorg.soql.run_query`; this module checks the statement first (at job
creation for Bulk 2.0) and flattens the records into rows whose columns follow the SELECT list
(Bulk 2.0 jobs of API versions before 50.0 sort them by name instead, see :func:`alphabetical`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import SalesforceError

if TYPE_CHECKING:
    from ..store import Store

__all__ = [
    "SELECT_ORDER_SINCE",
    "BulkQuery",
    "alphabetical",
    "cell",
    "check_query",
    "run_bulk_query",
]

SELECT_ORDER_SINCE = 50.0
"""Bulk 2.0 query results follow the SELECT list from this version; before, the columns were
sorted alphabetically."""


@attrs.frozen
class BulkQuery:
    """A checked bulk query: the canonical FROM object and the CSV columns."""

    object_name: str
    columns: list[str]


def _unsupported(what: str) -> SalesforceError:
    return SalesforceError(400, "INVALIDJOB", f"{what} is not supported by bulk queries")


def check_query(store: Store, soql: str, *, api_version: str, include_deleted: bool) -> BulkQuery:
    """Parse and compile ``soql`` without running it, rejecting what bulk queries cannot do.

    Raises:
        SalesforceError: the SOQL's own error (``MALFORMED_QUERY``, ``INVALID_FIELD``,
            ``INVALID_TYPE``, ...), or ``INVALIDJOB`` for ``GROUP BY``, ``OFFSET``, aggregate
            functions (``COUNT()`` included), ``FIELDS()``, parent-to-child subqueries and
            compound address or location fields.
    """
    from ..soql.messages import complexity_limit

    with complexity_limit():
        return _check_query(store, soql, api_version=api_version, include_deleted=include_deleted)


def _check_query(store: Store, soql: str, *, api_version: str, include_deleted: bool) -> BulkQuery:
    from ..soql import ast
    from ..soql.compiler import Compiler
    from ..soql.parser import parse_soql
    from ..soql.shape import Compound

    query = parse_soql(soql)
    for item in query.select:
        if isinstance(item, ast.AggregateItem):
            raise _unsupported(f"The aggregate function {item.call.function}()")
        if isinstance(item, ast.FieldsItem):
            raise _unsupported(f"FIELDS({item.kind.text})")
        if isinstance(item, ast.SubqueryItem):
            raise _unsupported("A parent-to-child relationship subquery")
    if query.group_by or query.having is not None:
        raise _unsupported("GROUP BY")
    if query.offset is not None:
        raise _unsupported("OFFSET")
    version = api_version[1:] if api_version.startswith("v") else api_version
    plan = Compiler(store, soql, api_version=version, include_deleted=include_deleted).compile(
        query
    )

    def compound(nodes: Sequence[Any]) -> bool:
        for node in nodes:
            if isinstance(node, Compound):
                return True
            if compound(getattr(node, "nodes", ())):
                return True
        return False

    if compound(plan.nodes):
        raise _unsupported("A compound address or location field")
    return BulkQuery(plan.object.name, list(plan.columns))


def cell(value: Any) -> str:
    """The CSV cell of a JSON value: empty for null, ``true``/``false`` for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _value(record: Mapping[str, Any], column: str) -> Any:
    value: Any = record
    for part in column.split("."):
        if not isinstance(value, Mapping):
            return None
        if part in value:
            value = value[part]
            continue
        lowered = part.lower()
        value = next((v for k, v in value.items() if k.lower() == lowered), None)
    return value


def run_bulk_query(
    store: Store, soql: str, *, api_version: str, include_deleted: bool
) -> tuple[list[str], list[list[str]], list[dict[str, Any]]]:
    """Run ``soql``: the columns, the rows as CSV cells, and the records as REST JSON."""
    from ..soql import run_query

    result = run_query(store, soql, api_version=api_version, include_deleted=include_deleted)
    columns = list(result.columns)
    rows = [[cell(_value(record, column)) for column in columns] for record in result.records]
    return columns, rows, result.records


def alphabetical(columns: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """``columns`` sorted by name (ignoring case) and each row's cells moved with them: the
    column order of Bulk 2.0 query results before v50.0."""
    order = sorted(range(len(columns)), key=lambda i: (columns[i].lower(), columns[i]))
    return [columns[i] for i in order], [[row[i] for i in order] for row in rows]
