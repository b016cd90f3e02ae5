"""Bulk API 1.0, the async XML/CSV/JSON API (``/services/async/{version}/...``).

* ``POST job`` — create a job (``jobInfo`` as XML, or JSON); ``201``.
* ``GET job/{jobId}`` — jobInfo; ``POST job/{jobId}`` with ``<state>Closed</state>`` or
  ``Aborted`` — close or abort.
* ``POST job/{jobId}/batch`` — add a batch (CSV, XML ``<sObjects>``, JSON array; the SOQL text for
  query jobs); ``GET job/{jobId}/batch`` — ``batchInfoList``; ``GET .../batch/{batchId}``.
* ``GET .../batch/{batchId}/request`` — the batch as it was sent; ``.../result`` — one result per
  row (ingest) or the result ids (query); ``.../result/{resultId}`` — query rows.

Authentication is the ``X-SFDC-Session`` header (a session id or an OAuth access token). Errors
are ``<error>`` documents in the dataload namespace (``exceptionCode``, ``exceptionMessage``), or
the same two keys as JSON for JSON jobs, with status 400 unless noted. Batches are processed by the
org's bulk worker as soon as they are added.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from werkzeug.wrappers import Response

from ..bulk.classic import NS, ClassicBatch, ClassicJob
from ..bulk.engine import BulkJobs, settings_of
from ..bulk.rows import INGEST_OPERATIONS, may_hard_delete
from ..errors import SalesforceError
from ..json_input import parse_json
from . import Context, Routes, bytes_response, json_response, register_authenticator

ASYNC = "/services/async/<version:version>"
OPERATIONS = (*INGEST_OPERATIONS, "query", "queryAll")
CONTENT_TYPES = ("CSV", "XML", "JSON")
ZIP_CONTENT_TYPES = ("ZIP_CSV", "ZIP_XML", "ZIP_JSON")
_MEDIA = {
    "CSV": ("text/csv",),
    "XML": ("application/xml", "text/xml"),
    "JSON": ("application/json",),
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class AsyncError(SalesforceError):
    """A Bulk 1.0 error: ``exceptionCode`` and ``exceptionMessage`` (status 400 by default)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(status, code, message)


# ---- authentication and errors -------------------------------------------------------------------


def _session_auth(ctx: Context) -> Any:
    token = (ctx.request.headers.get("X-SFDC-Session") or "").strip()
    session = ctx.org.sessions.lookup(token) if token else None
    if session is None:
        raise AsyncError("InvalidSessionId", "Invalid session id")
    return session


register_authenticator("sfdc-session", _session_auth)


def _wants_json(ctx: Context) -> bool:
    if ctx.request.mimetype == "application/json":
        return True
    job_id = ctx.args.get("job_id")
    if job_id:
        job = BulkJobs.of(ctx.org).get(job_id, ClassicJob)
        return job is not None and job.content_type == "JSON"
    return False


def async_error(ctx: Context, error: SalesforceError) -> Response:
    """Render any error of this family as a dataload ``<error>`` (or its JSON form)."""
    code, status = error.error_code, error.status
    if code == "UNSUPPORTED_API_VERSION" or (
        code == "NOT_FOUND" and ctx.version is not None and ctx.version not in ctx.org.versions
    ):
        code, status = "InvalidVersion", 400
    elif code == "REQUEST_LIMIT_EXCEEDED":
        code = "ExceededQuota"
    elif not isinstance(error, AsyncError):
        code = "Unknown" if status >= 500 else "InvalidBatch"
    if _wants_json(ctx):
        return json_response({"exceptionCode": code, "exceptionMessage": error.message}, status)
    root = etree.Element(f"{{{NS}}}error", nsmap={None: NS})
    etree.SubElement(root, f"{{{NS}}}exceptionCode").text = code
    etree.SubElement(root, f"{{{NS}}}exceptionMessage").text = error.message
    return ctx.xml(root, status)


routes = Routes("bulk1", auth="sfdc-session", errors=async_error)


# ---- rendering -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _info_element(tag: str, info: Mapping[str, Any]) -> Any:
    element = etree.Element(f"{{{NS}}}{tag}", nsmap={None: NS})
    _fill(element, info)
    return element


def _fill(element: Any, info: Mapping[str, Any]) -> None:
    for key, value in info.items():
        if value is not None:
            etree.SubElement(element, f"{{{NS}}}{key}").text = _text(value)


def _answer(ctx: Context, tag: str, info: Mapping[str, Any], status: int = 200) -> Response:
    if _wants_json(ctx):
        return json_response(dict(info), status)
    return ctx.xml(_info_element(tag, info), status)


# ---- request bodies ------------------------------------------------------------------------------


def _job_fields(ctx: Context) -> dict[str, str]:
    """The fields of a jobInfo body (XML or JSON) as text."""
    data = ctx.request.get_data(cache=True)
    if ctx.request.mimetype == "application/json":
        try:
            body = parse_json(data)
        except ValueError as exc:
            raise AsyncError("InvalidJob", f"Unable to parse the JSON job: {exc}") from None
        if not isinstance(body, dict):
            raise AsyncError("InvalidJob", "The job must be a JSON object")
        return {str(k): _text(v) for k, v in body.items() if v is not None}
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise AsyncError("InvalidXML", f"Unable to parse the XML: {exc}") from None
    if etree.QName(root).localname != "jobInfo" or etree.QName(root).namespace != NS:
        raise AsyncError("InvalidXML", f"Expected a jobInfo element in the namespace {NS}")
    return {
        etree.QName(child).localname: (child.text or "").strip()
        for child in root
        if isinstance(child.tag, str)
    }


def _jobs(ctx: Context) -> BulkJobs:
    return BulkJobs.of(ctx.org)


def _job(ctx: Context) -> ClassicJob:
    job_id = ctx.args["job_id"]
    job = _jobs(ctx).get(job_id, ClassicJob)
    if job is None:
        raise AsyncError("InvalidJob", f"Unable to find job with id: {job_id}")
    return job


def _batch(ctx: Context, job: ClassicJob) -> ClassicBatch:
    batch_id = ctx.args["batch_id"]
    from ..ids import normalize_id

    batch = job.batch(normalize_id(batch_id) or batch_id)
    if batch is None:
        raise AsyncError("InvalidBatch", f"Unable to find batch with id: {batch_id}")
    return batch


def _hard_delete_allowed(ctx: Context) -> bool:
    profile_id = ctx.org.user_record(ctx.user_id).get("ProfileId")
    return may_hard_delete(ctx.store, profile_id, ctx.api_version)


# ---- routes --------------------------------------------------------------------------------------


@routes.route(ASYNC + "/job", methods=["POST"])
def create_job(ctx: Context) -> Response:
    """POST /services/async/{version}/job"""
    fields = _job_fields(ctx)
    operation = fields.get("operation", "")
    if operation not in OPERATIONS:
        raise AsyncError("InvalidJob", f"Invalid operation: {operation or '(none)'}")
    object_name = fields.get("object", "")
    try:
        obj = ctx.store.object(object_name)
    except SalesforceError:
        raise AsyncError("InvalidJob", f"Unable to find object: {object_name}") from None
    default_type = "JSON" if ctx.request.mimetype == "application/json" else "XML"
    content_type = fields.get("contentType") or default_type
    if content_type in ZIP_CONTENT_TYPES:
        raise AsyncError(
            "FeatureNotEnabled", f"The fake org does not support {content_type} batches"
        )
    if content_type not in CONTENT_TYPES:
        raise AsyncError("InvalidJob", f"Invalid content type: {content_type}")
    mode = fields.get("concurrencyMode") or "Parallel"
    if mode not in ("Parallel", "Serial"):
        raise AsyncError("InvalidJob", f"Invalid concurrency mode: {mode}")
    external = fields.get("externalIdFieldName") or None
    if operation == "upsert":
        field = obj.field(external) if external else None
        if field is None or not (field.name == "Id" or field.external_id):
            raise AsyncError(
                "InvalidJob",
                f"External ID field {external or '(none)'} is not an External ID field of "
                f"{obj.name}",
            )
        external = field.name
    else:
        external = None
    if operation == "hardDelete" and not _hard_delete_allowed(ctx):
        raise AsyncError(
            "InvalidJob",
            "hardDelete operation requires special user profile permission, please contact "
            "your system administrator",
        )
    jobs = _jobs(ctx)
    job = ClassicJob(
        id=jobs.new_id("750"),
        object=obj.name,
        operation=operation,
        content_type=content_type,
        created_by=ctx.user_id,
        created_date=jobs.now(),
        api_version=ctx.api_version,
        concurrency_mode=mode,
        external_id_field=external,
        assignment_rule_id=fields.get("assignmentRuleId") or None,
    )
    jobs.add(job)
    with jobs.lock:
        return _answer(ctx, "jobInfo", job.info(), 201)


@routes.route(ASYNC + "/job/<job_id>", methods=["GET"])
def get_job(ctx: Context) -> Response:
    """GET /services/async/{version}/job/{jobId}"""
    job = _job(ctx)
    with _jobs(ctx).lock:
        return _answer(ctx, "jobInfo", job.info())


@routes.route(ASYNC + "/job/<job_id>", methods=["POST"])
def update_job(ctx: Context) -> Response:
    """POST /services/async/{version}/job/{jobId} with state Closed or Aborted"""
    jobs = _jobs(ctx)
    job = _job(ctx)
    state = _job_fields(ctx).get("state", "")
    with jobs.lock:
        if state == "Closed":
            if job.state != "Open":
                raise AsyncError(
                    "InvalidJobState", f"Only an Open job can be closed; this job is {job.state}"
                )
            job.state = "Closed"
        elif state == "Aborted":
            if job.state not in ("Open", "Closed"):
                raise AsyncError("InvalidJobState", f"A job that is {job.state} cannot be aborted")
            job.state = "Aborted"
            for batch in job.batches:
                if batch.state == "Queued":
                    batch.state = "NotProcessed"
                    jobs.touch(batch)
            jobs.wake()
        else:
            raise AsyncError(
                "InvalidJobState", f"Invalid state {state or '(none)'}: use Closed or Aborted"
            )
        jobs.touch(job)
        return _answer(ctx, "jobInfo", job.info())


def _check_media(ctx: Context, job: ClassicJob) -> None:
    mimetype = ctx.request.mimetype
    if mimetype and mimetype not in _MEDIA[job.content_type]:
        raise AsyncError(
            "InvalidBatch",
            f"The batch's Content-Type {mimetype} does not match the job's content type "
            f"{job.content_type}",
        )


@routes.route(ASYNC + "/job/<job_id>/batch", methods=["POST"])
def add_batch(ctx: Context) -> Response:
    """POST /services/async/{version}/job/{jobId}/batch"""
    jobs = _jobs(ctx)
    job = _job(ctx)
    _check_media(ctx, job)
    body = ctx.request.get_data(cache=False)
    limit = settings_of(ctx.org).classic_max_batch_bytes
    if len(body) > limit:
        raise AsyncError("InvalidBatch", f"Exceeded max size limit of {limit} bytes")
    with jobs.lock:
        if job.state != "Open":
            raise AsyncError(
                "InvalidJobState",
                "Failed to create batch, since the Job is not Open. Current job state is "
                f"'{job.state}'",
            )
        batch = ClassicBatch(id=jobs.new_id("751"), job=job, created_date=jobs.now(), body=body)
        job.batches.append(batch)
        jobs.touch(job)
        jobs.schedule(batch)
        return _answer(ctx, "batchInfo", batch.info(), 201)


@routes.route(ASYNC + "/job/<job_id>/batch", methods=["GET"])
def list_batches(ctx: Context) -> Response:
    """GET /services/async/{version}/job/{jobId}/batch"""
    job = _job(ctx)
    with _jobs(ctx).lock:
        infos = [batch.info() for batch in job.batches]
    if _wants_json(ctx):
        return json_response({"batchInfo": infos})
    root = etree.Element(f"{{{NS}}}batchInfoList", nsmap={None: NS})
    for info in infos:
        _fill(etree.SubElement(root, f"{{{NS}}}batchInfo"), info)
    return ctx.xml(root)


@routes.route(ASYNC + "/job/<job_id>/batch/<batch_id>", methods=["GET"])
def get_batch(ctx: Context) -> Response:
    """GET /services/async/{version}/job/{jobId}/batch/{batchId}"""
    job = _job(ctx)
    with _jobs(ctx).lock:
        return _answer(ctx, "batchInfo", _batch(ctx, job).info())


def _media_of(job: ClassicJob) -> str:
    return {"CSV": "text/csv; charset=UTF-8", "XML": "application/xml", "JSON": "application/json"}[
        job.content_type
    ]


@routes.route(ASYNC + "/job/<job_id>/batch/<batch_id>/request", methods=["GET"])
def get_batch_request(ctx: Context) -> Response:
    """GET /services/async/{version}/job/{jobId}/batch/{batchId}/request"""
    job = _job(ctx)
    batch = _batch(ctx, job)
    media = "text/plain; charset=UTF-8" if job.is_query else _media_of(job)
    return bytes_response(batch.body, media)


def _completed(batch: ClassicBatch) -> None:
    if batch.state in ("Queued", "InProgress"):
        raise AsyncError("InvalidBatch", f"Batch not completed: it is {batch.state}")
    if batch.state != "Completed":
        detail = f": {batch.state_message}" if batch.state_message else ""
        raise AsyncError("InvalidBatch", f"Batch is {batch.state}{detail}")


@routes.route(ASYNC + "/job/<job_id>/batch/<batch_id>/result", methods=["GET"])
def get_batch_result(ctx: Context) -> Response:
    """GET /services/async/{version}/job/{jobId}/batch/{batchId}/result"""
    job = _job(ctx)
    with _jobs(ctx).lock:
        batch = _batch(ctx, job)
        _completed(batch)
        body, media = batch.results_body()
    return bytes_response(body, media)


@routes.route(ASYNC + "/job/<job_id>/batch/<batch_id>/result/<result_id>", methods=["GET"])
def get_query_result(ctx: Context) -> Response:
    """GET /services/async/{version}/job/{jobId}/batch/{batchId}/result/{resultId}"""
    job = _job(ctx)
    with _jobs(ctx).lock:
        batch = _batch(ctx, job)
        _completed(batch)
        result_id: Optional[str] = ctx.args["result_id"]
        if not job.is_query or result_id not in batch.result_ids:
            raise AsyncError("InvalidBatch", f"Unable to find result with id: {result_id}")
        body, media = batch.query_result_body()
    return bytes_response(body, media)


__all__ = ["AsyncError", "async_error", "routes"]
