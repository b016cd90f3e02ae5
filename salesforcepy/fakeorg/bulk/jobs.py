"""Bulk API 2.0 jobs in the fake org: what an ingest or query job holds and how it reports itself.

A job is a plain mutable object owned by the org's :class:`~.engine.BulkJobs` registry; every change
happens under the registry's lock, either in a request handler (upload, close, abort, delete) or in
the background worker (start, chunks, completion).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Optional

import attrs

from .csvio import (
    DELIMITERS,
    LINE_ENDINGS,
    CsvProblem,
    check_line_ending,
    decode,
    read_rows,
    write_rows,
)
from .rows import RowOutcome

__all__ = [
    "TERMINAL",
    "IngestJob",
    "QueryJob",
    "api_version_number",
]

# States from which a job never moves again.
TERMINAL = frozenset({"JobComplete", "Failed", "Aborted"})

MULTIPLE_UPLOADS = (
    "Found multiple contents for job: {id}, please 'Close' / 'Abort' / 'Delete' the current Job "
    "then create a new Job and make sure you only do 'PUT' once on a given Job."
)
NO_DATA = "InvalidBatch : No data was uploaded for this job"


def api_version_number(version: str) -> float:
    """``58.0`` (a JSON number) from ``"58.0"``."""
    return float(version)


def _elapsed_ms(start: Optional[float], end: Optional[float]) -> int:
    if start is None:
        return 0
    return int(((end if end is not None else time.monotonic()) - start) * 1000)


class _CsvJob:
    """What ingest and query jobs share: CSV dialect, finished-ness, the first modstamp."""

    created_date: str
    system_modstamp: str
    column_delimiter: str
    line_ending: str
    state: str

    def __attrs_post_init__(self) -> None:
        if not self.system_modstamp:
            self.system_modstamp = self.created_date

    @property
    def delimiter(self) -> str:
        return DELIMITERS[self.column_delimiter]

    @property
    def terminator(self) -> str:
        return LINE_ENDINGS[self.line_ending]

    @property
    def finished(self) -> bool:
        return self.state in TERMINAL


@attrs.define(eq=False, kw_only=True)
class IngestJob(_CsvJob):
    """A Bulk API 2.0 ingest job: its definition, uploaded data, progress and row outcomes."""

    id: str
    object: str
    operation: str
    created_by: str
    created_date: str
    api_version: str
    line_ending: str = "LF"
    column_delimiter: str = "COMMA"
    external_id_field: Optional[str] = None
    assignment_rule_id: Optional[str] = None
    state: str = "Open"
    system_modstamp: str = ""
    uploads: list[bytes] = attrs.field(factory=list)
    error_message: Optional[str] = None
    header: Optional[list[str]] = None
    rows: Optional[list[list[str]]] = None
    outcomes: list[RowOutcome] = attrs.field(factory=list)
    processed: int = 0
    failed: int = 0
    ready_at: float = 0.0
    started_at: Optional[float] = None
    finished_at: Optional[float] = None
    active_seconds: float = 0.0
    deleted: bool = False
    # The RowApplier of a running job (made when the worker starts it).
    applier: Any = attrs.field(default=None, repr=False)

    job_type = "V2Ingest"

    # ---- reading the uploaded data -------------------------------------------------------------

    def parse(self) -> tuple[list[str], list[list[str]]]:
        """The header and data rows of the (single) upload, checked as Salesforce checks them.

        Raises:
            CsvProblem: the data cannot be processed; the message is the ``errorMessage``.
        """
        if not self.uploads:
            raise CsvProblem(NO_DATA)
        if len(self.uploads) > 1:
            raise CsvProblem(MULTIPLE_UPLOADS.format(id=self.id))
        text = decode(self.uploads[0])
        check_line_ending(text, self.line_ending)
        rows = read_rows(text, self.delimiter)
        if not rows:
            raise CsvProblem(NO_DATA)
        return rows[0], rows[1:]

    def _lenient_rows(self) -> tuple[list[str], list[list[str]]]:
        """Header and rows of every upload, read as well as possible (for unprocessed records)."""
        header: list[str] = []
        rows: list[list[str]] = []
        for upload in self.uploads:
            text = upload.decode("utf-8", errors="replace").lstrip("\ufeff")
            try:
                parsed = read_rows(text, self.delimiter)
            except CsvProblem:
                parsed = [[line] for line in text.splitlines() if line]
            if not parsed:
                continue
            if not header:
                header = parsed[0]
            rows.extend(parsed[1:])
        return header, rows

    # ---- results -------------------------------------------------------------------------------

    def successful_csv(self) -> str:
        header = self.header or []
        rows = self.rows or []
        lines = (
            [outcome.record_id, "true" if outcome.created else "false", *row]
            for outcome, row in zip(self.outcomes, rows)
            if outcome.ok
        )
        return self._write(["sf__Id", "sf__Created", *header], lines)

    def failed_csv(self) -> str:
        header = self.header or []
        rows = self.rows or []
        lines = (
            [outcome.record_id, outcome.error.as_bulk_error(), *row]
            for outcome, row in zip(self.outcomes, rows)
            if outcome.error is not None
        )
        return self._write(["sf__Id", "sf__Error", *header], lines)

    def unprocessed_csv(self) -> str:
        if self.rows is not None and self.header is not None:
            header, rows = self.header, self.rows[self.processed :]
        elif self.state == "JobComplete":
            header, rows = self.header or [], []
        else:
            header, rows = self._lenient_rows()
        if not header and not rows:
            return ""
        return self._write(header, rows)

    def _write(self, header: Sequence[str], rows: Any) -> str:
        return write_rows(header, rows, delimiter=self.delimiter, line_ending=self.terminator)

    # ---- job info ------------------------------------------------------------------------------

    def _base_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "id": self.id,
            "operation": self.operation,
            "object": self.object,
            "createdById": self.created_by,
            "createdDate": self.created_date,
            "systemModstamp": self.system_modstamp,
            "state": self.state,
        }
        if self.external_id_field is not None:
            info["externalIdFieldName"] = self.external_id_field
        info.update(
            {
                "concurrencyMode": "Parallel",
                "contentType": "CSV",
                "apiVersion": api_version_number(self.api_version),
            }
        )
        return info

    def create_info(self) -> dict[str, Any]:
        """The answer to job creation."""
        info = self._base_info()
        if self.assignment_rule_id is not None:
            info["assignmentRuleId"] = self.assignment_rule_id
        info["contentUrl"] = f"services/data/v{self.api_version}/jobs/ingest/{self.id}/batches"
        info["lineEnding"] = self.line_ending
        info["columnDelimiter"] = self.column_delimiter
        return info

    def patch_info(self) -> dict[str, Any]:
        """The answer to a close or abort (the shorter job info Salesforce sends there)."""
        return self._base_info()

    def list_info(self) -> dict[str, Any]:
        """One record of ``GET /jobs/ingest``."""
        info = self._base_info()
        info["jobType"] = self.job_type
        info["contentUrl"] = f"services/data/v{self.api_version}/jobs/ingest/{self.id}/batches"
        info["lineEnding"] = self.line_ending
        info["columnDelimiter"] = self.column_delimiter
        return info

    def info(self) -> dict[str, Any]:
        """The full job info of ``GET /jobs/ingest/{id}``."""
        info = self.create_info()
        info["jobType"] = self.job_type
        info["numberRecordsProcessed"] = self.processed
        info["numberRecordsFailed"] = self.failed
        info["retries"] = 0
        info["totalProcessingTime"] = _elapsed_ms(self.started_at, self.finished_at)
        info["apiActiveProcessingTime"] = int(self.active_seconds * 1000)
        info["apexProcessingTime"] = 0
        if self.error_message is not None:
            info["errorMessage"] = self.error_message
        return info


@attrs.define(eq=False, kw_only=True)
class QueryJob(_CsvJob):
    """A Bulk API 2.0 query job: its SOQL, progress and, once complete, the result rows."""

    id: str
    object: str
    operation: str
    query: str
    created_by: str
    created_date: str
    api_version: str
    line_ending: str = "LF"
    column_delimiter: str = "COMMA"
    state: str = "UploadComplete"
    system_modstamp: str = ""
    error_message: Optional[str] = None
    columns: list[str] = attrs.field(factory=list)
    rows: Optional[list[list[str]]] = None
    processed: int = 0
    ready_at: float = 0.0
    started_at: Optional[float] = None
    finished_at: Optional[float] = None
    deleted: bool = False

    job_type = "V2Query"

    @property
    def total(self) -> int:
        return len(self.rows) if self.rows is not None else 0

    def page(self, offset: int, size: int) -> tuple[str, int, Optional[int]]:
        """CSV text of rows ``offset`` to ``offset + size``, their count, and the next offset (None
        on the last page)."""
        rows = self.rows or []
        chunk = rows[offset : offset + size]
        end = offset + len(chunk)
        text = write_rows(
            self.columns, chunk, delimiter=self.delimiter, line_ending=self.terminator
        )
        return text, len(chunk), (end if end < len(rows) else None)

    def _base_info(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "operation": self.operation,
            "object": self.object,
            "createdById": self.created_by,
            "createdDate": self.created_date,
            "systemModstamp": self.system_modstamp,
            "state": self.state,
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": api_version_number(self.api_version),
        }

    def create_info(self) -> dict[str, Any]:
        """The answer to job creation (and to an abort)."""
        info = self._base_info()
        info["lineEnding"] = self.line_ending
        info["columnDelimiter"] = self.column_delimiter
        return info

    def list_info(self) -> dict[str, Any]:
        info = self.create_info()
        info["jobType"] = self.job_type
        return info

    def info(self) -> dict[str, Any]:
        """The full job info of ``GET /jobs/query/{id}``."""
        info = self.create_info()
        info["jobType"] = self.job_type
        info["numberRecordsProcessed"] = self.processed
        info["retries"] = 0
        info["totalProcessingTime"] = _elapsed_ms(self.started_at, self.finished_at)
        info["isPkChunkingSupported"] = False
        if self.error_message is not None:
            info["errorMessage"] = self.error_message
        return info
