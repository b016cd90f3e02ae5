"""SOQL query and SOSL search.

REST paths covered (relative to ``/services/data/vXX.X/``):

- ``GET query?q={SOQL}`` — :meth:`Query.query`, first page of :meth:`Query.query_more`
- ``GET queryAll?q={SOQL}`` — the same with ``include_deleted=True``: deleted (in the Recycle Bin)
  and archived records are returned too, with ``IsDeleted`` true
- ``GET {nextRecordsUrl}`` (``/services/data/vXX.X/query/{locator}``) — further pages
- ``GET search/?q={SOSL}`` — :meth:`Query.search`

SOQL and SOSL text go in the query string, percent-encoded (``'``, ``%``, ``&``, ``+``, ``#`` and
spaces included). To put values into SOQL safely, see :mod:`salesforcepy.soql`.
"""

from __future__ import annotations

from typing import Any, Optional

import attrs

from ..exceptions import ParseError
from ..options import Proxies, Timeout
from ..request import Base, Request, Result
from ._base import Sender, require_text

__all__ = ["Query", "next_page_request", "query_request", "search_request"]

_NEXT_PREFIX = "/services/data/"


def query_request(soql: str, include_deleted: bool = False) -> Request:
    """``GET query?q={soql}``, or ``GET queryAll?q={soql}`` when ``include_deleted`` is true.

    Raises:
        TypeError, ValueError: ``soql`` is not a non-empty string, or ``include_deleted`` is not a
            bool.
    """
    if not isinstance(include_deleted, bool):
        raise TypeError(
            f"include_deleted must be True or False, not {type(include_deleted).__name__}"
        )
    path = "queryAll" if include_deleted else "query"
    return Request.get(path, params={"q": require_text(soql, "soql")})


def search_request(sosl: str) -> Request:
    """``GET search/?q={sosl}``.

    Raises:
        TypeError, ValueError: ``sosl`` is not a non-empty string.
    """
    return Request.get("search/", params={"q": require_text(sosl, "sosl")})


def next_page_request(next_records_url: Any) -> Request:
    """``GET {nextRecordsUrl}`` on the instance.

    Raises:
        ParseError: the URL is missing or not a data-API path on the instance (it comes from the
            server, and is never followed to another host).
    """
    if (
        not isinstance(next_records_url, str)
        or not next_records_url.startswith(_NEXT_PREFIX)
        or "//" in next_records_url
        or "/../" in next_records_url
    ):
        raise ParseError("nextRecordsUrl is not a /services/data/ path")
    return Request.get(next_records_url, base=Base.INSTANCE)


@attrs.define
class Query:
    """Query and search builder; reached as ``client.query()``, ``client.query_more()`` and
    ``client.search()``."""

    _client: Sender

    def query(
        self,
        soql: str,
        *,
        include_deleted: bool = False,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/query?q={soql}`` — one page of results.

        Args:
            soql: the SOQL text.
            include_deleted: use ``queryAll``, which also returns deleted and archived records
                (``IsDeleted`` true). Deleted records stay queryable until the Recycle Bin is
                emptied.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(result, request)``; ``result`` has ``totalSize``, ``done``, ``records`` and, when
            more pages exist, ``nextRecordsUrl``.
        """
        return self._client._send(
            query_request(soql, include_deleted),
            timeout=timeout,
            proxies=proxies,
            version=version,
        )

    def query_more(
        self,
        soql: str,
        *,
        include_deleted: bool = False,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET query?q={soql}``, then ``GET {nextRecordsUrl}`` until ``done``.

        Pages are fetched in a loop (no recursion), so any number of pages works. The overrides
        apply to every page.

        Args:
            soql: the SOQL text.
            include_deleted: start with ``queryAll`` (deleted and archived records too); the
                following pages are the ``nextRecordsUrl`` Salesforce returns.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``([page, page, ...], request)`` where ``request`` is the last page's request. If a page
            fails, paging stops: the list holds the pages read so far and ``request`` is the failed
            page's, with its errors in ``request.exceptions``.
        """
        pages: list[Any] = []
        body, sent = self.query(
            soql,
            include_deleted=include_deleted,
            timeout=timeout,
            proxies=proxies,
            version=version,
        )
        while not sent.exceptions:
            if not isinstance(body, dict):
                self._client._record(
                    sent, ParseError(f"query page is a {type(body).__name__}, not an object")
                )
                break
            pages.append(body)
            if body.get("done", True):
                break
            try:
                request = next_page_request(body.get("nextRecordsUrl"))
            except ParseError as exc:
                self._client._record(sent, exc)
                break
            body, sent = self._client._send(request, timeout=timeout, proxies=proxies)
        return pages, sent

    def search(
        self,
        sosl: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/search/?q={sosl}``.

        Args:
            sosl: the SOSL text, e.g. ``FIND {Acme} RETURNING Account(Id, Name)``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(result, request)``; ``result`` is ``{"searchRecords": [...]}`` (a bare list before
            API 36.0).
        """
        return self._client._send(
            search_request(sosl), timeout=timeout, proxies=proxies, version=version
        )
