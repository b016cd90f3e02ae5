"""CRM Analytics (Wave) datasets and queries.

Paths covered (relative to ``/services/data/vXX.X/``):

- ``GET wave/datasets/{idOrApiName}`` — :meth:`Wave.dataset`
- ``POST wave/query`` — :meth:`Wave.query`
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Optional

import attrs

from ..options import Proxies, Timeout
from ..request import Request, Result, path
from ._base import Sender, require_mapping, require_text

__all__ = ["Wave", "dataset_request", "wave_query_request"]

# Dataset API names are letters, digits and underscores; ids are 15/18 base-62 characters.
_DATASET_RE = re.compile(r"^[A-Za-z0-9_]{1,80}$")


def dataset_request(api_name: str) -> Request:
    """``GET wave/datasets/{api_name}``."""
    if not _DATASET_RE.match(require_text(api_name, "api_name")):
        raise ValueError("api_name must be a dataset API name or id")
    return Request.get(path("wave", "datasets", api_name))


def wave_query_request(query: Mapping[str, Any]) -> Request:
    """``POST wave/query`` with ``{"query": "<SAQL>", ...}``."""
    query = require_mapping(query, "query")
    require_text(query.get("query"), "query['query']")
    return Request.post("wave/query", json=dict(query))


@attrs.define
class Wave:
    """CRM Analytics builder: ``client.wave``."""

    _client: Sender

    def dataset(
        self,
        api_name: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/wave/datasets/{api_name}`` — one dataset.

        Args:
            api_name: the dataset's API name (``"opportunities"``) or ``0Fb`` id.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.
        """
        return self._client._send(
            dataset_request(api_name), timeout=timeout, proxies=proxies, version=version
        )

    def query(
        self,
        query: Mapping[str, Any],
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/data/vXX.X/wave/query`` — run a SAQL (or SQL) query.

        Args:
            query: ``{"query": "q = load \\"<datasetId>/<versionId>\\"; ..."}``, optionally with
                ``"queryLanguage"``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"action", "responseId", "results": {"records": [...]}, ...}, request)``.
        """
        return self._client._send(
            wave_query_request(query), timeout=timeout, proxies=proxies, version=version
        )
