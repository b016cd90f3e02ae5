"""sObject Tree: create record trees of one root type in a single transaction.

Every record carries ``attributes.type`` and a unique ``attributes.referenceId``; children sit under
the parent's child relationship name as ``{"records": [...]}``. Limits: 200 records in all, five
levels. Records are inserted level by level (all roots, then their children, ...), each child with
its parent's id in the relationship's lookup field. If any record fails, everything is rolled back
and the answer lists only the failing records.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import SalesforceError
from ..schema import ObjectDef

__all__ = ["MAX_DEPTH", "MAX_RECORDS", "TreeFailed", "insert_tree"]

MAX_RECORDS = 200
MAX_DEPTH = 5


class TreeFailed(Exception):
    """The tree was rolled back; ``results`` are the failing records' entries."""

    def __init__(self, results: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(results)} records failed")
        self.results = results


class _Node:
    __slots__ = ("children", "depth", "fields", "obj", "parent", "parent_field", "reference_id")

    def __init__(
        self,
        reference_id: str,
        obj: ObjectDef,
        fields: dict[str, Any],
        depth: int,
        parent: _Node | None,
        parent_field: str | None,
    ) -> None:
        self.reference_id = reference_id
        self.obj = obj
        self.fields = fields
        self.depth = depth
        self.parent = parent
        self.parent_field = parent_field
        self.children: list[_Node] = []


def _error(code: str, message: str, fields: list[str] | None = None) -> dict[str, Any]:
    return {"statusCode": code, "message": message, "fields": fields or []}


def _limit(message: str) -> SalesforceError:
    return SalesforceError(400, "LIMIT_EXCEEDED", message)


class _Parser:
    """Walks the request body into ``_Node`` trees, collecting per-record problems."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.count = 0
        self.seen: set[str] = set()
        self.problems: list[dict[str, Any]] = []

    def records(self, container: Any, where: str) -> list[Any]:
        if not isinstance(container, Mapping) or not isinstance(container.get("records"), list):
            raise SalesforceError(
                400, "JSON_PARSER_ERROR", f"{where} must be an object with a records array"
            )
        return list(container["records"])

    def walk(
        self,
        raw: Any,
        expected: ObjectDef,
        depth: int,
        parent: _Node | None,
        parent_field: str | None,
    ) -> _Node:
        if depth > MAX_DEPTH:
            raise _limit(f"The request has more than {MAX_DEPTH} levels of records")
        self.count += 1
        if self.count > MAX_RECORDS:
            raise _limit(f"The request has more than {MAX_RECORDS} records")
        if not isinstance(raw, Mapping):
            raise SalesforceError(400, "JSON_PARSER_ERROR", "Each record must be a JSON object")
        attributes = raw.get("attributes")
        if not isinstance(attributes, Mapping):
            raise SalesforceError(400, "JSON_PARSER_ERROR", "Each record needs attributes")
        reference_id = attributes.get("referenceId")
        if not isinstance(reference_id, str) or not reference_id:
            raise SalesforceError(
                400, "JSON_PARSER_ERROR", "Each record needs attributes.referenceId"
            )
        problem: dict[str, Any] | None = None
        if reference_id in self.seen:
            problem = _error("INVALID_INPUT", "Duplicate ReferenceId provided in the request.")
        self.seen.add(reference_id)
        kind = attributes.get("type")
        obj = expected
        if problem is None:
            if not isinstance(kind, str) or not kind:
                problem = _error("INVALID_TYPE", "Must send a concrete entity type.")
            elif kind.lower() != expected.name.lower():
                problem = _error(
                    "INVALID_TYPE",
                    f"The record's type {kind} is not {expected.name}, the type expected here",
                )
        fields: dict[str, Any] = {}
        children: list[tuple[str, str, ObjectDef, list[Any]]] = []
        for key, value in raw.items():
            if key == "attributes":
                continue
            if isinstance(value, Mapping) and "records" in value:
                relationship = self.store.schema.child_relationship(obj.name, str(key))
                if relationship is None:
                    if problem is None:
                        problem = _error(
                            "INVALID_FIELD",
                            f"No such column '{key}' on sobject of type {obj.name}",
                            [str(key)],
                        )
                    continue
                child_obj = self.store.object(relationship.child_object)
                children.append(
                    (
                        relationship.field,
                        str(key),
                        child_obj,
                        self.records(value, f"{obj.name}.{key}"),
                    )
                )
                continue
            fields[key] = value
        node = _Node(reference_id, obj, fields, depth, parent, parent_field)
        if problem is not None:
            self.problems.append({"referenceId": reference_id, "errors": [problem]})
        for field_name, _, child_obj, child_records in children:
            for child_raw in child_records:
                node.children.append(self.walk(child_raw, child_obj, depth + 1, node, field_name))
        return node


def insert_tree(store: Any, root: ObjectDef, body: Any, user_id: str) -> list[dict[str, Any]]:
    """Insert every record of ``body`` or none; returns ``[{"referenceId", "id"}]``.

    Raises:
        SalesforceError: a malformed request or a limit (top-level 400 error array).
        TreeFailed: some records failed; nothing was saved.
    """
    parser = _Parser(store)
    roots = [
        parser.walk(raw, root, 1, None, None) for raw in parser.records(body, "The request body")
    ]
    if parser.problems:
        raise TreeFailed(parser.problems)
    results: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    ids: dict[int, str] = {}

    class _RollBack(Exception):
        pass

    try:
        with store.transaction():
            level = roots
            while level:
                following: list[_Node] = []
                for node in level:
                    fields = dict(node.fields)
                    if node.parent is not None and node.parent_field is not None:
                        parent_id = ids.get(id(node.parent))
                        if parent_id is None:  # the parent failed: its subtree is not tried
                            continue
                        for key in [k for k in fields if k.lower() == node.parent_field.lower()]:
                            del fields[key]
                        fields[node.parent_field] = parent_id
                    try:
                        new_id = store.create(node.obj.name, fields, user_id=user_id)
                    except SalesforceError as error:
                        failures.append(
                            {
                                "referenceId": node.reference_id,
                                "errors": [error.as_status_code_error()],
                            }
                        )
                        continue
                    ids[id(node)] = new_id
                    results.append({"referenceId": node.reference_id, "id": new_id})
                    following.extend(node.children)
                level = following
            if failures:
                raise _RollBack
    except _RollBack:
        raise TreeFailed(failures) from None
    return results
