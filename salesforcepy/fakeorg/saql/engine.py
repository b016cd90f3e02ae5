"""Runs parsed SAQL statements over dataset rows, one statement at a time, in the order written.

A stream is either ``_Rows`` (records with typed columns) or ``_Grouped`` (the result of ``group``:
rows partitioned by key, waiting for a ``foreach`` to project them). Each expression is checked
against the columns of the stream it reads (field exists, types fit) and compiled into a closure
before any row is evaluated, so a bad query fails the same way whether the dataset is empty or not.

Semantics chosen where CRM Analytics documentation is silent or we could not confirm it:

* a comparison, ``in`` or ``not in`` with a null operand is false; ``is null`` tests for null;
* arithmetic with a null operand, and division by zero, give null;
* aggregates skip nulls; ``sum``/``avg``/``min``/``max`` of no values are null, ``unique`` is 0;
* null sorts as the smallest value (first ascending, last descending) unless ``nulls first|last``;
  strings sort by code point;
* ``group`` without a later ``order`` yields groups in ascending key order;
* numeric results that are whole numbers are returned as JSON integers.
"""

from __future__ import annotations

import difflib
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Optional, Union

import attrs

from .. import ids
from ..errors import SalesforceError
from . import DATE, INVALID_FIELD, MALFORMED_QUERY, NUMERIC, STRING, LoadedDataset, Resolver
from . import nodes as n

BOOLEAN = "boolean"  # the type of conditions; never a column type

_COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_AGGREGATES = ("count", "sum", "avg", "min", "max", "unique")
_DATASET_PREFIX = "0Fb"
_VERSION_PREFIX = "0Fc"


# ---- streams ------------------------------------------------------------------------------------


@attrs.frozen
class _Rows:
    """An ungrouped stream. ``groups`` is the metadata ``groups`` list of a projected grouping."""

    columns: dict[str, str]
    rows: list[dict[str, Any]]
    groups: tuple[str, ...] = ()


@attrs.frozen
class _Group:
    key: dict[str, Any]
    rows: list[dict[str, Any]]


@attrs.frozen
class _Grouped:
    """A grouped stream; ``keys`` is empty for ``group ... by all``."""

    columns: dict[str, str]
    keys: tuple[str, ...]
    groups: list[_Group]


_Stream = Union[_Rows, _Grouped]


def _error(
    message: str, pos: Optional[n.Pos], *, code: str = MALFORMED_QUERY, fields: Sequence[str] = ()
) -> SalesforceError:
    where = f"Line {pos.line}, column {pos.column}: " if pos is not None else ""
    return SalesforceError(400, code, f"{where}{message}", fields)


# ---- statements ---------------------------------------------------------------------------------


def execute(statements: Sequence[n.Statement], resolver: Resolver) -> dict[str, Any]:
    """Run ``statements`` and return ``{"records", "metadata"}`` for the last assigned stream."""
    streams: dict[str, _Stream] = {}
    for statement in statements:
        streams[statement.target.name] = _run(statement, streams, resolver)
    last = statements[-1].target
    final = streams[last.name]
    if isinstance(final, _Grouped):
        raise _error(
            f"The query ends with the grouped stream '{last.name}'; project it with "
            f"'{last.name} = foreach {last.name} generate ...' first",
            last.pos,
        )
    numeric = [name for name, kind in final.columns.items() if kind == NUMERIC]
    records = [_output(row, numeric) for row in final.rows]
    columns = [{"name": name, "type": kind} for name, kind in final.columns.items()]
    return {"records": records, "metadata": [{"columns": columns, "groups": list(final.groups)}]}


def _output(row: dict[str, Any], numeric: list[str]) -> dict[str, Any]:
    record = dict(row)
    for name in numeric:
        value = record.get(name)
        if isinstance(value, float) and value.is_integer():
            record[name] = int(value)
    return record


def _run(statement: n.Statement, streams: dict[str, _Stream], resolver: Resolver) -> _Stream:
    if isinstance(statement, n.Load):
        return _load(statement, resolver)
    source = streams.get(statement.stream.name)
    if source is None:
        raise _error(f"Undefined stream '{statement.stream.name}'", statement.stream.pos)
    name = statement.stream
    if isinstance(statement, n.Filter):
        return _filter(statement, name, source)
    if isinstance(statement, n.Group):
        return _group(statement, name, source)
    if isinstance(statement, n.Foreach):
        return _foreach(statement, name, source)
    if isinstance(statement, n.Order):
        return _order(statement, name, source)
    return _slice(statement, source)


def _load(statement: n.Load, resolver: Resolver) -> _Rows:
    source, pos = statement.source, statement.source_pos
    dataset_part, slash, version_part = source.partition("/")
    if not slash:
        raise _error(
            f'Cannot load "{source}": a query sent over the REST API must load a dataset by '
            '"{datasetId}/{versionId}", not by name',
            pos,
        )
    dataset_id = ids.normalize_id(dataset_part)
    version_id = ids.normalize_id(version_part)
    if (
        dataset_id is None
        or version_id is None
        or not dataset_id.startswith(_DATASET_PREFIX)
        or not version_id.startswith(_VERSION_PREFIX)
    ):
        raise _error(
            f'Cannot load "{source}": expected "{{datasetId}}/{{versionId}}" with a '
            f"{_DATASET_PREFIX} dataset id and a {_VERSION_PREFIX} version id",
            pos,
        )
    loaded: Optional[LoadedDataset] = resolver(f"{dataset_id}/{version_id}")
    if loaded is None:
        raise _error(f'No dataset version "{dataset_id}/{version_id}" exists', pos)
    columns = dict(loaded.columns)
    rows = [{name: row.get(name) for name in columns} for row in loaded.rows]
    return _Rows(columns, rows)


def _filter(statement: n.Filter, name: n.StreamRef, source: _Stream) -> _Rows:
    if isinstance(source, _Grouped):
        raise _error(
            f"Cannot filter the grouped stream '{name.name}'; filter before 'group' or after "
            "'foreach'",
            name.pos,
        )
    condition = _compile(statement.condition, _Scope(name.name, source.columns, None))
    if condition.type != BOOLEAN:
        raise _error(
            f"filter needs a condition such as 'Field' == \"value\", not a {condition.type} value",
            statement.condition.pos,
        )
    test = condition.fn
    return _Rows(source.columns, [row for row in source.rows if test(row)], source.groups)


def _group(statement: n.Group, name: n.StreamRef, source: _Stream) -> _Grouped:
    if isinstance(source, _Grouped):
        raise _error(
            f"Stream '{name.name}' is already grouped; project it with foreach first", name.pos
        )
    if statement.keys is None:
        return _Grouped(source.columns, (), [_Group({}, source.rows)])
    scope = _Scope(name.name, source.columns, None)
    keys: list[str] = []
    for field in statement.keys:
        _compile(field, scope)  # checks the field exists
        if field.name not in keys:
            keys.append(field.name)
    partitions: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in source.rows:
        partitions.setdefault(tuple(row[k] for k in keys), []).append(row)
    groups = [_Group(dict(zip(keys, key)), rows) for key, rows in partitions.items()]
    getters = [(_key_getter(k), False, None) for k in keys]
    return _Grouped(source.columns, tuple(keys), _sort(groups, getters))


def _foreach(statement: n.Foreach, name: n.StreamRef, source: _Stream) -> _Rows:
    group_keys = source.keys if isinstance(source, _Grouped) else None
    scope = _Scope(name.name, source.columns, group_keys)
    columns: dict[str, str] = {}
    getters: list[tuple[str, Callable[[Any], Any]]] = []
    for projection in statement.projections:
        compiled = _compile(projection.expr, scope)
        if compiled.type == BOOLEAN:
            raise _error(
                "foreach generates values, not conditions; remove the comparison",
                projection.pos,
            )
        alias = projection.alias
        if alias is None:
            if not isinstance(projection.expr, n.Field):
                raise _error("Name this expression with as 'alias'", projection.pos)
            alias = projection.expr.name
        if alias in columns:
            raise _error(f"The name '{alias}' is generated twice", projection.pos)
        columns[alias] = compiled.type
        getters.append((alias, compiled.fn))
    items: Iterable[Any] = source.groups if isinstance(source, _Grouped) else source.rows
    rows = [{alias: fn(item) for alias, fn in getters} for item in items]
    groups = source.keys if isinstance(source, _Grouped) else ()
    return _Rows(columns, rows, groups)


def _order(statement: n.Order, name: n.StreamRef, source: _Stream) -> _Stream:
    group_keys = source.keys if isinstance(source, _Grouped) else None
    scope = _Scope(name.name, source.columns, group_keys)
    getters = [
        (_compile(key.field, scope).fn, key.descending, key.nulls_first) for key in statement.keys
    ]
    if isinstance(source, _Grouped):
        return attrs.evolve(source, groups=_sort(source.groups, getters))
    return attrs.evolve(source, rows=_sort(source.rows, getters))


def _slice(statement: n.Slice, source: _Stream) -> _Stream:
    count = statement.count
    if not isinstance(count.value, int) or count.value < 0:
        raise _error(f"{statement.kind} needs a whole number of rows, not {count.value}", count.pos)
    part = slice(None, count.value) if statement.kind == "limit" else slice(count.value, None)
    if isinstance(source, _Grouped):
        return attrs.evolve(source, groups=source.groups[part])
    return attrs.evolve(source, rows=source.rows[part])


_SortKey = tuple[Callable[[Any], Any], bool, Optional[bool]]


def _sort(items: Sequence[Any], keys: Sequence[_SortKey]) -> list[Any]:
    """Stable multi-key sort: one pass per key, least significant key first."""
    result = list(items)
    for getter, descending, nulls_first in reversed(keys):
        if nulls_first is None:
            nulls_first = not descending
        # ``reverse=True`` flips the rank too, so pick the rank that lands nulls where asked.
        null_rank = 0 if nulls_first != descending else 2

        def sort_key(
            item: Any, getter: Callable[[Any], Any] = getter, rank: int = null_rank
        ) -> Any:
            value = getter(item)
            return (rank, 0) if value is None else (1, value)

        result.sort(key=sort_key, reverse=descending)
    return result


def _key_getter(key: str) -> Callable[[_Group], Any]:
    return lambda group: group.key[key]


# ---- expressions --------------------------------------------------------------------------------


@attrs.frozen
class _Scope:
    """What an expression may refer to: ``keys`` is None for a row, else the keys of a group."""

    stream: str
    columns: dict[str, str]
    keys: Optional[tuple[str, ...]]


@attrs.frozen
class _Compiled:
    type: str
    fn: Callable[[Any], Any]


def _compile(expr: n.Expr, scope: _Scope) -> _Compiled:
    if isinstance(expr, n.Field):
        return _compile_field(expr, scope)
    if isinstance(expr, n.StringLit):
        text = expr.value
        return _Compiled(STRING, lambda _item: text)
    if isinstance(expr, n.NumberLit):
        number = expr.value
        return _Compiled(NUMERIC, lambda _item: number)
    if isinstance(expr, n.Call):
        return _compile_call(expr, scope)
    if isinstance(expr, n.Binary):
        if expr.op in ("&&", "||"):
            return _compile_logic(expr, scope)
        if expr.op in _COMPARATORS:
            return _compile_comparison(expr, scope)
        return _compile_arithmetic(expr, scope)
    if isinstance(expr, n.Not):
        inner = _expect(expr.operand, scope, BOOLEAN, "!")
        test = inner.fn
        return _Compiled(BOOLEAN, lambda item: not test(item))
    if isinstance(expr, n.Negate):
        inner = _expect(expr.operand, scope, NUMERIC, "unary -")
        value_of = inner.fn

        def negate(item: Any) -> Any:
            value = value_of(item)
            return None if value is None else -value

        return _Compiled(NUMERIC, negate)
    if isinstance(expr, n.InList):
        return _compile_in(expr, scope)
    return _compile_is_null(expr, scope)


def _compile_field(expr: n.Field, scope: _Scope) -> _Compiled:
    if expr.stream is not None and expr.stream != scope.stream:
        raise _error(
            f"'{expr.stream}.{expr.name}' refers to stream '{expr.stream}', but this statement "
            f"reads stream '{scope.stream}'",
            expr.pos,
        )
    name = expr.name
    if name not in scope.columns:
        message = f"Unknown field '{name}' in stream '{scope.stream}'"
        close = difflib.get_close_matches(name, list(scope.columns), n=1)
        if close:
            message += f" (did you mean '{close[0]}'?)"
        raise _error(message, expr.pos, code=INVALID_FIELD, fields=[name])
    kind = scope.columns[name]
    if scope.keys is None:
        return _Compiled(kind, lambda row: row[name])
    if name not in scope.keys:
        keys = ", ".join(f"'{k}'" for k in scope.keys) or "none: it is grouped by all"
        raise _error(
            f"'{name}' is not a group key of stream '{scope.stream}' (keys: {keys}); use it "
            f"inside an aggregate such as max('{name}')",
            expr.pos,
        )
    return _Compiled(kind, lambda group: group.key[name])


def _compile_call(expr: n.Call, scope: _Scope) -> _Compiled:
    function = expr.name
    if function not in _AGGREGATES:
        raise _error(
            f"Unknown function {function}(); this fake org supports {', '.join(_AGGREGATES)}",
            expr.pos,
        )
    if scope.keys is None:
        raise _error(
            f"{function}() aggregates a grouped stream; add '{scope.stream} = group "
            f"{scope.stream} by ...;' (or 'by all') before this statement",
            expr.pos,
        )
    if function == "count":
        if expr.args:
            raise _error("count() takes no arguments", expr.pos)
        return _Compiled(NUMERIC, lambda group: len(group.rows))
    if len(expr.args) != 1 or not isinstance(expr.args[0], n.Field):
        raise _error(f"{function}() takes one field, as in {function}('Amount')", expr.pos)
    argument = _compile_field(expr.args[0], attrs.evolve(scope, keys=None))
    allowed = {"sum": (NUMERIC,), "avg": (NUMERIC,), "min": (NUMERIC, DATE), "max": (NUMERIC, DATE)}
    if function in allowed and argument.type not in allowed[function]:
        raise _error(
            f"{function}() needs a {' or '.join(allowed[function])} field; "
            f"'{expr.args[0].name}' is {argument.type}",
            expr.pos,
        )
    value_of = argument.fn
    reduce = _REDUCERS[function]
    result_type = argument.type if function in ("min", "max") else NUMERIC

    def aggregate(group: _Group) -> Any:
        return reduce([v for v in map(value_of, group.rows) if v is not None])

    return _Compiled(result_type, aggregate)


def _avg(values: list[Any]) -> Any:
    return sum(values) / len(values) if values else None


_REDUCERS: dict[str, Callable[[list[Any]], Any]] = {
    "sum": lambda values: sum(values) if values else None,
    "avg": _avg,
    "min": lambda values: min(values) if values else None,
    "max": lambda values: max(values) if values else None,
    "unique": lambda values: len(set(values)),
}


def _expect(expr: n.Expr, scope: _Scope, kind: str, operator_name: str) -> _Compiled:
    compiled = _compile(expr, scope)
    if compiled.type != kind:
        wanted = "a condition" if kind == BOOLEAN else f"a {kind} value"
        found = "a condition" if compiled.type == BOOLEAN else f"a {compiled.type} value"
        raise _error(f"{operator_name} needs {wanted}, not {found}", expr.pos)
    return compiled


def _compile_logic(expr: n.Binary, scope: _Scope) -> _Compiled:
    left = _expect(expr.left, scope, BOOLEAN, expr.op).fn
    right = _expect(expr.right, scope, BOOLEAN, expr.op).fn
    if expr.op == "&&":
        return _Compiled(BOOLEAN, lambda item: bool(left(item) and right(item)))
    return _Compiled(BOOLEAN, lambda item: bool(left(item) or right(item)))


def _comparable(left: str, right: str) -> bool:
    # Dates are ISO text, so a date compares with a string literal such as "2024-01-31".
    return left == right or {left, right} == {STRING, DATE}


def _compile_comparison(expr: n.Binary, scope: _Scope) -> _Compiled:
    left = _compile(expr.left, scope)
    right = _compile(expr.right, scope)
    if BOOLEAN in (left.type, right.type) or not _comparable(left.type, right.type):
        raise _error(
            f"Cannot compare a {_describe(left.type)} with a {_describe(right.type)} "
            f"using {expr.op}",
            expr.pos,
        )
    compare = _COMPARATORS[expr.op]
    left_of, right_of = left.fn, right.fn

    def test(item: Any) -> bool:
        a, b = left_of(item), right_of(item)
        return a is not None and b is not None and compare(a, b)

    return _Compiled(BOOLEAN, test)


def _describe(kind: str) -> str:
    return "condition" if kind == BOOLEAN else f"{kind} value"


def _compile_arithmetic(expr: n.Binary, scope: _Scope) -> _Compiled:
    left = _compile(expr.left, scope)
    right = _compile(expr.right, scope)
    if expr.op == "+" and left.type == right.type == STRING:
        result_type = STRING
    elif left.type == right.type == NUMERIC:
        result_type = NUMERIC
    else:
        raise _error(
            f"Cannot apply {expr.op} to a {_describe(left.type)} and a {_describe(right.type)}",
            expr.pos,
        )
    op = expr.op
    left_of, right_of = left.fn, right.fn

    def evaluate(item: Any) -> Any:
        a, b = left_of(item), right_of(item)
        if a is None or b is None:
            return None
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        return None if b == 0 else a / b

    return _Compiled(result_type, evaluate)


def _compile_in(expr: n.InList, scope: _Scope) -> _Compiled:
    operand = _compile(expr.operand, scope)
    if operand.type == BOOLEAN:
        raise _error("in needs a value on its left, not a condition", expr.pos)
    for literal in expr.values:
        literal_type = NUMERIC if isinstance(literal, n.NumberLit) else STRING
        if not _comparable(operand.type, literal_type):
            raise _error(
                f"The list holds a {literal_type} value but the left side is "
                f"a {operand.type} value",
                literal.pos,
            )
    members = frozenset(literal.value for literal in expr.values)
    value_of, negated = operand.fn, expr.negated

    def test(item: Any) -> bool:
        value = value_of(item)
        return value is not None and (value in members) != negated

    return _Compiled(BOOLEAN, test)


def _compile_is_null(expr: n.IsNull, scope: _Scope) -> _Compiled:
    operand = _compile(expr.operand, scope)
    if operand.type == BOOLEAN:
        raise _error("is null needs a value on its left, not a condition", expr.pos)
    value_of, negated = operand.fn, expr.negated
    return _Compiled(BOOLEAN, lambda item: (value_of(item) is None) != negated)
