"""The SOSL subset: ``FIND {term} [IN ALL|NAME|EMAIL|PHONE FIELDS] [RETURNING ...] [LIMIT n]``.

Each RETURNING object becomes a SOQL SELECT (its fields, WHERE, ORDER BY, LIMIT) with the search
term compiled into one more condition, so everything SOQL supports in those clauses works here.

Matching follows Salesforce's whole-word search, case-insensitively: a search word matches a field
when it appears there as a whole word (``acme`` matches "Acme Corp" but not "Acmeville"); ``*``
stands for any characters and ``?`` for one; a word with punctuation (``jane@acme.com``,
``"big deal"``) must appear as that sequence of words. Adjacent words are ANDed; AND, OR, AND NOT
and parentheses combine them. Phone fields also match on their digits alone, so ``4155550100``
finds "(415) 555-0100".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from ..errors import SalesforceError
from ..schema import FieldDef, ObjectDef, sql_ident
from . import ast
from .compiler import Compiler, Scope, Statement
from .engine import execute
from .parser import parse_search_term, parse_sosl

if TYPE_CHECKING:
    from ..store import Store

MAX_RESULTS = 2000
SEARCHABLE_TYPES = frozenset({"string", "textarea", "email", "phone", "url"})
SCOPES = frozenset({"ALL", "NAME", "EMAIL", "PHONE", "SIDEBAR"})
# A word boundary (the searched text is padded with spaces): anything but a letter or digit. GLOB
# classes work on code points; beyond ASCII, Latin-1 symbols, general punctuation, arrows, maths,
# box drawing and CJK punctuation separate words, everything else (letters of every script)
# belongs to them.
_WORD_CHARACTERS = (
    "a-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u1fff\u2c00-\u2fff\u3040-\ufe2f"
    "\ufe70-\ufefe\uff10-\U0010ffff"
)
_BOUNDARY = f"[^{_WORD_CHARACTERS}]"
_PHONE_PUNCTUATION = " -().+/"


def run_search(store: Store, sosl: str, *, api_version: str) -> list[dict[str, Any]]:
    search = parse_sosl(sosl)
    if not search.term.strip():
        raise SalesforceError(400, "MALFORMED_SEARCH", "No search term found")
    term = parse_search_term(search.term, sosl, search.term_position)
    if _letters(term) < 2:
        raise SalesforceError(
            400, "INVALID_SEARCH", "search term must be longer than one character"
        )
    compiler = Compiler(store, sosl, api_version=api_version, malformed_code="MALFORMED_SEARCH")
    scope_name = "ALL"
    if search.scope is not None:
        scope_name = search.scope.text.upper()
        if scope_name not in SCOPES:
            raise compiler.unexpected(search.scope)
    overall = MAX_RESULTS
    if search.limit is not None:
        overall = min(compiler.integer(search.limit) or 0, MAX_RESULTS)

    queries = [r.query for r in search.returning] or _every_object(store)
    results: list[dict[str, Any]] = []
    for query in queries:
        remaining = overall - len(results)
        if remaining <= 0:
            break
        obj = compiler.object(query.object_name)
        fields = search_fields(obj, scope_name)

        def condition(
            scope: Scope, stmt: Statement, fields: list[FieldDef] = fields
        ) -> Optional[str]:
            return term_sql(term, fields, scope.alias, stmt)

        plan = compiler.compile(query, extra=condition, max_rows=remaining)
        results.extend(execute(store, plan, api_version).records)
    return results[:overall]


def _every_object(store: Store) -> list[ast.Query]:
    """``FIND`` without RETURNING: every searchable object, Id only."""
    queries = []
    for obj in store.schema:
        if obj.searchable and obj.queryable and search_fields(obj, "ALL"):
            where = (1, 1)
            select = (ast.FieldItem(ast.Path(("Id",), (where,))),)
            queries.append(ast.Query(select=select, object_name=ast.Word(obj.name, where)))
    return queries


def search_fields(obj: ObjectDef, scope: str) -> list[FieldDef]:
    """The fields of ``obj`` a search ``IN {scope} FIELDS`` looks at."""
    fields = [f for f in obj.fields if f.stored and f.type in SEARCHABLE_TYPES]
    if scope == "NAME":
        return [f for f in fields if f.name_field or f.name in ("FirstName", "LastName")]
    if scope == "EMAIL":
        return [f for f in fields if f.type == "email"]
    if scope == "PHONE":
        return [f for f in fields if f.type == "phone"]
    return fields


def term_sql(term: ast.Term, fields: list[FieldDef], alias: str, stmt: Statement) -> Optional[str]:
    """SQL that is true for rows of ``alias`` matching ``term`` in one of ``fields``."""
    if not fields:
        return None
    if isinstance(term, ast.TermAny):
        return "(" + " OR ".join(_sql(t, fields, alias, stmt) for t in term.items) + ")"
    if isinstance(term, ast.TermAll):
        parts = []
        for item, negated in zip(term.items, term.negated):
            sql = _sql(item, fields, alias, stmt)
            parts.append(f"NOT IFNULL({sql}, 0)" if negated else sql)
        return "(" + " AND ".join(parts) + ")"
    return _word_sql(term, fields, alias, stmt)


def _sql(term: ast.Term, fields: list[FieldDef], alias: str, stmt: Statement) -> str:
    return term_sql(term, fields, alias, stmt) or "0"


def _word_sql(word: ast.TermWord, fields: list[FieldDef], alias: str, stmt: Statement) -> str:
    tokens = tokens_of(word.text)
    if not tokens:
        return "1"  # a word of punctuation only constrains nothing
    glob = _BOUNDARY.join(_glob_word(token) for token in tokens)
    pattern = stmt.param("*" + _BOUNDARY + glob + _BOUNDARY + "*")
    digits = "".join(tokens) if all(t.isdigit() for t in tokens) else ""
    digits_pattern = stmt.param(f"*{digits}*") if len(digits) >= 2 else None
    tests = []
    for field in fields:
        column = f"{alias}.{sql_ident(field.name)}"
        tests.append(f"(' ' || lower({column}) || ' ') GLOB {pattern}")
        if field.type == "phone" and digits_pattern is not None:
            stripped = column
            for char in _PHONE_PUNCTUATION:
                stripped = f"replace({stripped}, '{char}', '')"
            tests.append(f"{stripped} GLOB {digits_pattern}")
    return "(" + " OR ".join(tests) + ")"


def _glob_word(token: str) -> str:
    """A lower-cased search token as a GLOB pattern against ``lower(column)``.

    SQLite's ``lower()`` folds ASCII only, so a letter beyond ASCII matches in either case
    through a class (``müller`` -> ``m[üÜ]ller``).
    """
    out = []
    for char in token:
        cases = dict.fromkeys(c for c in (char, char.upper()) if len(c) == 1)
        out.append(char if char.isascii() or len(cases) == 1 else f"[{''.join(cases)}]")
    return "".join(out)


def tokens_of(text: str) -> list[str]:
    """The lower-cased words of a search word or phrase, keeping unescaped ``*``/``?`` wildcards;
    everything else (spaces, punctuation, escaped characters) separates words."""
    tokens: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        escaped = char == "\\" and i + 1 < len(text)
        if escaped:
            char = text[i + 1]
        i += 2 if escaped else 1
        if char.isalnum() or (char in "*?" and not escaped):
            current.append(char.lower())
        elif current:
            tokens.append("".join(current))
            current = []
    if current:
        tokens.append("".join(current))
    return tokens


def _letters(term: ast.Term) -> int:
    """How many letters and digits the search term holds (wildcards and punctuation excluded)."""
    if isinstance(term, ast.TermWord):
        return sum(1 for token in tokens_of(term.text) for c in token if c.isalnum())
    return sum(_letters(t) for t in term.items)
