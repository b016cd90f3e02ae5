"""Anonymous Apex, the Tooling query and Apex REST.

* ``GET /services/data/vXX.X/tooling/executeAnonymous/?anonymousBody={apex}`` — checked by
  :func:`salesforcepy.fakeorg.apex.execute_anonymous`; always 200, the flags tell the outcome.
* ``GET /services/data/vXX.X/tooling/query/?q={SOQL}`` — SOQL over the Tooling objects the fake org
  has (``ApexClass``), with the Tooling keys ``size``, ``queryLocator`` and ``entityTypeName``.
* ``GET /services/data/vXX.X/tooling/sobjects/{type}/{id}`` — one Tooling record.
* ``GET|POST|PUT|PATCH|DELETE /services/apexrest/{urlMapping}`` — routes registered in the org's
  :class:`~salesforcepy.fakeorg.apex.ApexRestRoutes` (``FakeOrg.apex_rest(...)``); ``/Echo`` is
  built in. No matching mapping is 404 ``NOT_FOUND``; an exception in a route is 500 ``APEX_ERROR``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from werkzeug.wrappers import Response

from ..apex import ApexRestRequest, ApexRestResponse, ApexRestRoutes, execute_anonymous
from ..errors import SalesforceError
from ..org import OrgState
from . import DATA, JSON_TYPE, Context, Routes

logger = logging.getLogger(__name__)

routes = Routes("apex")

# The objects the fake org serves through the Tooling API (all of them also live in the store).
TOOLING_OBJECTS = frozenset({"apexclass"})


def apex_rest_routes(org: OrgState) -> ApexRestRoutes:
    """The org's Apex REST route table (created with the built-in ``/Echo`` routes)."""
    return org.extension("apex.rest", lambda _org: ApexRestRoutes())


@routes.route(DATA + "/tooling/executeAnonymous")
def execute_anonymous_route(ctx: Context) -> Response:
    """GET /services/data/vXX.X/tooling/executeAnonymous/?anonymousBody={apex}"""
    source = ctx.arg("anonymousBody")
    if source is None:
        raise SalesforceError(
            400, "MISSING_ARGUMENT", "Required parameter anonymousBody is missing"
        )
    return ctx.json(execute_anonymous(source).to_json())


def _tooling_object(name: str) -> str:
    if name.lower() not in TOOLING_OBJECTS:
        raise SalesforceError(400, "INVALID_TYPE", f"sObject type '{name}' is not supported.")
    return name


@routes.route(DATA + "/tooling/query")
def tooling_query(ctx: Context) -> Response:
    """GET /services/data/vXX.X/tooling/query/?q={SOQL}"""
    from ..soql import run_query

    soql = ctx.arg("q")
    if soql is None or not soql.strip():
        raise SalesforceError(400, "MALFORMED_QUERY", "A query string has to be specified")
    result = run_query(ctx.store, soql, api_version=ctx.api_version)
    _tooling_object(result.object_name)
    records = [_tooling_record(ctx, record) for record in result.records]
    return ctx.json(
        {
            "size": result.total_size,
            "totalSize": result.total_size,
            "done": True,
            "queryLocator": None,
            "entityTypeName": result.object_name,
            "records": records,
        }
    )


def _tooling_record(ctx: Context, record: Any) -> Any:
    """Point ``attributes.url`` (of the record and nested parents) at the Tooling API."""
    if not isinstance(record, dict):
        return record
    out = {}
    for key, value in record.items():
        if key == "attributes" and isinstance(value, dict) and "url" in value:
            value = dict(value)
            value["url"] = value["url"].replace(
                f"/services/data/v{ctx.api_version}/sobjects/",
                f"/services/data/v{ctx.api_version}/tooling/sobjects/",
                1,
            )
        elif isinstance(value, dict):
            value = _tooling_record(ctx, value)
        out[key] = value
    return out


@routes.route(DATA + "/tooling/sobjects/<sobject>/<record_id>")
def tooling_record(ctx: Context) -> Response:
    """GET /services/data/vXX.X/tooling/sobjects/{type}/{id}"""
    name = _tooling_object(ctx.args["sobject"])
    fields_arg = ctx.arg("fields")
    fields = [f.strip() for f in fields_arg.split(",") if f.strip()] if fields_arg else None
    record = ctx.store.get(name, ctx.args["record_id"], fields, api_version=ctx.api_version)
    return ctx.json(_tooling_record(ctx, record))


# ---- Apex REST -----------------------------------------------------------------------------------

_APEXREST_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@routes.route("/services/apexrest/<path:mapping>", methods=_APEXREST_METHODS)
def apexrest(ctx: Context) -> Response:
    """GET|POST|PUT|PATCH|DELETE /services/apexrest/{urlMapping}"""
    path = "/" + ctx.args["mapping"]
    route = apex_rest_routes(ctx.org).match(path)
    if route is None:
        raise SalesforceError(404, "NOT_FOUND", f"Could not find a match for URL {path}")
    method = ctx.request.method
    if method == "POST" and "_HttpMethod" in ctx.request.args:
        method = ctx.request.args["_HttpMethod"].upper()
    if method not in route.methods:
        allowed = ",".join(sorted(route.methods))
        raise SalesforceError(
            405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed. Allowed are {allowed}"
        )
    request = ApexRestRequest(
        method=method,
        path=path,
        params={k: v for k, v in ctx.request.args.items() if k != "_HttpMethod"},
        headers=dict(ctx.request.headers.items()),
        body=ctx.request.get_data(cache=True),
        user_id=ctx.user_id,
    )
    try:
        result = route.handler(request)
    except SalesforceError:
        raise
    except Exception as exc:
        logger.debug("Apex REST route %s raised", route.mapping, exc_info=True)
        raise SalesforceError(
            500,
            "APEX_ERROR",
            f"{type(exc).__name__}: {exc}\n\nClass.{_class_name(route.mapping)}: line 1, column 1",
        ) from None
    return _apex_response(result)


def _class_name(mapping: str) -> str:
    parts = [p for p in mapping.split("/") if p and p != "*"]
    return (parts[-1] if parts else "ApexRest") + "Resource"


def _apex_response(result: Any) -> Response:
    if isinstance(result, ApexRestResponse):
        if result.body is None:
            response = Response(b"", status=result.status, headers=dict(result.headers))
            del response.headers["Content-Type"]
            return response
        if isinstance(result.body, bytes):
            data = result.body
        else:
            data = json.dumps(result.body, separators=(",", ":")).encode("utf-8")
        return Response(
            data,
            status=result.status,
            headers=dict(result.headers),
            content_type=result.content_type,
        )
    if result is None:
        response = Response(b"", status=200)
        del response.headers["Content-Type"]
        return response
    if isinstance(result, bytes):
        return Response(result, status=200, content_type="application/octet-stream")
    text = json.dumps(result, separators=(",", ":"))
    return Response(text.encode("utf-8"), status=200, content_type=JSON_TYPE)
