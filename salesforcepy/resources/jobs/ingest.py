"""Bulk API 2.0 ingest jobs.

Paths covered (relative to ``/services/data/vXX.X/``):

- ``POST jobs/ingest/`` — :meth:`Ingest.create`
- ``PUT jobs/ingest/{jobId}/batches`` — :meth:`Ingest.batches` (CSV upload)
- ``PATCH jobs/ingest/{jobId}`` — :meth:`Ingest.update` (``UploadComplete`` or ``Aborted``)
- ``DELETE jobs/ingest/{jobId}`` — :meth:`Ingest.delete`
- ``GET jobs/ingest`` — :meth:`Ingest.get` (all jobs)
- ``GET jobs/ingest/{jobId}`` — :meth:`Ingest.get` with ``job_id``
- ``GET jobs/ingest/{jobId}/successfulResults/``, ``failedResults/``, ``unprocessedrecords/`` —
  :meth:`Ingest.get` with ``successes``, ``failures`` or ``unprocessed`` (CSV text)
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Optional, Union

import attrs

from ...options import Proxies, Timeout
from ...request import Request, Result, api_name, path, record_id
from .._base import Sender, require_mapping

__all__ = [
    "ColumnDelimiter",
    "Ingest",
    "JobState",
    "LineEnding",
    "Operation",
    "create_request",
    "delete_request",
    "get_request",
    "update_request",
    "upload_request",
]


class Operation(str, enum.Enum):
    """Bulk 2.0 ingest operations."""

    INSERT = "insert"
    UPDATE = "update"
    UPSERT = "upsert"
    DELETE = "delete"
    HARD_DELETE = "hardDelete"


class JobState(str, enum.Enum):
    """Bulk 2.0 job states."""

    OPEN = "Open"
    UPLOAD_COMPLETE = "UploadComplete"
    IN_PROGRESS = "InProgress"
    JOB_COMPLETE = "JobComplete"
    FAILED = "Failed"
    ABORTED = "Aborted"


class LineEnding(str, enum.Enum):
    """CSV line endings."""

    LF = "LF"
    CRLF = "CRLF"


class ColumnDelimiter(str, enum.Enum):
    """CSV column delimiters."""

    COMMA = "COMMA"
    TAB = "TAB"
    PIPE = "PIPE"
    SEMICOLON = "SEMICOLON"
    CARET = "CARET"
    BACKQUOTE = "BACKQUOTE"


# States a client may PATCH a job into; the others are reached by Salesforce itself.
_SETTABLE_STATES = (JobState.UPLOAD_COMPLETE, JobState.ABORTED)
_BASE = "jobs/ingest"


def _enum_value(value: Any, kind: type[enum.Enum], name: str) -> str:
    raw = value.value if isinstance(value, kind) else value
    allowed = [str(m.value) for m in kind]
    if raw not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {str(raw)[:40]!r}")
    return str(raw)


def _job_path(job_id: Any, *rest: str) -> str:
    return path("jobs", "ingest", record_id(job_id, "job_id"), *rest)


def create_request(job_resource: Mapping[str, Any]) -> Request:
    """``POST jobs/ingest/`` with the job definition as JSON.

    Enum members are sent as their values; keys this module does not know are passed through.

    Raises:
        TypeError, ValueError: a missing or invalid ``object``, ``operation``, ``lineEnding``,
            ``columnDelimiter`` or ``contentType``, or an upsert without ``externalIdFieldName``.
    """
    job = dict(require_mapping(job_resource, "job_resource"))
    api_name(job.get("object"), "job_resource['object']")
    job["operation"] = _enum_value(job.get("operation"), Operation, "job_resource['operation']")
    if job["operation"] == Operation.UPSERT.value:
        api_name(job.get("externalIdFieldName"), "job_resource['externalIdFieldName']")
    if "lineEnding" in job:
        job["lineEnding"] = _enum_value(job["lineEnding"], LineEnding, "job_resource['lineEnding']")
    if "columnDelimiter" in job:
        job["columnDelimiter"] = _enum_value(
            job["columnDelimiter"], ColumnDelimiter, "job_resource['columnDelimiter']"
        )
    if "contentType" in job and job["contentType"] != "CSV":
        raise ValueError("job_resource['contentType'] must be 'CSV'")
    return Request.post(_BASE + "/", json=job)


def upload_request(job_id: str, csv_file: Union[str, bytes]) -> Request:
    """``PUT jobs/ingest/{job_id}/batches`` with the CSV as ``text/csv`` (UTF-8)."""
    if not isinstance(csv_file, (str, bytes)):
        raise TypeError("csv_file must be the CSV text (str) or bytes")
    if not csv_file:
        raise ValueError("csv_file is empty")
    return Request.put(_job_path(job_id, "batches"), data=csv_file, content_type="text/csv")


def update_request(job_id: str, state: Union[str, JobState]) -> Request:
    """``PATCH jobs/ingest/{job_id}`` with ``{"state": state}``.

    Raises:
        ValueError: a state other than ``UploadComplete`` or ``Aborted``.
    """
    value = state.value if isinstance(state, JobState) else state
    allowed = [s.value for s in _SETTABLE_STATES]
    if value not in allowed:
        raise ValueError(f"state must be one of {allowed}, got {str(value)[:40]!r}")
    return Request.patch(_job_path(job_id), json={"state": value})


def delete_request(job_id: str) -> Request:
    """``DELETE jobs/ingest/{job_id}``."""
    return Request.delete(_job_path(job_id))


def get_request(
    job_id: Optional[str] = None,
    successes: bool = False,
    failures: bool = False,
    unprocessed: bool = False,
) -> Request:
    """``GET jobs/ingest``, ``GET jobs/ingest/{job_id}``, or one of its result CSVs.

    Raises:
        ValueError: more than one result flag, or a result flag without ``job_id``.
    """
    flags = [
        name
        for name, on in (
            ("successfulResults", successes),
            ("failedResults", failures),
            ("unprocessedrecords", unprocessed),
        )
        if on
    ]
    if len(flags) > 1:
        raise ValueError("pass only one of successes, failures and unprocessed")
    if job_id is None:
        if flags:
            raise ValueError("successes, failures and unprocessed need job_id")
        return Request.get(_BASE)
    if flags:
        return Request.get(_job_path(job_id, flags[0]) + "/", headers={"Accept": "text/csv"})
    return Request.get(_job_path(job_id))


@attrs.define
class Ingest:
    """Bulk API 2.0 ingest builder: ``client.jobs.ingest``."""

    _client: Sender

    def create(
        self,
        job_resource: Mapping[str, Any],
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/data/vXX.X/jobs/ingest/`` — create a job.

        Args:
            job_resource: e.g. ``{"object": "Account", "operation": "insert",
                "lineEnding": "CRLF"}``; upserts need ``externalIdFieldName``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(job_info, request)``; ``job_info["id"]`` is the job id, ``state`` is ``Open``.
        """
        return self._client._send(
            create_request(job_resource), timeout=timeout, proxies=proxies, version=version
        )

    def batches(
        self,
        job_id: str,
        csv_file: Union[str, bytes],
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``PUT /services/data/vXX.X/jobs/ingest/{job_id}/batches`` — upload the job's CSV.

        Args:
            job_id: the job id.
            csv_file: the CSV (first row: field API names); ``str`` is sent as UTF-8.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(None, request)``; status 201.
        """
        return self._client._send(
            upload_request(job_id, csv_file), timeout=timeout, proxies=proxies, version=version
        )

    def update(
        self,
        job_id: str,
        state: Union[str, JobState],
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``PATCH /services/data/vXX.X/jobs/ingest/{job_id}`` — close or abort a job.

        Args:
            job_id: the job id.
            state: ``"UploadComplete"`` (start processing) or ``"Aborted"``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(job_info, request)``.
        """
        return self._client._send(
            update_request(job_id, state), timeout=timeout, proxies=proxies, version=version
        )

    def delete(
        self,
        job_id: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``DELETE /services/data/vXX.X/jobs/ingest/{job_id}`` — delete a finished job.

        Returns:
            ``(None, request)``; status 204.
        """
        return self._client._send(
            delete_request(job_id), timeout=timeout, proxies=proxies, version=version
        )

    def get(
        self,
        job_id: Optional[str] = None,
        successes: bool = False,
        failures: bool = False,
        unprocessed: bool = False,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/jobs/ingest[/{job_id}[/{results}/]]``.

        Without ``job_id``: all ingest jobs (first page). With ``job_id``: the job's info. With one
        of ``successes`` (``successfulResults/``), ``failures`` (``failedResults/``) or
        ``unprocessed`` (``unprocessedrecords/``): that result CSV, returned as ``str``.

        Args:
            job_id: the job id.
            successes: return the successful-records CSV.
            failures: return the failed-records CSV.
            unprocessed: return the unprocessed-records CSV.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.
        """
        return self._client._send(
            get_request(job_id, successes, failures, unprocessed),
            timeout=timeout,
            proxies=proxies,
            version=version,
        )
