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
- ``GET jobs/ingest?jobType=&isPkChunkingEnabled=&queryLocator=`` — :meth:`Ingest.list` (one page),
  :meth:`Ingest.list_pages` (every page, following ``nextRecordsUrl``)

Helpers built on those calls: :meth:`Ingest.wait` polls a job until it is finished, and
:meth:`Ingest.load` runs a whole load (CSV writing, splitting, create, upload, close, wait,
results) and returns a :class:`~.load.LoadResult`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Optional, Union

import attrs

from ...exceptions import ParseError
from ...options import Proxies, Timeout
from ...request import Request, Result, api_name, path, record_id
from .._base import Sender, require_mapping
from ..query import next_page_request
from ._common import enum_value, poll, state_in
from .load import DEFAULT_MAX_BYTES, LoadResult, Records, run_load

__all__ = [
    "ColumnDelimiter",
    "Ingest",
    "JobState",
    "LineEnding",
    "Operation",
    "create_request",
    "delete_request",
    "get_request",
    "list_request",
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
# States a job never leaves.
FINAL_STATES = frozenset(
    {JobState.JOB_COMPLETE.value, JobState.FAILED.value, JobState.ABORTED.value}
)
_JOB_TYPES = ("V2Ingest", "Classic", "BigObjectIngest", "V2Query")
_BASE = "jobs/ingest"


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
    job["operation"] = enum_value(job.get("operation"), Operation, "job_resource['operation']")
    if job["operation"] == Operation.UPSERT.value:
        api_name(job.get("externalIdFieldName"), "job_resource['externalIdFieldName']")
    if "lineEnding" in job:
        job["lineEnding"] = enum_value(job["lineEnding"], LineEnding, "job_resource['lineEnding']")
    if "columnDelimiter" in job:
        job["columnDelimiter"] = enum_value(
            job["columnDelimiter"], ColumnDelimiter, "job_resource['columnDelimiter']"
        )
    if "contentType" in job and job["contentType"] != "CSV":
        raise ValueError("job_resource['contentType'] must be 'CSV'")
    return Request.post(_BASE + "/", json=job)


def upload_request(job_id: str, csv_file: Union[str, bytes], *, gzip: bool = False) -> Request:
    """``PUT jobs/ingest/{job_id}/batches`` with the CSV as ``text/csv`` (UTF-8), gzipped on
    request (``Content-Encoding: gzip``)."""
    if not isinstance(csv_file, (str, bytes)):
        raise TypeError("csv_file must be the CSV text (str) or bytes")
    if not csv_file:
        raise ValueError("csv_file is empty")
    if not gzip:
        return Request.put(_job_path(job_id, "batches"), data=csv_file, content_type="text/csv")
    import gzip as gzip_module

    raw = csv_file.encode("utf-8") if isinstance(csv_file, str) else csv_file
    return Request.put(
        _job_path(job_id, "batches"),
        data=gzip_module.compress(raw),
        content_type="text/csv",
        headers={"Content-Encoding": "gzip"},
    )


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


def list_request(
    *,
    job_type: Optional[str] = None,
    is_pk_chunking_enabled: Optional[bool] = None,
    concurrency_mode: Optional[str] = None,
    query_locator: Optional[str] = None,
    kind: str = "ingest",
) -> Request:
    """``GET jobs/{kind}`` with the list filters, or the page a ``queryLocator`` points at.

    Raises:
        ValueError: an unknown ``job_type``; an empty ``query_locator``.
        TypeError: a filter of the wrong type.
    """
    params: list[tuple[str, Any]] = []
    if job_type is not None:
        if job_type not in _JOB_TYPES:
            raise ValueError(f"job_type must be one of {list(_JOB_TYPES)}, got {job_type!r}")
        params.append(("jobType", job_type))
    if is_pk_chunking_enabled is not None:
        if not isinstance(is_pk_chunking_enabled, bool):
            raise TypeError("is_pk_chunking_enabled must be True or False")
        params.append(("isPkChunkingEnabled", is_pk_chunking_enabled))
    if concurrency_mode is not None:
        if not isinstance(concurrency_mode, str) or not concurrency_mode:
            raise TypeError("concurrency_mode must be a non-empty string")
        params.append(("concurrencyMode", concurrency_mode))
    if query_locator is not None:
        if not isinstance(query_locator, str) or not query_locator:
            raise ValueError("query_locator must be the non-empty locator of a nextRecordsUrl")
        params.append(("queryLocator", query_locator))
    return Request.get(path("jobs", kind), params=params)


def iterate_pages(client: Sender, first: Request, call: Mapping[str, Any]) -> Iterator[Result]:
    """Send ``first``, then follow ``nextRecordsUrl`` while ``done`` is false; stop after an
    error page (it is yielded too).

    The URL comes from the server: one that is not a ``/services/data/`` path on the instance,
    or one that repeats, is recorded as a :class:`~salesforcepy.exceptions.ParseError` of the
    page that gave it, which is then the last.
    """
    request: Optional[Request] = first
    seen: set[str] = set()
    while request is not None:
        body, sent = client._send(request, **call)
        request = None
        if sent.ok and isinstance(body, Mapping) and not body.get("done", True):
            url = body.get("nextRecordsUrl")
            try:
                following = next_page_request(url)
                if following.path in seen:
                    raise ParseError(f"nextRecordsUrl {url} repeats; stopping")
            except ParseError as exc:
                client._record(sent, exc)
            else:
                request = following
                seen.add(following.path)
        yield body, sent


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
        gzip: bool = False,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``PUT /services/data/vXX.X/jobs/ingest/{job_id}/batches`` — upload the job's CSV.

        Args:
            job_id: the job id.
            csv_file: the CSV (first row: field API names); ``str`` is sent as UTF-8.
            gzip: compress the body (``Content-Encoding: gzip``).
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(None, request)``; status 201.
        """
        return self._client._send(
            upload_request(job_id, csv_file, gzip=gzip),
            timeout=timeout,
            proxies=proxies,
            version=version,
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

    def list(
        self,
        *,
        job_type: Optional[str] = None,
        is_pk_chunking_enabled: Optional[bool] = None,
        query_locator: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/jobs/ingest`` — one page of ingest jobs.

        Args:
            job_type: ``"V2Ingest"``, ``"Classic"`` (Bulk 1.0) or ``"BigObjectIngest"``.
            is_pk_chunking_enabled: only jobs with (or without) PK chunking.
            query_locator: the ``queryLocator`` of a previous page's ``nextRecordsUrl``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"done", "records", "nextRecordsUrl"}, request)``.
        """
        request = list_request(
            job_type=job_type,
            is_pk_chunking_enabled=is_pk_chunking_enabled,
            query_locator=query_locator,
        )
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)

    def list_pages(
        self,
        *,
        job_type: Optional[str] = None,
        is_pk_chunking_enabled: Optional[bool] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Iterator[Result]:
        """``GET jobs/ingest``, then each ``nextRecordsUrl``: yields ``(page, request)`` per page.

        Stops after the last page, or after a page that came back with an error (yielded, so
        its ``request.exceptions`` can be read).
        """
        first = list_request(job_type=job_type, is_pk_chunking_enabled=is_pk_chunking_enabled)
        call = {"timeout": timeout, "proxies": proxies, "version": version}
        return iterate_pages(self._client, first, call)

    def wait(
        self,
        job_id: str,
        *,
        max_wait: float = 600.0,
        poll_interval: float = 1.0,
        max_interval: float = 30.0,
        backoff: float = 1.5,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """Poll ``GET /services/data/vXX.X/jobs/ingest/{job_id}`` until the job is finished.

        The interval starts at ``poll_interval`` and grows by ``backoff`` after each poll, up to
        ``max_interval``.

        Args:
            job_id: the job id.
            max_wait: give up after this many seconds.
            poll_interval: seconds before the second poll.
            max_interval: longest pause between polls.
            backoff: factor the pause grows by.
            timeout: per-call (connect, read) timeout of each poll.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(job_info, request)`` of the poll that saw ``JobComplete``, ``Failed`` or
            ``Aborted`` — or of the first poll that came back with an error.

        Raises:
            JobWaitTimeout: still running after ``max_wait`` seconds (the job is left alone).
            ValueError: a bad job id or a non-positive interval.
        """
        request = get_request(job_id)
        return poll(
            lambda: self._client._send(request, timeout=timeout, proxies=proxies, version=version),
            job_id=job_id,
            done=state_in(FINAL_STATES),
            max_wait=max_wait,
            poll_interval=poll_interval,
            max_interval=max_interval,
            backoff=backoff,
        )

    def load(
        self,
        object_type: str,
        operation: Union[str, Operation],
        records: Records,
        *,
        external_id_field: Optional[str] = None,
        fields: Optional[Sequence[str]] = None,
        line_ending: Union[str, LineEnding] = LineEnding.LF,
        column_delimiter: Union[str, ColumnDelimiter] = ColumnDelimiter.COMMA,
        assignment_rule_id: Optional[str] = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_wait: float = 3600.0,
        poll_interval: float = 1.0,
        max_interval: float = 30.0,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> LoadResult:
        """Load records with Bulk API 2.0 from start to finish.

        Writes ``records`` as CSV (in ``column_delimiter`` and ``line_ending``), splits it into
        parts of at most ``max_bytes``, and for each part calls ``POST jobs/ingest/``,
        ``PUT jobs/ingest/{id}/batches`` and ``PATCH jobs/ingest/{id}`` (``UploadComplete``).
        Then it waits for every job (see :meth:`wait`; ``max_wait`` bounds the whole wait) and
        reads ``successfulResults/``, ``failedResults/`` and ``unprocessedrecords/`` of each.

        Values of dict records: ``None`` becomes ``#N/A`` (set the field to null), a missing key
        an empty cell (leave the field alone), booleans ``true``/``false``, dates and aware
        datetimes ISO 8601. CSV given as text, bytes, a file or a path must use
        ``column_delimiter`` and have a header row; it is re-written, not sent as it is.

        Args:
            object_type: the sObject, e.g. ``"Account"``.
            operation: ``insert``, ``update``, ``upsert``, ``delete`` or ``hardDelete``.
            records: an iterable of dicts, or CSV text, bytes, a file object or a path.
            external_id_field: the upsert key (required for ``upsert``).
            fields: the columns, in order, for dict records (default: every key seen).
            line_ending: ``LF`` or ``CRLF``.
            column_delimiter: ``COMMA``, ``TAB``, ``PIPE``, ``SEMICOLON``, ``CARET`` or
                ``BACKQUOTE``.
            assignment_rule_id: Case/Lead assignment rule.
            max_bytes: largest upload; larger data goes into several jobs.
            max_wait: seconds to wait for all jobs together.
            poll_interval: first pause between polls.
            max_interval: longest pause between polls.
            timeout: per-call (connect, read) timeout of every call.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            A :class:`~.load.LoadResult`: the jobs, the rows of every bucket and the counts.
            Rows Salesforce rejected are ``failures``; anything else that went wrong (a failed
            step, a failed or aborted job, a job still running after ``max_wait``, counts that do
            not add up) is described in ``result.problems`` and makes ``result.ok`` false;
            ``result.raise_for_status()`` raises for it.

        Raises:
            TypeError, ValueError: bad arguments or records (before anything is sent).
        """
        job: dict[str, Any] = {"object": object_type, "operation": operation}
        if external_id_field is not None:
            job["externalIdFieldName"] = external_id_field
        job["lineEnding"] = line_ending
        job["columnDelimiter"] = column_delimiter
        if assignment_rule_id is not None:
            job["assignmentRuleId"] = assignment_rule_id
        # Validate (and normalise enums) before any record is read or anything is sent.
        checked = create_request(job).json
        return run_load(
            self,
            object_type=checked["object"],
            operation=checked["operation"],
            records=records,
            job_resource=checked,
            fields=fields,
            delimiter_name=checked["columnDelimiter"],
            line_ending_name=checked["lineEnding"],
            max_bytes=max_bytes,
            max_wait=max_wait,
            poll_interval=poll_interval,
            max_interval=max_interval,
            call={"timeout": timeout, "proxies": proxies, "version": version},
        )
