"""CRM Analytics (Wave) datasets and queries.

Paths covered (relative to ``/services/data/vXX.X/``):

- ``GET wave/datasets`` — :meth:`Wave.datasets`
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

__all__ = ["Wave", "dataset_request", "datasets_request", "wave_query_request"]

# Dataset API names are letters, digits and underscores; ids are 15/18 base-62 characters.
_DATASET_RE = re.compile(r"^[A-Za-z0-9_]{1,80}$")


def dataset_request(api_name: str) -> Request:
    """``GET wave/datasets/{api_name}``."""
    if not _DATASET_RE.match(require_text(api_name, "api_name")):
        raise ValueError("api_name must be a dataset API name or id")
    return Request.get(path("wave", "datasets", api_name))


def datasets_request(
    q: Optional[str] = None, *, page_size: Optional[int] = None, page: Optional[str] = None
) -> Request:
    """``GET wave/datasets`` with optional ``q``, ``pageSize`` and ``page``."""
    params: list[tuple[str, Any]] = []
    if q is not None:
        params.append(("q", require_text(q, "q")))
    if page_size is not None:
        if isinstance(page_size, bool) or not isinstance(page_size, int):
            raise TypeError("page_size must be an int")
        if not 1 <= page_size <= 200:
            raise ValueError("page_size must be between 1 and 200")
        params.append(("pageSize", page_size))
    if page is not None:
        params.append(("page", require_text(page, "page")))
    return Request.get("wave/datasets", params=params)


def wave_query_request(query: Mapping[str, Any]) -> Request:
    """``POST wave/query`` with ``{"query": "<SAQL>", ...}``."""
    query = require_mapping(query, "query")
    require_text(query.get("query"), "query['query']")
    # A read sent as POST: safe to retry.
    return Request.post("wave/query", json=dict(query), idempotent=True)


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

    def datasets(
        self,
        q: Optional[str] = None,
        *,
        page_size: Optional[int] = None,
        page: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/wave/datasets`` — list datasets.

        Args:
            q: only datasets whose name or label contains this text.
            page_size: datasets per page (1-200).
            page: the page token from a previous ``nextPageUrl``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"datasets": [...], "nextPageUrl", "totalSize", ...}, request)``.
        """
        return self._client._send(
            datasets_request(q, page_size=page_size, page=page),
            timeout=timeout,
            proxies=proxies,
            version=version,
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
