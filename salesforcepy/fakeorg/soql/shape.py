"""Output plans: how one SQL result row becomes a REST record (``attributes``, fields, nesting).

The compiler builds a list of nodes per query; each node reads its columns from the row by index
and writes one key of the record, so shaping a row is a short loop with no lookups by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Callable, Optional

import attrs

from ..schema import FieldDef, Schema, blob_url, record_url

Convert = Callable[[Any], Any]


@attrs.define
class Leaf:
    """A plain field (or an aggregate value): ``record[key] = convert(row[index])``."""

    key: str
    index: int
    convert: Convert

    def emit(self, row: Sequence[Any], record: dict[str, Any]) -> None:
        record[self.key] = self.convert(row[self.index])


@attrs.define
class Blob:
    """A base64 field: the URL path of the blob, or None when there is no blob."""

    key: str
    present_index: int
    id_index: int
    object_name: str
    field_name: str
    api_version: str

    def emit(self, row: Sequence[Any], record: dict[str, Any]) -> None:
        record_id = row[self.id_index]
        if row[self.present_index] and record_id is not None:
            record[self.key] = blob_url(
                self.object_name, record_id, self.field_name, self.api_version
            )
        else:
            record[self.key] = None


@attrs.define
class Compound:
    """An address or location field assembled from its component columns (None if all empty)."""

    key: str
    field: FieldDef
    parts: list[tuple[str, int]]  # (component field name, column index)

    def emit(self, row: Sequence[Any], record: dict[str, Any]) -> None:
        record[self.key] = self.field.assemble({name: row[index] for name, index in self.parts})


@attrs.define
class Parent:
    """A parent record reached through a lookup (``Account`` in ``Account.Name``)."""

    key: str
    id_index: int
    type_name: Optional[str]  # None: polymorphic, resolved from the id's key prefix
    fallback_type: str
    schema: Schema
    api_version: str
    nodes: list[Node] = attrs.field(factory=list)

    def emit(self, row: Sequence[Any], record: dict[str, Any]) -> None:
        parent_id = row[self.id_index]
        if parent_id is None:
            record[self.key] = None
            return
        type_name = self.type_name
        if type_name is None:
            found = self.schema.object_for_id(parent_id)
            type_name = found.name if found else self.fallback_type
        nested: dict[str, Any] = {
            "attributes": {
                "type": type_name,
                "url": record_url(type_name, parent_id, self.api_version),
            }
        }
        for node in self.nodes:
            node.emit(row, nested)
        record[self.key] = nested


@attrs.define
class ChildSlot:
    """Reserves the key of a child subquery; the engine fills it after fetching the children."""

    key: str

    def emit(self, row: Sequence[Any], record: dict[str, Any]) -> None:
        record[self.key] = None


Node = Any  # Leaf | Blob | Compound | Parent | ChildSlot


def find_parent(nodes: list[Node], key: str) -> Optional[Parent]:
    lowered = key.lower()
    for node in nodes:
        if isinstance(node, Parent) and node.key.lower() == lowered:
            return node
    return None
