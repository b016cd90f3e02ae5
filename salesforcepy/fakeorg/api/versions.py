"""Versions and per-version resources.

* ``GET /services/data/`` — the supported versions, oldest first (no session; no API usage).
* ``GET /services/data/vXX.X/`` — resource names mapped to their paths, plus ``identity``.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from ..org import version_label
from . import DATA, Context, Routes
from .bulk2 import INGEST_SINCE
from .composite import BATCH_SINCE
from .wave import WAVE_SINCE

routes = Routes("versions")

# The resources the per-version map lists (a real org lists more; clients ignore unknown keys).
_RESOURCES = (
    "tooling",
    "metadata",
    "eclair",
    "folders",
    "prechatForms",
    "contact-tracing",
    "async-queries",
    "query",
    "jsonxform",
    "chatter",
    "tabs",
    "appMenu",
    "quickActions",
    "queryAll",
    "commerce",
    "wave",
    "iot",
    "analytics",
    "search",
    "smartdatadiscovery",
    "identity",
    "composite",
    "parameterizedSearch",
    "fingerprint",
    "theme",
    "nouns",
    "event",
    "serviceTemplates",
    "recent",
    "connect",
    "licensing",
    "limits",
    "process",
    "dedupe",
    "actions",
    "support",
    "jobs",
    "sobjects",
    "ui-api",
)
# Resources that appeared after the oldest served version (31.0); older maps leave them out,
# as their paths answer 404 there (the first of each family's resources: batch and tree for
# composite, ingest for jobs).
_SINCE = {"composite": BATCH_SINCE, "wave": WAVE_SINCE, "jobs": INGEST_SINCE}


@routes.route("/services/data", auth="none", api_usage=False)
def list_versions(ctx: Context) -> Response:
    """GET /services/data/"""
    return ctx.json(
        [
            {"label": version_label(v), "url": f"/services/data/v{v}", "version": v}
            for v in sorted(ctx.org.versions, key=float)
        ]
    )


@routes.route(DATA)
def resources(ctx: Context) -> Response:
    """GET /services/data/vXX.X/"""
    base = f"/services/data/v{ctx.version}"
    result = {}
    for name in _RESOURCES:
        if ctx.version_at_least(_SINCE.get(name, 0.0)):
            result[name] = f"{base}/{name}"
    result["identity"] = ctx.org.identity_url(ctx.user_id)
    return ctx.json(result)
