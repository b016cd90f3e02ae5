"""SOSL search: ``GET /services/data/vXX.X/search?q={SOSL}``.

From v36.0 the answer is ``{"searchRecords": [...]}``; up to v35.0 it is the bare array.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from ..errors import SalesforceError
from . import DATA, Context, Routes

routes = Routes("search")


@routes.route(DATA + "/search")
def search(ctx: Context) -> Response:
    """GET /services/data/vXX.X/search?q={SOSL}"""
    from ..soql import run_search

    sosl = ctx.request.args.get("q")
    if sosl is None or not sosl.strip():
        raise SalesforceError(
            400, "MALFORMED_SEARCH", "No search term found. The search term must be in braces."
        )
    records = run_search(ctx.store, sosl, api_version=ctx.api_version)
    if ctx.version_at_least(36.0):
        return ctx.json({"searchRecords": records})
    return ctx.json(records)
