"""SAQL for the fake org's CRM Analytics ``POST /wave/query``: parsed with lark, run over rows.

The engine knows nothing about datasets or the store: the caller passes a resolver that turns the
argument of a ``load "{datasetId}/{versionId}"`` statement into the dataset's rows and column types
(``wave.WaveRegistry`` is that caller). Importing this package does not import lark; ``run_saql``
does.

Supported: ``load``, ``filter ... by`` (``== != < <= > >=``, ``in``, ``not in``, ``is [not] null``,
``&& || !`` and their spellings ``and or not``), ``group ... by`` one field, several fields or
``all``, ``foreach ... generate`` with ``count() sum avg min max unique``, field references,
literals and ``+ - * /``, ``order ... by`` with ``asc``/``desc`` and ``nulls first``/``last``,
``limit`` and ``offset``; any number of stream variables, run in the order written.

Errors are ``SalesforceError`` with status 400 and ``errorCode`` ``MALFORMED_QUERY`` (syntax,
undefined stream, type mismatch, load by name, unknown dataset) or ``INVALID_FIELD`` (unknown field,
with ``fields``), each message naming the line and column of the problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Optional

import attrs

MALFORMED_QUERY = "MALFORMED_QUERY"
INVALID_FIELD = "INVALID_FIELD"

STRING = "string"
NUMERIC = "numeric"
DATE = "date"
COLUMN_TYPES = frozenset({STRING, NUMERIC, DATE})


def _check_column_types(instance: Any, attribute: Any, value: Mapping[str, str]) -> None:
    for name, column_type in value.items():
        if column_type not in COLUMN_TYPES:
            raise ValueError(
                f"column {name!r} has type {column_type!r}; expected one of {sorted(COLUMN_TYPES)}"
            )


def _to_columns(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


@attrs.frozen
class LoadedDataset:
    """One dataset version as the engine sees it.

    ``columns`` maps each field name (``"Account.Industry"``) to ``"string"``, ``"numeric"`` or
    ``"date"``, in dataset order. ``rows`` are dicts keyed by those names; a missing key is null.
    Numeric values are ``int``/``float``; dates are ISO 8601 text, so they order as text.
    """

    columns: dict[str, str] = attrs.field(converter=_to_columns, validator=_check_column_types)
    rows: Sequence[Mapping[str, Any]]


# Called with the canonical "{datasetId}/{versionId}" (both 18-character ids) of a load statement;
# returns the dataset version or None when there is no such version.
Resolver = Callable[[str], Optional[LoadedDataset]]


def run_saql(saql: str, resolver: Resolver) -> dict[str, Any]:
    """Parse and run a SAQL query; return the ``results`` object of ``POST /wave/query``.

    Args:
        saql: The query text, statements separated by ``;``.
        resolver: Maps the argument of each ``load`` to its dataset version.

    Returns:
        ``{"records": [...], "metadata": [{"columns": [{"name", "type"}], "groups": [...]}]}`` for
        the stream assigned by the last statement.

    Raises:
        SalesforceError: 400 ``MALFORMED_QUERY`` or ``INVALID_FIELD`` naming the problem and its
            line and column.
    """
    from ..errors import SalesforceError
    from .engine import execute
    from .parser import parse

    try:
        return execute(parse(saql), resolver)
    except RecursionError:
        # Expressions nest one level per operator; a chain of thousands is beyond Python's reach.
        raise SalesforceError(
            400, MALFORMED_QUERY, "The query is too complex to run: simplify its expressions"
        ) from None


__all__ = [
    "COLUMN_TYPES",
    "DATE",
    "INVALID_FIELD",
    "MALFORMED_QUERY",
    "NUMERIC",
    "STRING",
    "LoadedDataset",
    "Resolver",
    "run_saql",
]
