"""sObject resources under ``/services/data/vXX.X/sobjects``.

=====================================================  =============================================
``GET /sobjects``                                      describe global (``If-Modified-Since``: 304)
``GET /sobjects/{SObject}``                            basic information and recent items
``POST /sobjects/{SObject}``                           create (JSON, or multipart with a blob)
``GET /sobjects/{SObject}/describe``                   describe (``If-Modified-Since`` -> 304)
``GET /sobjects/{SObject}/deleted?start=&end=``        deleted records in a window
``GET /sobjects/{SObject}/updated?start=&end=``        updated records in a window
``GET|PATCH|DELETE /sobjects/{SObject}/{id}``          read (``?fields=``), update, delete
``POST /sobjects/{SObject}/Id``                        create through the ``Id`` pseudo external id
``GET /sobjects/{SObject}/{id}/{blobField}``           blob bytes (``application/octet-stream``)
``GET|PATCH|DELETE /sobjects/{SObject}/{field}/{v}``   read, upsert or delete by external id
=====================================================  =============================================

``PATCH`` may be tunnelled as ``POST ?_HttpMethod=PATCH``. Upsert answers 201 on insert and, on
update, 200 with ``created: false`` from v46.0 or 204 before; several matches give 300 with the
record URL paths.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
from typing import Any
from urllib.parse import unquote_to_bytes

from werkzeug.wrappers import Response

from .. import describe as describe_payloads
from ..errors import MultipleMatches, SalesforceError, not_found
from ..ids import normalize_id
from ..json_input import parse_json
from ..schema import ObjectDef, format_datetime, parse_datetime, record_url
from . import DATA, Context, Routes, multipart_parts

routes = Routes("sobjects")

SOBJECTS = DATA + "/sobjects"
DELETED_WINDOW = dt.timedelta(days=15)
UPDATED_WINDOW = dt.timedelta(days=30)
MAX_REPLICATION_IDS = 600_000
ID_CREATE_SINCE = 37.0  # POST /sobjects/{SObject}/Id


# ---- helpers -------------------------------------------------------------------------------------


def _object(ctx: Context) -> ObjectDef:
    """The route's sObject type, canonical (404 NOT_FOUND if the org has none by that name)."""
    obj: ObjectDef = ctx.store.object(ctx.args["sobject"])
    return obj


def _fields_param(ctx: Context) -> list[str] | None:
    raw = ctx.request.args.get("fields")
    if raw is None:
        return None
    names = [name.strip() for name in raw.split(",") if name.strip()]
    return names or None


def _http_date(value: dt.datetime) -> str:
    return email.utils.format_datetime(
        value.astimezone(dt.timezone.utc).replace(microsecond=0), usegmt=True
    )


def _not_modified_since(ctx: Context, changed: dt.datetime) -> bool:
    """True when ``If-Modified-Since`` is at or after ``changed`` (seconds precision)."""
    header = ctx.request.headers.get("If-Modified-Since")
    if not header:
        return False
    try:
        since = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.timezone.utc)
    return changed.replace(microsecond=0) <= since


def _metadata_changed(ctx: Context) -> dt.datetime:
    changed: dt.datetime = ctx.org.metadata_changed
    store_changed = getattr(ctx.store, "schema_modified", None)
    if isinstance(store_changed, dt.datetime) and store_changed > changed:
        changed = store_changed
    return changed


def _strip_attributes(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if key.lower() != "attributes"}


def record_fields(ctx: Context, obj: ObjectDef) -> dict[str, Any]:
    """The field values of a create/update body: JSON, or multipart with the blob in its own part.

    In a multipart body the binary part is the one named after a base64 field of the object (any
    case); the JSON part is the first other part with a JSON content type (else the first other
    part), whatever its name.
    """
    if ctx.request.mimetype != "multipart/form-data":
        body = ctx.json_body()
        return _strip_attributes(body)
    blob_fields = {f.name.lower(): f.name for f in obj.fields if f.type == "base64"}
    parts = multipart_parts(ctx.request)
    binaries = [p for p in parts if p.name.lower() in blob_fields]
    others = [p for p in parts if p.name.lower() not in blob_fields]
    json_part = next(
        (p for p in others if p.content_type and "json" in p.content_type.lower()), None
    )
    if json_part is None and others:
        json_part = others[0]
    if json_part is None:
        raise SalesforceError(400, "JSON_PARSER_ERROR", "The multipart request has no JSON part")
    try:
        fields = parse_json(json_part.data)
    except ValueError as exc:
        raise SalesforceError(
            400, "JSON_PARSER_ERROR", f"The JSON part is not valid JSON: {exc}"
        ) from None
    if not isinstance(fields, dict):
        raise SalesforceError(400, "JSON_PARSER_ERROR", "The JSON part must be an object")
    if not binaries:
        missing = next(iter(blob_fields.values()), "Body")
        raise SalesforceError(
            400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{missing}]", [missing]
        )
    fields = _strip_attributes(fields)
    for part in binaries:
        fields[blob_fields[part.name.lower()]] = part.data
    return fields


def _created(
    ctx: Context, obj: ObjectDef, record_id: str, extra: dict[str, Any] | None = None
) -> Response:
    body: dict[str, Any] = {"id": record_id, "success": True, "errors": []}
    if extra:
        body.update(extra)
    location = record_url(obj.name, record_id, ctx.api_version)
    return ctx.json(body, status=201, headers={"Location": location})


def _record_response(ctx: Context, record: dict[str, Any]) -> Response:
    headers = {}
    modified = record.get("LastModifiedDate")
    if isinstance(modified, str):
        with contextlib.suppress(ValueError):
            headers["Last-Modified"] = _http_date(parse_datetime(modified))
    return ctx.json(record, headers=headers)


def _create(ctx: Context, obj: ObjectDef) -> Response:
    fields = record_fields(ctx, obj)
    record_id = ctx.store.create(obj.name, fields, user_id=ctx.user_id)
    return _created(ctx, obj, record_id)


def _window(
    ctx: Context, back: dt.timedelta
) -> tuple[dt.datetime, dt.datetime, dt.datetime, dt.datetime]:
    """Parse ``start``/``end`` (truncated to the minute); check them against the look-back window.

    Returns ``(start, end, earliest available, latest covered)``.
    """
    values = {}
    for name in ("start", "end"):
        text = ctx.request.args.get(name)
        if not text:
            raise SalesforceError(400, "MISSING_ARGUMENT", f"Missing argument: {name}")
        try:
            values[name] = parse_datetime(text).replace(second=0, microsecond=0)
        except ValueError:
            raise SalesforceError(
                400, "INVALID_PARAMETER_VALUE", f"Invalid date-time for {name}: {text}"
            ) from None
    now = ctx.store.now().replace(second=0, microsecond=0)
    earliest = now - back
    start, end = values["start"], values["end"]
    if start > end:
        raise SalesforceError(
            400, "INVALID_REPLICATION_DATE", "The start date must be before the end date"
        )
    if start < earliest:
        raise SalesforceError(
            400,
            "INVALID_REPLICATION_DATE",
            f"startDate cannot be more than {back.days} days ago",
        )
    latest = min(end, now)
    return start, end, earliest, latest


def _updated_result_check(count: int) -> None:
    if count > MAX_REPLICATION_IDS:
        raise SalesforceError(400, "EXCEEDED_ID_LIMIT", "More than 600,000 ids match the window")


# ---- describe and basic info ---------------------------------------------------------------------


@routes.route(SOBJECTS)
def describe_global(ctx: Context) -> Response:
    """GET /services/data/vXX.X/sobjects"""
    changed = _metadata_changed(ctx)
    if _not_modified_since(ctx, changed):
        return ctx.empty(304)
    body = describe_payloads.describe_global(ctx.store, ctx.api_version)
    return ctx.json(body, headers={"Last-Modified": _http_date(changed)})


@routes.route(SOBJECTS + "/<sobject>", methods=["GET", "POST"])
def sobject(ctx: Context) -> Response:
    """GET /services/data/vXX.X/sobjects/{SObject} (basic info); POST: create a record"""
    obj = _object(ctx)
    if ctx.request.method == "POST":
        return _create(ctx, obj)
    return ctx.json(describe_payloads.basic_info(ctx.store, obj.name, ctx.api_version))


@routes.route(SOBJECTS + "/<sobject>/describe")
def describe(ctx: Context) -> Response:
    """GET /services/data/vXX.X/sobjects/{SObject}/describe"""
    obj = _object(ctx)
    changed = _metadata_changed(ctx)
    if _not_modified_since(ctx, changed):
        return ctx.empty(304)
    body = describe_payloads.describe_sobject(
        ctx.store, obj.name, ctx.api_version, instance_url=ctx.org.instance_url
    )
    return ctx.json(body, headers={"Last-Modified": _http_date(changed)})


@routes.route(SOBJECTS + "/<sobject>/deleted")
def deleted(ctx: Context) -> Response:
    """GET /services/data/vXX.X/sobjects/{SObject}/deleted?start=&end="""
    obj = _object(ctx)
    start, end, earliest, latest = _window(ctx, DELETED_WINDOW)
    records = ctx.store.deleted_between(obj.name, start, end + dt.timedelta(seconds=59.999))
    _updated_result_check(len(records))
    return ctx.json(
        {
            "deletedRecords": records,
            "earliestDateAvailable": format_datetime(earliest),
            "latestDateCovered": format_datetime(latest),
        }
    )


@routes.route(SOBJECTS + "/<sobject>/updated")
def updated(ctx: Context) -> Response:
    """GET /services/data/vXX.X/sobjects/{SObject}/updated?start=&end="""
    obj = _object(ctx)
    start, end, _, latest = _window(ctx, UPDATED_WINDOW)
    ids = ctx.store.updated_between(obj.name, start, end + dt.timedelta(seconds=59.999))
    _updated_result_check(len(ids))
    return ctx.json({"ids": ids, "latestDateCovered": format_datetime(latest)})


@routes.route(SOBJECTS + "/<sobject>/<record_id>", methods=["GET", "PATCH", "DELETE", "POST"])
def record(ctx: Context) -> Response:
    """GET|PATCH|DELETE /services/data/vXX.X/sobjects/{SObject}/{id}; POST .../{SObject}/Id"""
    obj = _object(ctx)
    record_id = ctx.args["record_id"]
    method = ctx.request.method
    if method == "POST" and "_HttpMethod" in ctx.request.args:
        method = ctx.request.args["_HttpMethod"].upper()
    if method == "POST":
        # POST .../{SObject}/Id (a create through the Id pseudo external id) arrived in v37.0.
        if record_id.lower() != "id" or not ctx.version_at_least(ID_CREATE_SINCE):
            raise SalesforceError(
                405,
                "METHOD_NOT_ALLOWED",
                "HTTP Method 'POST' not allowed. Allowed are GET,HEAD,PATCH,DELETE",
            )
        return _create(ctx, obj)
    if method in ("GET", "HEAD"):
        return _record_response(
            ctx, ctx.store.get(obj.name, record_id, _fields_param(ctx), api_version=ctx.api_version)
        )
    if method == "PATCH":
        ctx.store.update(obj.name, record_id, record_fields(ctx, obj), user_id=ctx.user_id)
        return ctx.empty()
    ctx.store.delete(obj.name, record_id)
    return ctx.empty()


def _blob_field(obj: ObjectDef, record_key: str, field_name: str) -> tuple[str, str] | None:
    """``(id, field)`` when the path is ``{id of this object}/{base64 field}``."""
    record_id = normalize_id(record_key)
    if record_id is None or record_id[:3] != obj.key_prefix:
        return None
    field = obj.field(field_name)
    if field is None or field.type != "base64":
        return None
    return record_id, field.name


def _single_match(ctx: Context, obj: ObjectDef, field: str, value: str) -> str:
    ids: list[str] = ctx.store.find_by_external_id(obj.name, field, value)
    if not ids:
        raise not_found()
    if len(ids) > 1:
        raise MultipleMatches(obj.name, ids)
    return ids[0]


def _external_id_value(ctx: Context) -> str:
    """The value segment as the client encoded it: routing sees the path percent-decoded, where an
    encoded ``%2F`` and a real ``/`` look alike; the raw request target tells them apart."""
    decoded: str = ctx.args["value"]
    raw = str(ctx.environ.get("RAW_URI") or "").split("?", 1)[0].split("#", 1)[0]
    parts = raw.split("/")
    # "", services, data, vXX.X, sobjects, {SObject}, {field}, {value...}
    if len(parts) < 8 or parts[4] != "sobjects":
        return decoded[:-1] if decoded.endswith("/") else decoded
    value = "/".join(parts[7:])
    if value.endswith("/"):  # a real trailing slash is only the optional one
        value = value[:-1]
    # The target holds the request's bytes as latin-1 text: raw UTF-8 and %XX escapes alike.
    return unquote_to_bytes(value.encode("latin-1")).decode("utf-8", errors="replace")


@routes.route(SOBJECTS + "/<sobject>/<key>/<path:value>", methods=["GET", "PATCH", "DELETE"])
def by_external_id(ctx: Context) -> Response:
    """GET|PATCH|DELETE /services/data/vXX.X/sobjects/{SObject}/{field}/{value} (and blob reads)"""
    obj = _object(ctx)
    key = ctx.args["key"]
    value = _external_id_value(ctx)
    method = ctx.request.method
    if method == "POST":  # tunnelled: only PATCH gets here
        method = "PATCH"
    if method in ("GET", "HEAD"):
        blob = _blob_field(obj, key, value)
        if blob is not None:
            data = ctx.store.get_blob(obj.name, blob[0], blob[1])
            return ctx.bytes(data, "application/octet-stream")
        if normalize_id(key) is not None and obj.field(key) is None:
            raise not_found()
        record_id = _single_match(ctx, obj, key, value)
        return _record_response(
            ctx, ctx.store.get(obj.name, record_id, _fields_param(ctx), api_version=ctx.api_version)
        )
    if method == "DELETE":
        ctx.store.delete(obj.name, _single_match(ctx, obj, key, value))
        return ctx.empty()
    return _upsert(ctx, obj, key, value)


def _upsert(ctx: Context, obj: ObjectDef, key: str, value: str) -> Response:
    fields = record_fields(ctx, obj)
    # A body that repeats the URL's external id with the same value is tolerated; another value
    # (null included) would silently re-key the matched record, and is refused instead.
    for name in [k for k in fields if k.lower() == key.lower()]:
        if fields[name] is None or str(fields[name]) != value:
            raise SalesforceError(
                400,
                "INVALID_FIELD",
                f"The {name} field should not be specified in the sobject data.",
                fields=[name],
            )
        del fields[name]
    new_style = ctx.version_at_least(46.0)
    update_only = (
        ctx.version_at_least(61.0) and ctx.request.args.get("updateOnly", "").lower() == "true"
    )
    if update_only:
        record_id = _single_match(ctx, obj, key, value)
        ctx.store.update(obj.name, record_id, fields, user_id=ctx.user_id)
        created = False
    else:
        record_id, created = ctx.store.upsert(obj.name, key, value, fields, user_id=ctx.user_id)
    if created:
        return _created(ctx, obj, record_id, {"created": True} if new_style else None)
    if new_style:
        return ctx.json({"id": record_id, "success": True, "errors": [], "created": False})
    return ctx.empty()
