"""Bulk API 1.0 (the async API): ``client.jobs.legacy``.

Paths covered (relative to ``/services/async/{version}/``, version without ``v``):

- ``POST job`` — :meth:`Legacy.create_job`
- ``GET job/{jobId}`` — :meth:`Legacy.get_job`
- ``POST job/{jobId}`` — :meth:`Legacy.close_job`, :meth:`Legacy.abort_job`
- ``POST job/{jobId}/batch`` — :meth:`Legacy.add_batch` (CSV, XML or JSON; SOQL for query jobs)
- ``GET job/{jobId}/batch`` — :meth:`Legacy.get_batches`
- ``GET job/{jobId}/batch/{batchId}`` — :meth:`Legacy.get_batch`
- ``GET job/{jobId}/batch/{batchId}/request`` — :meth:`Legacy.get_batch_request`
- ``GET job/{jobId}/batch/{batchId}/result`` — :meth:`Legacy.get_batch_result`
- ``GET job/{jobId}/batch/{batchId}/result/{resultId}`` — :meth:`Legacy.get_query_result`

The session goes in the ``X-SFDC-Session`` header (the client does this for every request with
the :attr:`~salesforcepy.request.Base.ASYNC` base), so a SOAP login and an OAuth login both work.
XML bodies are built with lxml. XML answers are turned into Python values: ``jobInfo`` and
``batchInfo`` into dicts (numbers as ``int``, ``apiVersion`` as ``float``), ``batchInfoList`` into
``{"batchInfo": [...]}``, a query's ``result-list`` into a list of result ids, XML ingest
results into ``[{"id", "success", "created", "errors"}]`` and an ``<error>`` into
``{"exceptionCode", "exceptionMessage"}`` — the same shapes JSON jobs give. CSV
results and query result data stay text. Errors (``<error>`` with ``exceptionCode``) become typed
exceptions in ``request.exceptions`` like everywhere else.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json as jsonlib
from collections.abc import Iterable, Mapping
from typing import Any, Optional, Union

import attrs
from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from ...exceptions import ParseError
from ...options import Proxies, Timeout
from ...parse import XML_PARSER, JsonObject
from ...request import Base, Request, Result, api_name, path, record_id
from .._base import Sender, require_text
from ._common import cell_text, enum_value, poll

__all__ = [
    "NS",
    "ContentType",
    "Legacy",
    "LegacyOperation",
    "add_batch_request",
    "batch_xml",
    "create_job_request",
    "job_xml",
    "read_xml",
]

NS = "http://www.force.com/2009/06/asyncapi/dataload"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


class LegacyOperation(str, enum.Enum):
    """Bulk API 1.0 operations."""

    INSERT = "insert"
    UPDATE = "update"
    UPSERT = "upsert"
    DELETE = "delete"
    HARD_DELETE = "hardDelete"
    QUERY = "query"
    QUERY_ALL = "queryAll"


class ContentType(str, enum.Enum):
    """Bulk API 1.0 content types of a job's batches and results."""

    CSV = "CSV"
    XML = "XML"
    JSON = "JSON"
    ZIP_CSV = "ZIP_CSV"
    ZIP_XML = "ZIP_XML"
    ZIP_JSON = "ZIP_JSON"


_MEDIA = {
    "CSV": "text/csv; charset=UTF-8",
    "XML": "application/xml; charset=UTF-8",
    "JSON": "application/json",
    "ZIP_CSV": "zip/csv",
    "ZIP_XML": "zip/xml",
    "ZIP_JSON": "zip/json",
}
_JOB_MEDIA = "application/xml; charset=UTF-8"
_INT_FIELDS = frozenset(
    {
        "numberBatchesQueued",
        "numberBatchesInProgress",
        "numberBatchesCompleted",
        "numberBatchesFailed",
        "numberBatchesTotal",
        "numberRecordsProcessed",
        "numberRetries",
        "numberRecordsFailed",
        "totalProcessingTime",
        "apiActiveProcessingTime",
        "apexProcessingTime",
    }
)
BATCH_FINAL_STATES = frozenset({"Completed", "Failed", "NotProcessed", "Not Processed"})


def _job_path(job_id: Any, *rest: str) -> str:
    return path("job", record_id(job_id, "job_id"), *rest)


def _batch_path(job_id: Any, batch_id: Any, *rest: str) -> str:
    return _job_path(job_id, "batch", record_id(batch_id, "batch_id"), *rest)


# ---- XML and CSV bodies --------------------------------------------------------------------------


def job_xml(fields: Mapping[str, Optional[str]]) -> bytes:
    """A ``<jobInfo>`` document with ``fields`` (in order; ``None`` values left out)."""
    root = etree.Element(f"{{{NS}}}jobInfo", nsmap={None: NS})
    for name, value in fields.items():
        if value is not None:
            etree.SubElement(root, f"{{{NS}}}{name}").text = value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _records(records: Any) -> list[Mapping[str, Any]]:
    if isinstance(records, Mapping) or not isinstance(records, Iterable):
        raise TypeError("records must be an iterable of dicts")
    items = []
    for number, item in enumerate(records):
        if not isinstance(item, Mapping):
            raise TypeError(f"records[{number}] is a {type(item).__name__}, not a dict")
        items.append(item)
    if not items:
        raise ValueError("records is empty")
    return items


def batch_xml(records: Iterable[Mapping[str, Any]]) -> bytes:
    """An ``<sObjects>`` batch: one ``<sObject>`` per record.

    ``None`` becomes ``xsi:nil="true"`` (set the field to null); a nested dict is a lookup by the
    parent's external id (``{"Account": {"External_Id__c": "X"}}``); every name must be an API
    name and every value is escaped by lxml.
    """
    root = etree.Element(f"{{{NS}}}sObjects", nsmap={None: NS, "xsi": XSI})
    for record in _records(records):
        item = etree.SubElement(root, f"{{{NS}}}sObject")
        for name, value in record.items():
            field = etree.SubElement(item, f"{{{NS}}}{api_name(name, 'field name')}")
            if value is None:
                field.set(f"{{{XSI}}}nil", "true")
            elif isinstance(value, Mapping):
                for inner, inner_value in value.items():
                    child = etree.SubElement(field, f"{{{NS}}}{api_name(inner, 'field name')}")
                    child.text = cell_text(inner_value, f"{name}.{inner}")
            else:
                field.text = cell_text(value, name)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def batch_csv(records: Iterable[Mapping[str, Any]]) -> bytes:
    """A CSV batch written with the csv module: every key seen is a column, ``None`` is ``#N/A``,
    a missing key an empty cell."""
    items = _records(records)
    header: dict[str, None] = {}
    for item in items:
        for key in item:
            header.setdefault(str(key), None)
    buffer = io.StringIO()
    # Rows end in CRLF, so csv quotes every cell holding a CR or an LF (it quotes only the
    # characters of its own terminator; a lone CR in an unquoted cell would end the row).
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(header))
    for item in items:
        writer.writerow([cell_text(item[name], name) if name in item else "" for name in header])
    return buffer.getvalue().encode("utf-8")


def _python(name: str, text: Optional[str]) -> Any:
    value = text or ""
    if name in _INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value
    if name == "apiVersion":
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _info(element: Any) -> JsonObject:
    return JsonObject((_local(child), _python(_local(child), child.text)) for child in element)


def _result(element: Any) -> JsonObject:
    item = JsonObject(id=None, success=False, created=False, errors=[])
    for child in element:
        name = _local(child)
        if name == "errors":
            error = JsonObject(fields=[], message="", statusCode="")
            for part in child:
                key = _local(part)
                if key == "fields":
                    error["fields"].append(part.text or "")
                elif key:
                    error[key] = part.text or ""
            item["errors"].append(error)
        elif name in ("success", "created"):
            item[name] = (child.text or "").strip() == "true"
        elif name == "id":
            item["id"] = child.text or None
    return item


def read_xml(text: str) -> Any:
    """The Python value of a Bulk 1.0 XML answer (see the module docstring); other documents
    (query result data) come back as the text itself.

    Raises:
        ValueError: the text is not well-formed XML.
    """
    try:
        root = etree.fromstring(text.encode("utf-8"), XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not well-formed XML: {exc}") from None
    name = _local(root)
    if name in ("jobInfo", "batchInfo", "error"):
        return _info(root)
    if name == "batchInfoList":
        return JsonObject(batchInfo=[_info(child) for child in root if _local(child)])
    if name == "result-list":
        return [child.text or "" for child in root if _local(child) == "result"]
    if name == "results":
        return [_result(child) for child in root if _local(child) == "result"]
    return text


# ---- requests ------------------------------------------------------------------------------------


def create_job_request(
    object_type: str,
    operation: Union[str, LegacyOperation],
    *,
    content_type: Union[str, ContentType] = ContentType.CSV,
    external_id_field: Optional[str] = None,
    concurrency_mode: Optional[str] = None,
    assignment_rule_id: Optional[str] = None,
) -> Request:
    """``POST job`` with a ``jobInfo`` (XML; JSON for JSON jobs).

    Raises:
        TypeError, ValueError: a bad object name, operation, content type or concurrency mode, or
            an upsert without ``external_id_field``.
    """
    fields: dict[str, Optional[str]] = {
        "operation": enum_value(operation, LegacyOperation, "operation"),
        "object": api_name(object_type, "object_type"),
    }
    if fields["operation"] == "upsert":
        fields["externalIdFieldName"] = api_name(external_id_field, "external_id_field")
    elif external_id_field is not None:
        raise ValueError("external_id_field is only for upsert jobs")
    if concurrency_mode is not None and concurrency_mode not in ("Parallel", "Serial"):
        raise ValueError("concurrency_mode must be 'Parallel' or 'Serial'")
    fields["concurrencyMode"] = concurrency_mode
    kind = enum_value(content_type, ContentType, "content_type")
    fields["contentType"] = kind
    if assignment_rule_id is not None:
        fields["assignmentRuleId"] = record_id(assignment_rule_id, "assignment_rule_id")
    if kind == "JSON":
        body = {k: v for k, v in fields.items() if v is not None}
        return Request.post("job", base=Base.ASYNC, json=body)
    return Request.post("job", base=Base.ASYNC, data=job_xml(fields), content_type=_JOB_MEDIA)


def state_request(job_id: str, state: str, *, json: bool = False) -> Request:
    """``POST job/{job_id}`` with ``<state>`` ``Closed`` or ``Aborted``."""
    if state not in ("Closed", "Aborted"):
        raise ValueError("state must be 'Closed' or 'Aborted'")
    if json:
        return Request.post(_job_path(job_id), base=Base.ASYNC, json={"state": state})
    return Request.post(
        _job_path(job_id), base=Base.ASYNC, data=job_xml({"state": state}), content_type=_JOB_MEDIA
    )


def add_batch_request(
    job_id: str,
    data: Union[str, bytes, Iterable[Mapping[str, Any]]],
    *,
    content_type: Union[str, ContentType] = ContentType.CSV,
) -> Request:
    """``POST job/{job_id}/batch`` with the batch in the job's content type.

    ``data`` is sent as it is when it is text or bytes (CSV, XML, JSON, or the SOQL of a query
    job); records (dicts) are written as CSV with the csv module, as ``<sObjects>`` with lxml, or
    as a JSON array, by ``content_type``.

    Raises:
        TypeError, ValueError: empty data, records that cannot be written, a bad content type.
    """
    kind = enum_value(content_type, ContentType, "content_type")
    if isinstance(data, str):
        body: bytes = require_text(data, "data").encode("utf-8")
    elif isinstance(data, (bytes, bytearray)):
        if not data:
            raise ValueError("data is empty")
        body = bytes(data)
    elif kind == "CSV":
        body = batch_csv(data)
    elif kind == "XML":
        body = batch_xml(data)
    elif kind == "JSON":
        items = [dict(item) for item in _records(data)]
        try:
            body = jsonlib.dumps(items, allow_nan=False, default=_json_default).encode("utf-8")
        except ValueError as exc:
            raise ValueError(f"records cannot be sent as JSON: {exc}") from None
    else:
        raise TypeError(f"give {kind} batches as bytes")
    return Request.post(
        _job_path(job_id, "batch"), base=Base.ASYNC, data=body, content_type=_MEDIA[kind]
    )


def _json_default(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return cell_text(value, "value")
    raise TypeError(f"a {type(value).__name__} cannot be sent as JSON")


@attrs.define
class Legacy:
    """Bulk API 1.0 builder: ``client.jobs.legacy``."""

    _client: Sender

    def _call(self, request: Request, call: Mapping[str, Any]) -> Result:
        body, sent = self._client._send(request, **call)
        if isinstance(body, str) and body.lstrip().startswith("<"):
            try:
                return read_xml(body), sent
            except ValueError as exc:
                if sent.ok:
                    self._client._record(sent, ParseError(f"the Bulk API answer is not XML: {exc}"))
        return body, sent

    def create_job(
        self,
        object_type: str,
        operation: Union[str, LegacyOperation],
        *,
        content_type: Union[str, ContentType] = ContentType.CSV,
        external_id_field: Optional[str] = None,
        concurrency_mode: Optional[str] = None,
        assignment_rule_id: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/async/{version}/job`` — create a job.

        Args:
            object_type: the sObject, e.g. ``"Account"``.
            operation: ``insert``, ``update``, ``upsert``, ``delete``, ``hardDelete``, ``query``
                or ``queryAll``.
            content_type: ``CSV``, ``XML`` or ``JSON`` (the ``ZIP_`` kinds too).
            external_id_field: the upsert key.
            concurrency_mode: ``Parallel`` or ``Serial``.
            assignment_rule_id: Case/Lead assignment rule.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version (``"58.0"``).

        Returns:
            ``(job_info, request)``; ``job_info["id"]`` is the job id, ``state`` ``Open``;
            status 201.
        """
        request = create_job_request(
            object_type,
            operation,
            content_type=content_type,
            external_id_field=external_id_field,
            concurrency_mode=concurrency_mode,
            assignment_rule_id=assignment_rule_id,
        )
        return self._call(request, {"timeout": timeout, "proxies": proxies, "version": version})

    def get_job(
        self,
        job_id: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/async/{version}/job/{job_id}`` — the job's info and batch counts."""
        request = Request.get(_job_path(job_id), base=Base.ASYNC)
        return self._call(request, {"timeout": timeout, "proxies": proxies, "version": version})

    def close_job(
        self,
        job_id: str,
        *,
        json: bool = False,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/async/{version}/job/{job_id}`` ``<state>Closed</state>`` — no more
        batches; the ones added are still processed.

        Args:
            job_id: the job id.
            json: send the state as JSON (for JSON jobs).
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.
        """
        request = state_request(job_id, "Closed", json=json)
        return self._call(request, {"timeout": timeout, "proxies": proxies, "version": version})

    def abort_job(
        self,
        job_id: str,
        *,
        json: bool = False,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/async/{version}/job/{job_id}`` ``<state>Aborted</state>`` — queued
        batches are not processed."""
        request = state_request(job_id, "Aborted", json=json)
        return self._call(request, {"timeout": timeout, "proxies": proxies, "version": version})

    def add_batch(
        self,
        job_id: str,
        data: Union[str, bytes, Iterable[Mapping[str, Any]]],
        *,
        content_type: Union[str, ContentType] = ContentType.CSV,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/async/{version}/job/{job_id}/batch`` — add a batch.

        Args:
            job_id: the job id.
            data: CSV, XML or JSON text or bytes, the SOQL of a query job, or records (dicts)
                to be written in ``content_type``.
            content_type: the job's content type.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(batch_info, request)``; ``batch_info["id"]`` is the batch id; status 201.
        """
        request = add_batch_request(job_id, data, content_type=content_type)
        return self._call(request, {"timeout": timeout, "proxies": proxies, "version": version})

    def get_batches(
        self,
        job_id: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/async/{version}/job/{job_id}/batch`` — ``{"batchInfo": [...]}``."""
        request = Request.get(_job_path(job_id, "batch"), base=Base.ASYNC)
        return self._call(request, {"timeout": timeout, "proxies": proxies, "version": version})

    def get_batch(
        self,
        job_id: str,
        batch_id: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/async/{version}/job/{job_id}/batch/{batch_id}`` — batchInfo."""
        request = Request.get(_batch_path(job_id, batch_id), base=Base.ASYNC)
        return self._call(request, {"timeout": timeout, "proxies": proxies, "version": version})

    def get_batch_request(
        self,
        job_id: str,
        batch_id: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/async/{version}/job/{job_id}/batch/{batch_id}/request`` — the batch
        as it was sent (text)."""
        request = Request.get(_batch_path(job_id, batch_id, "request"), base=Base.ASYNC)
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)

    def get_batch_result(
        self,
        job_id: str,
        batch_id: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/async/{version}/job/{job_id}/batch/{batch_id}/result``.

        Returns:
            For ingest batches, one result per row in input order: CSV text
            (``"Id","Success","Created","Error"``) for CSV jobs, a list of
            ``{"id", "success", "created", "errors"}`` for XML and JSON jobs. For query batches,
            the list of result ids.
        """
        request = Request.get(_batch_path(job_id, batch_id, "result"), base=Base.ASYNC)
        return self._call(request, {"timeout": timeout, "proxies": proxies, "version": version})

    def get_query_result(
        self,
        job_id: str,
        batch_id: str,
        result_id: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/async/{version}/job/{job_id}/batch/{batch_id}/result/{result_id}`` —
        query rows: CSV or XML text, or (JSON jobs) a list of records."""
        request = Request.get(
            _batch_path(job_id, batch_id, "result", record_id(result_id, "result_id")),
            base=Base.ASYNC,
        )
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)

    def wait_batch(
        self,
        job_id: str,
        batch_id: str,
        *,
        max_wait: float = 600.0,
        poll_interval: float = 1.0,
        max_interval: float = 30.0,
        backoff: float = 1.5,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """Poll ``GET .../job/{job_id}/batch/{batch_id}`` until the batch is ``Completed``,
        ``Failed`` or ``NotProcessed``.

        See :meth:`~salesforcepy.resources.jobs.ingest.Ingest.wait` for the arguments.

        Raises:
            JobWaitTimeout: still queued or in progress after ``max_wait`` seconds.
        """
        call = {"timeout": timeout, "proxies": proxies, "version": version}
        request = Request.get(_batch_path(job_id, batch_id), base=Base.ASYNC)

        def done(body: Any) -> bool:
            return isinstance(body, Mapping) and body.get("state") in BATCH_FINAL_STATES

        return poll(
            lambda: self._call(request, call),
            job_id=f"{job_id} batch {batch_id}",
            done=done,
            max_wait=max_wait,
            poll_interval=poll_interval,
            max_interval=max_interval,
            backoff=backoff,
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
        """Poll ``GET .../job/{job_id}/batch`` until every batch of the job is finished.

        Returns:
            ``({"batchInfo": [...]}, request)`` of the last poll.

        Raises:
            JobWaitTimeout: a batch was still queued or in progress after ``max_wait`` seconds.
        """
        call = {"timeout": timeout, "proxies": proxies, "version": version}
        request = Request.get(_job_path(job_id, "batch"), base=Base.ASYNC)

        def done(body: Any) -> bool:
            if not isinstance(body, Mapping):
                return False
            infos = body.get("batchInfo") or []
            if isinstance(infos, Mapping):
                infos = [infos]
            return all(info.get("state") in BATCH_FINAL_STATES for info in infos)

        return poll(
            lambda: self._call(request, call),
            job_id=job_id,
            done=done,
            max_wait=max_wait,
            poll_interval=poll_interval,
            max_interval=max_interval,
            backoff=backoff,
        )
