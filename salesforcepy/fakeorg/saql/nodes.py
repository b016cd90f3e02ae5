"""The SAQL syntax tree: what ``parser.parse`` builds from the lark parse tree.

Every node carries the ``Pos`` (1-based line and column) of the source text it came from, so the
engine can name where a problem is when it reports unknown fields, undefined streams or type errors.
"""

from __future__ import annotations

from typing import Optional, Union

import attrs


@attrs.frozen
class Pos:
    """A 1-based position in the SAQL text."""

    line: int
    column: int

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}"


# ---- expressions --------------------------------------------------------------------------------


@attrs.frozen
class Field:
    """A field reference: ``'Account.Industry'``, ``Amount`` or stream-qualified ``q.'Amount'``."""

    name: str
    stream: Optional[str]
    pos: Pos


@attrs.frozen
class StringLit:
    value: str
    pos: Pos


@attrs.frozen
class NumberLit:
    value: Union[int, float]
    pos: Pos


@attrs.frozen
class Call:
    """A function call such as ``count()`` or ``sum('Amount')``."""

    name: str
    args: tuple[Expr, ...]
    pos: Pos


@attrs.frozen
class Binary:
    """A binary operation; ``op`` is one of ``+ - * /  == != < <= > >=  && ||``."""

    op: str
    left: Expr
    right: Expr
    pos: Pos


@attrs.frozen
class Not:
    operand: Expr
    pos: Pos


@attrs.frozen
class Negate:
    operand: Expr
    pos: Pos


@attrs.frozen
class InList:
    """``operand in [...]`` or, with ``negated``, ``operand not in [...]``."""

    operand: Expr
    values: tuple[Union[StringLit, NumberLit], ...]
    negated: bool
    pos: Pos


@attrs.frozen
class IsNull:
    """``operand is null`` or, with ``negated``, ``operand is not null``."""

    operand: Expr
    negated: bool
    pos: Pos


Expr = Union[Field, StringLit, NumberLit, Call, Binary, Not, Negate, InList, IsNull]


# ---- statements ---------------------------------------------------------------------------------


@attrs.frozen
class StreamRef:
    """The name of a stream as written in a statement (assigned to or read from)."""

    name: str
    pos: Pos


@attrs.frozen
class Load:
    """``target = load "source";``."""

    target: StreamRef
    source: str
    source_pos: Pos


@attrs.frozen
class Filter:
    """``target = filter stream by condition;``."""

    target: StreamRef
    stream: StreamRef
    condition: Expr


@attrs.frozen
class Group:
    """``target = group stream by keys;``; ``keys`` is None for ``group ... by all``."""

    target: StreamRef
    stream: StreamRef
    keys: Optional[tuple[Field, ...]]


@attrs.frozen
class Projection:
    """One ``expr [as 'alias']`` item of a ``foreach ... generate``."""

    expr: Expr
    alias: Optional[str]
    pos: Pos


@attrs.frozen
class Foreach:
    """``target = foreach stream generate projections;``."""

    target: StreamRef
    stream: StreamRef
    projections: tuple[Projection, ...]


@attrs.frozen
class SortKey:
    """One key of an ``order``; ``nulls_first`` None means the default for the direction."""

    field: Field
    descending: bool
    nulls_first: Optional[bool]


@attrs.frozen
class Order:
    """``target = order stream by keys;``."""

    target: StreamRef
    stream: StreamRef
    keys: tuple[SortKey, ...]


@attrs.frozen
class Slice:
    """``target = limit stream N;`` (``kind`` "limit") or ``target = offset stream N;``."""

    kind: str
    target: StreamRef
    stream: StreamRef
    count: NumberLit


Statement = Union[Load, Filter, Group, Foreach, Order, Slice]
