"""Approval processes.

Paths covered (relative to ``/services/data/vXX.X/``):

- ``GET process/approvals/`` — list approval processes (``client.approvals()``)
- ``POST process/approvals/`` — submit, approve or reject (``client.approvals(body)``)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import attrs

from ..options import Proxies, Timeout
from ..request import Request, Result
from ._base import Sender, require_mapping

__all__ = ["Approvals", "approvals_request", "normalize_results"]

_PATH = "process/approvals/"


def approvals_request(body: Optional[Mapping[str, Any]] = None) -> Request:
    """``GET process/approvals/`` without a body, ``POST`` with one.

    Raises:
        TypeError, ValueError: a body that is not ``{"requests": [...]}``.
    """
    if body is None:
        return Request.get(_PATH)
    body = require_mapping(body, "body")
    if not isinstance(body.get("requests"), list) or not body["requests"]:
        raise ValueError('body must be {"requests": [...]} with at least one request')
    return Request.post(_PATH, json=dict(body))


def normalize_results(body: Any) -> Any:
    """Coerce ProcessResult fields some orgs send as strings (``"success": "true"``,
    ``"errors": ""``) to their documented types; other bodies are returned unchanged."""
    if not isinstance(body, list):
        return body
    results = []
    for item in body:
        if isinstance(item, Mapping):
            item = dict(item)
            if isinstance(item.get("success"), str):
                item["success"] = item["success"].strip().lower() == "true"
            if item.get("errors") == "":
                item["errors"] = None
        results.append(item)
    return results


@attrs.define
class Approvals:
    """Approvals builder; reached as ``client.approvals()``."""

    _client: Sender

    def approvals(
        self,
        body: Optional[Mapping[str, Any]] = None,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/process/approvals/``, or ``POST`` when ``body`` is given.

        Args:
            body: ``{"requests": [{"actionType": "Submit", "contextId": ..., ...}]}``; omit it
                to list the approval processes.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"approvals": {object: [process, ...]}}, request)`` for the list;
            ``([ProcessResult, ...], request)`` for a submission, one result per request.
        """
        request = approvals_request(body)
        result, sent = self._client._send(
            request, timeout=timeout, proxies=proxies, version=version
        )
        if body is not None and sent.ok:
            result = normalize_results(result)
        return result, sent
