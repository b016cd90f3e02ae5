"""SOQL / SOSL text -> syntax tree (``ast``), with lark's LALR parser and an LRU cache.

The grammar lives in ``grammar.lark`` next to this module. Syntax errors become ``SalesforceError``
400 with ``MALFORMED_QUERY`` (SOQL) or ``MALFORMED_SEARCH`` (SOSL) in Salesforce's
``unexpected token: X`` style, with the row and column of the offending token.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path as FilePath
from typing import Any

from ..errors import SalesforceError
from . import ast
from .messages import end_position, located

_GRAMMAR = FilePath(__file__).with_name("grammar.lark")
_lock = threading.Lock()
_parser_instance: Any = None

# Terminals that only carry syntax; the tree builder drops them.
_KEYWORDS = frozenset(
    {
        "SELECT",
        "FROM",
        "WHERE",
        "WITH",
        "USING",
        "SCOPE",
        "GROUP",
        "BY",
        "HAVING",
        "ORDER",
        "LIMIT",
        "OFFSET",
        "FOR",
        "UPDATE",
        "AND",
        "OR",
        "NOT",
        "IN",
        "LIKE",
        "INCLUDES",
        "EXCLUDES",
        "FIELDS",
        "FIND",
        "RETURNING",
    }
)
_LITERAL_KINDS = {
    "STRING": "string",
    "NUMBER": "number",
    "DATE": "date",
    "DATETIME": "datetime",
    "NAME": "word",
    "DATE_N": "word_n",
}


def _pos(token: Any) -> ast.Position:
    return (token.line, token.column)


def _word(token: Any) -> ast.Word:
    return ast.Word(str(token), _pos(token))


def _strip(children: list[Any]) -> list[Any]:
    """Drop keyword tokens, keep everything else."""
    return [c for c in children if getattr(c, "type", None) not in _KEYWORDS]


def _builder() -> Any:
    from lark import Token, Transformer

    class Builder(Transformer):
        """Turns lark's parse tree into ``ast`` values (runs inside the LALR parser)."""

        # ---- SOQL pieces ------------------------------------------------------------------

        def path(self, children: list[Any]) -> ast.Path:
            return ast.Path(tuple(str(t) for t in children), tuple(_pos(t) for t in children))

        def alias(self, children: list[Any]) -> ast.Word:
            return _word(children[0])

        def agg_function(self, children: list[Any]) -> Any:
            return children[0]

        def aggregate(self, children: list[Any]) -> ast.Aggregate:
            token = children[0]
            argument = children[1] if len(children) > 1 else None
            return ast.Aggregate(str(token).upper(), argument, _pos(token))

        def function_call(self, children: list[Any]) -> ast.Function:
            return ast.Function(_word(children[0]), children[1])

        def function_item(self, children: list[Any]) -> ast.FunctionItem:
            return ast.FunctionItem(children[0], children[1] if len(children) > 1 else None)

        def field_item(self, children: list[Any]) -> ast.FieldItem:
            return ast.FieldItem(children[0], children[1] if len(children) > 1 else None)

        def aggregate_item(self, children: list[Any]) -> ast.AggregateItem:
            return ast.AggregateItem(children[0], children[1] if len(children) > 1 else None)

        def subquery_item(self, children: list[Any]) -> ast.SubqueryItem:
            return ast.SubqueryItem(children[1], _pos(children[0]))

        def fields_item(self, children: list[Any]) -> ast.FieldsItem:
            return ast.FieldsItem(_word(_strip(children)[0]))

        def select_clause(self, children: list[Any]) -> tuple[str, Any]:
            return ("select", tuple(_strip(children)))

        def from_clause(self, children: list[Any]) -> tuple[str, Any]:
            rest = _strip(children)
            return ("from", (_word(rest[0]), rest[1] if len(rest) > 1 else None))

        def using_clause(self, children: list[Any]) -> tuple[str, Any]:
            return ("using", _word(_strip(children)[0]))

        def where_clause(self, children: list[Any]) -> tuple[str, Any]:
            return ("where", _strip(children)[0])

        def with_clause(self, children: list[Any]) -> tuple[str, Any]:
            return ("with", _word(_strip(children)[0]))

        def group_clause(self, children: list[Any]) -> tuple[str, Any]:
            return ("group", tuple(_strip(children)))

        def having_clause(self, children: list[Any]) -> tuple[str, Any]:
            return ("having", _strip(children)[0])

        def direction(self, children: list[Any]) -> tuple[str, bool]:
            return ("direction", str(children[0]).upper() == "DESC")

        def nulls(self, children: list[Any]) -> tuple[str, ast.Word]:
            return ("nulls", _word(children[1]))

        def order_item(self, children: list[Any]) -> ast.OrderItem:
            descending = False
            nulls = None
            for child in children[1:]:
                if child[0] == "direction":
                    descending = child[1]
                else:
                    nulls = child[1]
            return ast.OrderItem(children[0], descending, nulls)

        def order_clause(self, children: list[Any]) -> tuple[str, Any]:
            return ("order", tuple(_strip(children)))

        def limit_clause(self, children: list[Any]) -> tuple[str, Any]:
            token = _strip(children)[0]
            return ("limit", ast.Literal("number", str(token), _pos(token)))

        def offset_clause(self, children: list[Any]) -> tuple[str, Any]:
            token = _strip(children)[0]
            return ("offset", ast.Literal("number", str(token), _pos(token)))

        def for_clause(self, children: list[Any]) -> tuple[str, Any]:
            return ("for", tuple(_word(t) for t in _strip(children)))

        def update_clause(self, children: list[Any]) -> tuple[str, Any]:
            return ("update", _word(_strip(children)[0]))

        def tail(self, children: list[Any]) -> list[tuple[str, Any]]:
            """The optional clauses after FROM, flattened from their chain of rules."""
            flat: list[tuple[str, Any]] = []
            for child in children:
                if isinstance(child, list):
                    flat.extend(child)
                else:
                    flat.append(child)
            return flat

        after_from = after_using = after_where = after_with = after_group = tail
        after_having = after_order = after_limit = after_offset = after_for = tail

        def query(self, children: list[Any]) -> ast.Query:
            clauses = dict([children[0], children[1], *children[2]])
            object_name, object_alias = clauses["from"]
            return ast.Query(
                select=clauses["select"],
                object_name=object_name,
                object_alias=object_alias,
                using_scope=clauses.get("using"),
                where=clauses.get("where"),
                with_words=(clauses["with"],) if "with" in clauses else (),
                group_by=clauses.get("group", ()),
                having=clauses.get("having"),
                order_by=clauses.get("order", ()),
                limit=clauses.get("limit"),
                offset=clauses.get("offset"),
                for_words=clauses.get("for", ()),
                update_word=clauses.get("update"),
            )

        def soql(self, children: list[Any]) -> ast.Query:
            return children[0]

        # ---- conditions -------------------------------------------------------------------

        def conjunction(self, children: list[Any]) -> ast.And:
            return ast.And(tuple(_strip(children)))

        def disjunction(self, children: list[Any]) -> ast.Or:
            return ast.Or(tuple(_strip(children)))

        def negation(self, children: list[Any]) -> ast.Not:
            return ast.Not(children[1])

        def value(self, children: list[Any]) -> ast.Literal:
            token = children[0]
            return ast.Literal(_LITERAL_KINDS[token.type], str(token), _pos(token))

        def values(self, children: list[Any]) -> tuple[ast.Literal, ...]:
            return tuple(children)

        def _comparison(
            self, children: list[Any], operator: str, values: Any, subquery: Any = None
        ) -> ast.Comparison:
            keyword = next(c for c in children[1:] if isinstance(c, Token))
            return ast.Comparison(children[0], operator, values, subquery, _pos(keyword))

        def compare(self, children: list[Any]) -> ast.Comparison:
            operator = str(children[1])
            operator = "!=" if operator == "<>" else operator
            return self._comparison(children, operator, (children[2],))

        def like(self, children: list[Any]) -> ast.Comparison:
            return self._comparison(children, "LIKE", (children[2],))

        def in_list(self, children: list[Any]) -> ast.Comparison:
            return self._comparison(children, "IN", children[-1])

        def not_in_list(self, children: list[Any]) -> ast.Comparison:
            return self._comparison(children, "NOT IN", children[-1])

        def semi_join(self, children: list[Any]) -> ast.Comparison:
            return self._comparison(children, "IN", (), children[-1])

        def anti_join(self, children: list[Any]) -> ast.Comparison:
            return self._comparison(children, "NOT IN", (), children[-1])

        def includes(self, children: list[Any]) -> ast.Comparison:
            return self._comparison(children, "INCLUDES", children[-1])

        def excludes(self, children: list[Any]) -> ast.Comparison:
            return self._comparison(children, "EXCLUDES", children[-1])

        # ---- SOSL -------------------------------------------------------------------------

        def search_text(self, children: list[Any]) -> tuple[str, ast.Position]:
            token = children[0]
            return (str(token)[1:-1], (token.line, token.column + 1))

        def in_clause(self, children: list[Any]) -> tuple[str, Any]:
            return ("in", _word(_strip(children)[0]))

        def returning_clause(self, children: list[Any]) -> tuple[str, Any]:
            return ("returning", tuple(_strip(children)))

        def returning_item(self, children: list[Any]) -> ast.Returning:
            name = _word(children[0])
            paths = tuple(c for c in children[1:] if isinstance(c, ast.Path))
            clauses: dict[str, Any] = dict(c for c in children[1:] if isinstance(c, tuple))
            select = tuple(ast.FieldItem(p) for p in paths)
            if not select:
                select = (ast.FieldItem(ast.Path(("Id",), (name.position,))),)
            query = ast.Query(
                select=select,
                object_name=name,
                where=clauses.get("where"),
                order_by=clauses.get("order", ()),
                limit=clauses.get("limit"),
                offset=clauses.get("offset"),
            )
            return ast.Returning(query, bool(paths))

        def sosl(self, children: list[Any]) -> ast.Search:
            rest = _strip(children)
            term, term_position = rest[0]
            clauses = dict(rest[1:])
            return ast.Search(
                term=term,
                term_position=term_position,
                scope=clauses.get("in"),
                returning=clauses.get("returning", ()),
                limit=clauses.get("limit"),
            )

        # ---- search terms -----------------------------------------------------------------

        def _term(self, item: Any) -> ast.Term:
            if isinstance(item, Token):
                if item.type == "PHRASE":
                    return ast.TermWord(str(item)[1:-1], True)
                return ast.TermWord(str(item), False)
            return item

        def search_term(self, children: list[Any]) -> ast.Term:
            return self._term(children[0])

        def term_any(self, children: list[Any]) -> ast.Term:
            items = [self._term(c) for c in _strip(children)]
            return items[0] if len(items) == 1 else ast.TermAny(tuple(items))

        def term_and(self, children: list[Any]) -> tuple[bool, ast.Term]:
            return (False, self._term(_strip(children)[0]))

        def term_and_not(self, children: list[Any]) -> tuple[bool, ast.Term]:
            return (True, self._term(_strip(children)[0]))

        def term_all(self, children: list[Any]) -> ast.Term:
            items = [self._term(children[0])]
            negated = [False]
            for flag, term in children[1:]:
                items.append(term)
                negated.append(flag)
            if len(items) == 1:
                return items[0]
            return ast.TermAll(tuple(items), tuple(negated))

    return Builder()


def _parser() -> Any:
    global _parser_instance
    if _parser_instance is None:
        with _lock:
            if _parser_instance is None:
                from lark import Lark

                _parser_instance = Lark(
                    _GRAMMAR.read_text(encoding="utf-8"),
                    parser="lalr",
                    lexer="contextual",
                    start=["soql", "sosl", "search_term"],
                    transformer=_builder(),
                    maybe_placeholders=False,
                )
    return _parser_instance


def _parse(
    text: str,
    start: str,
    code: str,
    within: str | None = None,
    origin: ast.Position = (1, 1),
) -> Any:
    """Parse ``text``; errors point into ``within`` (the whole statement ``text`` is part of,
    starting at ``origin`` there) or into ``text`` itself."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    def error(position: ast.Position, message: str) -> SalesforceError:
        if within is None:
            return located(code, text, position, message)
        row, column = position
        if row == 1:
            column += origin[1] - 1
        return located(code, within, (origin[0] + row - 1, column), message)

    try:
        return _parser().parse(text, start=start)
    except UnexpectedToken as exc:
        token = exc.token
        if token.type == "$END":
            raise error(end_position(text), "unexpected token: <EOF>") from None
        raise error(_pos(token), f"unexpected token: {token}") from None
    except UnexpectedCharacters as exc:
        offset = exc.pos_in_stream or 0
        char = text[offset] if offset < len(text) else ""
        raise error((exc.line, exc.column), f"unexpected token: {char}") from None
    except UnexpectedEOF:
        raise error(end_position(text), "unexpected token: <EOF>") from None


@functools.lru_cache(maxsize=512)
def parse_soql(text: str) -> ast.Query:
    """Parse a SOQL statement. Raises ``SalesforceError`` 400 ``MALFORMED_QUERY``."""
    if not text.strip():
        raise SalesforceError(400, "MALFORMED_QUERY", "unexpected token: <EOF>")
    return _parse(text, "soql", "MALFORMED_QUERY")


@functools.lru_cache(maxsize=256)
def parse_sosl(text: str) -> ast.Search:
    """Parse a SOSL ``FIND`` statement. Raises ``SalesforceError`` 400 ``MALFORMED_SEARCH``."""
    if not text.strip():
        raise SalesforceError(400, "MALFORMED_SEARCH", "unexpected token: <EOF>")
    return _parse(text, "sosl", "MALFORMED_SEARCH")


@functools.lru_cache(maxsize=256)
def parse_search_term(
    text: str, within: str | None = None, origin: ast.Position = (1, 1)
) -> ast.Term:
    """Parse the search expression between ``FIND {`` and ``}``; errors point into ``within``
    (the whole SOSL, where the expression starts at ``origin``) when given."""
    return _parse(text, "search_term", "MALFORMED_SEARCH", within, origin)
