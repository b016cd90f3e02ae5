"""The syntax trees the parser produces for SOQL and SOSL: frozen values, safe to cache and share.

Positions are ``(row, column)`` pairs, both 1-based, pointing into the query text; the compiler uses
them for Salesforce's ``ERROR at Row:r:Column:c`` messages.
"""

from __future__ import annotations

from typing import Optional, Union

import attrs

Position = tuple[int, int]


@attrs.frozen
class Path:
    """A dotted field reference (``Name``, ``Account.Owner.Name``) and where each part starts."""

    parts: tuple[str, ...]
    positions: tuple[Position, ...]

    @property
    def position(self) -> Position:
        return self.positions[0]

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@attrs.frozen
class Aggregate:
    """``COUNT()``, ``COUNT(Id)``, ``COUNT_DISTINCT(x)``, ``SUM(x)``, ``AVG``, ``MIN``, ``MAX``."""

    function: str  # upper case
    argument: Optional[Path]
    position: Position

    @property
    def text(self) -> str:
        return f"{self.function}({self.argument.text if self.argument else ''})"


@attrs.frozen
class Function:
    """A date function (``CALENDAR_YEAR(CloseDate)``), or ``convertTimezone(x)`` inside one."""

    name: Word
    argument: Union[Path, Function]

    @property
    def position(self) -> Position:
        return self.name.position

    @property
    def text(self) -> str:
        return f"{self.name.text.upper()}({self.argument.text})"


@attrs.frozen
class Word:
    """A bare word where the grammar accepts a fixed set of them (alias, ``NULLS FIRST``, ...)."""

    text: str
    position: Position


@attrs.frozen
class Literal:
    """A value in a condition; ``kind``: string, number, date, datetime, word, word_n (``X:n``)."""

    kind: str
    text: str  # as written (strings keep their quotes and escapes)
    position: Position


@attrs.frozen
class FieldItem:
    path: Path
    alias: Optional[Word] = None


@attrs.frozen
class AggregateItem:
    call: Aggregate
    alias: Optional[Word] = None


@attrs.frozen
class FunctionItem:
    call: Function
    alias: Optional[Word] = None


@attrs.frozen
class SubqueryItem:
    query: Query
    position: Position


@attrs.frozen
class FieldsItem:
    """``FIELDS(ALL|STANDARD|CUSTOM)``; ``kind`` as written."""

    kind: Word


SelectItem = Union[FieldItem, AggregateItem, FunctionItem, SubqueryItem, FieldsItem]
Operand = Union[Path, Aggregate, Function]


@attrs.frozen
class Comparison:
    """``operand operator value`` / ``IN (values)`` / ``IN (subquery)`` and friends.

    ``operator`` is one of ``= != < <= > >= LIKE IN NOT IN INCLUDES EXCLUDES``; ``<>`` arrives as
    ``!=``. Exactly one of ``values`` and ``subquery`` is used.
    """

    operand: Operand
    operator: str
    values: tuple[Literal, ...]
    subquery: Optional[Query]
    position: Position


@attrs.frozen
class And:
    items: tuple[Condition, ...]


@attrs.frozen
class Or:
    items: tuple[Condition, ...]


@attrs.frozen
class Not:
    item: Condition


Condition = Union[Comparison, And, Or, Not]


@attrs.frozen
class OrderItem:
    expression: Operand
    descending: bool = False
    nulls: Optional[Word] = None  # FIRST / LAST as written


@attrs.frozen
class Query:
    """One SELECT (top level, child subquery or semi-join)."""

    select: tuple[SelectItem, ...]
    object_name: Word
    object_alias: Optional[Word] = None
    using_scope: Optional[Word] = None
    where: Optional[Condition] = None
    with_words: tuple[Word, ...] = ()
    group_by: tuple[Union[Path, Function], ...] = ()
    having: Optional[Condition] = None
    order_by: tuple[OrderItem, ...] = ()
    limit: Optional[Literal] = None
    offset: Optional[Literal] = None
    for_words: tuple[Word, ...] = ()
    update_word: Optional[Word] = None


# ---- SOSL ---------------------------------------------------------------------------------------


@attrs.frozen
class Returning:
    """One object of a SOSL ``RETURNING`` clause, kept as the query it amounts to."""

    query: Query
    has_fields: bool


@attrs.frozen
class Search:
    term: str  # the text between the braces or quotes, escapes kept
    term_position: Position
    scope: Optional[Word]
    returning: tuple[Returning, ...]
    limit: Optional[Literal]


@attrs.frozen
class TermWord:
    """A search word (may hold ``*``/``?`` wildcards and backslash escapes) or a quoted phrase."""

    text: str
    phrase: bool


@attrs.frozen
class TermAll:
    """Terms that must all match; ``negated[i]`` marks an ``AND NOT`` term."""

    items: tuple[Term, ...]
    negated: tuple[bool, ...]


@attrs.frozen
class TermAny:
    items: tuple[Term, ...]


Term = Union[TermWord, TermAll, TermAny]
