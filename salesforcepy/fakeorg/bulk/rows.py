"""Applying the rows of a bulk job to the store, one row at a time, chunk by chunk.

Each row goes through the same ``Store`` calls the REST API uses (``create``, ``update``,
``upsert``, ``delete``), so it gets the same validation: required fields, field types, restricted
picklists, lookups (by id or by the parent's external id), unique and external-id fields. CSV and
XML values use ``source="text"`` (an empty cell leaves a field alone, ``#N/A`` sets it to null);
Bulk 1.0 JSON batches use JSON values. A row that fails becomes a :class:`RowOutcome` carrying the
error; nothing a row does can stop the job.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Optional

import attrs

from .. import ids
from ..errors import MultipleMatches, SalesforceError

if TYPE_CHECKING:
    from ..schema import ObjectDef
    from ..store import Store

__all__ = [
    "INGEST_OPERATIONS",
    "RowApplier",
    "RowOutcome",
    "header_problem",
    "may_hard_delete",
]

logger = logging.getLogger(__name__)

INGEST_OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")


@attrs.frozen
class RowOutcome:
    """What happened to one row: the record id (``""`` if none), whether it was created, and the
    error when the row failed."""

    record_id: str
    created: bool
    error: Optional[SalesforceError] = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _lookup(record: Mapping[str, Any], name: str) -> tuple[Optional[str], Any]:
    """The key of ``record`` equal to ``name`` ignoring case, and its value."""
    if name in record:
        return name, record[name]
    lowered = name.lower()
    for key, value in record.items():
        if isinstance(key, str) and key.lower() == lowered:
            return key, value
    return None, None


def _relationship_known(obj: ObjectDef, column: str) -> bool:
    """``Account.External_Id__c`` or ``Account:What.External_Id__c`` style lookup columns."""
    relationship = column.split(".", 1)[0]
    names = relationship.split(":", 1) if ":" in relationship else [relationship]
    return any(
        (ref := obj.relationship(name)) is not None and ref.type == "reference" for name in names
    )


def header_problem(
    obj: ObjectDef, header: Sequence[str], operation: str, external_id_field: Optional[str]
) -> Optional[str]:
    """Why a job cannot be processed at all because of its header row (None when it can).

    The message is the job's ``errorMessage``, in Salesforce's ``InvalidBatch : ...`` style.
    """
    seen: set[str] = set()
    for column in header:
        name = column.strip()
        if name.lower() in seen:
            return f"InvalidBatch : Duplicate field name: {name}"
        seen.add(name.lower())
        if obj.field(name) is not None:
            continue
        if "." in name and _relationship_known(obj, name):
            continue
        return f"InvalidBatch : Field name not found : {name}"
    if operation in ("delete", "hardDelete") and [c.strip().lower() for c in header] != ["id"]:
        return f"InvalidBatch : The '{operation}' batch must contain only ids"
    if operation == "upsert" and external_id_field and external_id_field.lower() not in seen:
        return (
            f"InvalidBatch : The external ID field {external_id_field} is not a column of the data"
        )
    return None


def _missing(name: str, call: str) -> SalesforceError:
    return SalesforceError(400, "MISSING_ARGUMENT", f"{name} not specified in {call} call", [name])


class RowApplier:
    """Applies the rows of one job to the store.

    Args:
        store: the org's store.
        object_name: canonical object name.
        operation: one of :data:`INGEST_OPERATIONS`.
        external_id_field: the upsert key (canonical name).
        user_id: the job's owner; records are created and modified as this user.
        source: ``"text"`` for CSV/XML values, ``"json"`` for JSON values.
        duplicates: upsert keys (case-folded) that occur more than once in the job; every row
            carrying one of them fails.
    """

    def __init__(
        self,
        store: Store,
        object_name: str,
        operation: str,
        *,
        external_id_field: Optional[str] = None,
        user_id: str,
        source: str = "text",
        duplicates: Iterable[str] = (),
    ) -> None:
        if operation not in INGEST_OPERATIONS:
            raise ValueError(f"not an ingest operation: {operation!r}")
        self.store = store
        self.object_name = object_name
        self.operation = operation
        self.external_id_field = external_id_field
        self.user_id = user_id
        self.source = source
        self.duplicates = frozenset(duplicates)

    @staticmethod
    def find_duplicates(records: Iterable[Mapping[str, Any]], field: str) -> set[str]:
        """Upsert keys (case-folded) that more than one record carries."""
        seen: set[str] = set()
        repeated: set[str] = set()
        for record in records:
            _, value = _lookup(record, field)
            if value is None or value == "":
                continue
            key = str(value).casefold()
            if key in seen:
                repeated.add(key)
            seen.add(key)
        return repeated

    def apply_chunk(self, records: Sequence[Optional[Mapping[str, Any]]]) -> list[RowOutcome]:
        """Apply ``records`` in one store transaction; ``None`` stands for an unreadable row."""
        outcomes: list[RowOutcome] = []
        with self.store.transaction():
            for record in records:
                if record is None:
                    outcomes.append(RowOutcome("", False, _bad_row()))
                else:
                    outcomes.append(self.apply(record))
        return outcomes

    def apply(self, record: Mapping[str, Any]) -> RowOutcome:
        """Apply one record; a failure is returned, never raised."""
        given_id = ""
        try:
            if self.operation == "insert":
                new_id = self.store.create(
                    self.object_name, record, user_id=self.user_id, source=self.source
                )
                return RowOutcome(new_id, True)
            if self.operation in ("update", "delete", "hardDelete"):
                key, value = _lookup(record, "Id")
                given_id = _id_text(value)
                if not given_id:
                    call = "an update" if self.operation == "update" else "a delete"
                    raise _missing("Id", call)
                if self.operation == "update":
                    rest = {k: v for k, v in record.items() if k != key}
                    self.store.update(
                        self.object_name, given_id, rest, user_id=self.user_id, source=self.source
                    )
                else:
                    self.store.delete(
                        self.object_name, given_id, hard=self.operation == "hardDelete"
                    )
                return RowOutcome(ids.normalize_id(given_id) or given_id, False)
            return self._upsert(record)
        except MultipleMatches as exc:
            return RowOutcome(given_id, False, _multiple(self.external_id_field or "Id", exc))
        except SalesforceError as exc:
            return RowOutcome(ids.normalize_id(given_id) or given_id, False, _row_error(exc))
        except Exception:
            logger.exception("bulk row failed unexpectedly")
            error = SalesforceError(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred")
            return RowOutcome(given_id, False, error)

    def _upsert(self, record: Mapping[str, Any]) -> RowOutcome:
        field = self.external_id_field or "Id"
        _, value = _lookup(record, field)
        text = _id_text(value) if field == "Id" else ("" if value is None else str(value))
        if field != "Id" and (text == "" or text == "#N/A"):
            raise _missing(field, "an upsert")
        if text and text.casefold() in self.duplicates:
            raise SalesforceError(
                400, "DUPLICATE_VALUE", f"Duplicate external id specified: {text}", [field]
            )
        record_id, created = self.store.upsert(
            self.object_name, field, text, record, user_id=self.user_id, source=self.source
        )
        return RowOutcome(record_id, created)


def _id_text(value: Any) -> str:
    if value is None or value == "#N/A":
        return ""
    return str(value).strip()


def _bad_row() -> SalesforceError:
    return SalesforceError(
        400, "INVALID_FIELD", "The row does not have as many values as the header has columns"
    )


def _row_error(exc: SalesforceError) -> SalesforceError:
    # REST says 404 for a well-formed id that matches nothing; bulk rows say what SOAP says.
    if exc.error_code == "NOT_FOUND":
        return SalesforceError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")
    return exc


def _multiple(field: str, exc: MultipleMatches) -> SalesforceError:
    return SalesforceError(
        300,
        "DUPLICATE_EXTERNAL_ID",
        f"{field}: more than one record found for external id field: [{', '.join(exc.ids)}]",
        [field],
    )


def may_hard_delete(store: Store, profile_id: Optional[str], api_version: str) -> bool:
    """Whether a user with the profile ``profile_id`` holds "Bulk API Hard Delete"."""
    if not profile_id:
        return False
    try:
        profile = store.get(
            "Profile", profile_id, ["PermissionsBulkApiHardDelete"], api_version=api_version
        )
    except SalesforceError:
        return False
    return bool(profile.get("PermissionsBulkApiHardDelete"))
