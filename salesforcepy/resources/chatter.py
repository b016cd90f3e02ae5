"""Chatter (Connect REST API) posts and comments.

Paths covered (relative to ``/services/data/vXX.X/``):

- ``POST chatter/feed-elements`` — :meth:`Chatter.feed_item`
- ``POST chatter/feed-elements/{feedElementId}/capabilities/comments/items`` —
  :meth:`Chatter.feed_comment`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import attrs

from ..options import Proxies, Timeout
from ..request import Request, Result, path, record_id
from ._base import Sender, require_mapping

__all__ = ["Chatter", "feed_comment_request", "feed_item_request"]


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
