"""Bulk API 2.0: ingest and query jobs (``/services/data/vXX.X/jobs/...``).

Ingest (``jobs/ingest``, v41.0+):

* ``POST jobs/ingest`` — create a job (JSON), or create it with its data in one multipart request
  (parts ``job`` and ``content``; the job starts ``UploadComplete``).
* ``PUT jobs/ingest/{id}/batches`` — upload the CSV (``text/csv``; a gzip body is undone by the
  server first; at most ``BulkSettings.max_upload_bytes``).
* ``PATCH jobs/ingest/{id}`` — ``{"state": "UploadComplete"}`` (close) or ``"Aborted"``.
* ``GET jobs/ingest/{id}``, ``DELETE jobs/ingest/{id}``, ``GET jobs/ingest`` (paged list).
* ``GET jobs/ingest/{id}/successfulResults``, ``failedResults``, ``unprocessedrecords`` (also
  spelt ``unprocessedRecords``).

Query (``jobs/query``, v47.0+): ``POST`` create (``query``/``queryAll``; the SOQL is checked at
once), ``GET`` info and list, ``PATCH`` abort, ``DELETE``, ``GET .../results`` (CSV pages with
``Sforce-Locator`` and ``Sforce-NumberOfRecords``) and ``GET .../resultPages`` (v58.0+).

Jobs are processed by the org's bulk worker (``fakeorg.bulk.engine``). Error codes for wrong
states and bad job definitions are listed in the fake org's "differences" page.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Mapping
from typing import Any, Callable, Optional, Union

from werkzeug.wrappers import Response

from ..bulk.classic import ClassicJob
from ..bulk.csvio import DELIMITERS, LINE_ENDINGS
from ..bulk.engine import BulkJobs, settings_of
from ..bulk.jobs import TERMINAL, IngestJob, QueryJob
from ..bulk.querying import check_query
from ..bulk.rows import INGEST_OPERATIONS, may_hard_delete
from ..errors import SalesforceError, not_found
from ..json_input import parse_json
from . import DATA, Context, Routes, multipart_parts

routes = Routes("bulk2")

INGEST = DATA + "/jobs/ingest"
QUERY = DATA + "/jobs/query"

_INGEST_KEYS = frozenset(
    {
        "object",
        "operation",
        "externalIdFieldName",
        "contentType",
        "lineEnding",
        "columnDelimiter",
        "assignmentRuleId",
        "concurrencyMode",
    }
)
_QUERY_KEYS = frozenset(
    {"operation", "query", "contentType", "columnDelimiter", "lineEnding", "concurrencyMode"}
)
_QUERY_OPERATIONS = ("query", "queryAll")
# First API version of each resource; older versions answer 404 like an unknown resource.
INGEST_SINCE = 41.0
QUERY_SINCE = 47.0
RESULT_PAGES_SINCE = 58.0
OPAQUE_LOCATOR_SINCE = 49.0  # Sforce-Locator values were plain row numbers before
RESULT_PAGES_PER_RESPONSE = 5


# ---- errors --------------------------------------------------------------------------------------


def _invalid_job(message: str) -> SalesforceError:
    return SalesforceError(400, "INVALIDJOB", message)


def _wrong_state(message: str) -> SalesforceError:
    return SalesforceError(409, "INVALIDJOBSTATE", message)


# ---- shared helpers ------------------------------------------------------------------------------


def _jobs(ctx: Context) -> BulkJobs:
    return BulkJobs.of(ctx.org)


def _check_keys(body: Mapping[str, Any], allowed: frozenset[str]) -> None:
    for key in body:
        if key not in allowed:
            raise SalesforceError(
                400,
                "JSON_PARSER_ERROR",
                f'Unrecognized field "{key}" (known fields: {", ".join(sorted(allowed))})',
            )


def _text_value(body: Mapping[str, Any], key: str) -> Optional[str]:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise SalesforceError(
            400, "JSON_PARSER_ERROR", f"Cannot deserialize {key} from {type(value).__name__}"
        )
    return value


def _format(body: Mapping[str, Any]) -> tuple[str, str]:
    """The lineEnding and columnDelimiter of a job definition (checked, defaulted)."""
    content_type = _text_value(body, "contentType")
    if content_type is not None and content_type != "CSV":
        raise _invalid_job(f"Content type {content_type} is not supported; Bulk API 2.0 uses CSV")
    line_ending = _text_value(body, "lineEnding") or "LF"
    if line_ending not in LINE_ENDINGS:
        raise _invalid_job(f"Invalid lineEnding {line_ending}: use LF or CRLF")
    delimiter = _text_value(body, "columnDelimiter") or "COMMA"
    if delimiter not in DELIMITERS:
        raise _invalid_job(
            f"Invalid columnDelimiter {delimiter}: use one of {', '.join(DELIMITERS)}"
        )
    return line_ending, delimiter


def _encode_offset(offset: int, *, numeric: bool = False) -> str:
    """The locator of a row offset: opaque base64 (v49.0+), or the digits themselves before."""
    if numeric:
        return str(offset)
    return base64.b64encode(str(offset).encode("ascii")).decode("ascii").rstrip("=")


def _decode_offset(locator: str, limit: int, *, numeric: bool = False) -> int:
    try:
        if numeric:
            offset = int(locator) if locator.isdigit() and locator.isascii() else -1
        else:
            padded = locator + "=" * (-len(locator) % 4)
            offset = int(base64.b64decode(padded, validate=True).decode("ascii"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        offset = -1
    if not 0 <= offset <= limit:
        raise SalesforceError(400, "INVALID_QUERY_LOCATOR", f"Invalid locator: {locator}")
    return offset


def _encode_list_locator(state: Mapping[str, Any]) -> str:
    raw = json.dumps(state, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_list_locator(locator: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(locator + "=" * (-len(locator) % 4))
        state = parse_json(raw)
    except (binascii.Error, ValueError):
        state = None
    if not isinstance(state, dict) or not isinstance(state.get("after"), str):
        raise SalesforceError(400, "INVALID_QUERY_LOCATOR", f"Invalid query locator: {locator}")
    return state


Lister = Callable[[Union[IngestJob, QueryJob, ClassicJob]], bool]


def _list(ctx: Context, accept: Lister, path: str) -> Response:
    """One page of a job list, filtered, oldest first; ``nextRecordsUrl`` while more remain."""
    locator = ctx.arg("queryLocator")
    if locator:
        filters = _decode_list_locator(locator)
    else:
        filters = {
            key: ctx.arg(key)
            for key in ("jobType", "isPkChunkingEnabled", "concurrencyMode")
            if ctx.arg(key) is not None
        }
        filters["after"] = ""

    def wanted(job: Union[IngestJob, QueryJob, ClassicJob]) -> bool:
        if not accept(job) or job.id <= filters["after"]:
            return False
        if "jobType" in filters and job.job_type != filters["jobType"]:
            return False
        if str(filters.get("isPkChunkingEnabled", "false")).lower() == "true":
            return False  # the fake org never chunks by primary key
        mode = filters.get("concurrencyMode")
        job_mode = job.concurrency_mode if isinstance(job, ClassicJob) else "Parallel"
        return mode is None or str(mode).lower() == job_mode.lower()

    jobs = sorted(_jobs(ctx).jobs(wanted), key=lambda job: job.id)
    size = settings_of(ctx.org).list_page_size
    page = jobs[:size]
    done = len(jobs) <= size
    next_url = None
    if not done:
        state = {**filters, "after": page[-1].id}
        next_url = (
            f"/services/data/v{ctx.api_version}/{path}?queryLocator={_encode_list_locator(state)}"
        )
    records = [job.list_info() for job in page]
    return ctx.json({"done": done, "records": records, "nextRecordsUrl": next_url})


# ---- ingest --------------------------------------------------------------------------------------


def _ingest_job(ctx: Context) -> IngestJob:
    ctx.require_version(INGEST_SINCE)
    job = _jobs(ctx).get(ctx.args["job_id"], IngestJob)
    if job is None:
        raise not_found()
    return job


def _may_hard_delete(ctx: Context) -> bool:
    profile_id = ctx.org.user_record(ctx.user_id).get("ProfileId")
    return may_hard_delete(ctx.store, profile_id, ctx.api_version)


def _new_ingest_job(ctx: Context, body: Any) -> IngestJob:
    if not isinstance(body, Mapping):
        raise SalesforceError(400, "JSON_PARSER_ERROR", "The job definition must be a JSON object")
    _check_keys(body, _INGEST_KEYS)
    object_name = _text_value(body, "object")
    if not object_name:
        raise _invalid_job("The job needs an object")
    operation = _text_value(body, "operation")
    if not operation:
        raise _invalid_job("The job needs an operation")
    if operation not in INGEST_OPERATIONS:
        raise _invalid_job(
            f"Invalid operation {operation}: use one of {', '.join(INGEST_OPERATIONS)}"
        )
    try:
        obj = ctx.store.object(object_name)
    except SalesforceError:
        raise _invalid_job(f"Unable to find object: {object_name}") from None
    line_ending, delimiter = _format(body)
    external = _text_value(body, "externalIdFieldName")
    if operation == "upsert":
        if not external:
            raise _invalid_job("An upsert job needs externalIdFieldName")
        field = obj.field(external)
        if field is None or not (field.name == "Id" or field.external_id):
            raise _invalid_job(f"The field {external} is not an External ID field of {obj.name}")
        external = field.name
    else:
        external = None
    if operation == "hardDelete" and not _may_hard_delete(ctx):
        raise SalesforceError(
            403,
            "INSUFFICIENT_ACCESS",
            "hardDelete operation requires special user profile permission, please contact your "
            "system administrator",
        )
    jobs = _jobs(ctx)
    return IngestJob(
        id=jobs.new_id("750"),
        object=obj.name,
        operation=operation,
        created_by=ctx.user_id,
        created_date=jobs.now(),
        api_version=ctx.api_version,
        line_ending=line_ending,
        column_delimiter=delimiter,
        external_id_field=external,
        assignment_rule_id=_text_value(body, "assignmentRuleId"),
    )


def _create_multipart(ctx: Context) -> Response:
    parts = {part.name: part for part in multipart_parts(ctx.request)}
    if "job" not in parts or "content" not in parts:
        raise _invalid_job("A multipart job request needs a 'job' part and a 'content' part")
    try:
        body = parse_json(parts["job"].data)
    except ValueError as exc:
        raise SalesforceError(
            400, "JSON_PARSER_ERROR", f"The job part is not valid JSON: {exc}"
        ) from None
    job = _new_ingest_job(ctx, body)
    data = parts["content"].data
    limit = settings_of(ctx.org).multipart_max_chars
    if len(data.decode("utf-8", errors="replace")) > limit:
        raise SalesforceError(
            413,
            "EXCEEDED_MAX_SIZE_REQUEST",
            f"The content of a multipart job request is limited to {limit} characters; "
            "upload larger data with PUT .../batches",
        )
    jobs = _jobs(ctx)
    job.uploads.append(data)
    job.state = "UploadComplete"
    jobs.add(job)
    jobs.schedule(job)
    return ctx.json(job.create_info())


@routes.route(INGEST, methods=["POST"])
def create_ingest_job(ctx: Context) -> Response:
    """POST /services/data/vXX.X/jobs/ingest (JSON, or multipart with the data)"""
    ctx.require_version(INGEST_SINCE)
    if ctx.request.mimetype == "multipart/form-data":
        return _create_multipart(ctx)
    job = _new_ingest_job(ctx, ctx.json_body(expect=None))
    _jobs(ctx).add(job)
    return ctx.json(job.create_info())


@routes.route(INGEST, methods=["GET"])
def list_ingest_jobs(ctx: Context) -> Response:
    """GET /services/data/vXX.X/jobs/ingest[?jobType=&isPkChunkingEnabled=&queryLocator=]"""
    ctx.require_version(INGEST_SINCE)

    def accept(job: Union[IngestJob, QueryJob, ClassicJob]) -> bool:
        return isinstance(job, IngestJob) or (isinstance(job, ClassicJob) and not job.is_query)

    return _list(ctx, accept, "jobs/ingest")


@routes.route(INGEST + "/<job_id>", methods=["GET"])
def get_ingest_job(ctx: Context) -> Response:
    """GET /services/data/vXX.X/jobs/ingest/{jobId}"""
    jobs = _jobs(ctx)
    job = _ingest_job(ctx)
    with jobs.lock:
        return ctx.json(job.info())


@routes.route(INGEST + "/<job_id>/batches", methods=["PUT"])
def upload_job_data(ctx: Context) -> Response:
    """PUT /services/data/vXX.X/jobs/ingest/{jobId}/batches (text/csv)"""
    jobs = _jobs(ctx)
    job = _ingest_job(ctx)
    mimetype = ctx.request.mimetype
    if mimetype and mimetype != "text/csv":
        raise SalesforceError(
            415, "UNSUPPORTED_MEDIA_TYPE", f"Job data must be sent as text/csv, not {mimetype}"
        )
    data = ctx.request.get_data(cache=False)
    limit = settings_of(ctx.org).max_upload_bytes
    if len(data) > limit:
        raise SalesforceError(
            413,
            "EXCEEDED_MAX_SIZE_REQUEST",
            f"The upload has {len(data)} bytes; a job accepts at most {limit} bytes of CSV "
            "(150 MB once base64-encoded). Split the data into several jobs.",
        )
    with jobs.lock:
        if job.state != "Open":
            raise _wrong_state(f"Data can only be uploaded to an Open job; this job is {job.state}")
        job.uploads.append(data)
        jobs.touch(job)
    return ctx.empty(201)


@routes.route(INGEST + "/<job_id>", methods=["PATCH"])
def update_ingest_job(ctx: Context) -> Response:
    """PATCH /services/data/vXX.X/jobs/ingest/{jobId} {"state": "UploadComplete" | "Aborted"}"""
    jobs = _jobs(ctx)
    job = _ingest_job(ctx)
    body = ctx.json_body()
    state = body.get("state")
    with jobs.lock:
        if state == "UploadComplete":
            if job.state != "Open":
                raise _wrong_state(f"Only an Open job can be closed; this job is {job.state}")
            job.state = "UploadComplete"
            jobs.touch(job)
            jobs.schedule(job)
        elif state == "Aborted":
            if job.state in TERMINAL:
                raise _wrong_state(f"A job that is {job.state} cannot be aborted")
            _abort(jobs, job)
        else:
            raise SalesforceError(
                400,
                "INVALIDJOBSTATE",
                f"Invalid state {state!r}: a job can be set to UploadComplete or Aborted",
            )
        return ctx.json(job.patch_info())


def _abort(jobs: BulkJobs, job: Union[IngestJob, QueryJob]) -> None:
    job.state = "Aborted"
    if job.started_at is not None:
        job.finished_at = time.monotonic()
    jobs.touch(job)
    jobs.wake()


def _delete(ctx: Context, job: Union[IngestJob, QueryJob]) -> Response:
    jobs = _jobs(ctx)
    with jobs.lock:
        if job.state in ("Open", "InProgress"):
            raise _wrong_state(
                f"A job that is {job.state} cannot be deleted; close or abort it first"
                if job.state == "Open"
                else "A job that is InProgress cannot be deleted; abort it first"
            )
        jobs.remove(job)
    return ctx.empty(204)


@routes.route(INGEST + "/<job_id>", methods=["DELETE"])
def delete_ingest_job(ctx: Context) -> Response:
    """DELETE /services/data/vXX.X/jobs/ingest/{jobId}"""
    return _delete(ctx, _ingest_job(ctx))


def _results(ctx: Context, render: Callable[[IngestJob], str]) -> Response:
    jobs = _jobs(ctx)
    job = _ingest_job(ctx)
    with jobs.lock:
        if not job.finished:
            raise _wrong_state(
                f"Results are available once the job is JobComplete, Failed or Aborted; this "
                f"job is {job.state}"
            )
        text = render(job)
    return ctx.csv(text)


@routes.route(INGEST + "/<job_id>/successfulResults", methods=["GET"])
def successful_results(ctx: Context) -> Response:
    """GET /services/data/vXX.X/jobs/ingest/{jobId}/successfulResults"""
    return _results(ctx, IngestJob.successful_csv)


@routes.route(INGEST + "/<job_id>/failedResults", methods=["GET"])
def failed_results(ctx: Context) -> Response:
    """GET /services/data/vXX.X/jobs/ingest/{jobId}/failedResults"""
    return _results(ctx, IngestJob.failed_csv)


@routes.route(INGEST + "/<job_id>/unprocessedrecords", methods=["GET"])
def unprocessed_records(ctx: Context) -> Response:
    """GET /services/data/vXX.X/jobs/ingest/{jobId}/unprocessedrecords"""
    return _results(ctx, IngestJob.unprocessed_csv)


@routes.route(
    INGEST + "/<job_id>/unprocessedRecords", methods=["GET"], name="unprocessed_records_camel"
)
def unprocessed_records_camel(ctx: Context) -> Response:
    """GET /services/data/vXX.X/jobs/ingest/{jobId}/unprocessedRecords (simple-salesforce)"""
    return _results(ctx, IngestJob.unprocessed_csv)


# ---- query ---------------------------------------------------------------------------------------


def _query_job(ctx: Context) -> QueryJob:
    ctx.require_version(QUERY_SINCE)
    job = _jobs(ctx).get(ctx.args["job_id"], QueryJob)
    if job is None:
        raise not_found()
    return job


@routes.route(QUERY, methods=["POST"])
def create_query_job(ctx: Context) -> Response:
    """POST /services/data/vXX.X/jobs/query"""
    ctx.require_version(QUERY_SINCE)
    body = ctx.json_body()
    _check_keys(body, _QUERY_KEYS)
    operation = _text_value(body, "operation")
    if not operation:
        raise _invalid_job("The job needs an operation (query or queryAll)")
    if operation not in _QUERY_OPERATIONS:
        raise _invalid_job(f"Invalid operation {operation}: use query or queryAll")
    soql = _text_value(body, "query")
    if not soql or not soql.strip():
        raise _invalid_job("The job needs a query")
    line_ending, delimiter = _format(body)
    checked = check_query(
        ctx.store, soql, api_version=ctx.api_version, include_deleted=operation == "queryAll"
    )
    jobs = _jobs(ctx)
    job = QueryJob(
        id=jobs.new_id("750"),
        object=checked.object_name,
        operation=operation,
        query=soql,
        created_by=ctx.user_id,
        created_date=jobs.now(),
        api_version=ctx.api_version,
        line_ending=line_ending,
        column_delimiter=delimiter,
        columns=checked.columns,
    )
    jobs.add(job)
    jobs.schedule(job)
    return ctx.json(job.create_info())


@routes.route(QUERY, methods=["GET"])
def list_query_jobs(ctx: Context) -> Response:
    """GET /services/data/vXX.X/jobs/query[?jobType=&concurrencyMode=&queryLocator=]"""
    ctx.require_version(QUERY_SINCE)

    def accept(job: Union[IngestJob, QueryJob, ClassicJob]) -> bool:
        return isinstance(job, QueryJob) or (isinstance(job, ClassicJob) and job.is_query)

    return _list(ctx, accept, "jobs/query")


@routes.route(QUERY + "/<job_id>", methods=["GET"])
def get_query_job(ctx: Context) -> Response:
    """GET /services/data/vXX.X/jobs/query/{jobId}"""
    jobs = _jobs(ctx)
    job = _query_job(ctx)
    with jobs.lock:
        return ctx.json(job.info())


@routes.route(QUERY + "/<job_id>", methods=["PATCH"])
def abort_query_job(ctx: Context) -> Response:
    """PATCH /services/data/vXX.X/jobs/query/{jobId} {"state": "Aborted"}"""
    jobs = _jobs(ctx)
    job = _query_job(ctx)
    state = ctx.json_body().get("state")
    if state != "Aborted":
        raise SalesforceError(
            400, "INVALIDJOBSTATE", f"Invalid state {state!r}: a query job can only be Aborted"
        )
    with jobs.lock:
        if job.state in TERMINAL:
            raise _wrong_state(f"A job that is {job.state} cannot be aborted")
        _abort(jobs, job)
        return ctx.json(job.create_info())


@routes.route(QUERY + "/<job_id>", methods=["DELETE"])
def delete_query_job(ctx: Context) -> Response:
    """DELETE /services/data/vXX.X/jobs/query/{jobId}"""
    return _delete(ctx, _query_job(ctx))


def _completed_query(ctx: Context, job: QueryJob) -> None:
    """Raise unless the results of ``job`` may be read by this request."""
    if job.api_version != ctx.api_version:
        raise SalesforceError(
            409,
            "API_ERROR",
            f"The results of this job must be read with API version {job.api_version}, the "
            "version it was created with",
        )
    if job.state in ("UploadComplete", "InProgress"):
        raise SalesforceError(
            412, "JOB_NOT_COMPLETE", f"The job is {job.state}; its results are not ready yet"
        )
    if job.state != "JobComplete":
        raise _wrong_state(f"The job is {job.state}; it has no results")


def _max_records(ctx: Context) -> Optional[int]:
    text = ctx.arg("maxRecords")
    if text is None or text == "":
        return None
    if not text.isdigit() or int(text) < 1:
        raise SalesforceError(400, "API_ERROR", f"maxRecords must be a positive integer: {text}")
    return int(text)


@routes.route(QUERY + "/<job_id>/results", methods=["GET"])
def query_results(ctx: Context) -> Response:
    """GET /services/data/vXX.X/jobs/query/{jobId}/results[?locator=&maxRecords=]"""
    jobs = _jobs(ctx)
    job = _query_job(ctx)
    size = _max_records(ctx) or settings_of(ctx.org).query_page_size
    with jobs.lock:
        _completed_query(ctx, job)
        locator = ctx.arg("locator")
        numeric = float(job.api_version) < OPAQUE_LOCATOR_SINCE
        offset = _decode_offset(locator, job.total, numeric=numeric) if locator else 0
        text, count, next_offset = job.page(offset, size)
    headers = {
        "Sforce-Locator": (
            _encode_offset(next_offset, numeric=numeric) if next_offset is not None else "null"
        ),
        "Sforce-NumberOfRecords": str(count),
    }
    return ctx.csv(text, headers=headers)


@routes.route(QUERY + "/<job_id>/resultPages", methods=["GET"])
def query_result_pages(ctx: Context) -> Response:
    """GET /services/data/vXX.X/jobs/query/{jobId}/resultPages (v58.0+)"""
    ctx.require_version(RESULT_PAGES_SINCE)
    jobs = _jobs(ctx)
    job = _query_job(ctx)
    given = _max_records(ctx)
    size = given or settings_of(ctx.org).query_page_size
    with jobs.lock:
        _completed_query(ctx, job)
        locator = ctx.arg("locator")
        offset = _decode_offset(locator, job.total) if locator else 0
        total = job.total
    base = f"/services/data/v{ctx.api_version}/jobs/query/{job.id}"
    pages: list[dict[str, str]] = []
    position = offset
    while len(pages) < RESULT_PAGES_PER_RESPONSE and (position < total or not pages):
        pages.append(
            {"resultUrl": f"{base}/results?locator={_encode_offset(position)}&maxRecords={size}"}
        )
        position += size
    done = position >= total
    next_url = None
    if not done:
        next_url = f"{base}/resultPages?locator={_encode_offset(position)}"
        if given is not None:
            next_url += f"&maxRecords={given}"
    return ctx.json({"resultPages": pages, "nextRecordsUrl": next_url, "done": done})
