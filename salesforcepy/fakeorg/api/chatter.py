"""Chatter (Connect REST): feed items, comments and feeds, stored as FeedItem/FeedComment.

* ``POST /services/data/vXX.X/chatter/feed-elements`` — a JSON Feed Item Input, or the simple
  form ``?feedElementType=FeedItem&subjectId=me&text=...``; 201 with the feed item.
* ``GET /chatter/feed-elements/{id}`` — one feed item.
* ``POST /chatter/feed-elements/{id}/capabilities/comments/items`` — a JSON Comment Input or
  ``?text=...``; 201 with the comment. ``GET`` pages the comments.
* ``GET /chatter/comments/{id}`` — one comment.
* ``GET /chatter/feeds/{news|to|user-profile|record}/{subjectId}/feed-elements`` — Feed Element
  Pages with ``pageSize`` (1-100, default 25), ``page`` and ``sort``.

See :mod:`salesforcepy.fakeorg.chatter` for what each feed holds.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from ..chatter import Chatter, invalid_input
from ..errors import SalesforceError, not_found
from . import DATA, Context, Routes

routes = Routes("chatter")


def _chatter(ctx: Context) -> Chatter:
    return Chatter(ctx.store, ctx.api_version)


def _has_body(ctx: Context) -> bool:
    return bool(ctx.request.get_data(cache=True).strip())


def _text_segments(ctx: Context) -> list[dict[str, Any]]:
    text = ctx.arg("text")
    return [{"type": "Text", "text": text}] if text else []


@routes.route(DATA + "/chatter/feed-elements", methods=["POST"])
def post_feed_element(ctx: Context) -> Response:
    """POST /services/data/vXX.X/chatter/feed-elements"""
    chatter = _chatter(ctx)
    if _has_body(ctx):
        body = ctx.json_body()
        element_type = body.get("feedElementType", "FeedItem")
        subject = body.get("subjectId")
        segments = chatter.parse_segments(body.get("body"))
        capabilities = body.get("capabilities") or {}
        if not isinstance(capabilities, dict):
            raise SalesforceError(400, "JSON_PARSER_ERROR", "capabilities must be a JSON object")
        link = capabilities.get("link")
        visibility = body.get("visibility")
    else:
        element_type = ctx.arg("feedElementType", "FeedItem")
        subject = ctx.arg("subjectId")
        segments = _text_segments(ctx)
        link = None
        visibility = ctx.arg("visibility")
    if element_type != "FeedItem":
        raise invalid_input(f"Unsupported feedElementType: {element_type!r}")
    item_id = chatter.post(ctx.user_id, subject, segments, link=link, visibility=visibility)
    return ctx.json(chatter.element(item_id), status=201)


@routes.route(DATA + "/chatter/feed-elements/<element_id>")
def feed_element(ctx: Context) -> Response:
    """GET /services/data/vXX.X/chatter/feed-elements/{feedElementId}"""
    return ctx.json(_chatter(ctx).element(ctx.args["element_id"]))


@routes.route(
    DATA + "/chatter/feed-elements/<element_id>/capabilities/comments/items",
    methods=["GET", "POST"],
)
def comments(ctx: Context) -> Response:
    """GET/POST /services/data/vXX.X/chatter/feed-elements/{id}/capabilities/comments/items"""
    chatter = _chatter(ctx)
    element_id = ctx.args["element_id"]
    if ctx.request.method == "GET":
        page = chatter.comments_page(
            element_id, page=ctx.arg("page"), page_size=ctx.arg("pageSize")
        )
        return ctx.json(page)
    if _has_body(ctx):
        segments = chatter.parse_segments(ctx.json_body().get("body"))
    else:
        segments = _text_segments(ctx)
    comment_id = chatter.comment(ctx.user_id, element_id, segments)
    return ctx.json(chatter.comment_json(comment_id), status=201)


@routes.route(DATA + "/chatter/comments/<comment_id>")
def comment(ctx: Context) -> Response:
    """GET /services/data/vXX.X/chatter/comments/{commentId}"""
    from .. import ids

    comment_id = ids.normalize_id(ctx.args["comment_id"])
    row = ctx.store.read_row("FeedComment", comment_id) if comment_id else None
    if row is None or row.get("IsDeleted"):
        raise not_found()
    return ctx.json(_chatter(ctx).comment_json(row["Id"]))


@routes.route(DATA + "/chatter/feeds/<feed>/<subject>/feed-elements")
def feed(ctx: Context) -> Response:
    """GET /services/data/vXX.X/chatter/feeds/{feed}/{subjectId}/feed-elements"""
    page = _chatter(ctx).feed(
        ctx.args["feed"],
        ctx.args["subject"],
        ctx.user_id,
        page=ctx.arg("page"),
        page_size=ctx.arg("pageSize"),
        sort=ctx.arg("sort"),
    )
    return ctx.json(page)
