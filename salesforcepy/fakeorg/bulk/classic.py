"""Bulk API 1.0 ("classic") jobs and batches in the fake org: model, batch bodies, results.

A job holds batches; each batch is processed by the same background worker as Bulk 2.0 jobs, as
soon as it is added (closing a job only stops new batches). Batch bodies are CSV, XML
(``<sObjects>`` in the dataload namespace) or JSON (an array of records); for query jobs the body
is the SOQL text. Results come back in the job's content type.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Optional

import attrs
from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from ..json_input import parse_json
from .csvio import CsvProblem, decode, read_rows, write_rows
from .jobs import _elapsed_ms
from .querying import cell
from .rows import RowOutcome

__all__ = [
    "NS",
    "XSI",
    "BatchProblem",
    "ClassicBatch",
    "ClassicJob",
    "parse_batch",
    "xml_date",
]

NS = "http://www.force.com/2009/06/asyncapi/dataload"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QUERY_OPERATIONS = ("query", "queryAll")
CONTENT_TYPES = ("CSV", "XML", "JSON")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


class BatchProblem(Exception):
    """A batch that cannot be processed; the message is its ``stateMessage``."""


def xml_date(rest_date: str) -> str:
    """``2024-05-01T17:44:45.000Z`` from the REST form ``2024-05-01T17:44:45.000+0000``."""
    return rest_date[:-5] + "Z" if rest_date.endswith("+0000") else rest_date


@attrs.define(eq=False, kw_only=True)
class ClassicBatch:
    """One Bulk 1.0 batch: the request body, progress, row outcomes or query results."""

    id: str
    job: ClassicJob
    created_date: str
    body: bytes
    state: str = "Queued"
    state_message: Optional[str] = None
    system_modstamp: str = ""
    header: list[str] = attrs.field(factory=list)
    records: Optional[list[Optional[dict[str, Any]]]] = None
    outcomes: list[RowOutcome] = attrs.field(factory=list)
    processed: int = 0
    failed: int = 0
    ready_at: float = 0.0
    started_at: Optional[float] = None
    finished_at: Optional[float] = None
    active_seconds: float = 0.0
    applier: Any = attrs.field(default=None, repr=False)
    # Query batches: one result per batch.
    result_ids: list[str] = attrs.field(factory=list)
    columns: list[str] = attrs.field(factory=list)
    result_rows: list[list[str]] = attrs.field(factory=list)
    result_records: list[dict[str, Any]] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        if not self.system_modstamp:
            self.system_modstamp = self.created_date

    @property
    def deleted(self) -> bool:
        return self.job.deleted

    @property
    def finished(self) -> bool:
        return self.state in ("Completed", "Failed", "NotProcessed")

    def info(self) -> dict[str, Any]:
        """batchInfo, in Salesforce's element order."""
        info: dict[str, Any] = {"id": self.id, "jobId": self.job.id, "state": self.state}
        if self.state_message is not None:
            info["stateMessage"] = self.state_message
        info.update(
            {
                "createdDate": xml_date(self.created_date),
                "systemModstamp": xml_date(self.system_modstamp),
                "numberRecordsProcessed": self.processed,
                "numberRecordsFailed": self.failed,
                "totalProcessingTime": _elapsed_ms(self.started_at, self.finished_at),
                "apiActiveProcessingTime": int(self.active_seconds * 1000),
                "apexProcessingTime": 0,
            }
        )
        return info

    # ---- results -------------------------------------------------------------------------------

    def results_body(self) -> tuple[bytes, str]:
        """The batch result (ingest) or result-id list (query) and its content type."""
        kind = self.job.content_type
        if self.job.is_query:
            if kind == "JSON":
                return _json(self.result_ids)
            root = etree.Element(f"{{{NS}}}result-list", nsmap={None: NS})
            for result_id in self.result_ids:
                etree.SubElement(root, f"{{{NS}}}result").text = result_id
            return _xml(root)
        if kind == "JSON":
            items = []
            for outcome in self.outcomes:
                error = outcome.error
                items.append(
                    {
                        "success": error is None,
                        "created": outcome.created,
                        "id": outcome.record_id or None,
                        "errors": []
                        if error is None
                        else [
                            {
                                "message": error.message,
                                "fields": list(error.fields),
                                "statusCode": error.error_code,
                            }
                        ],
                    }
                )
            return _json(items)
        if kind == "XML":
            root = etree.Element(f"{{{NS}}}results", nsmap={None: NS})
            for outcome in self.outcomes:
                result = etree.SubElement(root, f"{{{NS}}}result")
                if outcome.error is not None:
                    errors = etree.SubElement(result, f"{{{NS}}}errors")
                    for field in outcome.error.fields:
                        etree.SubElement(errors, f"{{{NS}}}fields").text = field
                    etree.SubElement(errors, f"{{{NS}}}message").text = outcome.error.message
                    etree.SubElement(errors, f"{{{NS}}}statusCode").text = outcome.error.error_code
                if outcome.record_id:
                    etree.SubElement(result, f"{{{NS}}}id").text = outcome.record_id
                etree.SubElement(result, f"{{{NS}}}success").text = _bool(outcome.ok)
                etree.SubElement(result, f"{{{NS}}}created").text = _bool(outcome.created)
            return _xml(root)
        rows = [
            [
                outcome.record_id,
                _bool(outcome.ok),
                _bool(outcome.created),
                outcome.error.as_bulk_error() if outcome.error is not None else "",
            ]
            for outcome in self.outcomes
        ]
        return write_rows(["Id", "Success", "Created", "Error"], rows).encode(
            "utf-8"
        ), "text/csv; charset=UTF-8"

    def query_result_body(self) -> tuple[bytes, str]:
        """The rows of a query batch's (only) result in the job's content type."""
        kind = self.job.content_type
        if kind == "JSON":
            return _json(self.result_records)
        if kind == "XML":
            root = etree.Element(f"{{{NS}}}queryResult", nsmap={None: NS, "xsi": XSI})
            for record in self.result_records:
                element = etree.SubElement(root, f"{{{NS}}}records")
                _record_xml(element, record)
            return _xml(root)
        return write_rows(self.columns, self.result_rows).encode("utf-8"), "text/csv; charset=UTF-8"


@attrs.define(eq=False, kw_only=True)
class ClassicJob:
    """A Bulk API 1.0 job and its batches."""

    id: str
    object: str
    operation: str
    content_type: str
    created_by: str
    created_date: str
    api_version: str
    concurrency_mode: str = "Parallel"
    external_id_field: Optional[str] = None
    assignment_rule_id: Optional[str] = None
    state: str = "Open"
    system_modstamp: str = ""
    batches: list[ClassicBatch] = attrs.field(factory=list)
    deleted: bool = False

    job_type = "Classic"

    def __attrs_post_init__(self) -> None:
        if not self.system_modstamp:
            self.system_modstamp = self.created_date

    @property
    def is_query(self) -> bool:
        return self.operation in QUERY_OPERATIONS

    def batch(self, batch_id: str) -> Optional[ClassicBatch]:
        return next((b for b in self.batches if b.id == batch_id), None)

    def info(self) -> dict[str, Any]:
        """jobInfo, in Salesforce's element order."""
        counts = {state: 0 for state in ("Queued", "InProgress", "Completed", "Failed")}
        for batch in self.batches:
            if batch.state in counts:
                counts[batch.state] += 1
        info: dict[str, Any] = {
            "id": self.id,
            "operation": self.operation,
            "object": self.object,
            "createdById": self.created_by,
            "createdDate": xml_date(self.created_date),
            "systemModstamp": xml_date(self.system_modstamp),
            "state": self.state,
        }
        if self.external_id_field is not None:
            info["externalIdFieldName"] = self.external_id_field
        if self.assignment_rule_id is not None:
            info["assignmentRuleId"] = self.assignment_rule_id
        info.update(
            {
                "concurrencyMode": self.concurrency_mode,
                "contentType": self.content_type,
                "numberBatchesQueued": counts["Queued"],
                "numberBatchesInProgress": counts["InProgress"],
                "numberBatchesCompleted": counts["Completed"],
                "numberBatchesFailed": counts["Failed"],
                "numberBatchesTotal": len(self.batches),
                "numberRecordsProcessed": sum(b.processed for b in self.batches),
                "numberRetries": 0,
                "apiVersion": float(self.api_version),
                "numberRecordsFailed": sum(b.failed for b in self.batches),
                "totalProcessingTime": sum(
                    _elapsed_ms(b.started_at, b.finished_at) for b in self.batches
                ),
                "apiActiveProcessingTime": sum(int(b.active_seconds * 1000) for b in self.batches),
                "apexProcessingTime": 0,
            }
        )
        return info

    def list_info(self) -> dict[str, Any]:
        """One record of the Bulk 2.0 job lists (``jobType`` ``Classic``)."""
        return {
            "id": self.id,
            "operation": self.operation,
            "object": self.object,
            "createdById": self.created_by,
            "createdDate": self.created_date,
            "systemModstamp": self.system_modstamp,
            "state": self.state,
            "concurrencyMode": self.concurrency_mode,
            "contentType": self.content_type,
            "apiVersion": float(self.api_version),
            "jobType": self.job_type,
        }


# ---- batch bodies --------------------------------------------------------------------------------


def parse_batch(content_type: str, body: bytes) -> tuple[list[str], list[Optional[dict[str, Any]]]]:
    """The columns and records of an ingest batch (``None`` for a row of the wrong length).

    Raises:
        BatchProblem: the body cannot be read; the message is the batch's ``stateMessage``.
    """
    if content_type == "JSON":
        return _parse_json(body)
    if content_type == "XML":
        return _parse_xml(body)
    try:
        rows = read_rows(decode(body), ",")
    except CsvProblem as exc:
        raise BatchProblem(str(exc)) from None
    if not rows:
        raise BatchProblem("InvalidBatch : The batch is empty")
    header = [name.strip() for name in rows[0]]
    records: list[Optional[dict[str, Any]]] = [
        dict(zip(header, row)) if len(row) == len(header) else None for row in rows[1:]
    ]
    return header, records


def _columns(records: Sequence[Optional[Mapping[str, Any]]]) -> list[str]:
    columns: dict[str, None] = {}
    for record in records:
        for key in record or ():
            if key != "attributes":
                columns.setdefault(key, None)
    return list(columns)


def _parse_json(body: bytes) -> tuple[list[str], list[Optional[dict[str, Any]]]]:
    try:
        data = parse_json(body)
    except ValueError as exc:
        raise BatchProblem(f"InvalidBatch : Failed to parse JSON: {exc}") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise BatchProblem("InvalidBatch : A JSON batch must be an array of records")
    return _columns(data), list(data)


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _parse_xml(body: bytes) -> tuple[list[str], list[Optional[dict[str, Any]]]]:
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise BatchProblem(f"InvalidBatch : Failed to parse XML: {exc}") from None
    if _local(root) != "sObjects":
        raise BatchProblem("InvalidBatch : The XML batch must be an sObjects element")
    records: list[Optional[dict[str, Any]]] = []
    for item in root:
        if _local(item) != "sObject":
            continue
        record: dict[str, Any] = {}
        for field in item:
            name = _local(field)
            if not name:
                continue
            if name == "fieldsToNull":
                record[(field.text or "").strip()] = "#N/A"
            elif field.get(f"{{{XSI}}}nil") == "true":
                record[name] = "#N/A"
            elif len(field):
                # <Account><External_Id__c>X</External_Id__c></Account>: a lookup by external id.
                for inner in field:
                    inner_name = _local(inner)
                    if inner_name and inner_name != "type":
                        record[f"{name}.{inner_name}"] = inner.text or ""
            else:
                record[name] = field.text or ""
        records.append(record)
    return _columns(records), records


# ---- output helpers ------------------------------------------------------------------------------


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _json(payload: Any) -> tuple[bytes, str]:
    return json.dumps(payload, separators=(",", ":")).encode("utf-8"), "application/json"


def _xml(root: Any) -> tuple[bytes, str]:
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return body, "application/xml"


def _record_xml(element: Any, record: Mapping[str, Any]) -> None:
    element.set(f"{{{XSI}}}type", "sObject")
    attributes = record.get("attributes") or {}
    etree.SubElement(element, f"{{{NS}}}type").text = str(attributes.get("type", ""))
    for key, value in record.items():
        if key == "attributes":
            continue
        child = etree.SubElement(element, f"{{{NS}}}{key}")
        if value is None:
            child.set(f"{{{XSI}}}nil", "true")
        elif isinstance(value, Mapping):
            _record_xml(child, value)
        else:
            child.text = cell(value)
