"""SOQL syntax tree -> one SQLite statement per SELECT, plus the plan that shapes its rows.

Tables and columns follow the storage convention in ``..schema``. Every literal of the query
reaches SQLite as a bound parameter; only validated API names (quoted with ``sql_ident``), table
aliases the compiler makes up, and fixed SQL text are ever written into the statement.

Salesforce semantics the SQL has to reproduce:

* Comparisons never yield "unknown": ``Name != 'x'`` and ``NOT Name = 'x'`` match records whose Name
  is null, as on Salesforce. Positive comparisons are plain SQL (so the primary key index still
  serves ``Id = ...``); negations are written ``NOT IFNULL(positive, 0)``.
* Text comparisons, IN lists, ORDER BY and GROUP BY on text ignore case (``COLLATE NOCASE``; SQLite
  folds ASCII only). LIKE is SQLite's LIKE, which is case-insensitive for ASCII, with ``\\`` as
  escape character so ``\\%`` and ``\\_`` match literally.
* Ids in literals may have 15 or 18 characters; they are normalised to the stored 18-character form.
* Date literals are half-open ranges of days evaluated against the store's clock in UTC; on a
  datetime field the range runs from midnight to midnight UTC. Date functions read the stored
  text with ``strftime()``, in UTC too.
* Picklists sort (ORDER BY, MIN, MAX) in the order their values are defined in; ``=`` and IN on
  a multi-select picklist compare sets of values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Callable, Optional

import attrs

from ..errors import SalesforceError
from ..ids import normalize_id
from ..schema import (
    COMPOUND_TYPES,
    INTEGER_TYPES,
    REAL_TYPES,
    TEXT_TYPES,
    UNGROUPABLE_TYPES,
    FieldDef,
    ObjectDef,
    format_date,
    format_datetime,
    parse_datetime,
    sql_ident,
)
from . import ast
from .dates import date_range, is_date_literal
from .messages import (
    CUSTOM_FIELD_HINT,
    CUSTOM_OBJECT_HINT,
    CUSTOM_RELATIONSHIP_HINT,
    located,
)
from .shape import (
    Blob,
    ChildSlot,
    Compound,
    Leaf,
    Node,
    Parent,
    find_parent,
)

MAX_OFFSET = 2000
MAX_SQL_INTEGER = 2**63 - 1
FIELDS_LIMIT = 200
# Text areas longer than this are "long text areas": not filterable, sortable or groupable.
LONG_TEXT = 255
PARENT_IDS_PARAM = "parent_ids"

# Date functions as SQL over ``{d}``: a 'YYYY-MM-DD' date or 'YYYY-MM-DDTHH:MM:SS' date-time text.
# Weeks in a month or year count from its first day; DAY_IN_WEEK is 1 for Sunday. The fiscal
# year is the calendar year.
_YEAR = "CAST(strftime('%Y', {d}) AS INTEGER)"
_MONTH = "CAST(strftime('%m', {d}) AS INTEGER)"
_QUARTER = "((CAST(strftime('%m', {d}) AS INTEGER) + 2) / 3)"
DATE_FUNCTIONS = {
    "CALENDAR_YEAR": _YEAR,
    "CALENDAR_QUARTER": _QUARTER,
    "CALENDAR_MONTH": _MONTH,
    "FISCAL_YEAR": _YEAR,
    "FISCAL_QUARTER": _QUARTER,
    "FISCAL_MONTH": _MONTH,
    "DAY_IN_MONTH": "CAST(strftime('%d', {d}) AS INTEGER)",
    "DAY_IN_WEEK": "(CAST(strftime('%w', {d}) AS INTEGER) + 1)",
    "DAY_IN_YEAR": "CAST(strftime('%j', {d}) AS INTEGER)",
    "WEEK_IN_MONTH": "((CAST(strftime('%d', {d}) AS INTEGER) + 6) / 7)",
    "WEEK_IN_YEAR": "((CAST(strftime('%j', {d}) AS INTEGER) + 6) / 7)",
    "HOUR_IN_DAY": "CAST(strftime('%H', {d}) AS INTEGER)",
    "DAY_ONLY": "substr({d}, 1, 10)",
}
DATETIME_ONLY_FUNCTIONS = frozenset({"HOUR_IN_DAY", "DAY_ONLY"})
Groups = dict[str, str]  # GROUP BY expressions: canonical text (lower case) -> SQL

_WITH_WORDS = frozenset({"SECURITY_ENFORCED", "USER_MODE", "SYSTEM_MODE"})
_FOR_WORDS = frozenset({"VIEW", "REFERENCE", "UPDATE"})
_UPDATE_WORDS = frozenset({"TRACKING", "VIEWSTAT"})
_SCOPES = frozenset(
    {
        "DELEGATED",
        "EVERYTHING",
        "MINE",
        "MINE_AND_MY_GROUPS",
        "MY_TERRITORY",
        "MY_TEAM_TERRITORY",
        "SCOPINGRULE",
        "TEAM",
    }
)
_STRING_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
}


def category(field: FieldDef) -> str:
    """How values of ``field`` compare: id, text, multi, bool, number, date, datetime, time,
    compound, base64 or other."""
    kind = field.type
    if kind in ("id", "reference"):
        return "id"
    if kind == "multipicklist":
        return "multi"
    if kind in TEXT_TYPES:
        return "text"
    if kind == "boolean":
        return "bool"
    if kind in INTEGER_TYPES or kind in REAL_TYPES:
        return "number"
    if kind in ("date", "datetime", "time", "base64"):
        return kind
    if kind in COMPOUND_TYPES:
        return "compound"
    return "other"


def _type_name(expr: Expr) -> str:
    if expr.field is None:
        return "double"
    kind = expr.field.type
    return {"datetime": "dateTime", "int": "integer"}.get(kind, kind)


class BadEscape(ValueError):
    """A string literal with a backslash sequence SOQL does not define (the message says which)."""


def unescape_string(raw: str) -> str:
    """The value of a quoted SOQL string literal (``raw`` includes the quotes).

    Raises ``BadEscape`` for a backslash sequence that SOQL does not define, ``\\%`` and ``\\_``
    included (they belong to LIKE patterns).
    """
    return _decode(raw, like=False)


def like_pattern(raw: str) -> str:
    """A SOQL LIKE literal as an SQLite LIKE pattern with ``\\`` as escape character.

    Raises ``BadEscape`` like ``unescape_string``.
    """
    return _decode(raw, like=True)


def _decode(raw: str, *, like: bool) -> str:
    """The escapes of SOQL's reference (``\\n \\r \\t \\b \\f`` in either case, ``\\' \\" \\\\``,
    ``\\%`` and ``\\_`` in LIKE only) plus ``\\uXXXX``; Salesforce refuses any other backslash."""
    body = raw[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt == "u" and _is_hex(body[i + 2 : i + 6]):
            decoded = chr(int(body[i + 2 : i + 6], 16))
            out.append("\\\\" if like and decoded == "\\" else decoded)
            i += 6
        elif like and nxt in ("%", "_", "\\"):
            out.append("\\" + nxt)
            i += 2
        elif nxt and (nxt in _STRING_ESCAPES or nxt.lower() in "nrtbf"):
            out.append(_STRING_ESCAPES[nxt if nxt in _STRING_ESCAPES else nxt.lower()])
            i += 2
        else:
            raise BadEscape(f"Illegal character sequence '\\{nxt}' in string literal: {raw}")
    text = "".join(out)
    # Pairs of \u escapes make one character, as in Java's UTF-16 strings; halves stay invalid.
    try:
        text = text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        raise BadEscape(f"Invalid unicode escape in string literal: {raw}") from None
    return text


def balanced(operator: str, parts: list[str]) -> str:
    """``parts`` joined by ``operator`` in a balanced tree of parentheses.

    SQLite nests ``a OR b OR c ...`` one level per operator and refuses expressions deeper than
    1,000 levels; Salesforce takes far longer chains. Halving keeps the depth logarithmic.
    """
    if len(parts) <= 8:
        return "(" + operator.join(parts) + ")"
    middle = len(parts) // 2
    return f"({balanced(operator, parts[:middle])}{operator}{balanced(operator, parts[middle:])})"


def _is_hex(text: str) -> bool:
    return len(text) == 4 and all(c in "0123456789abcdefABCDEF" for c in text)


# ---- building blocks ----------------------------------------------------------------------------


class Statement:
    """The bound parameters and table aliases of one SQL statement under construction."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self._aliases = 0

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return ":" + name

    def alias(self) -> str:
        name = f"t{self._aliases}"
        self._aliases += 1
        return name


class Columns:
    """The SELECT list of a statement; identical expressions share one column."""

    def __init__(self) -> None:
        self.sql: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, sql: str) -> int:
        index = self._index.get(sql)
        if index is None:
            index = self._index[sql] = len(self.sql)
            self.sql.append(sql)
        return index


@attrs.define
class Join:
    """A lookup followed from one table to its parent (several LEFT JOINs when polymorphic)."""

    key: tuple[str, ...]  # lower-cased relationship names from the FROM object
    relationship: str  # canonical relationship name: the JSON key of the nested record
    field: FieldDef  # the lookup field on the source table
    source_sql: str  # that lookup column
    targets: list[tuple[ObjectDef, str]]  # (parent object, table alias)
    id_sql: str  # the parent's Id, NULL when there is no parent
    polymorphic: bool


@attrs.frozen
class Expr:
    """A typed SQL value expression."""

    sql: str
    category: str
    field: Optional[FieldDef]
    label: str  # the name Salesforce would use in a message


@attrs.frozen
class Resolved:
    """A field path resolved against a FROM object."""

    expr: Expr
    field: FieldDef
    joins: tuple[Join, ...]
    canonical: str  # Account.Owner.Name in canonical casing
    owner: Optional[ObjectDef]  # the object holding the field (None behind a polymorphic lookup)
    owner_alias: Optional[str]
    owner_id_sql: str


@attrs.define
class Plan:
    """A compiled SELECT: its SQL, and how to turn rows into records."""

    kind: str  # records | count | aggregate
    object: ObjectDef
    sql: str
    params: dict[str, Any]
    nodes: list[Node]
    columns: list[str]
    children: list[tuple[str, Plan]] = attrs.field(factory=list)
    # Child subqueries only: the column holding the parent's id, and per-parent LIMIT/OFFSET.
    link_index: int = -1
    limit: Optional[int] = None
    offset: int = 0


# A hook that adds a condition to a SELECT (SOSL's search term); None means "matches nothing".
ExtraCondition = Callable[["Scope", Statement], Optional[str]]


class Scope:
    """The FROM object of one SELECT and the parent tables joined to it."""

    def __init__(
        self, compiler: Compiler, stmt: Statement, obj: ObjectDef, user_alias: Optional[ast.Word]
    ) -> None:
        self.compiler = compiler
        self.stmt = stmt
        self.obj = obj
        self.alias = stmt.alias()
        self.user_alias = user_alias.text.lower() if user_alias else None
        self.joins: dict[tuple[str, ...], Join] = {}

    @property
    def id_sql(self) -> str:
        return f'{self.alias}."Id"'

    def from_sql(self) -> str:
        parts = [f"{sql_ident(self.obj.name)} {self.alias}"]
        for join in self.joins.values():
            for target, alias in join.targets:
                table = sql_ident(target.name)
                # A deleted parent is no parent (deleting it cleared the lookups of live records);
                # queryAll still shows the parent a deleted record was cascade-deleted with.
                live = "" if self.compiler.include_deleted else f' AND {alias}."IsDeleted" = 0'
                parts.append(f'LEFT JOIN {table} {alias} ON {alias}."Id" = {join.source_sql}{live}')
        return " ".join(parts)

    def resolve(self, path: ast.Path) -> Resolved:
        parts, positions = path.parts, path.positions
        if (
            len(parts) > 1
            and self.obj.relationship(parts[0]) is None
            and parts[0].lower() in (self.obj.name.lower(), self.user_alias)
        ):
            parts, positions = parts[1:], positions[1:]
        obj = self.obj
        alias = self.alias
        id_sql = self.id_sql
        joins: list[Join] = []
        key: tuple[str, ...] = ()
        for part, position in zip(parts[:-1], positions[:-1]):
            if joins and joins[-1].polymorphic:
                raise self.compiler.bad_relationship(part, position)
            ref = obj.relationship(part)
            if ref is None or not ref.relationship_name:
                raise self.compiler.bad_relationship(part, position)
            key = (*key, ref.relationship_name.lower())
            join = self.joins.get(key) or self._join(key, ref, alias)
            if join is None:
                raise self.compiler.bad_relationship(part, position)
            joins.append(join)
            if not join.polymorphic:
                obj, alias = join.targets[0]
                id_sql = join.id_sql
        name, position = parts[-1], positions[-1]
        if joins and joins[-1].polymorphic:
            return self._polymorphic_field(joins, name, position)
        field = obj.field(name)
        if field is None:
            raise self.compiler.no_such_column(name, obj.name, position)
        canonical = ".".join([j.relationship for j in joins] + [field.name])
        expr = self._expr(field, alias)
        return Resolved(expr, field, tuple(joins), canonical, obj, alias, id_sql)

    def _expr(self, field: FieldDef, alias: str) -> Expr:
        column = f"{alias}.{sql_ident(field.name)}" if field.stored else ""
        if field.type == "base64":
            # Never read the blob itself: the record only carries its URL.
            column = f"({column} IS NOT NULL)"
        return Expr(column, category(field), field, field.name)

    def _join(self, key: tuple[str, ...], ref: FieldDef, source_alias: str) -> Optional[Join]:
        targets = []
        for name in ref.reference_to:
            target = self.compiler.schema.get(name)
            if target is not None:
                targets.append((target, self.stmt.alias()))
        if not targets:
            return None
        ids = [f'{alias}."Id"' for _, alias in targets]
        join = Join(
            key=key,
            relationship=ref.relationship_name or ref.name,
            field=ref,
            source_sql=f"{source_alias}.{sql_ident(ref.name)}",
            targets=targets,
            id_sql=ids[0] if len(ids) == 1 else f"COALESCE({', '.join(ids)})",
            polymorphic=len(ref.reference_to) > 1,
        )
        self.joins[key] = join
        return join

    def _polymorphic_field(self, joins: list[Join], name: str, position: ast.Position) -> Resolved:
        """A field behind a polymorphic lookup (``What.Name``, ``Who.Type``).

        ``Type`` is the parent's object type, read from its id's key prefix; other fields are taken
        from whichever target object holds the row.
        """
        join = joins[-1]
        prefix = ".".join(j.relationship for j in joins)
        if name.lower() == "type":
            cases = " ".join(
                f"WHEN {self.stmt.param(target.key_prefix)} THEN {self.stmt.param(target.name)}"
                for target, _ in join.targets
            )
            sql = f"CASE substr({join.source_sql}, 1, 3) {cases} END"
            field = FieldDef("Type", "picklist")
            expr = Expr(sql, "text", field, "Type")
            return Resolved(expr, field, tuple(joins), f"{prefix}.Type", None, None, join.id_sql)
        usable: list[tuple[str, FieldDef]] = []
        for target, alias in join.targets:
            candidate = target.field(name)
            if candidate is None and name.lower() == "name":
                # Objects without a Name field (Case) show their name field (CaseNumber) as Name.
                candidate = target.name_field
            if candidate is not None and candidate.stored and candidate.type != "base64":
                usable.append((alias, candidate))
        if not usable:
            raise self.compiler.no_such_column(name, "Name", position)
        exact = [f for _, f in usable if f.name.lower() == name.lower()]
        field = exact[0] if exact else attrs.evolve(usable[0][1], name="Name")
        columns = [f"{alias}.{sql_ident(f.name)}" for alias, f in usable]
        sql = columns[0] if len(columns) == 1 else f"COALESCE({', '.join(columns)})"
        expr = Expr(sql, category(field), field, field.name)
        return Resolved(
            expr, field, tuple(joins), f"{prefix}.{field.name}", None, None, join.id_sql
        )


# ---- the compiler -------------------------------------------------------------------------------


class Compiler:
    """Compiles the SELECTs of one SOQL statement (or of one SOSL search) against a store."""

    def __init__(
        self,
        store: Any,
        text: str,
        *,
        api_version: str,
        include_deleted: bool = False,
        malformed_code: str = "MALFORMED_QUERY",
    ) -> None:
        self.store = store
        self.schema = store.schema
        self.text = text
        self.api_version = api_version
        self.include_deleted = include_deleted
        self.malformed_code = malformed_code
        self._today: Optional[dt.date] = None

    # ---- errors ----------------------------------------------------------------------------

    def error(self, code: str, position: Optional[ast.Position], message: str) -> SalesforceError:
        return located(code, self.text, position, message)

    def malformed(self, position: Optional[ast.Position], message: str) -> SalesforceError:
        return located(self.malformed_code, self.text, position, message)

    def unexpected(self, word: ast.Word) -> SalesforceError:
        return self.malformed(word.position, f"unexpected token: {word.text}")

    def no_such_column(
        self, name: str, object_name: str, position: ast.Position
    ) -> SalesforceError:
        return self.error(
            "INVALID_FIELD",
            position,
            f"No such column '{name}' on entity '{object_name}'. {CUSTOM_FIELD_HINT}",
        )

    def bad_relationship(self, name: str, position: ast.Position) -> SalesforceError:
        return self.error(
            "INVALID_FIELD",
            position,
            f"Didn't understand relationship '{name}' in field path. {CUSTOM_RELATIONSHIP_HINT}",
        )

    def object(self, word: ast.Word) -> ObjectDef:
        obj = self.schema.get(word.text)
        if obj is None or not obj.queryable:
            raise self.error(
                "INVALID_TYPE",
                word.position,
                f"sObject type '{word.text}' is not supported. {CUSTOM_OBJECT_HINT}",
            )
        return obj

    @property
    def today(self) -> dt.date:
        if self._today is None:
            now = self.store.now()
            if now.tzinfo is not None:
                now = now.astimezone(dt.timezone.utc)
            self._today = now.date()
        return self._today

    # ---- entry points ----------------------------------------------------------------------

    def compile(
        self,
        query: ast.Query,
        *,
        extra: Optional[ExtraCondition] = None,
        max_rows: Optional[int] = None,
    ) -> Plan:
        """Compile a top-level SELECT (``extra``/``max_rows``: a SOSL RETURNING object)."""
        obj = self.object(query.object_name)
        mode = "search" if extra is not None else "top"
        return self._select(query, obj, mode=mode, extra=extra, max_rows=max_rows)

    def _select(
        self,
        query: ast.Query,
        obj: ObjectDef,
        *,
        mode: str,
        link: Optional[FieldDef] = None,
        extra: Optional[ExtraCondition] = None,
        max_rows: Optional[int] = None,
    ) -> Plan:
        self._check_words(query)
        stmt = Statement()
        scope = Scope(self, stmt, obj, query.object_alias)
        limit = self.integer(query.limit)
        offset = self.integer(query.offset)
        if offset is not None and offset > MAX_OFFSET:
            raise SalesforceError(
                400, "NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {MAX_OFFSET}"
            )
        for item in query.select:
            if (
                isinstance(item, ast.AggregateItem)
                and item.call.function == "COUNT"
                and item.call.argument is None
            ):
                if len(query.select) > 1:
                    raise self.malformed(
                        item.call.position, "COUNT() cannot be selected together with other fields"
                    )
                if mode != "top":
                    raise self.malformed(item.call.position, "COUNT() is not allowed here")
                return self._count(query, scope, limit, offset)
        aggregate = bool(query.group_by) or any(
            isinstance(item, ast.AggregateItem) for item in query.select
        )
        if aggregate:
            if mode != "top":
                position = query.object_name.position
                raise self.malformed(position, "Aggregate queries are not supported here")
            return self._aggregate(query, scope, limit, offset)
        if query.having is not None:
            raise self.malformed(query.object_name.position, "HAVING requires GROUP BY")
        return self._records(query, scope, mode, limit, offset, link, extra, max_rows)

    # ---- record queries --------------------------------------------------------------------

    def _records(
        self,
        query: ast.Query,
        scope: Scope,
        mode: str,
        limit: Optional[int],
        offset: Optional[int],
        link: Optional[FieldDef],
        extra: Optional[ExtraCondition],
        max_rows: Optional[int],
    ) -> Plan:
        obj = scope.obj
        stmt = scope.stmt
        cols = Columns()
        cols.add(scope.id_sql)  # column 0: the record's Id, for attributes.url
        nodes: list[Node] = []
        columns: list[str] = []
        children: list[tuple[str, Plan]] = []
        seen: dict[str, bool] = {}  # lower-cased key -> named explicitly (not by FIELDS())
        for item, explicit in self._expand_fields(query, obj, limit):
            if isinstance(item, ast.SubqueryItem):
                if mode == "search":
                    raise self.malformed(item.position, "unexpected token: (")
                key, child = self._child(item, obj, limit)
                if key.lower() in seen:
                    raise self.malformed(item.position, f"duplicate field selected: {key}")
                seen[key.lower()] = True
                nodes.append(ChildSlot(key))
                children.append((key, child))
                continue
            if isinstance(item, ast.FunctionItem):
                self._function_expr(item.call, scope)  # an unknown function is the first error
                raise self.malformed(
                    item.call.position, "Date functions are only allowed in aggregate queries"
                )
            assert isinstance(item, ast.FieldItem)
            if item.alias is not None:
                raise self.unexpected(item.alias)
            resolved = scope.resolve(item.path)
            earlier = seen.get(resolved.canonical.lower())
            if earlier is not None:
                if earlier and explicit:
                    raise self.malformed(
                        item.path.position, f"duplicate field selected: {resolved.canonical}"
                    )
                continue
            seen[resolved.canonical.lower()] = explicit
            columns.append(resolved.canonical)
            self._output(nodes, cols, resolved)

        where: list[str] = []
        if not self.include_deleted:
            where.append(f'{scope.alias}."IsDeleted" = 0')
        link_index = -1
        if link is not None:
            link_sql = f"{scope.alias}.{sql_ident(link.name)}"
            link_index = cols.add(link_sql)
            where.append(f"{link_sql} IN (SELECT value FROM json_each(:{PARENT_IDS_PARAM}))")
        if extra is not None:
            condition = extra(scope, stmt)
            where.append("0" if condition is None else condition)
        if query.where is not None:
            self._check_semi_joins(query.where)
            where.append(self._condition(query.where, scope, None))
        order = self._order(query.order_by, scope, None)
        order.append(scope.id_sql)

        sql = f"SELECT {', '.join(cols.sql)} FROM {scope.from_sql()}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY " + ", ".join(order)
        if link is None:
            if max_rows is not None:
                limit = max_rows if limit is None else min(limit, max_rows)
            sql += self._limit_sql(stmt, limit, offset)
        plan = Plan("records", scope.obj, sql, stmt.params, nodes, columns, children)
        if link is not None:
            plan.link_index = link_index
            plan.limit = limit
            plan.offset = offset or 0
        return plan

    def _expand_fields(
        self, query: ast.Query, obj: ObjectDef, limit: Optional[int]
    ) -> list[tuple[Any, bool]]:
        """The SELECT items with ``FIELDS(...)`` expanded; ``False`` marks expanded fields."""
        items: list[tuple[Any, bool]] = []
        for item in query.select:
            if not isinstance(item, ast.FieldsItem):
                items.append((item, True))
                continue
            kind = item.kind.text.upper()
            if kind not in ("ALL", "STANDARD", "CUSTOM"):
                raise self.unexpected(item.kind)
            if kind != "STANDARD" and (limit is None or limit > FIELDS_LIMIT):
                raise self.malformed(
                    item.kind.position,
                    f"The SOQL FIELDS function must have a LIMIT of at most {FIELDS_LIMIT}",
                )
            for field in obj.fields:
                if kind == "ALL" or (kind == "CUSTOM") == field.custom:
                    path = ast.Path((field.name,), (item.kind.position,))
                    items.append((ast.FieldItem(path), False))
        return items

    def _output(self, nodes: list[Node], cols: Columns, resolved: Resolved) -> None:
        """Add the output node for one selected field, nesting it under its parent records."""
        container = nodes
        for join in resolved.joins:
            parent = find_parent(container, join.relationship)
            if parent is None:
                parent = Parent(
                    key=join.relationship,
                    id_index=cols.add(join.id_sql),
                    type_name=None if join.polymorphic else join.targets[0][0].name,
                    fallback_type=join.targets[0][0].name,
                    schema=self.schema,
                    api_version=self.api_version,
                )
                container.append(parent)
            container = parent.nodes
        field = resolved.field
        if field.type in COMPOUND_TYPES:
            container.append(self._compound(resolved, cols))
        elif field.type == "base64":
            assert resolved.owner is not None
            container.append(
                Blob(
                    key=field.name,
                    present_index=cols.add(resolved.expr.sql),
                    id_index=cols.add(resolved.owner_id_sql),
                    object_name=resolved.owner.name,
                    field_name=field.name,
                    api_version=self.api_version,
                )
            )
        else:
            container.append(Leaf(field.name, cols.add(resolved.expr.sql), field.to_json))

    def _compound(self, resolved: Resolved, cols: Columns) -> Compound:
        field = resolved.field
        owner = resolved.owner
        assert owner is not None
        assert resolved.owner_alias is not None
        names = field.components or tuple(
            f.name for f in owner.fields if f.compound_field_name == field.name
        )
        parts = []
        for name in names:
            component = owner.field(name)
            if component is not None and component.stored:
                column = cols.add(f"{resolved.owner_alias}.{sql_ident(component.name)}")
                parts.append((component.name, column))
        return Compound(field.name, field, parts)

    def _child(
        self, item: ast.SubqueryItem, parent: ObjectDef, parent_limit: Optional[int]
    ) -> tuple[str, Plan]:
        query = item.query
        name = query.object_name
        if query.offset is not None and parent_limit != 1:
            raise self.malformed(
                query.offset.position,
                "A subquery can use OFFSET only if the parent query has a LIMIT 1 clause",
            )
        relationship = self.schema.child_relationship(parent.name, name.text)
        child = self.schema.get(relationship.child_object) if relationship else None
        link = child.field(relationship.field) if child and relationship else None
        if relationship is None or child is None or link is None:
            raise self.error(
                "INVALID_TYPE",
                name.position,
                f"Didn't understand relationship '{name.text}' in FROM part of query call. "
                f"{CUSTOM_RELATIONSHIP_HINT}",
            )
        plan = self._select(query, child, mode="child", link=link)
        return relationship.relationship_name, plan

    # ---- COUNT() and aggregates ------------------------------------------------------------

    def _count(
        self, query: ast.Query, scope: Scope, limit: Optional[int], offset: Optional[int]
    ) -> Plan:
        # The SOQL reference: COUNT() cannot be used with ORDER BY, nor (since API 19.0) with
        # GROUP BY; COUNT(fieldName) is the way to count groups.
        if query.group_by:
            raise self.malformed(query.group_by[0].position, "COUNT() cannot be used with GROUP BY")
        if query.order_by:
            expression = query.order_by[0].expression
            raise self.malformed(expression.position, "COUNT() cannot be used with ORDER BY")
        if query.having is not None:
            raise self.malformed(query.object_name.position, "HAVING requires GROUP BY")
        stmt = scope.stmt
        where = self._where(query, scope)
        inner = f"SELECT 1 FROM {scope.from_sql()}"
        if where:
            inner += " WHERE " + " AND ".join(where)
        inner += self._limit_sql(stmt, limit, offset)
        sql = f"SELECT COUNT(*) FROM ({inner})"
        return Plan("count", scope.obj, sql, stmt.params, [], [])

    def _groups(self, items: Sequence[ast.Path | ast.Function], scope: Scope) -> Groups:
        groups: Groups = {}
        for item in items:
            if isinstance(item, ast.Function):
                expr = self._function_expr(item, scope)
                groups.setdefault(expr.label.lower(), expr.sql)
                continue
            resolved = scope.resolve(item)
            self._check_usable(resolved, "grouped", item.position)
            sql = resolved.expr.sql
            if resolved.expr.category in ("text", "multi"):
                sql += " COLLATE NOCASE"
            groups.setdefault(resolved.canonical.lower(), sql)
        return groups

    def _aggregate(
        self, query: ast.Query, scope: Scope, limit: Optional[int], offset: Optional[int]
    ) -> Plan:
        stmt = scope.stmt
        groups = self._groups(query.group_by, scope)
        cols = Columns()
        nodes: list[Node] = []
        columns: list[str] = []
        keys: set[str] = set()
        counter = 0
        for item in query.select:
            if isinstance(item, ast.SubqueryItem):
                raise self.malformed(item.position, "unexpected token: (")
            if isinstance(item, ast.FieldsItem):
                raise self.malformed(
                    item.kind.position, "FIELDS() cannot be used in an aggregate query"
                )
            if isinstance(item, ast.FieldItem):
                resolved = scope.resolve(item.path)
                if resolved.canonical.lower() not in groups:
                    raise self.malformed(
                        item.path.position, f"Field must be grouped or aggregated: {item.path.text}"
                    )
                key = item.alias.text if item.alias else resolved.field.name
                position = item.alias.position if item.alias else item.path.position
                node = Leaf(key, cols.add(resolved.expr.sql), resolved.field.to_json)
            elif isinstance(item, ast.FunctionItem):
                expr = self._grouped_function(item.call, scope, groups, "Field")
                if item.alias is not None:
                    key, position = item.alias.text, item.alias.position
                else:
                    key, position = f"expr{counter}", item.call.position
                    counter += 1
                assert expr.field is not None
                node = Leaf(key, cols.add(expr.sql), expr.field.to_json)
            else:
                expr, convert = self._aggregate_expr(item.call, scope)
                if item.alias is not None:
                    key, position = item.alias.text, item.alias.position
                else:
                    key, position = f"expr{counter}", item.call.position
                    counter += 1
                node = Leaf(key, cols.add(expr.sql), convert)
            if key.lower() in keys:
                raise self.malformed(position, f"duplicate alias: {key}")
            keys.add(key.lower())
            nodes.append(node)
            columns.append(key)

        where = self._where(query, scope)
        having = self._condition(query.having, scope, groups) if query.having else ""
        order = self._order(query.order_by, scope, groups)
        group_sql = list(groups.values())
        order.extend(group_sql)
        sql = f"SELECT {', '.join(cols.sql)} FROM {scope.from_sql()}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        if group_sql:
            sql += " GROUP BY " + ", ".join(group_sql)
        if having:
            sql += " HAVING " + having
        if order:
            sql += " ORDER BY " + ", ".join(order)
        sql += self._limit_sql(stmt, limit, offset)
        return Plan("aggregate", scope.obj, sql, stmt.params, nodes, columns)

    def _aggregate_expr(
        self, call: ast.Aggregate, scope: Scope
    ) -> tuple[Expr, Callable[[Any], Any]]:
        function = call.function
        if call.argument is None:
            raise self.malformed(call.position, "COUNT() can only be used on its own")
        resolved = scope.resolve(call.argument)
        field = resolved.field
        kind = resolved.expr.category
        label = f"{function}({resolved.canonical})"

        def unsupported() -> SalesforceError:
            return self.error(
                "INVALID_FIELD",
                call.argument.position if call.argument else call.position,
                f"field {field.name} does not support aggregate operator {function}",
            )

        if kind in ("compound", "base64") or _long_text(field):
            raise unsupported()
        sql = resolved.expr.sql
        collate = " COLLATE NOCASE" if kind in ("text", "multi") else ""
        if function in ("COUNT", "COUNT_DISTINCT"):
            inner = f"DISTINCT {sql}{collate}" if function == "COUNT_DISTINCT" else sql
            return Expr(f"COUNT({inner})", "number", None, label), _to_int
        if function in ("SUM", "AVG"):
            if kind != "number":
                raise unsupported()
            if function == "SUM" and field.type in INTEGER_TYPES:
                return Expr(f"SUM({sql})", "number", field, label), _to_int
            return Expr(f"{function}({sql})", "number", None, label), _to_float
        # MIN / MAX
        if kind in ("bool", "multi"):
            raise unsupported()
        rank = _picklist_rank(resolved.expr, scope.stmt)
        if rank is not None:
            # On a picklist they follow the order of its values, as ORDER BY does: rank the
            # values (those outside the definition last), pick, and strip the rank again.
            keyed = f"(printf('%05d', IFNULL({rank}, 99999)) || {sql})"
            return Expr(f"substr({function}({keyed}), 6)", kind, field, label), field.to_json
        return Expr(f"{function}({sql}{collate})", kind, field, label), field.to_json

    # ---- date functions --------------------------------------------------------------------

    def _function_expr(self, call: ast.Function, scope: Scope) -> Expr:
        """``CALENDAR_YEAR(CloseDate)`` and friends, evaluated in UTC (the time zone of every
        user of the fake org, so ``convertTimezone()`` inside one changes nothing)."""
        name = call.name.text.upper()
        template = DATE_FUNCTIONS.get(name)
        if template is None:
            raise self.malformed(call.position, f"unexpected token: {call.name.text}")
        argument = call.argument
        if isinstance(argument, ast.Function):
            if argument.name.text.upper() != "CONVERTTIMEZONE":
                raise self.malformed(argument.position, f"unexpected token: {argument.name.text}")
            if isinstance(argument.argument, ast.Function):
                raise self.malformed(argument.argument.position, "unexpected token: (")
            path, converted = argument.argument, True
        else:
            path, converted = argument, False
        resolved = scope.resolve(path)
        kind = resolved.expr.category
        if kind not in ("date", "datetime") or (
            kind == "date" and (converted or name in DATETIME_ONLY_FUNCTIONS)
        ):
            wanted = "dateTime" if converted or name in DATETIME_ONLY_FUNCTIONS else "date"
            raise self.malformed(
                path.position,
                f"{name} can only be applied to {wanted} fields: {resolved.canonical}",
            )
        self._check_usable(resolved, "filtered", path.position)
        column = resolved.expr.sql
        # strftime() reads 'YYYY-MM-DDTHH:MM:SS'; stored date-times add '.000+0000'.
        value = f"substr({column}, 1, 19)" if kind == "datetime" else column
        sql = template.format(d=value)
        field = FieldDef(name, "date" if name == "DAY_ONLY" else "int")
        label = f"{name}({'convertTimezone(' if converted else ''}{resolved.canonical}"
        label += "))" if converted else ")"
        return Expr(sql, category(field), field, label)

    def _grouped_function(
        self, call: ast.Function, scope: Scope, groups: Groups, what: str
    ) -> Expr:
        """A date function in an aggregate query's SELECT, HAVING or ORDER BY: it must be one of
        the GROUP BY expressions."""
        expr = self._function_expr(call, scope)
        if expr.label.lower() not in groups:
            raise self.malformed(
                call.position, f"{what} must be grouped or aggregated: {expr.label}"
            )
        return expr

    # ---- WHERE / HAVING --------------------------------------------------------------------

    def _where(self, query: ast.Query, scope: Scope) -> list[str]:
        where = []
        if not self.include_deleted:
            where.append(f'{scope.alias}."IsDeleted" = 0')
        if query.where is not None:
            self._check_semi_joins(query.where)
            where.append(self._condition(query.where, scope, None))
        return where

    def _condition(
        self,
        condition: ast.Condition,
        scope: Scope,
        groups: Optional[Groups],
    ) -> str:
        """SQL for a WHERE (``groups`` None) or HAVING condition."""
        if isinstance(condition, ast.And):
            return balanced(" AND ", [self._condition(c, scope, groups) for c in condition.items])
        if isinstance(condition, ast.Or):
            return balanced(" OR ", [self._condition(c, scope, groups) for c in condition.items])
        if isinstance(condition, ast.Not):
            return f"NOT IFNULL({self._condition(condition.item, scope, groups)}, 0)"
        return self._comparison(condition, scope, groups)

    def _operand(
        self,
        operand: ast.Operand,
        scope: Scope,
        groups: Optional[Groups],
    ) -> Expr:
        if isinstance(operand, ast.Aggregate):
            if groups is None:
                raise self.malformed(
                    operand.position, "Aggregate functions are not allowed in a WHERE clause"
                )
            return self._aggregate_expr(operand, scope)[0]
        if isinstance(operand, ast.Function):
            if groups is None:
                return self._function_expr(operand, scope)
            return self._grouped_function(operand, scope, groups, "Field")
        resolved = scope.resolve(operand)
        if groups is not None and resolved.canonical.lower() not in groups:
            raise self.malformed(
                operand.position, f"Field must be grouped or aggregated: {operand.text}"
            )
        self._check_usable(resolved, "filtered", operand.position)
        return resolved.expr

    def _comparison(
        self,
        comparison: ast.Comparison,
        scope: Scope,
        groups: Optional[Groups],
    ) -> str:
        expr = self._operand(comparison.operand, scope, groups)
        operator = comparison.operator
        if comparison.subquery is not None:
            positive = self._semi_join(comparison, expr, scope)
            return positive if operator == "IN" else f"NOT IFNULL({positive}, 0)"
        stmt = scope.stmt
        kind = expr.category
        sql = expr.sql
        collate = " COLLATE NOCASE" if kind in ("text", "multi") else ""

        if operator in ("INCLUDES", "EXCLUDES"):
            if kind != "multi":
                raise self._bad_operator(comparison, expr)
            positive = self._includes(comparison, expr, stmt)
            return positive if operator == "INCLUDES" else f"NOT IFNULL({positive}, 0)"

        if operator == "LIKE":
            if kind == "id":
                raise self.error(
                    "INVALID_QUERY_FILTER_OPERATOR",
                    comparison.position,
                    "invalid operator on id field",
                )
            if kind not in ("text", "multi"):
                raise self._bad_operator(comparison, expr)
            literal = comparison.values[0]
            if literal.kind == "word" and literal.text.lower() == "null":
                return f"{sql} IS NULL"
            if literal.kind != "string":
                raise self._type_mismatch(literal, expr)
            pattern = stmt.param(self._string(literal, like=True))
            return f"{sql} LIKE {pattern} ESCAPE {stmt.param(chr(92))}"

        if kind == "multi" and operator in ("=", "!=", "IN", "NOT IN"):
            positive = self._multi_equals(comparison, expr, stmt)
            return positive if operator in ("=", "IN") else f"NOT IFNULL({positive}, 0)"

        if operator in ("IN", "NOT IN"):
            points: list[str] = []
            parts: list[str] = []
            for literal in comparison.values:
                value = self._value(literal, expr)
                if value is None:
                    parts.append(f"{sql} IS NULL")
                elif isinstance(value, tuple):
                    start, end = stmt.param(value[0]), stmt.param(value[1])
                    parts.append(f"({sql} >= {start} AND {sql} < {end})")
                else:
                    points.append(stmt.param(value.value))
            if points:
                parts.insert(0, f"{sql}{collate} IN ({', '.join(points)})")
            positive = balanced(" OR ", parts)
            return positive if operator == "IN" else f"NOT IFNULL({positive}, 0)"

        literal = comparison.values[0]
        value = self._value(literal, expr)
        if operator in ("<", "<=", ">", ">=") and kind in ("bool", "multi"):
            raise self._bad_operator(comparison, expr)
        if value is None:
            if operator == "=":
                return f"{sql} IS NULL"
            if operator == "!=":
                return f"{sql} IS NOT NULL"
            return "0"
        if isinstance(value, tuple):
            start, end = stmt.param(value[0]), stmt.param(value[1])
            return {
                "=": f"({sql} >= {start} AND {sql} < {end})",
                "!=": f"({sql} IS NULL OR {sql} < {start} OR {sql} >= {end})",
                "<": f"{sql} < {start}",
                "<=": f"{sql} < {end}",
                ">": f"{sql} >= {end}",
                ">=": f"{sql} >= {start}",
            }[operator]
        param = stmt.param(value.value)
        if operator == "!=":
            return f"({sql} IS NULL OR {sql} != {param}{collate})"
        return f"{sql} {operator} {param}{collate}"

    def _check_semi_joins(self, where: ast.Condition, *, nested: bool = False) -> None:
        """Salesforce's limits on semi-joins and anti-joins (``Id IN (SELECT ...)``): at most two
        per WHERE, none under OR or NOT, none inside another one's WHERE."""
        found: list[ast.Comparison] = []
        stack: list[tuple[ast.Condition, Optional[str]]] = [(where, None)]
        while stack:
            condition, around = stack.pop()
            if isinstance(condition, ast.And):
                stack.extend((c, around) for c in condition.items)
            elif isinstance(condition, ast.Or):
                stack.extend((c, around or "OR") for c in condition.items)
            elif isinstance(condition, ast.Not):
                stack.append((condition.item, around or "NOT"))
            elif condition.subquery is not None:
                if nested:
                    raise self.malformed(
                        condition.position, "Nesting of semi join sub-selects is not supported"
                    )
                if around is not None:
                    raise self.malformed(
                        condition.position,
                        f"Semi join sub-selects are not allowed with the '{around}' operator",
                    )
                found.append(condition)
        if len(found) > 2:
            found.sort(key=lambda c: c.position)
            raise self.malformed(
                found[2].position, "Maximum of 2 semi join sub-selects are allowed"
            )

    def _includes(self, comparison: ast.Comparison, expr: Expr, stmt: Statement) -> str:
        """INCLUDES: any listed value matches; ``'a;b'`` means both a and b are selected."""
        alternatives = []
        for literal in comparison.values:
            tests = _selected(expr, self._listed_values(literal, expr), stmt)
            alternatives.append(balanced(" AND ", tests) if tests else "(0)")
        return balanced(" OR ", alternatives)

    def _multi_equals(self, comparison: ast.Comparison, expr: Expr, stmt: Statement) -> str:
        """``=`` / IN on a multi-select picklist: exactly the listed values are selected, in any
        order (``'AMER;EMEA'`` matches "EMEA;AMER")."""
        alternatives = []
        for literal in comparison.values:
            if literal.kind == "word" and literal.text.lower() == "null":
                alternatives.append(f"{expr.sql} IS NULL")
                continue
            wanted = self._listed_values(literal, expr)
            if not wanted:
                alternatives.append(f"{expr.sql} IS NULL")  # '' means null
                continue
            tests = _selected(expr, wanted, stmt)
            count = f"(length({expr.sql}) - length(replace({expr.sql}, ';', '')) + 1)"
            tests.append(f"{count} = {stmt.param(len(wanted))}")
            alternatives.append(balanced(" AND ", tests))
        return balanced(" OR ", alternatives)

    def _listed_values(self, literal: ast.Literal, expr: Expr) -> list[str]:
        """The distinct values a multi-select picklist literal lists, in lower case
        (``'A; b;a'`` -> ``["a", "b"]``)."""
        if literal.kind != "string":
            raise self._type_mismatch(literal, expr)
        split = (v.strip().lower() for v in self._string(literal).split(";"))
        return list(dict.fromkeys(v for v in split if v))

    def _semi_join(self, comparison: ast.Comparison, outer: Expr, scope: Scope) -> str:
        """``Id IN (SELECT AccountId FROM Contact ...)``: an SQL IN over the inner column."""
        subquery = comparison.subquery
        assert subquery is not None
        if outer.category != "id":
            raise self.error(
                "INVALID_FIELD",
                comparison.position,
                "The left operand of a semi join must be an Id or reference field",
            )
        obj = self.object(subquery.object_name)
        if obj.name == scope.obj.name:
            raise self.malformed(
                subquery.object_name.position,
                "The inner and outer selects should not be on the same object type",
            )
        inner = Scope(self, scope.stmt, obj, subquery.object_alias)
        items = subquery.select
        if len(items) != 1 or not isinstance(items[0], ast.FieldItem) or items[0].alias:
            raise self.malformed(
                subquery.object_name.position, "A semi join sub-select must select one Id field"
            )
        if subquery.offset is not None:
            raise self.malformed(
                subquery.offset.position, "OFFSET is not allowed in a semi join sub-select"
            )
        selected = inner.resolve(items[0].path)
        if selected.expr.category != "id":
            raise self.error(
                "INVALID_FIELD",
                items[0].path.position,
                "A semi join sub-select can only select an Id or reference field",
            )
        where = [f"{selected.expr.sql} IS NOT NULL", f'{inner.alias}."IsDeleted" = 0']
        if subquery.where is not None:
            self._check_semi_joins(subquery.where, nested=True)
            where.append(self._condition(subquery.where, inner, None))
        sql = f"SELECT {selected.expr.sql} FROM {inner.from_sql()} WHERE {' AND '.join(where)}"
        limit = self.integer(subquery.limit)
        if limit is not None:
            sql += f" LIMIT {scope.stmt.param(limit)}"
        return f"{outer.sql} IN ({sql})"

    # ---- literals --------------------------------------------------------------------------

    def _value(self, literal: ast.Literal, expr: Expr) -> Any:
        """The bound value of ``literal`` compared with ``expr``: None for null, a ``Point``, or a
        ``(start, end)`` tuple for a date range (half open)."""
        kind = literal.kind
        cat = expr.category
        if kind == "word":
            word = literal.text.lower()
            if word == "null":
                return None
            if word in ("true", "false"):
                if cat != "bool":
                    raise self._type_mismatch(literal, expr)
                return Point(int(word == "true"))
            if is_date_literal(word):
                return self._date_range(literal, literal.text, None, expr)
            raise self.malformed(literal.position, f"unexpected token: {literal.text}")
        if kind == "word_n":
            name, _, number = literal.text.partition(":")
            return self._date_range(literal, name, int(number), expr)
        if kind == "string":
            text = self._string(literal)
            if text == "" and cat in ("text", "multi", "id"):
                return None  # Salesforce stores no empty strings: '' means null
            if cat in ("text", "multi"):
                return Point(text)
            if cat == "id":
                normalized = normalize_id(text)
                if normalized is None:
                    raise self.error(
                        "INVALID_QUERY_FILTER_OPERATOR",
                        literal.position,
                        f"invalid ID field: {text}",
                    )
                return Point(normalized)
            raise self._type_mismatch(literal, expr)
        if kind == "number":
            if cat != "number":
                raise self._type_mismatch(literal, expr)
            whole = int(literal.text) if "." not in literal.text else None
            if whole is None or abs(whole) > MAX_SQL_INTEGER:
                return Point(float(literal.text))  # SQLite compares it with integers just as well
            return Point(whole)
        if kind == "date":
            if cat != "date":
                raise self._type_mismatch(literal, expr)
            try:
                return Point(format_date(dt.date.fromisoformat(literal.text)))
            except ValueError:
                raise self.malformed(literal.position, f"invalid date: {literal.text}") from None
        if kind == "datetime":
            if cat != "datetime":
                raise self._type_mismatch(literal, expr)
            try:
                return Point(format_datetime(parse_datetime(literal.text)))
            except ValueError:
                raise self.malformed(
                    literal.position, f"invalid dateTime: {literal.text}"
                ) from None
        raise self.malformed(
            literal.position, f"unexpected token: {literal.text}"
        )  # pragma: no cover

    def _string(self, literal: ast.Literal, *, like: bool = False) -> str:
        """The value of a string literal (a LIKE pattern if ``like``); MALFORMED_QUERY for an
        escape sequence SOQL does not define."""
        try:
            return like_pattern(literal.text) if like else unescape_string(literal.text)
        except BadEscape as exc:
            raise self.malformed(literal.position, str(exc)) from None

    def _date_range(
        self, literal: ast.Literal, name: str, n: Optional[int], expr: Expr
    ) -> tuple[str, str]:
        if n is not None and n < 0:
            raise self.malformed(literal.position, f"unexpected token: {literal.text}")
        try:
            found = date_range(name, n, self.today)
        except (OverflowError, ValueError):
            # n so large that the range leaves the calendar (years 1 to 9999)
            raise self.malformed(
                literal.position, f"date literal out of range: {literal.text}"
            ) from None
        if found is None:
            raise self.malformed(literal.position, f"unexpected token: {literal.text}")
        if expr.category == "date":
            return format_date(found[0]), format_date(found[1])
        if expr.category == "datetime":
            return _midnight(found[0]), _midnight(found[1])
        raise self._type_mismatch(literal, expr)

    def _type_mismatch(self, literal: ast.Literal, expr: Expr) -> SalesforceError:
        quoted = expr.category in ("text", "multi", "id")
        return self.error(
            "INVALID_QUERY_FILTER_OPERATOR",
            literal.position,
            f"value of filter criterion for field '{expr.label}' must be of type "
            f"{_type_name(expr)} and should {'' if quoted else 'not '}be enclosed in quotes",
        )

    def _bad_operator(self, comparison: ast.Comparison, expr: Expr) -> SalesforceError:
        return self.error(
            "INVALID_QUERY_FILTER_OPERATOR",
            comparison.position,
            f"invalid operator on field '{expr.label}': {comparison.operator}",
        )

    # ---- ORDER BY, LIMIT, clause words ------------------------------------------------------

    def _order(
        self,
        items: Sequence[ast.OrderItem],
        scope: Scope,
        groups: Optional[Groups],
    ) -> list[str]:
        order: list[str] = []
        for item in items:
            expression = item.expression
            if isinstance(expression, ast.Aggregate):
                if groups is None:
                    raise self.malformed(
                        expression.position,
                        "Aggregate functions are only allowed in aggregate queries",
                    )
                expr = self._aggregate_expr(expression, scope)[0]
            elif isinstance(expression, ast.Function):
                if groups is None:
                    raise self.malformed(
                        expression.position,
                        "Date functions are only allowed in aggregate queries",
                    )
                expr = self._grouped_function(expression, scope, groups, "Ordered field")
            else:
                resolved = scope.resolve(expression)
                if groups is not None and resolved.canonical.lower() not in groups:
                    raise self.malformed(
                        expression.position,
                        f"Ordered field must be grouped or aggregated: {expression.text}",
                    )
                self._check_usable(resolved, "sorted", expression.position)
                expr = resolved.expr
            if item.nulls is None:
                nulls_first = not item.descending  # Salesforce's default, like SQLite's
            elif item.nulls.text.upper() in ("FIRST", "LAST"):
                nulls_first = item.nulls.text.upper() == "FIRST"
            else:
                raise self.unexpected(item.nulls)
            collate = " COLLATE NOCASE" if expr.category in ("text", "multi") else ""
            direction = "DESC" if item.descending else "ASC"
            order.append(f"({expr.sql} IS NULL) {'DESC' if nulls_first else 'ASC'}")
            rank = _picklist_rank(expr, scope.stmt)
            if rank is not None:
                # Picklists sort in the order of their values' definition, not alphabetically;
                # values outside the definition come after those, alphabetically.
                order.append(f"{rank} IS NULL {direction}")
                order.append(f"{rank} {direction}")
            order.append(f"{expr.sql}{collate} {direction}")
        return order

    def _limit_sql(self, stmt: Statement, limit: Optional[int], offset: Optional[int]) -> str:
        if limit is None and not offset:
            return ""
        return (
            f" LIMIT {stmt.param(-1 if limit is None else limit)} OFFSET {stmt.param(offset or 0)}"
        )

    def integer(self, literal: Optional[ast.Literal]) -> Optional[int]:
        if literal is None:
            return None
        if not literal.text.isdigit():
            raise self.malformed(literal.position, f"unexpected token: {literal.text}")
        # SQLite takes 64-bit integers; a LIMIT beyond that is no limit at all.
        return min(int(literal.text), MAX_SQL_INTEGER)

    def _check_words(self, query: ast.Query) -> None:
        """Words after WITH, FOR, UPDATE, USING SCOPE: ignored, but they must be real ones."""
        for word in query.with_words:
            if word.text.upper() not in _WITH_WORDS:
                raise self.unexpected(word)
        for word in query.for_words:
            if word.text.upper() not in _FOR_WORDS:
                raise self.unexpected(word)
        if query.update_word is not None and query.update_word.text.upper() not in _UPDATE_WORDS:
            raise self.unexpected(query.update_word)
        if query.using_scope is not None and query.using_scope.text.upper() not in _SCOPES:
            raise self.unexpected(query.using_scope)

    def _check_usable(self, resolved: Resolved, use: str, position: ast.Position) -> None:
        field = resolved.field
        allowed = {
            "filtered": field.filterable,
            "sorted": field.sortable,
            "grouped": field.groupable,
        }[use]
        if field.type in ("base64", *COMPOUND_TYPES) or _long_text(field):
            allowed = False
        if use != "filtered" and field.type == "multipicklist":
            allowed = False
        if use == "grouped" and field.type in UNGROUPABLE_TYPES:
            allowed = False
        if not allowed:
            raise self.error(
                "INVALID_FIELD", position, f"field '{field.name}' can not be {use} in a query call"
            )


@attrs.frozen
class Point:
    """A single literal value (as opposed to a date range or null)."""

    value: Any


def _picklist_rank(expr: Expr, stmt: Statement) -> Optional[str]:
    """SQL for the position of a picklist's value in its definition (NULL for a value outside
    it); None when ``expr`` is not a picklist with defined values."""
    field = expr.field
    if field is None or field.type != "picklist" or not field.picklist_values:
        return None
    cases = " ".join(
        f"WHEN {stmt.param(p.value.lower())} THEN {index}"
        for index, p in enumerate(field.picklist_values)
    )
    return f"(CASE lower({expr.sql}) {cases} END)"


def _selected(expr: Expr, values: Sequence[str], stmt: Statement) -> list[str]:
    """One SQL test per value: the multi-select picklist ``expr`` has it selected."""
    padded = f"(';' || lower({expr.sql}) || ';')"
    return [f"instr({padded}, {stmt.param(';' + v + ';')}) > 0" for v in values]


def _long_text(field: FieldDef) -> bool:
    return field.type == "textarea" and field.length > LONG_TEXT


def _midnight(day: dt.date) -> str:
    return format_datetime(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc))


def _to_int(value: Any) -> Optional[int]:
    return None if value is None else int(value)


def _to_float(value: Any) -> Optional[float]:
    return None if value is None else float(value)
