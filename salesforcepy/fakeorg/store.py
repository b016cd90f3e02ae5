"""The fake org's database: SQLite tables per object (see ``schema`` for the storage convention).

INTERFACE CONTRACT — other parts of the fake org (HTTP layer, SOQL engine, bulk jobs, composite)
are written against exactly these signatures. Implementations may add methods, never change these.

Threading: one ``sqlite3`` connection (``check_same_thread=False``) guarded by one re-entrant lock;
every public method takes the lock, so the store is safe to share between server threads.
``transaction()`` holds the lock for its whole block and nests with SAVEPOINTs, so a caller can group
several operations (composite ``allOrNone``, an sObject Tree) and have them all rolled back.

Records cross this interface as plain dicts keyed by canonical field names with **JSON values**
(``FieldDef.to_json``); incoming field dicts may use any casing and JSON-typed values (or CSV text
with ``source="text"``). Errors are ``SalesforceError`` with Salesforce's status and errorCode.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from .schema import FieldDef, ObjectDef, Schema

Clock = Callable[[], dt.datetime]


class Store:
    """SQLite-backed records of one org."""

    schema: Schema
    org_id: str  # 18-char 00D id
    admin_user_id: str  # 18-char 005 id of the user the default credentials log in as

    def __init__(self, path: str | None = None, *, clock: Clock | None = None) -> None:
        """Open (or create) the database at ``path``; ``None`` means in memory.

        Creates a table for every standard object (``standard_objects.build_schema()``), the org id
        and the admin user (``Username`` ``admin@fakeorg.test``) when the database is new. Custom
        objects and fields defined earlier in a file database are restored on reopen. ``clock``
        returns an aware UTC datetime (default: now); every timestamp the store writes comes from it.
        """
        raise NotImplementedError

    # ---- time and raw SQL (for the SOQL engine and other readers) ------------------------------

    def now(self) -> dt.datetime:
        """The store's clock (aware UTC)."""
        raise NotImplementedError

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[sqlite3.Row]:
        """Run one SQL statement under the lock and return all rows (``sqlite3.Row``)."""
        raise NotImplementedError

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group operations: all are kept if the block exits normally, none if it raises."""
        raise NotImplementedError
        yield  # pragma: no cover

    # ---- schema -----------------------------------------------------------------------------------

    def object(self, name: str) -> ObjectDef:
        """The definition of ``name`` (any casing); ``SalesforceError(404, NOT_FOUND)`` if unknown."""
        raise NotImplementedError

    def define_object(
        self, name: str, fields: Sequence[FieldDef] = (), *, label: str | None = None, **kwargs: Any
    ) -> ObjectDef:
        """Create a custom object (``name`` must end in ``__c``) with system fields, OwnerId, a
        ``Name`` field (string, name field) unless ``fields`` has one, and ``fields``. Gets the next
        free ``a0X`` key prefix. Persisted in the database so a reopened file keeps it."""
        raise NotImplementedError

    def define_field(self, object_name: str, field: FieldDef) -> FieldDef:
        """Add a field (custom fields end in ``__c``) to an existing object; ALTER TABLE."""
        raise NotImplementedError

    # ---- records ----------------------------------------------------------------------------------

    def create(
        self,
        object_name: str,
        fields: Mapping[str, Any],
        *,
        user_id: str | None = None,
        source: str = "json",
    ) -> str:
        """Insert one record and return its new 18-char id.

        Validates: unknown field -> 400 INVALID_FIELD; system/read-only field -> 400
        INVALID_FIELD_FOR_INSERT_UPDATE; ``Id`` present -> 400 INVALID_FIELD_FOR_INSERT_UPDATE;
        missing required field -> 400 REQUIRED_FIELD_MISSING (fields listed); values via
        ``FieldDef.to_storage``; lookups must point at an existing, non-deleted record of a type in
        ``reference_to`` -> 400 INVALID_CROSS_REFERENCE_KEY (or MALFORMED_ID); unique / external-id
        fields must be unique (case-insensitive) -> 400 DUPLICATE_VALUE. Sets Id, CreatedDate,
        LastModifiedDate, SystemModstamp (all the same now), CreatedById/LastModifiedById (``user_id``
        or the admin), OwnerId (if not given), defaults (booleans false, picklist defaults).
        """
        raise NotImplementedError

    def get(
        self,
        object_name: str,
        record_id: str,
        fields: Sequence[str] | None = None,
        *,
        api_version: str,
        include_deleted: bool = False,
    ) -> dict[str, Any]:
        """One record as ``{"attributes": {"type", "url"}, "Id": ..., field: json_value, ...}`` with
        every field (compound address fields assembled) or only ``fields`` (plus attributes).

        ``record_id`` may be 15 or 18 chars. A malformed id, a well-formed unknown or deleted id,
        or an id with another object's key prefix -> 404 NOT_FOUND (as ``/sobjects/X/{junk}`` does).
        Unknown field in ``fields`` -> 400 INVALID_FIELD.
        """
        raise NotImplementedError

    def update(
        self,
        object_name: str,
        record_id: str,
        fields: Mapping[str, Any],
        *,
        user_id: str | None = None,
        source: str = "json",
    ) -> None:
        """Change the given fields (JSON null clears; required fields cannot be cleared ->
        REQUIRED_FIELD_MISSING); bumps LastModifiedDate/SystemModstamp/LastModifiedById. Deleted ->
        404 ENTITY_IS_DELETED; unknown -> 404 NOT_FOUND; validation as in ``create``."""
        raise NotImplementedError

    def delete(self, object_name: str, record_id: str, *, hard: bool = False) -> None:
        """Soft-delete (IsDeleted=1, SystemModstamp=now; cascade-delete children whose relationship
        has ``cascade_delete``) or, with ``hard``, remove the row. Already deleted -> 404
        ENTITY_IS_DELETED; unknown -> 404 NOT_FOUND."""
        raise NotImplementedError

    def find_by_external_id(
        self, object_name: str, field_name: str, value: str
    ) -> list[str]:
        """Ids of live records whose external-id field equals ``value`` (case-insensitive).
        ``field_name`` may be ``Id``. Field missing or not external id -> 404 NOT_FOUND."""
        raise NotImplementedError

    def upsert(
        self,
        object_name: str,
        field_name: str,
        value: str,
        fields: Mapping[str, Any],
        *,
        user_id: str | None = None,
        source: str = "json",
    ) -> tuple[str, bool]:
        """Insert or update by external id; returns ``(id, created)``. Several matches ->
        ``MultipleMatches`` carrying the matching ids (nothing written; the HTTP layer renders the
        300 body of record URL paths). The external-id value is written into a new record."""
        raise NotImplementedError

    def get_blob(self, object_name: str, record_id: str, field_name: str) -> bytes:
        """The bytes of a base64 field; 404 NOT_FOUND if the record or blob is missing."""
        raise NotImplementedError

    def deleted_between(
        self, object_name: str, start: dt.datetime, end: dt.datetime
    ) -> list[dict[str, str]]:
        """``[{"id", "deletedDate"}]`` of records soft-deleted in [start, end]."""
        raise NotImplementedError

    def updated_between(self, object_name: str, start: dt.datetime, end: dt.datetime) -> list[str]:
        """Ids of records whose SystemModstamp is in [start, end] (deleted ones excluded)."""
        raise NotImplementedError

    def count(self, object_name: str, *, include_deleted: bool = False) -> int:
        raise NotImplementedError
