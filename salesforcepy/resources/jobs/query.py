"""Bulk API 2.0 query jobs.

Paths covered (relative to ``/services/data/vXX.X/``):

- ``POST jobs/query`` — :meth:`Query.create` (``query`` or ``queryAll``)
- ``GET jobs/query/{jobId}`` — :meth:`Query.get`; ``GET jobs/query`` — :meth:`Query.list`,
  :meth:`Query.list_pages`
- ``PATCH jobs/query/{jobId}`` — :meth:`Query.abort`
- ``DELETE jobs/query/{jobId}`` — :meth:`Query.delete`
- ``GET jobs/query/{jobId}/results?locator=&maxRecords=`` — :meth:`Query.results` (one page),
  :meth:`Query.pages` and :meth:`Query.rows` (every page, following ``Sforce-Locator``)
- ``GET jobs/query/{jobId}/resultPages`` — :meth:`Query.result_pages` (API 58.0 and later), and
  :meth:`Query.result_page` for each ``resultUrl`` it lists

A page of results is CSV text; its response headers carry ``Sforce-NumberOfRecords`` (rows in the
page) and ``Sforce-Locator`` (the next page's locator, the string ``null`` after the last page):
read them with :func:`locator_of` and :func:`record_count_of`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from typing import Any, Optional, Union

import attrs

from ...exceptions import ParseError
from ...options import Proxies, Timeout
from ...request import Base, Request, Result, SentRequest, path, record_id
from .._base import Sender, require_text
from ._common import DELIMITER_CHARS, enum_value, poll, read_csv, state_in
from .ingest import FINAL_STATES, ColumnDelimiter, LineEnding, iterate_pages
from .ingest import list_request as _list_request

__all__ = [
    "Query",
    "QueryOperation",
    "abort_request",
    "create_request",
    "delete_request",
    "get_request",
    "locator_of",
    "record_count_of",
    "result_pages_request",
    "result_url_request",
    "results_request",
]


class QueryOperation(str, enum.Enum):
    """Bulk 2.0 query operations."""

    QUERY = "query"
    QUERY_ALL = "queryAll"


_BASE = "jobs/query"
_CONCURRENCY_MODES = ("parallel", "serial")


def _job_path(job_id: Any, *rest: str) -> str:
    return path("jobs", "query", record_id(job_id, "job_id"), *rest)


def create_request(
    query: str,
    operation: Union[str, QueryOperation] = QueryOperation.QUERY,
    *,
    column_delimiter: Union[str, ColumnDelimiter, None] = None,
    line_ending: Union[str, LineEnding, None] = None,
) -> Request:
    """``POST jobs/query`` with ``{"operation", "query", "contentType": "CSV", ...}``.

    Raises:
        TypeError, ValueError: an empty query, an unknown operation, delimiter or line ending.
    """
    body: dict[str, Any] = {
        "operation": enum_value(operation, QueryOperation, "operation"),
        "query": require_text(query, "query"),
        "contentType": "CSV",
    }
    if column_delimiter is not None:
        body["columnDelimiter"] = enum_value(column_delimiter, ColumnDelimiter, "column_delimiter")
    if line_ending is not None:
        body["lineEnding"] = enum_value(line_ending, LineEnding, "line_ending")
    return Request.post(_BASE, json=body)


def get_request(job_id: str) -> Request:
    """``GET jobs/query/{job_id}``."""
    return Request.get(_job_path(job_id))


def abort_request(job_id: str) -> Request:
    """``PATCH jobs/query/{job_id}`` with ``{"state": "Aborted"}``."""
    return Request.patch(_job_path(job_id), json={"state": "Aborted"})


def delete_request(job_id: str) -> Request:
    """``DELETE jobs/query/{job_id}``."""
    return Request.delete(_job_path(job_id))


def _check_max_records(max_records: Optional[int]) -> None:
    if max_records is not None and (
        isinstance(max_records, bool) or not isinstance(max_records, int) or max_records < 1
    ):
        raise ValueError("max_records must be a positive integer")


def results_request(
    job_id: str, *, locator: Optional[str] = None, max_records: Optional[int] = None
) -> Request:
    """``GET jobs/query/{job_id}/results[?locator=&maxRecords=]``.

    Raises:
        ValueError: ``locator`` is ``"null"`` (there is no next page) or empty; ``max_records``
            is not a positive integer.
    """
    params: list[tuple[str, Any]] = []
    if locator is not None:
        if not isinstance(locator, str) or not locator or locator == "null":
            raise ValueError("locator must be a Sforce-Locator value other than 'null'")
        params.append(("locator", locator))
    _check_max_records(max_records)
    if max_records is not None:
        params.append(("maxRecords", max_records))
    return Request.get(_job_path(job_id, "results"), params=params, headers={"Accept": "text/csv"})


def result_pages_request(
    job_id: str, *, locator: Optional[str] = None, max_records: Optional[int] = None
) -> Request:
    """``GET jobs/query/{job_id}/resultPages[?locator=&maxRecords=]`` (API 58.0+)."""
    params: list[tuple[str, Any]] = []
    if locator is not None:
        params.append(("locator", require_text(locator, "locator")))
    _check_max_records(max_records)
    if max_records is not None:
        params.append(("maxRecords", max_records))
    return Request.get(_job_path(job_id, "resultPages"), params=params)


def result_url_request(result_url: str) -> Request:
    """``GET {resultUrl}`` — a results page listed by ``resultPages`` (an instance-relative path).

    Raises:
        ValueError: not a ``/services/data/.../jobs/query/.../results`` path.
    """
    if (
        not isinstance(result_url, str)
        or not result_url.startswith("/services/data/")
        or "/jobs/query/" not in result_url
        or "/results" not in result_url.split("?", 1)[0]
    ):
        raise ValueError("result_url must be a resultUrl path from resultPages")
    return Request.get(result_url, base=Base.INSTANCE, headers={"Accept": "text/csv"})


def locator_of(request: SentRequest) -> Optional[str]:
    """The ``Sforce-Locator`` of a results response: the next page's locator, or ``None`` when
    this was the last page (Salesforce sends the string ``null``; a missing header counts too)."""
    value = request.headers.get("Sforce-Locator")
    if value is None or value.strip() in ("", "null"):
        return None
    return value.strip()


def record_count_of(request: SentRequest) -> Optional[int]:
    """``Sforce-NumberOfRecords`` of a results response (rows in the page), if present."""
    value = request.headers.get("Sforce-NumberOfRecords")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _check_row_count(rows: list[dict[str, str]], sent: SentRequest, number: int) -> None:
    """Compare a parsed result page with its ``Sforce-NumberOfRecords`` header, when it has one."""
    expected = record_count_of(sent)
    if expected is None:
        announced = sent.headers.get("Sforce-NumberOfRecords")
        if announced is not None:
            raise ParseError(
                f"result page {number}: Sforce-NumberOfRecords is not a number ({announced!r})"
            )
        return
    if expected != len(rows):
        raise ParseError(
            f"result page {number} holds {len(rows)} rows but Sforce-NumberOfRecords says "
            f"{expected}: the download was cut short"
        )


@attrs.define
class Query:
    """Bulk API 2.0 query builder: ``client.jobs.query``."""

    _client: Sender

    def _call(self, request: Request, call: Mapping[str, Any]) -> Result:
        return self._client._send(request, **call)

    def create(
        self,
        query: str,
        operation: Union[str, QueryOperation] = QueryOperation.QUERY,
        *,
        column_delimiter: Union[str, ColumnDelimiter, None] = None,
        line_ending: Union[str, LineEnding, None] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/data/vXX.X/jobs/query`` — start a query job.

        Args:
            query: the SOQL (no ``GROUP BY``, ``OFFSET``, aggregates, ``FIELDS()`` or
                subqueries: Salesforce refuses them in bulk queries).
            operation: ``"query"``, or ``"queryAll"`` to include deleted and archived rows.
            column_delimiter: delimiter of the result CSV (``COMMA`` by default).
            line_ending: line ending of the result CSV (``LF`` by default).
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version (read the results with the same version).

        Returns:
            ``(job_info, request)``; ``job_info["id"]`` is the job id, ``state`` is
            ``UploadComplete``.
        """
        request = create_request(
            query, operation, column_delimiter=column_delimiter, line_ending=line_ending
        )
        return self._call(request, {"timeout": timeout, "proxies": proxies, "version": version})

    def get(
        self,
        job_id: Optional[str] = None,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/jobs/query/{job_id}`` — a job's info (state, rows
        processed); without ``job_id`` the first page of the job list (see :meth:`list`)."""
        request = get_request(job_id) if job_id is not None else _list_request(kind="query")
        return self._call(request, {"timeout": timeout, "proxies": proxies, "version": version})

    def list(
        self,
        *,
        job_type: Optional[str] = None,
        concurrency_mode: Optional[str] = None,
        is_pk_chunking_enabled: Optional[bool] = None,
        query_locator: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/jobs/query`` — one page of query jobs.

        Args:
            job_type: ``"V2Query"`` or ``"Classic"`` (Bulk 1.0 query jobs).
            concurrency_mode: ``"parallel"`` or ``"serial"``.
            is_pk_chunking_enabled: only jobs with (or without) PK chunking.
            query_locator: the ``queryLocator`` of a previous page's ``nextRecordsUrl``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"done", "records", "nextRecordsUrl"}, request)``.
        """
        if concurrency_mode is not None and str(concurrency_mode).lower() not in (
            _CONCURRENCY_MODES
        ):
            raise ValueError("concurrency_mode must be 'parallel' or 'serial'")
        request = _list_request(
            job_type=job_type,
            concurrency_mode=concurrency_mode,
            is_pk_chunking_enabled=is_pk_chunking_enabled,
            query_locator=query_locator,
            kind="query",
        )
        return self._call(request, {"timeout": timeout, "proxies": proxies, "version": version})

    def list_pages(
        self,
        *,
        job_type: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Iterator[Result]:
        """``GET jobs/query``, then each ``nextRecordsUrl``: yields ``(page, request)`` per page,
        stopping after the last page or after a page that came back with an error."""
        first = _list_request(job_type=job_type, kind="query")
        call = {"timeout": timeout, "proxies": proxies, "version": version}
        return iterate_pages(self._client, first, call)

    def abort(
        self,
        job_id: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``PATCH /services/data/vXX.X/jobs/query/{job_id}`` ``{"state": "Aborted"}``.

        Returns:
            ``(job_info, request)``.
        """
        return self._call(
            abort_request(job_id), {"timeout": timeout, "proxies": proxies, "version": version}
        )

    def delete(
        self,
        job_id: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``DELETE /services/data/vXX.X/jobs/query/{job_id}`` — delete the job and its results.

        Returns:
            ``(None, request)``; status 204.
        """
        return self._call(
            delete_request(job_id), {"timeout": timeout, "proxies": proxies, "version": version}
        )

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
        """Poll ``GET /services/data/vXX.X/jobs/query/{job_id}`` until the job is finished.

        See :meth:`~salesforcepy.resources.jobs.ingest.Ingest.wait` for the arguments.

        Returns:
            ``(job_info, request)`` of the poll that saw ``JobComplete``, ``Failed`` or
            ``Aborted``, or of the first poll that came back with an error.

        Raises:
            JobWaitTimeout: still running after ``max_wait`` seconds.
        """
        request = get_request(job_id)
        call = {"timeout": timeout, "proxies": proxies, "version": version}
        return poll(
            lambda: self._call(request, call),
            job_id=job_id,
            done=state_in(FINAL_STATES),
            max_wait=max_wait,
            poll_interval=poll_interval,
            max_interval=max_interval,
            backoff=backoff,
        )

    def results(
        self,
        job_id: str,
        *,
        locator: Optional[str] = None,
        max_records: Optional[int] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/jobs/query/{job_id}/results`` — one page of results.

        Args:
            job_id: the job id.
            locator: the ``Sforce-Locator`` of the previous page (omit for the first page).
            max_records: most rows in this page.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version (the one the job was created with).

        Returns:
            ``(csv_text, request)``; :func:`locator_of` ``(request)`` gives the next page's
            locator (``None`` after the last page), :func:`record_count_of` the rows in this one.
        """
        request = results_request(job_id, locator=locator, max_records=max_records)
        return self._call(request, {"timeout": timeout, "proxies": proxies, "version": version})

    def pages(
        self,
        job_id: str,
        *,
        max_records: Optional[int] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Iterator[Result]:
        """Every results page of a finished job: yields ``(csv_text, request)`` per page.

        Starts without a locator and follows ``Sforce-Locator`` until it is ``null``. A page that
        comes back with an error is yielded and ends the iteration; so does a locator that
        repeats (a server that does not advance), which is recorded as an error of that page.
        """
        request = results_request(job_id, max_records=max_records)
        call = {"timeout": timeout, "proxies": proxies, "version": version}
        seen: set[str] = set()
        while True:
            body, sent = self._call(request, call)
            locator = locator_of(sent) if sent.ok else None
            if locator is not None and locator in seen:
                # Recorded before the page is yielded, so that a caller checking the page when
                # it gets it (rows() does) sees that the results end here unfinished.
                self._client._record(
                    sent, ParseError(f"Sforce-Locator {locator} repeats; stopping")
                )
                locator = None
            yield body, sent
            if locator is None:
                return
            seen.add(locator)
            request = results_request(job_id, locator=locator, max_records=max_records)

    def rows(
        self,
        job_id: str,
        *,
        max_records: Optional[int] = None,
        column_delimiter: Union[str, ColumnDelimiter] = ColumnDelimiter.COMMA,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Iterator[dict[str, str]]:
        """Every result row of a finished job, as dicts keyed by column (see :meth:`pages`).

        Args:
            job_id: the job id.
            max_records: rows per page.
            column_delimiter: the job's column delimiter.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Raises:
            SalesforceError: a page came back with an error.
            ParseError: a page holds another number of rows than its ``Sforce-NumberOfRecords``
                header says (a download cut short), raised before any row of that page is
                yielded.
        """
        delimiter = DELIMITER_CHARS[enum_value(column_delimiter, ColumnDelimiter, "delimiter")]
        for number, (body, sent) in enumerate(
            self.pages(
                job_id, max_records=max_records, timeout=timeout, proxies=proxies, version=version
            ),
            start=1,
        ):
            sent.raise_for_status()
            rows = list(read_csv(body if isinstance(body, str) else "", delimiter))
            _check_row_count(rows, sent, number)
            yield from rows

    def result_pages(
        self,
        job_id: str,
        *,
        locator: Optional[str] = None,
        max_records: Optional[int] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/jobs/query/{job_id}/resultPages`` (API 58.0+) — up to five
        result URLs to download in parallel, and ``nextRecordsUrl`` for more.

        Returns:
            ``({"resultPages": [{"resultUrl": ...}], "nextRecordsUrl", "done"}, request)``.
        """
        request = result_pages_request(job_id, locator=locator, max_records=max_records)
        return self._call(request, {"timeout": timeout, "proxies": proxies, "version": version})

    def result_page(
        self,
        result_url: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET {resultUrl}`` — one page listed by :meth:`result_pages` (pages may be fetched in
        parallel, from several threads).

        Returns:
            ``(csv_text, request)``, as :meth:`results`.
        """
        return self._call(
            result_url_request(result_url),
            {"timeout": timeout, "proxies": proxies, "version": version},
        )
