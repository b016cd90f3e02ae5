"""SAQL text to the syntax tree of ``nodes``: lark's LALR parser over ``saql.lark``, then a visitor.

Syntax errors become ``SalesforceError(400, MALFORMED_QUERY)`` naming the line, column, what was
found and what the grammar would have accepted there.
"""

from __future__ import annotations

import functools
from typing import Any, Union

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..errors import SalesforceError
from . import MALFORMED_QUERY
from . import nodes as n

# How terminals that are patterns rather than fixed words read in an error message.
_TERMINAL_NAMES = {
    "NAME": "a name",
    "STRING": 'a "string"',
    "QUOTED_NAME": "a 'quoted name'",
    "NUMBER": "a number",
    "COMPARATOR": "a comparison operator",
    "DIRECTION": "asc or desc",
    "NULLS_POSITION": "first or last",
    "$END": "the end of the query",
}
_MAX_EXPECTED = 8


@functools.lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark.open(
        "saql.lark",
        rel_to=__file__,
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=True,
    )


def parse(text: str) -> tuple[n.Statement, ...]:
    """Parse SAQL ``text`` into its statements, in the order written.

    Raises:
        SalesforceError: 400 ``MALFORMED_QUERY`` for a syntax error, with line and column.
    """
    if not text.strip():
        raise SalesforceError(400, MALFORMED_QUERY, "The SAQL query is empty")
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc) from None
    statements: tuple[n.Statement, ...] = _ToNodes().transform(tree)
    return statements


def _syntax_error(text: str, exc: UnexpectedInput) -> SalesforceError:
    expected: set[str] = set()
    if isinstance(exc, UnexpectedCharacters):
        line, column = exc.line, exc.column
        found = f"character {text[exc.pos_in_stream or 0]!r}"
        expected = set(exc.allowed or ())
    elif isinstance(exc, UnexpectedToken):
        token = exc.token
        expected = set(exc.accepts or exc.expected or ())
        if token.type == "$END":
            line, column = _end_position(text)
            found = "end of the query"
        else:
            line, column = token.line or 0, token.column or 0
            found = repr(str(token))
    elif isinstance(exc, UnexpectedEOF):
        line, column = _end_position(text)
        found = "end of the query"
        expected = set(exc.expected or ())
    else:  # pragma: no cover - lark has no other UnexpectedInput subclasses
        line, column, found = exc.line, exc.column, "unexpected input"
    message = f"Syntax error at line {line}, column {column}: unexpected {found}"
    described = sorted({_describe_terminal(name) for name in expected})
    if described:
        shown = described[:_MAX_EXPECTED]
        more = ", ..." if len(described) > _MAX_EXPECTED else ""
        message += f"; expected {', '.join(shown)}{more}"
    return SalesforceError(400, MALFORMED_QUERY, message)


def _end_position(text: str) -> tuple[int, int]:
    body = text.rstrip()
    line = body.count("\n") + 1
    column = len(body) - (body.rfind("\n") + 1) + 1
    return line, column


def _describe_terminal(name: str) -> str:
    if name in _TERMINAL_NAMES:
        return _TERMINAL_NAMES[name]
    try:
        pattern = _lark().get_terminal(name).pattern
    except KeyError:
        return name
    if pattern.type == "str":
        return repr(pattern.value)
    return name.lower()


def _pos(item: Any) -> n.Pos:
    """The position of a token or of a rule's meta."""
    return n.Pos(getattr(item, "line", 0) or 0, getattr(item, "column", 0) or 0)


def _unquote(token: Token) -> str:
    """The text inside a quoted literal or name, with backslash escapes resolved."""
    body = str(token)[1:-1]
    out = []
    chars = iter(body)
    for char in chars:
        if char == "\\":
            escaped = next(chars, "\\")
            out.append({"n": "\n", "t": "\t", "r": "\r"}.get(escaped, escaped))
        else:
            out.append(char)
    return "".join(out)


def _name(token: Token) -> str:
    return _unquote(token) if token.type == "QUOTED_NAME" else str(token)


def _number(token: Token) -> Union[int, float]:
    text = str(token)
    if any(c in text for c in ".eE"):
        return float(text)
    return int(text)


@v_args(meta=True)
class _ToNodes(Transformer):
    """Bottom-up conversion of the lark tree; rule names are those of ``saql.lark``."""

    def start(self, meta: Any, children: list[Any]) -> tuple[n.Statement, ...]:
        return tuple(children)

    def statement(self, meta: Any, children: list[Any]) -> n.Statement:
        target, build = children
        statement: n.Statement = build(n.StreamRef(str(target), _pos(target)))
        return statement

    # Operations return a function of the assigned stream, which ``statement`` supplies.

    def load_op(self, meta: Any, children: list[Any]) -> Any:
        (source,) = children
        return lambda target: n.Load(target, _unquote(source), _pos(source))

    def filter_op(self, meta: Any, children: list[Any]) -> Any:
        stream, condition = children
        return lambda target: n.Filter(target, _stream(stream), condition)

    def group_op(self, meta: Any, children: list[Any]) -> Any:
        stream, *keys = children
        if len(keys) == 1 and isinstance(keys[0], Token) and keys[0].type == "ALL":
            return lambda target: n.Group(target, _stream(stream), None)
        return lambda target: n.Group(target, _stream(stream), tuple(keys))

    def foreach_op(self, meta: Any, children: list[Any]) -> Any:
        stream, *projections = children
        return lambda target: n.Foreach(target, _stream(stream), tuple(projections))

    def projection(self, meta: Any, children: list[Any]) -> n.Projection:
        # ``[_alias]`` leaves no placeholder because ``_alias`` is inlined: one child or two.
        expr, *alias = (child for child in children if child is not None)
        return n.Projection(expr, _name(alias[0]) if alias else None, _pos(meta))

    def order_op(self, meta: Any, children: list[Any]) -> Any:
        stream, *keys = children
        return lambda target: n.Order(target, _stream(stream), tuple(keys))

    def sort_key(self, meta: Any, children: list[Any]) -> n.SortKey:
        field, direction, nulls = children
        nulls_first = None if nulls is None else str(nulls) == "first"
        return n.SortKey(field, direction is not None and str(direction) == "desc", nulls_first)

    def limit_op(self, meta: Any, children: list[Any]) -> Any:
        stream, count = children
        number = n.NumberLit(_number(count), _pos(count))
        return lambda target: n.Slice("limit", target, _stream(stream), number)

    def offset_op(self, meta: Any, children: list[Any]) -> Any:
        stream, count = children
        number = n.NumberLit(_number(count), _pos(count))
        return lambda target: n.Slice("offset", target, _stream(stream), number)

    # ---- expressions ----------------------------------------------------------------------------

    def or_op(self, meta: Any, children: list[Any]) -> n.Binary:
        return n.Binary("||", children[0], children[1], _pos(meta))

    def and_op(self, meta: Any, children: list[Any]) -> n.Binary:
        return n.Binary("&&", children[0], children[1], _pos(meta))

    def not_op(self, meta: Any, children: list[Any]) -> n.Not:
        return n.Not(children[0], _pos(meta))

    def compare(self, meta: Any, children: list[Any]) -> n.Binary:
        left, op, right = children
        return n.Binary(str(op), left, right, _pos(op))

    def in_op(self, meta: Any, children: list[Any]) -> n.InList:
        return n.InList(children[0], children[1], False, _pos(meta))

    def not_in_op(self, meta: Any, children: list[Any]) -> n.InList:
        return n.InList(children[0], children[1], True, _pos(meta))

    def is_null(self, meta: Any, children: list[Any]) -> n.IsNull:
        return n.IsNull(children[0], False, _pos(meta))

    def is_not_null(self, meta: Any, children: list[Any]) -> n.IsNull:
        return n.IsNull(children[0], True, _pos(meta))

    def add(self, meta: Any, children: list[Any]) -> n.Binary:
        return n.Binary("+", children[0], children[1], _pos(meta))

    def sub(self, meta: Any, children: list[Any]) -> n.Binary:
        return n.Binary("-", children[0], children[1], _pos(meta))

    def mul(self, meta: Any, children: list[Any]) -> n.Binary:
        return n.Binary("*", children[0], children[1], _pos(meta))

    def div(self, meta: Any, children: list[Any]) -> n.Binary:
        return n.Binary("/", children[0], children[1], _pos(meta))

    def neg(self, meta: Any, children: list[Any]) -> n.Negate:
        return n.Negate(children[0], _pos(meta))

    def string(self, meta: Any, children: list[Any]) -> n.StringLit:
        (token,) = children
        return n.StringLit(_unquote(token), _pos(token))

    def number(self, meta: Any, children: list[Any]) -> n.NumberLit:
        (token,) = children
        return n.NumberLit(_number(token), _pos(token))

    def negative_number(self, meta: Any, children: list[Any]) -> n.NumberLit:
        (token,) = children
        return n.NumberLit(-_number(token), _pos(meta))

    def call(self, meta: Any, children: list[Any]) -> n.Call:
        name, *args = children
        return n.Call(str(name), tuple(a for a in args if a is not None), _pos(name))

    def field(self, meta: Any, children: list[Any]) -> n.Field:
        (token,) = children
        return n.Field(_name(token), None, _pos(token))

    def qualified_field(self, meta: Any, children: list[Any]) -> n.Field:
        stream, token = children
        return n.Field(_name(token), str(stream), _pos(stream))

    def value_list(self, meta: Any, children: list[Any]) -> tuple[Any, ...]:
        return tuple(c for c in children if c is not None)


def _stream(token: Token) -> n.StreamRef:
    return n.StreamRef(str(token), _pos(token))
