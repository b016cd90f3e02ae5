"""The fake org's database: SQLite tables per object (see ``schema`` for the storage convention).

INTERFACE CONTRACT — other parts of the fake org (HTTP layer, SOQL engine, bulk jobs, composite)
are written against exactly these signatures. Implementations may add methods, never change these.

Threading: one ``sqlite3`` connection (``check_same_thread=False``) guarded by one re-entrant lock;
every public method takes the lock, so the store is safe to share between server threads.
``transaction()`` holds the lock for its whole block and nests with SAVEPOINTs, so a caller can
group several operations (composite ``allOrNone``, an sObject Tree) and have them all rolled back.

Records cross this interface as plain dicts keyed by canonical field names with **JSON values**
(``FieldDef.to_json``); incoming field dicts may use any casing and JSON-typed values (or CSV text
with ``source="text"``). Errors are ``SalesforceError`` with Salesforce's status and errorCode.

Implementation notes:

* SQL text, column lists and the per-object validation plan are computed once per schema change
  (``_Table``), not per call; reference, unique/external-id and name fields are indexed, so a write
  costs a handful of primary-key or index probes whatever the table size.
* With ``source="text"`` (Bulk CSV) an empty value means "not set / leave unchanged" and ``#N/A``
  means null, as Bulk API documents.
* A lookup may be given by the parent's external id (or idLookup field such as
  ``User.Username``): ``{"Account": {"External_Id__c": "X"}}`` in JSON (polymorphic lookups add
  ``"attributes": {"type": ...}``), ``Account.External_Id__c`` / ``Account:What.External_Id__c``
  columns with ``source="text"``. No match -> 400 INVALID_FIELD; several -> 400
  DUPLICATE_EXTERNAL_ID.
* Besides the contract, the store offers ``create_system`` / ``update_system`` (no read-only checks;
  for seeds, hooks and internal bookkeeping), ``read_row`` (one row in storage form), ``new_id``,
  ``add_user`` and a few properties; see their docstrings.
* Custom objects and fields are recorded in the ``_fakeorg_objects`` / ``_fakeorg_fields`` tables
  (FieldDef as JSON) and org settings in ``_fakeorg_settings``; names starting with ``_`` can never
  clash with an API name.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from . import ids
from .errors import (
    MultipleMatches,
    SalesforceError,
    invalid_field,
    not_found,
    required_missing,
)
from .schema import (
    API_NAME_RE,
    COMPOUND_TYPES,
    NOCASE_TYPES,
    USER_STAMP_FIELDS,
    FieldDef,
    ObjectDef,
    Schema,
    blob_url,
    format_datetime,
    record_url,
    sql_ident,
)

Clock = Callable[[], dt.datetime]

ADMIN_USERNAME = "admin@fakeorg.test"
ORG_NAME = "Fake Org"
# The id every object's master record type has, in every org.
MASTER_RECORD_TYPE_ID = "012000000000000AAA"
_AUDIT_FIELDS = (
    "CreatedDate",
    "CreatedById",
    "LastModifiedDate",
    "LastModifiedById",
    "SystemModstamp",
)
_META_DDL = (
    "CREATE TABLE IF NOT EXISTS _fakeorg_settings (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS _fakeorg_objects "
    "(seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE NOT NULL, definition TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS _fakeorg_fields "
    "(seq INTEGER PRIMARY KEY AUTOINCREMENT, object TEXT NOT NULL, name TEXT NOT NULL, "
    "definition TEXT NOT NULL, UNIQUE (object, name))",
)
# ObjectDef attributes persisted for a custom object (its fields are persisted one by one).
_OBJECT_ATTRS = (
    "key_prefix",
    "label",
    "label_plural",
    "custom",
    "has_owner",
    "createable",
    "updateable",
    "deletable",
    "queryable",
    "searchable",
    "feed_enabled",
)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _entity_is_deleted() -> SalesforceError:
    return SalesforceError(404, "ENTITY_IS_DELETED", "entity is deleted")


class _Table:
    """What the store needs per call about one object, computed once per schema change."""

    def __init__(self, obj: ObjectDef, schema: Schema) -> None:
        from .standard_objects import AFTER_DELETE, AFTER_WRITE, BEFORE_WRITE

        self.obj = obj
        self.name = obj.name
        self.ident = sql_ident(obj.name)
        self.fields = obj.stored_fields
        self.columns = [f.name for f in self.fields]
        self.all_fields = obj.fields
        quoted = [sql_ident(c) for c in self.columns]
        placeholders = ", ".join("?" * len(quoted))
        self.insert_sql = f"INSERT INTO {self.ident} ({', '.join(quoted)}) VALUES ({placeholders})"
        # A blob is read as a presence flag: reading a record must not load its file.
        select = [
            f"({q} IS NOT NULL)" if f.type == "base64" else q for f, q in zip(self.fields, quoted)
        ]
        self.select_sql = f'SELECT {", ".join(select)} FROM {self.ident} WHERE "Id" = ?'
        self.state_sql = f'SELECT "IsDeleted" FROM {self.ident} WHERE "Id" = ?'
        self.blobs = frozenset(f.name for f in self.fields if f.type == "base64")
        self.required = [f for f in self.fields if f.required]
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if f.type == "boolean":
                self.defaults[f.name] = int(bool(f.default))
            elif f.type in ("picklist", "multipicklist"):
                chosen = [p.value for p in f.picklist_values if p.default]
                if chosen:
                    self.defaults[f.name] = (
                        ";".join(chosen) if f.type == "multipicklist" else chosen[0]
                    )
            elif f.default is not None:
                self.defaults[f.name] = f.to_storage(f.default, object_name=obj.name)
        # reference field -> {key prefix: target object}; audit references are set by the store.
        self.references: dict[str, dict[str, str]] = {}
        for f in self.fields:
            if f.type == "reference" and f.name not in _AUDIT_FIELDS:
                targets = {}
                for target in f.reference_to:
                    target_def = schema.get(target)
                    if target_def is not None:
                        targets[target_def.key_prefix] = target_def.name
                self.references[f.name] = targets
        self.unique = [f for f in self.fields if f.unique]
        lookups = [f for f in self.fields if f.unique or f.external_id]
        self.unique_sql = {
            f.name: f'SELECT "Id" FROM {self.ident} WHERE {sql_ident(f.name)} = ?'
            + (" COLLATE NOCASE" if f.type in NOCASE_TYPES else "")
            + ' AND "IsDeleted" = 0 AND "Id" <> ? LIMIT 1'
            for f in self.unique
        }
        self.external_sql = {
            f.name: f'SELECT "Id" FROM {self.ident} WHERE {sql_ident(f.name)} = ?'
            + (" COLLATE NOCASE" if f.type in NOCASE_TYPES else "")
            + ' AND "IsDeleted" = 0 ORDER BY "Id"'
            for f in lookups
        }
        indexed = {f.name for f in lookups} | set(self.references)
        if obj.name_field is not None and obj.name_field.stored:
            indexed.add(obj.name_field.name)
        self.indexes = [
            f'CREATE INDEX IF NOT EXISTS "{obj.name}_{name}_idx" '
            f"ON {self.ident} ({sql_ident(name)})"
            for name in sorted(indexed)
        ]
        self.has_owner = obj.field("OwnerId") is not None
        # Children to delete with a record of this object: (child object, reference field).
        self.cascade: list[tuple[str, str]] = []
        # Other lookups to this object, which a delete clears (or, for a restricted-delete lookup,
        # refuses while a live record uses it): (child object, reference field, restricted).
        self.referrers: list[tuple[str, str, bool]] = []
        self.before_write = BEFORE_WRITE.get(obj.name)
        self.after_write = AFTER_WRITE.get(obj.name)
        self.after_delete = AFTER_DELETE.get(obj.name)


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
        returns an aware UTC datetime (default: now); every timestamp the store writes comes from
        it.
        """
        self.path = path
        self._clock = clock or _utcnow
        self._lock = threading.RLock()
        self._depth = 0
        self._ids = ids.IdGenerator()
        self._tables: dict[str, _Table] = {}
        self._conn = sqlite3.connect(
            path or ":memory:",
            check_same_thread=False,
            isolation_level=None,  # we issue SAVEPOINT / RELEASE ourselves
            cached_statements=1024,
        )
        self._conn.row_factory = sqlite3.Row
        if path:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        with self.transaction():
            for ddl in _META_DDL:
                self._conn.execute(ddl)
            self._load_schema()
            settings = dict(
                self._conn.execute("SELECT key, value FROM _fakeorg_settings").fetchall()
            )
            if "org_id" in settings:
                self._advance_ids()
                self.org_id = settings["org_id"]
                self.admin_user_id = settings["admin_user_id"]
                self.standard_pricebook_id = settings.get("standard_pricebook_id", "")
                self.schema_modified = _parse_stamp(settings.get("schema_modified"))
            else:
                self._bootstrap()

    # ---- lifecycle -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection (a file database keeps everything written so far)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- time and raw SQL (for the SOQL engine and other readers) --------------------------------

    def now(self) -> dt.datetime:
        """The store's clock (aware UTC)."""
        value = self._clock()
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)

    def execute(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> list[sqlite3.Row]:
        """Run one SQL statement under the lock and return all rows (``sqlite3.Row``)."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group operations: all are kept if the block exits normally, none if it raises."""
        with self._lock:
            self._depth += 1
            name = f"fakeorg_sp{self._depth}"
            schema = getattr(self, "schema", None)
            revision = schema.revision if schema is not None else None
            self._conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                if self._conn.in_transaction:
                    # (SQLite may already have rolled back everything after a hard error.)
                    self._conn.execute(f"ROLLBACK TO {name}")
                    self._conn.execute(f"RELEASE {name}")
                # DDL is rolled back with everything else; the in-memory schema must follow.
                if revision is not None and self.schema.revision != revision:
                    self._load_schema()
                raise
            else:
                self._conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1

    def new_id(self, key_prefix: str) -> str:
        """A fresh 18-character id with ``key_prefix`` from the store's counter (for things kept
        outside the tables, such as bulk jobs: no record made in this session will reuse it)."""
        return self._ids.new(key_prefix)

    # ---- schema ----------------------------------------------------------------------------------

    def object(self, name: str) -> ObjectDef:
        """The definition of ``name`` (any casing); ``SalesforceError(404, NOT_FOUND)`` if
        unknown."""
        return self._table(name).obj

    def define_object(
        self, name: str, fields: Sequence[FieldDef] = (), *, label: str | None = None, **kwargs: Any
    ) -> ObjectDef:
        """Create a custom object (``name`` must end in ``__c``) with system fields, OwnerId, a
        ``Name`` field (string, name field) unless ``fields`` has one, and ``fields``. Gets the next
        free ``a0X`` key prefix. Persisted in the database so a reopened file keeps it.

        A ``Name`` left empty on insert is set to the record's id, as Salesforce does. Custom
        reference fields without a ``relationship_name`` get ``X__r`` for ``X__c``. Raises
        ValueError for a bad or taken name, or a field that is not a custom field.
        """
        if not name.endswith("__c") or not API_NAME_RE.fullmatch(name):
            raise ValueError(f"custom object names look like Invoice__c, got {name!r}")
        with self._lock:
            if name in self.schema:
                raise ValueError(f"object {self.schema.get(name).name} already exists")  # type: ignore[union-attr]
            prefix = kwargs.pop("key_prefix", None) or self.schema.next_custom_prefix()
            obj = ObjectDef.build(name, prefix, label=label, custom=True, **kwargs)
            fields = list(fields)
            if not any(f.name.lower() == "name" for f in fields):
                fields.insert(
                    0,
                    FieldDef(
                        "Name",
                        "string",
                        label=f"{obj.label} Name",
                        length=80,
                        name_field=True,
                        defaulted_on_create=True,
                    ),
                )
            for f in fields:
                self._prepare_custom_field(
                    f, allow_standard_name=f.name.lower() == "name", new_object=obj.name
                )
                obj.add_field(f)
            with self.transaction():
                definition = {attr: getattr(obj, attr) for attr in _OBJECT_ATTRS}
                self._conn.execute(
                    "INSERT INTO _fakeorg_objects (name, definition) VALUES (?, ?)",
                    (obj.name, json.dumps(definition)),
                )
                for f in obj.fields:
                    if f.name not in _SYSTEM_FIELD_NAMES_WITH_OWNER:
                        self._persist_field(obj.name, f)
                self.schema.add(obj)
                self._schema_changed()
            return obj

    def define_field(self, object_name: str, field: FieldDef) -> FieldDef:
        """Add a field (custom fields end in ``__c``) to an existing object; ALTER TABLE.

        Raises ValueError when the name is not a custom field name or is taken, or for compound
        types (not supported for custom fields).
        """
        with self._lock:
            obj = self.object(object_name)
            if obj.field(field.name) is not None:
                raise ValueError(f"{obj.name} already has a field {obj.field(field.name).name}")  # type: ignore[union-attr]
            self._prepare_custom_field(field)
            with self.transaction():
                obj.add_field(field)
                try:
                    self._persist_field(obj.name, field)
                    self._conn.execute(obj.add_column_sql(field))
                    self.schema.touch()
                    self._schema_changed()
                except BaseException:
                    del obj._fields[field.name.lower()]
                    raise
            return field

    # ---- records ---------------------------------------------------------------------------------

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
        LastModifiedDate, SystemModstamp (all the same now), CreatedById/LastModifiedById
        (``user_id`` or the admin), OwnerId (if not given), defaults (booleans false, picklist
        defaults).

        A lookup holding an id of a type the field cannot point to gives MALFORMED_ID (polymorphic
        fields: FIELD_INTEGRITY_EXCEPTION); an object that is not createable gives 400
        INVALID_TYPE_FOR_OPERATION.
        """
        with self._lock:
            table = self._table(object_name)
            if not table.obj.createable:
                raise _not_supported(table.name, "create")
            with self.transaction():
                return self._create(table, fields, user_id=user_id, source=source)

    def create_system(
        self,
        object_name: str,
        fields: Mapping[str, Any],
        *,
        user_id: str | None = None,
        record_id: str | None = None,
    ) -> str:
        """Insert like ``create`` but as the system: read-only and audit fields (``CreatedDate``...)
        may be given, non-createable objects accepted, and ``record_id`` chooses the id (for seeds
        that need fixed ids). Every other validation still applies."""
        with self._lock:
            table = self._table(object_name)
            if record_id is not None:
                normalized = ids.normalize_id(record_id)
                if normalized is None or normalized[:3] != table.obj.key_prefix:
                    raise ValueError(f"{record_id!r} is not an id of {table.name}")
                if self._conn.execute(table.state_sql, (normalized,)).fetchone() is not None:
                    raise SalesforceError(
                        400, "DUPLICATE_VALUE", f"duplicate value found: Id {normalized}", ["Id"]
                    )
                self._ids.advance_past(normalized)
                record_id = normalized
            with self.transaction():
                return self._create(
                    table, fields, user_id=user_id, source="json", system=True, record_id=record_id
                )

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
        with self._lock:
            table = self._table(object_name)
            selected = table.all_fields if fields is None else self._resolve_fields(table, fields)
            normalized = ids.normalize_id(record_id) if isinstance(record_id, str) else None
            if normalized is None or normalized[:3] != table.obj.key_prefix:
                raise not_found()
            row = self._fetch(table, normalized)
            if row is None or (row["IsDeleted"] and not include_deleted):
                raise not_found()
            return self._record_json(table, row, selected, api_version)

    def read_row(self, object_name: str, record_id: str) -> dict[str, Any] | None:
        """One row in storage form (deleted rows included; blobs as 0/1 presence flags), or None."""
        with self._lock:
            table = self._table(object_name)
            normalized = ids.normalize_id(record_id) if isinstance(record_id, str) else None
            if normalized is None:
                return None
            return self._fetch(table, normalized)

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
        404 ENTITY_IS_DELETED; unknown -> 404 NOT_FOUND; validation as in ``create``.

        A malformed id or one of another object -> 400 MALFORMED_ID. ``Id`` in ``fields`` is
        accepted when it names the same record (sObject Collections send it).
        """
        with self._lock:
            table = self._table(object_name)
            if not table.obj.updateable:
                raise _not_supported(table.name, "update")
            with self.transaction():
                self._update(table, record_id, fields, user_id=user_id, source=source)

    def update_system(
        self,
        object_name: str,
        record_id: str,
        fields: Mapping[str, Any],
        *,
        user_id: str | None = None,
    ) -> None:
        """Update like ``update`` but as the system: read-only and audit fields may be set."""
        with self._lock:
            table = self._table(object_name)
            with self.transaction():
                self._update(table, record_id, fields, user_id=user_id, source="json", system=True)

    def delete(self, object_name: str, record_id: str, *, hard: bool = False) -> None:
        """Soft-delete (IsDeleted=1, SystemModstamp=now; cascade-delete children whose relationship
        has ``cascade_delete``) or, with ``hard``, remove the row. Already deleted -> 404
        ENTITY_IS_DELETED; unknown -> 404 NOT_FOUND.

        A hard delete also removes a soft-deleted record (emptying the recycle bin). A malformed id
        or one of another object -> 400 MALFORMED_ID.

        Live records that point at a deleted record through a lookup without cascade delete get
        the lookup cleared (SystemModstamp moves, LastModifiedDate does not); if such a lookup
        cannot be null, 400 DELETE_FAILED and nothing is deleted.
        """
        with self._lock:
            table = self._table(object_name)
            if not table.obj.deletable:
                raise _not_supported(table.name, "delete")
            normalized = self._record_id(table, record_id)
            with self.transaction():
                state = self._conn.execute(table.state_sql, (normalized,)).fetchone()
                if state is None:
                    raise not_found()
                if state[0] and not hard:
                    raise _entity_is_deleted()
                self._delete_tree(table, normalized, hard, self._stamp())

    def find_by_external_id(self, object_name: str, field_name: str, value: str) -> list[str]:
        """Ids of live records whose external-id field equals ``value`` (case-insensitive).
        ``field_name`` may be ``Id``. Field missing or not external id -> 404 NOT_FOUND."""
        with self._lock:
            table = self._table(object_name)
            field = self._external_field(table, field_name)
            if field.name == "Id":
                normalized = ids.normalize_id(value) if isinstance(value, str) else None
                if normalized is None or normalized[:3] != table.obj.key_prefix:
                    return []
                state = self._conn.execute(table.state_sql, (normalized,)).fetchone()
                return [normalized] if state is not None and not state[0] else []
            try:
                stored = field.to_storage(value, source="text", object_name=table.name)
            except SalesforceError:
                return []
            if stored is None:
                return []
            rows = self._conn.execute(table.external_sql[field.name], (stored,)).fetchall()
            return [r[0] for r in rows]

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
        300 body of record URL paths). The external-id value is written into a new record.

        With ``field_name="Id"`` an empty ``value`` inserts and an id that matches nothing gives 404
        NOT_FOUND (a record cannot be created with a chosen id).
        """
        with self._lock:
            table = self._table(object_name)
            field = self._external_field(table, field_name)
            with self.transaction():
                matches = self.find_by_external_id(table.name, field.name, value) if value else []
                if len(matches) > 1:
                    raise MultipleMatches(table.name, matches)
                if matches:
                    if not table.obj.updateable:
                        raise _not_supported(table.name, "update")
                    self._update(table, matches[0], fields, user_id=user_id, source=source)
                    return matches[0], False
                if not table.obj.createable:
                    raise _not_supported(table.name, "create")
                body = {k: v for k, v in fields.items() if k.lower() != field.name.lower()}
                if field.name != "Id":
                    body[field.name] = value
                elif value:
                    raise not_found()
                return self._create(table, body, user_id=user_id, source=source), True

    def get_blob(self, object_name: str, record_id: str, field_name: str) -> bytes:
        """The bytes of a base64 field; 404 NOT_FOUND if the record or blob is missing."""
        with self._lock:
            table = self._table(object_name)
            field = table.obj.field(field_name)
            normalized = ids.normalize_id(record_id) if isinstance(record_id, str) else None
            if field is None or field.type != "base64" or normalized is None:
                raise not_found()
            row = self._conn.execute(
                f'SELECT {sql_ident(field.name)}, "IsDeleted" FROM {table.ident} WHERE "Id" = ?',
                (normalized,),
            ).fetchone()
            if row is None or row[1] or row[0] is None:
                raise not_found()
            return bytes(row[0])

    def deleted_between(
        self, object_name: str, start: dt.datetime, end: dt.datetime
    ) -> list[dict[str, str]]:
        """``[{"id", "deletedDate"}]`` of records soft-deleted in [start, end]."""
        with self._lock:
            table = self._table(object_name)
            rows = self._conn.execute(
                f'SELECT "Id", "SystemModstamp" FROM {table.ident} WHERE "IsDeleted" = 1 '
                'AND "SystemModstamp" BETWEEN ? AND ? ORDER BY "SystemModstamp", "Id"',
                (format_datetime(start), format_datetime(end)),
            ).fetchall()
            return [{"id": r[0], "deletedDate": r[1]} for r in rows]

    def updated_between(self, object_name: str, start: dt.datetime, end: dt.datetime) -> list[str]:
        """Ids of records whose SystemModstamp is in [start, end] (deleted ones excluded)."""
        with self._lock:
            table = self._table(object_name)
            rows = self._conn.execute(
                f'SELECT "Id" FROM {table.ident} WHERE "IsDeleted" = 0 '
                'AND "SystemModstamp" BETWEEN ? AND ? ORDER BY "SystemModstamp", "Id"',
                (format_datetime(start), format_datetime(end)),
            ).fetchall()
            return [r[0] for r in rows]

    def count(self, object_name: str, *, include_deleted: bool = False) -> int:
        """The number of (live, or with ``include_deleted`` all) records of an object."""
        with self._lock:
            table = self._table(object_name)
            where = "" if include_deleted else ' WHERE "IsDeleted" = 0'
            return int(
                self._conn.execute(f"SELECT COUNT(*) FROM {table.ident}{where}").fetchone()[0]
            )

    # ---- conveniences ----------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        *,
        last_name: str,
        first_name: str | None = None,
        email: str | None = None,
        profile: str = "Standard User",
        **fields: Any,
    ) -> str:
        """Create an active user with the locale fields filled in; returns its id.

        ``profile`` is a profile name (``"System Administrator"``, ``"Standard User"``, ...).
        """
        with self._lock:
            rows = self._conn.execute(
                'SELECT "Id" FROM "Profile" WHERE "Name" = ? AND "IsDeleted" = 0', (profile,)
            ).fetchall()
            if not rows:
                raise ValueError(f"no profile named {profile!r}")
            alias = (((first_name or "")[:1] + last_name)[:8] or "user").lower()
            body: dict[str, Any] = {
                "Username": username,
                "LastName": last_name,
                "FirstName": first_name,
                "Email": email or username,
                "Alias": alias,
                "TimeZoneSidKey": "America/Los_Angeles",
                "LocaleSidKey": "en_US",
                "EmailEncodingKey": "UTF-8",
                "LanguageLocaleKey": "en_US",
                "ProfileId": rows[0][0],
            }
            body.update(fields)
            return self.create("User", body)

    # ---- internals: schema -----------------------------------------------------------------------

    def _table(self, name: str) -> _Table:
        table = self._tables.get(name.lower()) if isinstance(name, str) else None
        if table is None:
            raise not_found()
        return table

    def _load_schema(self) -> None:
        """(Re)build the schema from the standard objects plus the persisted custom metadata."""
        from .standard_objects import build_schema

        schema = build_schema()
        for name, definition in self._conn.execute(
            "SELECT name, definition FROM _fakeorg_objects ORDER BY seq"
        ).fetchall():
            attrs_ = json.loads(definition)
            prefix = attrs_.pop("key_prefix")
            schema.add(ObjectDef.build(name, prefix, **attrs_))
        for object_name, definition in self._conn.execute(
            "SELECT object, definition FROM _fakeorg_fields ORDER BY seq"
        ).fetchall():
            obj = schema.get(object_name)
            if obj is not None:
                obj.add_field(FieldDef.from_dict(json.loads(definition)))
        self.schema = schema
        self._rebuild_tables()
        for table in self._tables.values():
            self._ensure_table(table)

    def _rebuild_tables(self) -> None:
        tables = {obj.name.lower(): _Table(obj, self.schema) for obj in self.schema}
        for table in tables.values():
            for f in table.fields:
                # These point at users (never deleted) or queues (whose deletion is not modelled).
                if f.type != "reference" or f.name in USER_STAMP_FIELDS:
                    continue
                for target in f.reference_to:
                    parent = tables.get(target.lower())
                    if parent is None:
                        continue
                    if f.cascade_delete:
                        parent.cascade.append((table.name, f.name))
                    else:
                        parent.referrers.append((table.name, f.name, f.restricted_delete))
        self._tables = tables

    def _ensure_table(self, table: _Table) -> None:
        self._conn.execute(table.obj.create_table_sql())
        existing = {r[1] for r in self._conn.execute(f"PRAGMA table_info({table.ident})")}
        for f in table.fields:
            if f.name not in existing:
                # A standard field added by a newer version of the fake org: migrate in place.
                self._conn.execute(table.obj.add_column_sql(f))
        for ddl in table.indexes:
            self._conn.execute(ddl)

    def _schema_changed(self) -> None:
        self._rebuild_tables()
        for table in self._tables.values():
            self._ensure_table(table)
        self.schema_modified = self.now()
        self._set_setting("schema_modified", format_datetime(self.schema_modified))

    def _prepare_custom_field(
        self, field: FieldDef, *, allow_standard_name: bool = False, new_object: str = ""
    ) -> None:
        if not allow_standard_name and not field.name.endswith("__c"):
            raise ValueError(f"custom field names end in __c, got {field.name!r}")
        if field.type in COMPOUND_TYPES:
            raise ValueError(f"compound custom fields are not supported: {field.name}")
        if field.type == "reference":
            if not field.reference_to:
                raise ValueError(f"reference field {field.name} needs reference_to")
            for target in field.reference_to:
                if target not in self.schema and target.lower() != new_object.lower():
                    raise ValueError(f"{field.name} refers to an unknown object {target!r}")
            # Canonical casing, so reference checks and relationships find the target.
            field.reference_to = tuple(
                self.schema.get(t).name if t in self.schema else new_object  # type: ignore[union-attr]
                for t in field.reference_to
            )
        if field.name.endswith("__c"):
            field.custom = True
            if field.type == "reference" and not field.relationship_name:
                field.relationship_name = field.name[:-3] + "__r"

    def _persist_field(self, object_name: str, field: FieldDef) -> None:
        self._conn.execute(
            "INSERT INTO _fakeorg_fields (object, name, definition) VALUES (?, ?, ?)",
            (object_name, field.name, json.dumps(field.to_dict())),
        )

    def _set_setting(self, key: str, value: str) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO _fakeorg_settings (key, value) VALUES (?, ?)", (key, value)
        )

    def _advance_ids(self) -> None:
        """Make new ids continue after every id already stored (a reopened file database)."""
        highest = ""
        for table in self._tables.values():
            row = self._conn.execute(
                f'SELECT MAX(substr("Id", 7, 9)) FROM {table.ident} WHERE substr("Id", 4, 3) = ?',
                (ids.POD,),
            ).fetchone()
            if row[0] and row[0] > highest:
                highest = row[0]
        stored = self._conn.execute(
            "SELECT value FROM _fakeorg_settings WHERE key = 'id_high_water'"
        ).fetchone()
        if stored and stored[0] > highest:
            highest = stored[0]
        if highest:
            # Base-62 digits sort in ASCII order, so the text maximum is the numeric maximum.
            self._ids.advance_past("000" + ids.POD + highest + "AAA")

    def _bootstrap(self) -> None:
        self.org_id = self._ids.new("00D")
        self.admin_user_id = self._ids.new("005")
        self.schema_modified = self.now()
        admin_profile = self.create_system(
            "Profile",
            {
                "Name": "System Administrator",
                "UserType": "Standard",
                "PermissionsApiEnabled": True,
                "PermissionsModifyAllData": True,
                "PermissionsViewAllData": True,
                "PermissionsBulkApiHardDelete": True,
            },
        )
        self.create_system(
            "Profile",
            {"Name": "Standard User", "UserType": "Standard", "PermissionsApiEnabled": True},
        )
        self.create_system(
            "Profile", {"Name": "Read Only", "UserType": "Standard", "PermissionsApiEnabled": True}
        )
        role = self.create_system("UserRole", {"Name": "CEO", "DeveloperName": "CEO"})
        self.create_system(
            "User",
            {
                "Username": ADMIN_USERNAME,
                "FirstName": "Admin",
                "LastName": "User",
                "Email": ADMIN_USERNAME,
                "Alias": "admin",
                "CommunityNickname": "admin",
                "CompanyName": ORG_NAME,
                "Title": "Administrator",
                "TimeZoneSidKey": "America/Los_Angeles",
                "LocaleSidKey": "en_US",
                "EmailEncodingKey": "UTF-8",
                "LanguageLocaleKey": "en_US",
                "ProfileId": admin_profile,
                "UserRoleId": role,
                "UserType": "Standard",
            },
            record_id=self.admin_user_id,
        )
        self.create_system(
            "Organization",
            {
                "Name": ORG_NAME,
                "Country": "United States",
                "DefaultLocaleSidKey": "en_US",
                "TimeZoneSidKey": "America/Los_Angeles",
                "LanguageLocaleKey": "en_US",
                "OrganizationType": "Developer Edition",
                "InstanceName": "FAKE1",
                "IsSandbox": False,
                "FiscalYearStartMonth": 1,
                "PrimaryContact": "Admin User",
            },
            record_id=self.org_id,
        )
        self.standard_pricebook_id = self.create_system(
            "Pricebook2", {"Name": "Standard Price Book", "IsActive": True, "IsStandard": True}
        )
        self._set_setting("org_id", self.org_id)
        self._set_setting("admin_user_id", self.admin_user_id)
        self._set_setting("standard_pricebook_id", self.standard_pricebook_id)
        self._set_setting("schema_modified", format_datetime(self.schema_modified))

    # ---- internals: records ----------------------------------------------------------------------

    def _stamp(self) -> str:
        return format_datetime(self.now())

    def _fetch(self, table: _Table, record_id: str) -> dict[str, Any] | None:
        row = self._conn.execute(table.select_sql, (record_id,)).fetchone()
        return None if row is None else dict(zip(table.columns, row))

    def _record_id(self, table: _Table, record_id: Any) -> str:
        normalized = ids.normalize_id(record_id) if isinstance(record_id, str) else None
        if normalized is None:
            raise SalesforceError(400, "MALFORMED_ID", f"malformed id {record_id}", ["Id"])
        if normalized[:3] != table.obj.key_prefix:
            raise SalesforceError(
                400,
                "MALFORMED_ID",
                f"{table.obj.label} ID: id value of incorrect type: {record_id}",
                ["Id"],
            )
        return normalized

    def _resolve_fields(self, table: _Table, names: Sequence[str]) -> list[FieldDef]:
        selected = []
        for name in names:
            field = table.obj.field(name.strip()) if isinstance(name, str) else None
            if field is None:
                raise invalid_field(str(name).strip(), table.name)
            selected.append(field)
        return selected

    def _external_field(self, table: _Table, field_name: str) -> FieldDef:
        field = table.obj.field(field_name) if isinstance(field_name, str) else None
        if field is None or not (field.name == "Id" or field.external_id):
            raise not_found()
        return field

    def _record_json(
        self, table: _Table, row: Mapping[str, Any], selected: Sequence[FieldDef], api_version: str
    ) -> dict[str, Any]:
        record_id = row["Id"]
        out: dict[str, Any] = {
            "attributes": {
                "type": table.name,
                "url": record_url(table.name, record_id, api_version),
            }
        }
        for f in selected:
            if f.type in COMPOUND_TYPES:
                out[f.name] = f.assemble(row)
            elif f.type == "base64":
                out[f.name] = (
                    blob_url(table.name, record_id, f.name, api_version) if row[f.name] else None
                )
            else:
                out[f.name] = f.to_json(row[f.name])
        return out

    def _convert(
        self,
        table: _Table,
        fields: Mapping[str, Any],
        source: str,
        *,
        creating: bool,
        system: bool,
        record_id: str | None = None,
    ) -> dict[str, Any]:
        """Incoming values -> {canonical name: storage value}, checking names and writability."""
        if not isinstance(fields, Mapping):
            raise SalesforceError(400, "JSON_PARSER_ERROR", "The record must be a JSON object")
        values: dict[str, Any] = {}
        read_only: list[str] = []
        for key, value in fields.items():
            if source == "text":
                if value == "":
                    continue
                if value == "#N/A":
                    value = None
            field = table.obj.field(key) if isinstance(key, str) else None
            if field is None:
                if key == "attributes":
                    continue
                foreign = self._foreign_key(table, key, value, source)
                if foreign is None:
                    raise invalid_field(str(key), table.name)
                field, value = foreign
                source_of_value = "json"
            else:
                source_of_value = source
            if field.name == "Id":
                if not creating and (value is None or ids.normalize_id(str(value)) == record_id):
                    continue
                read_only.append(field.name)
                continue
            writable = field.createable if creating else field.updateable
            if not field.stored or not (writable or system):
                read_only.append(field.name)
                continue
            values[field.name] = field.to_storage(
                value, source=source_of_value, object_name=table.name
            )
        if read_only:
            raise SalesforceError(
                400,
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                f"Unable to create/update fields: {', '.join(read_only)}. Please check the "
                "security settings of this field and verify that it is read/write for your "
                "profile or permission set.",
                read_only,
            )
        return values

    def _foreign_key(
        self, table: _Table, key: Any, value: Any, source: str
    ) -> tuple[FieldDef, str | None] | None:
        """Resolve a lookup given by the parent's external id; None when ``key`` is no such thing.

        JSON: ``"Account": {"External_Id__c": "X"}`` (polymorphic lookups add
        ``"attributes": {"type": "Account"}``). CSV text: ``Account.External_Id__c`` or, for
        polymorphic lookups, ``Account:What.External_Id__c`` / ``What:Account.External_Id__c``.
        Returns the reference field and the parent's id (None for a null value).
        """
        if not isinstance(key, str):
            return None
        type_name: str | None = None
        if source == "text":
            if "." not in key:
                return None
            relationship, ext_name = key.split(".", 1)
            if ":" in relationship:
                first, second = relationship.split(":", 1)
                type_name, relationship = (
                    (first, second) if table.obj.relationship(second) else (second, first)
                )
            ext_value = value
        else:
            if value is not None and not isinstance(value, Mapping):
                return None
            relationship = key
            ext_name, ext_value = "", None
            if value is not None:
                keys = [k for k in value if k != "attributes"]
                if len(keys) != 1:
                    raise SalesforceError(
                        400,
                        "INVALID_FIELD",
                        f"{key}: a foreign key must name exactly one external id field",
                        [key],
                    )
                ext_name, ext_value = keys[0], value[keys[0]]
                attributes = value.get("attributes")
                if isinstance(attributes, Mapping):
                    type_name = attributes.get("type")
        reference = table.obj.relationship(relationship)
        if reference is None or reference.type != "reference":
            return None
        if ext_value is None:
            return reference, None
        targets = [t for t in reference.reference_to if t.lower() in self._tables]
        if type_name is not None:
            targets = [t for t in targets if t.lower() == str(type_name).lower()]
        if len(targets) != 1:
            raise SalesforceError(
                400,
                "INVALID_FIELD",
                f"{reference.relationship_name}: give the type of the related record "
                f"(one of {', '.join(reference.reference_to)})",
                [reference.name],
            )
        parent = self._tables[targets[0].lower()]
        ext_field = parent.obj.field(str(ext_name))
        usable = ext_field is not None and (
            ext_field.name == "Id"
            or (
                ext_field.name in parent.external_sql
                and (ext_field.external_id or ext_field.id_lookup)
            )
        )
        if not usable or ext_field is None:
            raise SalesforceError(
                400,
                "INVALID_FIELD",
                f"Field name provided, {ext_name} is not an External ID or indexed field for "
                f"{parent.name}",
                [reference.name],
            )
        if ext_field.name == "Id":
            matches = self.find_by_external_id(parent.name, "Id", str(ext_value))
        else:
            stored = ext_field.to_storage(ext_value, source=source, object_name=parent.name)
            rows = self._conn.execute(parent.external_sql[ext_field.name], (stored,)).fetchall()
            matches = [r[0] for r in rows]
        if not matches:
            raise SalesforceError(
                400,
                "INVALID_FIELD",
                f"Foreign key external ID: {ext_value} not found for field {ext_field.name} in "
                f"entity {parent.name}",
                [reference.name],
            )
        if len(matches) > 1:
            raise SalesforceError(
                400,
                "DUPLICATE_EXTERNAL_ID",
                f"Foreign key external ID: {ext_value} matched more than one record",
                [reference.name],
            )
        return reference, matches[0]

    def _create(
        self,
        table: _Table,
        fields: Mapping[str, Any],
        *,
        user_id: str | None,
        source: str,
        system: bool = False,
        record_id: str | None = None,
    ) -> str:
        values = self._convert(table, fields, source, creating=True, system=system)
        row: dict[str, Any] = dict(table.defaults)
        row.update(values)
        missing = [f.name for f in table.required if row.get(f.name) is None]
        if missing:
            raise required_missing(missing)
        now = self._stamp()
        user = user_id or self.admin_user_id
        new_id = record_id or self._ids.new(table.obj.key_prefix)
        row["Id"] = new_id
        row["IsDeleted"] = 0
        for stamp in ("CreatedDate", "LastModifiedDate", "SystemModstamp"):
            if row.get(stamp) is None:
                row[stamp] = now
        for by in ("CreatedById", "LastModifiedById"):
            if row.get(by) is None:
                row[by] = user
        if table.has_owner and row.get("OwnerId") is None:
            row["OwnerId"] = user
        if table.obj.custom and row.get("Name") is None and "Name" in table.columns:
            row["Name"] = new_id
        changed = set(values)
        if table.before_write is not None:
            table.before_write(self, row, None, changed)
        for name in table.references:
            if name in values and row.get(name) is not None:
                self._check_reference(table, name, row[name])
        self._check_unique(table, row, None)
        self._conn.execute(table.insert_sql, [row.get(c) for c in table.columns])
        if table.after_write is not None:
            table.after_write(self, row, None, changed)
        return new_id

    def _update(
        self,
        table: _Table,
        record_id: str,
        fields: Mapping[str, Any],
        *,
        user_id: str | None,
        source: str,
        system: bool = False,
        system_change: bool = False,
    ) -> None:
        """Update one record. ``system_change``: a change the system makes on its own (clearing a
        lookup to a deleted record), which moves SystemModstamp but not LastModifiedDate or
        LastModifiedById."""
        normalized = self._record_id(table, record_id)
        old = self._fetch(table, normalized)
        if old is None:
            raise not_found()
        if old["IsDeleted"]:
            raise _entity_is_deleted()
        values = self._convert(
            table, fields, source, creating=False, system=system, record_id=normalized
        )
        cleared = [f.name for f in table.required if f.name in values and values[f.name] is None]
        if cleared:
            raise required_missing(cleared)
        row = dict(old)
        row.update(values)
        if "SystemModstamp" not in values:
            row["SystemModstamp"] = self._stamp()
        if "LastModifiedDate" not in values and not system_change:
            row["LastModifiedDate"] = row["SystemModstamp"]
        if "LastModifiedById" not in values and not system_change:
            row["LastModifiedById"] = user_id or self.admin_user_id
        changed = set(values)
        if table.before_write is not None:
            table.before_write(self, row, old, changed)
        for name in table.references:
            if name in values and row.get(name) is not None and row[name] != old.get(name):
                self._check_reference(table, name, row[name])
        self._check_unique(table, row, old)
        columns = [
            c
            for c in table.columns
            if (c in values if c in table.blobs else row.get(c) != old.get(c)) and c != "Id"
        ]
        if columns:
            assignments = ", ".join(f"{sql_ident(c)} = ?" for c in columns)
            self._conn.execute(
                f'UPDATE {table.ident} SET {assignments} WHERE "Id" = ?',
                [*(row.get(c) for c in columns), normalized],
            )
        if table.after_write is not None:
            table.after_write(self, row, old, changed)

    def _check_reference(self, table: _Table, field_name: str, value: str) -> None:
        field = table.obj.field(field_name)
        assert field is not None
        target = table.references[field_name].get(value[:3])
        if target is None:
            if len(field.reference_to) > 1:
                raise SalesforceError(
                    400,
                    "FIELD_INTEGRITY_EXCEPTION",
                    f"{field.label}: id value of incorrect type: {value}",
                    [field.name],
                )
            raise SalesforceError(
                400,
                "MALFORMED_ID",
                f"{field.label}: id value of incorrect type: {value}",
                [field.name],
            )
        state = self._conn.execute(self._tables[target.lower()].state_sql, (value,)).fetchone()
        if state is None or state[0]:
            raise SalesforceError(
                400,
                "INVALID_CROSS_REFERENCE_KEY",
                "entity is deleted" if state is not None else "invalid cross reference id",
                [field.name],
            )

    def _check_unique(
        self, table: _Table, row: Mapping[str, Any], old: Mapping[str, Any] | None
    ) -> None:
        for f in table.unique:
            value = row.get(f.name)
            if value is None or (old is not None and old.get(f.name) == value):
                continue
            clash = self._conn.execute(table.unique_sql[f.name], (value, row["Id"])).fetchone()
            if clash is not None:
                if table.name == "User" and f.name == "Username":
                    raise SalesforceError(
                        400,
                        "DUPLICATE_USERNAME",
                        "Duplicate Username.<br>The username already exists in this or another "
                        "Salesforce organization. Usernames must be unique across all Salesforce "
                        "organizations. To resolve, use a different username (it doesn't need to "
                        "match the user's email address). ",
                        ["Username"],
                    )
                raise SalesforceError(
                    400,
                    "DUPLICATE_VALUE",
                    f"duplicate value found: {f.name} duplicates value on record with id: "
                    f"{clash[0]}",
                    [],
                )

    def _delete_tree(self, table: _Table, record_id: str, hard: bool, now: str) -> None:
        """Delete a record with its cascade children, after letting go of other lookups to them.

        Every record to delete is found first, so a lookup between two of them is neither cleared
        nor in the way. A live record outside the tree that uses one of them through a lookup
        without cascade delete has the lookup cleared (SystemModstamp moves, LastModifiedDate and
        LastModifiedById stay: a system change); when that lookup cannot be null, the delete is
        refused with 400 DELETE_FAILED before anything is written.
        """
        doomed: dict[str, _Table] = {}
        self._collect_tree(table, record_id, hard, doomed, set())
        clears: list[tuple[_Table, str, str]] = []
        for parent_id, parent in doomed.items():
            for child_name, field_name, restricted in parent.referrers:
                child = self._tables[child_name.lower()]
                users = [
                    child_id
                    for (child_id,) in self._conn.execute(
                        f'SELECT "Id" FROM {child.ident} WHERE {sql_ident(field_name)} = ? '
                        'AND "IsDeleted" = 0 ORDER BY "Id"',
                        (parent_id,),
                    ).fetchall()
                    if child_id not in doomed
                ]
                if users and restricted:
                    raise self._delete_failed(parent, parent_id, child, users)
                clears.extend((child, child_id, field_name) for child_id in users)
        for child, child_id, field_name in clears:
            self._update(
                child,
                child_id,
                {field_name: None},
                user_id=None,
                source="json",
                system=True,
                system_change=True,
            )
        for gone_id, gone in doomed.items():
            before = self._fetch(gone, gone_id) if gone.after_delete is not None else None
            if hard:
                self._conn.execute(f'DELETE FROM {gone.ident} WHERE "Id" = ?', (gone_id,))
                self._remember_id(gone_id)
            else:
                self._conn.execute(
                    f'UPDATE {gone.ident} SET "IsDeleted" = 1, "SystemModstamp" = ? WHERE "Id" = ?',
                    (now, gone_id),
                )
            if before is not None and gone.after_delete is not None:
                gone.after_delete(self, before, None, set())

    def _collect_tree(
        self, table: _Table, record_id: str, hard: bool, doomed: dict[str, _Table], seen: set[str]
    ) -> None:
        """Add the cascade children of a record, then the record, to ``doomed`` (children first:
        the order they are deleted in)."""
        if record_id in seen:
            return
        seen.add(record_id)
        live = "" if hard else ' AND "IsDeleted" = 0'
        for child_name, field_name in table.cascade:
            child = self._tables[child_name.lower()]
            for (child_id,) in self._conn.execute(
                f'SELECT "Id" FROM {child.ident} WHERE {sql_ident(field_name)} = ?{live}',
                (record_id,),
            ).fetchall():
                self._collect_tree(child, child_id, hard, doomed, seen)
        doomed[record_id] = table

    def _delete_failed(
        self, parent: _Table, parent_id: str, child: _Table, child_ids: Sequence[str]
    ) -> SalesforceError:
        def name_of(table: _Table, record_id: str) -> str:
            name_field = table.obj.name_field
            if name_field is None or not name_field.stored:
                return record_id
            row = self._conn.execute(
                f'SELECT {sql_ident(name_field.name)} FROM {table.ident} WHERE "Id" = ?',
                (record_id,),
            ).fetchone()
            return str(row[0]) if row is not None and row[0] is not None else record_id

        plural = (child.obj.label_plural or child.name).lower()
        names = ", ".join(name_of(child, child_id) for child_id in child_ids)
        return SalesforceError(
            400,
            "DELETE_FAILED",
            f"Your attempt to delete {name_of(parent, parent_id)} could not be completed because "
            f"it is associated with the following {plural}.: {names}",
            [],
        )

    def _remember_id(self, record_id: str) -> None:
        """Keep the id counter's high-water mark when a row disappears, so ids are never reused."""
        if record_id[3:6] != ids.POD:
            return
        counter = record_id[6:15]
        stored = self._conn.execute(
            "SELECT value FROM _fakeorg_settings WHERE key = 'id_high_water'"
        ).fetchone()
        if stored is None or stored[0] < counter:
            self._set_setting("id_high_water", counter)


_SYSTEM_FIELD_NAMES_WITH_OWNER = frozenset({"Id", "IsDeleted", "OwnerId", *_AUDIT_FIELDS})


def _not_supported(object_name: str, operation: str) -> SalesforceError:
    return SalesforceError(
        400, "INVALID_TYPE_FOR_OPERATION", f"entity type {object_name} does not support {operation}"
    )


def _parse_stamp(text: str | None) -> dt.datetime:
    from .schema import parse_datetime

    return parse_datetime(text) if text else _utcnow()
