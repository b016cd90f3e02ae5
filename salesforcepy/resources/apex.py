"""Anonymous Apex and Apex REST.

Paths covered:

- ``GET /services/data/vXX.X/tooling/executeAnonymous/?anonymousBody={apex}`` —
  :meth:`Apex.execute_anonymous`
- ``GET|POST|PUT|PATCH|DELETE /services/apexrest/{urlMapping}`` — :meth:`Apex.apexrest`
  (not versioned: a per-call ``version`` has no effect there)
- ``GET /services/data/vXX.X/tooling/query/?q={soql}`` — :meth:`Apex.tooling_query`
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Optional, Union

import attrs

from ..options import Proxies, Timeout
from ..request import Base, Request, Result, segment
from ._base import Sender, require_text

__all__ = ["Apex", "apexrest_request", "execute_anonymous_request", "tooling_query_request"]

_APEXREST_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

Params = Union[Mapping[str, Any], Iterable[tuple[str, Any]]]


def execute_anonymous_request(apex: str) -> Request:
    """``GET tooling/executeAnonymous/?anonymousBody={apex}``."""
    return Request.get(
        "tooling/executeAnonymous/", params={"anonymousBody": require_text(apex, "apex")}
    )


def tooling_query_request(soql: str) -> Request:
    """``GET tooling/query/?q={soql}``."""
    return Request.get("tooling/query/", params={"q": require_text(soql, "soql")})


def apexrest_request(
    action: str,
    http_method: str,
    request_params: Optional[Params] = None,
    request_body: Any = None,
) -> Request:
    """``{http_method} /services/apexrest/{action}``.

    ``action`` is the URL mapping path (``"accounts/001..."``); each ``/``-separated segment is
    URL-quoted. ``request_body`` is sent as JSON and is only allowed for POST, PUT and PATCH.

    Raises:
        TypeError, ValueError: an empty action, a ``.``/``..``/empty segment, an unknown method, or
            a body for GET/DELETE.
    """
    action = require_text(action, "action").strip("/")
    if not isinstance(http_method, str) or http_method.upper() not in _APEXREST_METHODS:
        raise ValueError(f"http_method must be one of {sorted(_APEXREST_METHODS)}")
    method = http_method.upper()
    if request_body is not None and method not in _BODY_METHODS:
        raise ValueError(f"request_body cannot be sent with {method}")
    target = "/services/apexrest/" + "/".join(segment(s, "action") for s in action.split("/"))
    return Request.build(
        method, target, base=Base.INSTANCE, params=request_params, json=request_body
    )


@attrs.define
class Apex:
    """Apex builder; reached as ``client.execute_anonymous()`` and ``client.apexrest()``."""

    _client: Sender

    def execute_anonymous(
        self,
        apex: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/tooling/executeAnonymous/?anonymousBody={apex}``.

        The status is 200 whether or not the code compiled or ran: read ``compiled``,
        ``success``, ``compileProblem`` and ``exceptionMessage`` in the body.

        Args:
            apex: the anonymous Apex source.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.
        """
        return self._client._send(
            execute_anonymous_request(apex), timeout=timeout, proxies=proxies, version=version
        )

    def apexrest(
        self,
        action: str,
        http_method: str,
        request_params: Optional[Params] = None,
        request_body: Any = None,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``{http_method} /services/apexrest/{action}`` — call a custom Apex REST endpoint.

        Args:
            action: the URL mapping path, e.g. ``"accounts"`` or ``"ns/accounts/001..."``.
            http_method: GET, POST, PUT, PATCH or DELETE.
            request_params: query parameters.
            request_body: sent as JSON (POST, PUT, PATCH only).
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: accepted for uniformity; Apex REST URLs are not versioned.

        Returns:
            ``(body, request)``: whatever the Apex method returned, parsed by Content-Type.
        """
        request = apexrest_request(action, http_method, request_params, request_body)
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)

    def tooling_query(
        self,
        soql: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/tooling/query/?q={soql}`` — query Tooling API objects.

        Args:
            soql: a SOQL query over Tooling objects, e.g.
                ``"SELECT Id, Name FROM ApexClass WHERE Status = 'Active'"``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(body, request)``: the query result with the Tooling keys ``size``,
            ``queryLocator`` and ``entityTypeName`` besides ``totalSize``, ``done`` and
            ``records``.
        """
        return self._client._send(
            tooling_query_request(soql), timeout=timeout, proxies=proxies, version=version
        )
