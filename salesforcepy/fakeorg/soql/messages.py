"""Salesforce-shaped query errors: the caret preamble and the message texts real orgs use."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import SalesforceError
from .ast import Position

CUSTOM_FIELD_HINT = (
    "If you are attempting to use a custom field, be sure to append the '__c' after the custom "
    "field name. Please reference your WSDL or the describe call for the appropriate names."
)
CUSTOM_OBJECT_HINT = (
    "If you are attempting to use a custom object, be sure to append the '__c' after the entity "
    "name. Please reference your WSDL or the describe call for the appropriate names."
)
CUSTOM_RELATIONSHIP_HINT = (
    "If you are attempting to use a custom relationship, be sure to append the '__r' after the "
    "custom relationship name. Please reference your WSDL or the describe call for the appropriate "
    "names."
)


def located(code: str, text: str, position: Position | None, message: str) -> SalesforceError:
    """A 400 error whose message points at ``position`` in ``text`` the way Salesforce does:
    the offending line, a caret under the column, ``ERROR at Row:r:Column:c``, then the message."""
    if position is None:
        return SalesforceError(400, code, message)
    row, column = position
    lines = text.split("\n")
    line = lines[row - 1] if 0 < row <= len(lines) else text
    caret = " " * max(column - 1, 0) + "^"
    return SalesforceError(
        400, code, f"\n{line}\n{caret}\nERROR at Row:{row}:Column:{column}\n{message}"
    )


QUERY_TOO_COMPLICATED = SalesforceError(
    400,
    "QUERY_TOO_COMPLICATED",
    "Query is either selecting too many fields or the filter conditions are too complicated.",
)
# SQLite's words for a statement beyond its limits (expression depth, parser stack, variables).
_SQLITE_LIMITS = ("too large", "too many", "stack overflow", "too big", "at most")


@contextmanager
def complexity_limit() -> Iterator[None]:
    """Turn a statement too big to parse, compile or evaluate into 400 QUERY_TOO_COMPLICATED.

    Python's recursion limit and SQLite's limits would otherwise surface as a 500.
    """
    try:
        yield
    except RecursionError:
        raise QUERY_TOO_COMPLICATED from None
    except sqlite3.OperationalError as exc:
        if any(marker in str(exc) for marker in _SQLITE_LIMITS):
            raise QUERY_TOO_COMPLICATED from None
        raise


def end_position(text: str) -> Position:
    """The position just after the last character of ``text``."""
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1
