"""Chatter (Connect REST API) posts, comments and feeds.

Paths covered (relative to ``/services/data/vXX.X/``):

- ``POST chatter/feed-elements`` — :meth:`Chatter.feed_item`
- ``POST chatter/feed-elements/{feedElementId}/capabilities/comments/items`` —
  :meth:`Chatter.feed_comment`
- ``GET chatter/feed-elements/{feedElementId}`` — :meth:`Chatter.feed_element`
- ``GET chatter/feed-elements/{feedElementId}/capabilities/comments/items`` —
  :meth:`Chatter.comments`
- ``GET chatter/feeds/{feedType}/{subjectId}/feed-elements`` — :meth:`Chatter.feed`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import attrs

from ..options import Proxies, Timeout
from ..request import Request, Result, path, record_id
from ._base import Sender, require_mapping, require_text

__all__ = [
    "FEED_TYPES",
    "Chatter",
    "comments_request",
    "feed_comment_request",
    "feed_element_request",
    "feed_item_request",
    "feed_request",
]

#: The ``feed_type`` values of :meth:`Chatter.feed`: feeds whose URL is
#: ``feeds/{type}/{subjectId}/feed-elements``.
FEED_TYPES = frozenset(
    {"news", "to", "user-profile", "record", "groups", "bookmarks", "company", "files"}
)
_SORTS = frozenset({"LastModifiedDateDesc", "CreatedDateDesc", "MostViewed", "Relevance"})


def _paging(
    page: Optional[str], page_size: Optional[int], sort: Optional[str] = None
) -> list[tuple[str, Any]]:
    params: list[tuple[str, Any]] = []
    if page is not None:
        params.append(("page", require_text(page, "page")))
    if page_size is not None:
        if isinstance(page_size, bool) or not isinstance(page_size, int):
            raise TypeError("page_size must be an int")
        if not 1 <= page_size <= 100:
            raise ValueError("page_size must be between 1 and 100")
        params.append(("pageSize", page_size))
    if sort is not None:
        if sort not in _SORTS:
            raise ValueError(f"sort must be one of {sorted(_SORTS)}")
        params.append(("sort", sort))
    return params


def _subject(value: Any) -> str:
    if value == "me":
        return value
    return record_id(value, "subject_id")


def feed_request(
    feed_type: str = "news",
    subject_id: str = "me",
    *,
    page: Optional[str] = None,
    page_size: Optional[int] = None,
    sort: Optional[str] = None,
) -> Request:
    """``GET chatter/feeds/{feed_type}/{subject_id}/feed-elements``."""
    if feed_type not in FEED_TYPES:
        raise ValueError(f"feed_type must be one of {sorted(FEED_TYPES)}")
    target = path("chatter", "feeds", feed_type, _subject(subject_id), "feed-elements")
    return Request.get(target, params=_paging(page, page_size, sort))


def feed_element_request(feed_element_id: str) -> Request:
    """``GET chatter/feed-elements/{feed_element_id}``."""
    return Request.get(
        path("chatter", "feed-elements", record_id(feed_element_id, "feed_element_id"))
    )


def comments_request(
    feed_element_id: str, *, page: Optional[str] = None, page_size: Optional[int] = None
) -> Request:
    """``GET chatter/feed-elements/{feed_element_id}/capabilities/comments/items``."""
    target = path(
        "chatter",
        "feed-elements",
        record_id(feed_element_id, "feed_element_id"),
        "capabilities",
        "comments",
        "items",
    )
    return Request.get(target, params=_paging(page, page_size))


def feed_item_request(body: Mapping[str, Any]) -> Request:
    """``POST chatter/feed-elements`` with ``body`` as JSON."""
    return Request.post("chatter/feed-elements", json=dict(require_mapping(body, "body")))


def feed_comment_request(feed_element_id: str, body: Mapping[str, Any]) -> Request:
    """``POST chatter/feed-elements/{feed_element_id}/capabilities/comments/items``."""
    target = path(
        "chatter",
        "feed-elements",
        record_id(feed_element_id, "feed_element_id"),
        "capabilities",
        "comments",
        "items",
    )
    return Request.post(target, json=dict(require_mapping(body, "body")))


@attrs.define
class Chatter:
    """Chatter builder: ``client.chatter``."""

    _client: Sender

    def feed_item(
        self,
        body: Mapping[str, Any],
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/data/vXX.X/chatter/feed-elements`` — post a feed item.

        Args:
            body: a feed item input, e.g. ``{"body": {"messageSegments": [{"type": "Text",
                "text": "Hello"}]}, "feedElementType": "FeedItem", "subjectId": "me"}``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(feed_item, request)``; status 201.
        """
        return self._client._send(
            feed_item_request(body), timeout=timeout, proxies=proxies, version=version
        )

    def feed_comment(
        self,
        feed_element_id: str,
        body: Mapping[str, Any],
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/data/vXX.X/chatter/feed-elements/{id}/capabilities/comments/items``.

        Args:
            feed_element_id: the id of the feed item to comment on.
            body: a comment input, e.g. ``{"body": {"messageSegments": [{"type": "Text",
                "text": "Nice"}]}}``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(comment, request)``; status 201.
        """
        return self._client._send(
            feed_comment_request(feed_element_id, body),
            timeout=timeout,
            proxies=proxies,
            version=version,
        )

    def feed_element(
        self,
        feed_element_id: str,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/chatter/feed-elements/{feedElementId}`` — one feed item.

        Args:
            feed_element_id: the feed item's id (``0D5...``).
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.
        """
        return self._client._send(
            feed_element_request(feed_element_id),
            timeout=timeout,
            proxies=proxies,
            version=version,
        )

    def comments(
        self,
        feed_element_id: str,
        *,
        page: Optional[str] = None,
        page_size: Optional[int] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET .../chatter/feed-elements/{id}/capabilities/comments/items`` — a comment page.

        Args:
            feed_element_id: the feed item's id.
            page: the ``nextPageToken`` of the previous page.
            page_size: comments per page (1-100).
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"comments": [...], "total", "nextPageToken", ...}, request)``.
        """
        return self._client._send(
            comments_request(feed_element_id, page=page, page_size=page_size),
            timeout=timeout,
            proxies=proxies,
            version=version,
        )

    def feed(
        self,
        feed_type: str = "news",
        subject_id: str = "me",
        *,
        page: Optional[str] = None,
        page_size: Optional[int] = None,
        sort: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``GET /services/data/vXX.X/chatter/feeds/{feedType}/{subjectId}/feed-elements``.

        Args:
            feed_type: ``"news"``, ``"to"``, ``"user-profile"``, ``"record"``, ``"groups"``, ...
            subject_id: ``"me"`` or a user, group or record id.
            page: the ``nextPageToken`` of the previous page.
            page_size: elements per page (1-100; Salesforce's default is 25).
            sort: ``"LastModifiedDateDesc"`` (default) or ``"CreatedDateDesc"``, ...
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``(feed_element_page, request)``: ``elements``, ``nextPageToken``, ``nextPageUrl``...
        """
        request = feed_request(feed_type, subject_id, page=page, page_size=page_size, sort=sort)
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)
