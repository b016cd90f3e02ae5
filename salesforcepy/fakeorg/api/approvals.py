"""Approval processes: ``GET`` and ``POST /services/data/vXX.X/process/approvals/``.

* ``GET`` lists the active processes by object (``{"approvals": {"Account": [...]}}``).
* ``POST {"requests": [...]}`` runs each Submit / Approve / Reject request on its own (see
  :mod:`salesforcepy.fakeorg.approvals`): successful ones are kept even when others fail.
  The answer is ``200`` with one ProcessResult per request, failed ones carrying
  ``success: false`` and ``errors: [{"statusCode", "message", "fields"}]``; when every request
  fails it is ``400`` with the REST error array instead. A body that is not
  ``{"requests": [...]}`` or an unknown ``actionType`` fails the whole call with
  ``400 JSON_PARSER_ERROR`` before anything runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.wrappers import Response

from ..approvals import ACTION_TYPES, Approvals, failed_result
from ..errors import SalesforceError
from . import DATA, Context, Routes, json_response

routes = Routes("approvals")


def _parse(ctx: Context) -> list[Mapping[str, Any]]:
    body = ctx.json_body()
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise SalesforceError(
            400, "JSON_PARSER_ERROR", 'The request body must be {"requests": [...]}'
        )
    for item in requests:
        if not isinstance(item, Mapping):
            raise SalesforceError(
                400, "JSON_PARSER_ERROR", "Each approval request must be a JSON object"
            )
        action = item.get("actionType")
        if action not in ACTION_TYPES:
            raise SalesforceError(
                400,
                "JSON_PARSER_ERROR",
                f"Cannot deserialize instance of actionType from value {action!r}: "
                f"expected one of {', '.join(ACTION_TYPES)}",
            )
    return requests


@routes.route(DATA + "/process/approvals", methods=["GET", "POST"])
def approvals(ctx: Context) -> Response:
    """GET/POST /services/data/vXX.X/process/approvals/"""
    engine = Approvals(ctx.store, ctx.api_version)
    if ctx.request.method == "GET":
        return ctx.json(engine.list_json())
    results = []
    errors: list[SalesforceError] = []
    for request in _parse(ctx):
        try:
            results.append(engine.run(request, ctx.user_id))
        except SalesforceError as error:
            # An ApprovalError, or a store error while writing: this request fails, alone.
            errors.append(error)
            results.append(failed_result(error))
    if len(errors) == len(results):
        payload = [item for error in errors for item in error.as_json()]
        return json_response(payload, status=400)
    return ctx.json(results)
