"""The composite family under ``/services/data/vXX.X/composite``.

=====================================================  =============================================
``GET /composite``                                     the family's resources
``POST /composite``                                    Composite (``compositeRequest``, references)
``POST /composite/batch``                              Composite batch
``POST /composite/graph``                              Composite graph (v50.0+)
``POST /composite/tree/{SObject}``                     sObject Tree
``POST /composite/sobjects``                           Collections create (v42.0+)
``PATCH /composite/sobjects``                          Collections update
``DELETE /composite/sobjects?ids=&allOrNone=``         Collections delete
``GET /composite/sobjects/{SObject}?ids=&fields=``     Collections retrieve (``POST`` with a body)
``PATCH /composite/sobjects/{SObject}/{ExtIdField}``   Collections upsert (v46.0+)
=====================================================  =============================================

The work is done in :mod:`salesforcepy.fakeorg.composite`; this module maps HTTP to it. A whole
composite call counts as one API request, whatever it runs.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from ..composite.sobject_collections import (
    MAX_RECORDS,
    Collections,
    all_or_none_flag,
    limit_exceeded,
    request_records,
)
from ..composite.subrequests import run_batch, run_composite, run_graph
from ..composite.tree import TreeFailed, insert_tree
from ..errors import SalesforceError
from . import DATA, Context, Routes

routes = Routes("composite")

COMPOSITE = DATA + "/composite"

# First API version of each resource.
COMPOSITE_SINCE = 38.0
BATCH_SINCE = 34.0
TREE_SINCE = 34.0
COLLECTIONS_SINCE = 42.0
UPSERT_SINCE = 46.0
GRAPH_SINCE = 50.0


def _collections(ctx: Context) -> Collections:
    return Collections(ctx.store, ctx.user_id, ctx.api_version)


def _split_list(text: str | None) -> list[str]:
    if text is None:
        return []
    return [part.strip() for part in text.split(",") if part.strip()]


@routes.route(COMPOSITE, methods=["GET", "POST"])
def composite(ctx: Context) -> Response:
    """POST /services/data/vXX.X/composite; GET lists the composite resources"""
    ctx.require_version(COMPOSITE_SINCE)
    if ctx.request.method == "GET":
        base = f"/services/data/v{ctx.api_version}/composite"
        resources = {"batch": f"{base}/batch", "tree": f"{base}/tree"}
        if ctx.version_at_least(COLLECTIONS_SINCE):
            resources["sobjects"] = f"{base}/sobjects"
        if ctx.version_at_least(GRAPH_SINCE):
            resources["graph"] = f"{base}/graph"
        return ctx.json(resources)
    return ctx.json(run_composite(ctx, ctx.json_body(expect=None)))


@routes.route(COMPOSITE + "/batch", methods=["POST"])
def batch(ctx: Context) -> Response:
    """POST /services/data/vXX.X/composite/batch"""
    ctx.require_version(BATCH_SINCE)
    return ctx.json(run_batch(ctx, ctx.json_body(expect=None)))


@routes.route(COMPOSITE + "/graph", methods=["POST"])
def graph(ctx: Context) -> Response:
    """POST /services/data/vXX.X/composite/graph"""
    ctx.require_version(GRAPH_SINCE)
    return ctx.json(run_graph(ctx, ctx.json_body(expect=None)))


@routes.route(COMPOSITE + "/tree/<sobject>", methods=["POST"])
def tree(ctx: Context) -> Response:
    """POST /services/data/vXX.X/composite/tree/{SObject}"""
    ctx.require_version(TREE_SINCE)
    root = ctx.store.object(ctx.args["sobject"])
    body = ctx.json_body(expect=None)
    try:
        results = insert_tree(ctx.store, root, body, ctx.user_id)
    except TreeFailed as failed:
        return ctx.json({"hasErrors": True, "results": failed.results}, status=400)
    return ctx.json({"hasErrors": False, "results": results}, status=201)


@routes.route(COMPOSITE + "/sobjects", methods=["POST", "PATCH", "DELETE"])
def collections(ctx: Context) -> Response:
    """POST|PATCH|DELETE /services/data/vXX.X/composite/sobjects"""
    ctx.require_version(COLLECTIONS_SINCE)
    method = ctx.request.method
    if method == "DELETE":
        ids = _split_list(ctx.arg("ids"))
        if not ids:
            raise SalesforceError(400, "MISSING_ARGUMENT", "Missing argument: ids")
        if len(ids) > MAX_RECORDS:
            raise limit_exceeded("records", MAX_RECORDS)
        all_or_none = all_or_none_flag(ctx.arg("allOrNone"), source="query")
        return ctx.json(_collections(ctx).delete(ids, all_or_none))
    records, all_or_none = request_records(ctx.json_body(expect=None))
    if method == "POST":
        return ctx.json(_collections(ctx).create(records, all_or_none))
    return ctx.json(_collections(ctx).update(records, all_or_none))


@routes.route(COMPOSITE + "/sobjects/<sobject>", methods=["GET", "POST"])
def retrieve(ctx: Context) -> Response:
    """GET /services/data/vXX.X/composite/sobjects/{SObject}?ids=&fields= (or POST a body)"""
    ctx.require_version(COLLECTIONS_SINCE)
    obj = ctx.store.object(ctx.args["sobject"])
    if ctx.request.method == "GET":
        ids: list[object] = list(_split_list(ctx.arg("ids")))
        fields: list[object] = list(_split_list(ctx.arg("fields")))
    else:
        body = ctx.json_body()
        ids, fields = body.get("ids") or [], body.get("fields") or []
        if not isinstance(ids, list) or not isinstance(fields, list):
            raise SalesforceError(400, "JSON_PARSER_ERROR", "'ids' and 'fields' must be arrays")
    return ctx.json(_collections(ctx).retrieve(obj, ids, fields))


@routes.route(COMPOSITE + "/sobjects/<sobject>/<field>", methods=["PATCH"])
def upsert(ctx: Context) -> Response:
    """PATCH /services/data/vXX.X/composite/sobjects/{SObject}/{ExtIdField}"""
    ctx.require_version(UPSERT_SINCE)
    obj = ctx.store.object(ctx.args["sobject"])
    records, all_or_none = request_records(ctx.json_body(expect=None))
    return ctx.json(_collections(ctx).upsert(obj, ctx.args["field"], records, all_or_none))
