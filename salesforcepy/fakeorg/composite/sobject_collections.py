"""sObject Collections: up to 200 records per call, per-record results, ``allOrNone`` rollback.

Every operation answers HTTP 200 with one result per input record, in input order, whenever the
request itself is well-formed; per-record errors use ``statusCode`` (not ``errorCode``). Malformed
requests (not JSON, ``records`` missing, more than 200 records, more than 10 runs of consecutive
same-type records) raise ``SalesforceError`` and become a top-level 400 error array.

Without ``allOrNone`` each record is saved (or fails) on its own. With it, all records run inside
one store transaction; if any fails, the transaction is rolled back, the failing records keep their
real errors and every other record reports ``ALL_OR_NONE_OPERATION_ROLLED_BACK``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Callable, Optional

from ..errors import MultipleMatches, SalesforceError, not_found
from ..ids import normalize_id
from ..schema import ObjectDef

__all__ = [
    "MAX_RECORDS",
    "MAX_RETRIEVE_IDS",
    "MAX_TYPE_RUNS",
    "ROLLED_BACK_MESSAGE",
    "Collections",
    "all_or_none_flag",
    "request_records",
]

MAX_RECORDS = 200
MAX_RETRIEVE_IDS = 2000
MAX_TYPE_RUNS = 10
ROLLED_BACK_CODE = "ALL_OR_NONE_OPERATION_ROLLED_BACK"
ROLLED_BACK_MESSAGE = (
    "Record rolled back because not all records were valid and the request was using AllOrNone "
    "header"
)

# One record's outcome: (id, created) on success.
Attempt = Callable[[int], "tuple[Optional[str], Optional[bool]]"]


class _RollBack(Exception):
    """Raised inside the all-or-none transaction to undo it."""


def limit_exceeded(what: str, limit: int) -> SalesforceError:
    return SalesforceError(
        400,
        "EXCEEDED_ID_LIMIT",
        f"record limit reached. cannot submit more than {limit} {what} into this call",
    )


def all_or_none_flag(value: Any, *, source: str = "body") -> bool:
    """``allOrNone`` from a JSON body (a boolean) or a query string (``true``/``false``)."""
    if value is None:
        return False
    if source == "query":
        lowered = str(value).strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise SalesforceError(
            400, "INVALID_PARAMETER_VALUE", f"allOrNone must be true or false, not {value!r}"
        )
    if isinstance(value, bool):
        return value
    raise SalesforceError(
        400, "JSON_PARSER_ERROR", "Cannot deserialize value of type boolean for allOrNone"
    )


def request_records(body: Any) -> tuple[list[Any], bool]:
    """``(records, allOrNone)`` of a create/update/upsert body, checking its shape and size."""
    if not isinstance(body, Mapping):
        raise SalesforceError(
            400, "JSON_PARSER_ERROR", "The request body must be an object with a records array"
        )
    records = body.get("records")
    if records is None:
        raise SalesforceError(400, "JSON_PARSER_ERROR", "The 'records' field is required")
    if not isinstance(records, list):
        raise SalesforceError(400, "JSON_PARSER_ERROR", "'records' must be an array")
    if len(records) > MAX_RECORDS:
        raise limit_exceeded("records", MAX_RECORDS)
    return records, all_or_none_flag(body.get("allOrNone"))


def _declared_type(record: Any) -> str | None:
    if not isinstance(record, Mapping):
        return None
    attributes = record.get("attributes")
    if not isinstance(attributes, Mapping):
        return None
    kind = attributes.get("type")
    return kind if isinstance(kind, str) and kind else None


def check_type_runs(records: Sequence[Any]) -> None:
    """At most 10 runs of consecutive records of one type (Salesforce saves a run at a time)."""
    runs = 0
    previous: object = object()
    for record in records:
        kind = _declared_type(record)
        key = kind.lower() if kind else None
        if key != previous:
            runs += 1
            previous = key
    if runs > MAX_TYPE_RUNS:
        raise SalesforceError(
            400,
            "INVALID_BATCH_REQUEST",
            f"The records form {runs} runs of consecutive same-type records; at most "
            f"{MAX_TYPE_RUNS} are allowed. Group the records by type.",
        )


def _record_error(code: str, message: str, fields: Sequence[str] = ()) -> SalesforceError:
    return SalesforceError(400, code, message, fields)


def _unknown_id() -> SalesforceError:
    return _record_error("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")


def _field_values(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "attributes"}


def _id_key(record: Mapping[str, Any]) -> str | None:
    for key in record:
        if isinstance(key, str) and key.lower() == "id":
            return key
    return None


class Collections:
    """The five collection operations against one store, as one user.

    Args:
        store: the org's store.
        user_id: who saves the records.
        api_version: for record URLs in retrieve results.
    """

    def __init__(self, store: Any, user_id: str, api_version: str) -> None:
        self.store = store
        self.user_id = user_id
        self.api_version = api_version

    # ---- shared -----------------------------------------------------------------------------

    def _object_of(self, record: Any, expected: ObjectDef | None = None) -> ObjectDef:
        if not isinstance(record, Mapping):
            raise _record_error("JSON_PARSER_ERROR", "Each record must be a JSON object")
        kind = _declared_type(record)
        if kind is None:
            raise _record_error("INVALID_TYPE", "Must send a concrete entity type.")
        try:
            obj: ObjectDef = self.store.object(kind)
        except SalesforceError:
            raise _record_error(
                "INVALID_TYPE", f"sObject type '{kind}' is not supported."
            ) from None
        if expected is not None and obj.name != expected.name:
            raise _record_error(
                "INVALID_TYPE",
                f"The record's type {obj.name} does not match the {expected.name} of the URL.",
            )
        return obj

    def _run(
        self,
        count: int,
        attempt: Attempt,
        all_or_none: bool,
        *,
        known_id: Callable[[int], Optional[str]],
        with_created: bool = False,
        id_on_failure: bool = True,
    ) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = [{} for _ in range(count)]
        failed = False

        def one(index: int) -> None:
            nonlocal failed
            try:
                record_id, created = attempt(index)
            except SalesforceError as error:
                failed = True
                result: dict[str, Any] = {}
                if id_on_failure:
                    result["id"] = known_id(index)
                result.update(success=False, errors=[_status_code_error(error)])
                if with_created:
                    result["created"] = False
                results[index] = result
                return
            result = {"id": record_id, "success": True, "errors": []}
            if with_created:
                result["created"] = bool(created)
            results[index] = result

        if not all_or_none:
            for index in range(count):
                one(index)
            return results
        try:
            with self.store.transaction():
                for index in range(count):
                    one(index)
                if failed:
                    raise _RollBack
        except _RollBack:
            for index, result in enumerate(results):
                if result["success"]:
                    undone: dict[str, Any] = {
                        "id": known_id(index),
                        "success": False,
                        "errors": [
                            {
                                "statusCode": ROLLED_BACK_CODE,
                                "message": ROLLED_BACK_MESSAGE,
                                "fields": [],
                            }
                        ],
                    }
                    if with_created:
                        undone["created"] = False
                    results[index] = undone
        return results

    # ---- create / update / upsert / delete ---------------------------------------------------

    def create(self, records: Sequence[Any], all_or_none: bool) -> list[dict[str, Any]]:
        """``POST /composite/sobjects``: SaveResults without ``id`` for failed records."""
        check_type_runs(records)

        def attempt(index: int) -> tuple[str | None, bool | None]:
            record = records[index]
            obj = self._object_of(record)
            if _id_key(record) is not None:
                raise _record_error("INVALID_FIELD", "cannot specify Id in an insert call", ["Id"])
            if not obj.createable:
                raise _record_error(
                    "INVALID_TYPE_FOR_OPERATION", f"entity type {obj.name} does not support create"
                )
            return self.store.create(obj.name, _field_values(record), user_id=self.user_id), None

        return self._run(
            len(records), attempt, all_or_none, known_id=lambda i: None, id_on_failure=False
        )

    def update(self, records: Sequence[Any], all_or_none: bool) -> list[dict[str, Any]]:
        """``PATCH /composite/sobjects``: each record names its ``id``."""
        check_type_runs(records)

        def record_id_of(index: int) -> str | None:
            record = records[index]
            if not isinstance(record, Mapping):
                return None
            key = _id_key(record)
            value = record.get(key) if key is not None else None
            if not isinstance(value, str):
                return None
            return normalize_id(value) or value

        def attempt(index: int) -> tuple[str | None, bool | None]:
            record = records[index]
            obj = self._object_of(record)
            record_id = record_id_of(index)
            if record_id is None:
                raise _record_error("MISSING_ARGUMENT", "Id not specified in an update call")
            if normalize_id(record_id) is None:
                raise _record_error("MALFORMED_ID", f"malformed id {record_id}", ["Id"])
            try:
                self.store.update(obj.name, record_id, _field_values(record), user_id=self.user_id)
            except SalesforceError as error:
                if error.error_code == "NOT_FOUND":
                    raise _unknown_id() from None
                raise
            return record_id, None

        return self._run(len(records), attempt, all_or_none, known_id=record_id_of)

    def upsert(
        self, obj: ObjectDef, field_name: str, records: Sequence[Any], all_or_none: bool
    ) -> list[dict[str, Any]]:
        """``PATCH /composite/sobjects/{SObject}/{ExtIdField}``: UpsertResults with ``created``."""
        field = obj.field(field_name)
        if field is None or not (field.name == "Id" or field.external_id):
            raise not_found()
        check_type_runs(records)

        def value_of(record: Any) -> str | None:
            if not isinstance(record, Mapping):
                return None
            for key, value in record.items():
                if isinstance(key, str) and key.lower() == field.name.lower():
                    if value is None or value == "" or isinstance(value, (dict, list)):
                        return None
                    if isinstance(value, bool):
                        return "true" if value else "false"
                    return str(value)
            return None

        values = [value_of(record) for record in records]
        seen: dict[str, int] = {}
        for value in values:
            if value is not None:
                key = value.lower()
                seen[key] = seen.get(key, 0) + 1

        def attempt(index: int) -> tuple[str | None, bool | None]:
            record = records[index]
            self._object_of(record, obj)
            value = values[index]
            if value is None:
                raise _record_error("MISSING_ARGUMENT", f"{field.name} not specified", [field.name])
            if seen[value.lower()] > 1:
                raise _record_error(
                    "DUPLICATE_EXTERNAL_ID",
                    f"Duplicate external id specified: {value}",
                    [field.name],
                )
            try:
                record_id, created = self.store.upsert(
                    obj.name, field.name, value, _field_values(record), user_id=self.user_id
                )
            except MultipleMatches as error:
                raise _record_error(
                    "DUPLICATE_EXTERNAL_ID",
                    f"{field.name}: more than one record found for external id field: "
                    f"[{', '.join(error.ids)}]",
                    [field.name],
                ) from None
            return record_id, created

        def known(index: int) -> str | None:
            return None

        return self._run(len(records), attempt, all_or_none, known_id=known, with_created=True)

    def delete(self, ids: Sequence[str], all_or_none: bool) -> list[dict[str, Any]]:
        """``DELETE /composite/sobjects?ids=``: DeleteResults, each with the id it was given."""

        def attempt(index: int) -> tuple[str | None, bool | None]:
            raw = ids[index]
            record_id = normalize_id(raw)
            if record_id is None:
                raise _record_error("MALFORMED_ID", f"malformed id {raw}", ["Id"])
            obj = self.store.schema.object_for_id(record_id)
            if obj is None:
                raise _unknown_id()
            try:
                self.store.delete(obj.name, record_id)
            except SalesforceError as error:
                if error.error_code == "NOT_FOUND":
                    raise _unknown_id() from None
                raise
            return record_id, None

        def known(index: int) -> str | None:
            return normalize_id(ids[index]) or ids[index]

        return self._run(len(ids), attempt, all_or_none, known_id=known)

    # ---- retrieve ----------------------------------------------------------------------------

    def retrieve(
        self, obj: ObjectDef, ids: Sequence[Any], fields: Sequence[Any]
    ) -> list[dict[str, Any] | None]:
        """``GET|POST /composite/sobjects/{SObject}``: records in id order, ``None`` if absent."""
        if not ids:
            raise SalesforceError(400, "MISSING_ARGUMENT", "Missing argument: ids")
        if not fields:
            raise SalesforceError(400, "MISSING_ARGUMENT", "Missing argument: fields")
        if len(ids) > MAX_RETRIEVE_IDS:
            raise limit_exceeded("ids", MAX_RETRIEVE_IDS)
        names: list[str] = []
        for name in fields:
            field = obj.field(name.strip()) if isinstance(name, str) else None
            if field is None:
                raise SalesforceError(
                    400,
                    "INVALID_FIELD",
                    f"No such column '{name}' on sobject of type {obj.name}",
                    [str(name)],
                )
            names.append(field.name)
        normalized: list[str] = []
        for raw in ids:
            record_id = normalize_id(raw) if isinstance(raw, str) else None
            if record_id is None:
                raise SalesforceError(400, "MALFORMED_ID", f"malformed id {raw}")
            normalized.append(record_id)
        records: list[dict[str, Any] | None] = []
        for record_id in normalized:
            if record_id[:3] != obj.key_prefix:
                records.append(None)
                continue
            try:
                records.append(
                    self.store.get(obj.name, record_id, names, api_version=self.api_version)
                )
            except SalesforceError as error:
                if error.error_code != "NOT_FOUND":
                    raise
                records.append(None)
        return records


def _status_code_error(error: SalesforceError) -> dict[str, object]:
    if error.status >= 500:
        return {"statusCode": "UNKNOWN_EXCEPTION", "message": error.message, "fields": []}
    return error.as_status_code_error()
