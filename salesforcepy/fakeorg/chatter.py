"""Chatter for the fake org: feed items and comments as ``FeedItem`` / ``FeedComment`` records.

A post's message segments (mentions, hashtags, links, markup) are kept beside the record in the
``_fakeorg_feed_segments`` table so they come back as they were posted; the record's ``Body`` /
``CommentBody`` holds the plain text (``@Name`` for a mention, ``#tag`` for a hashtag). Feed items
written through the sObject API have no segments and read back as one ``Text`` segment.

Feeds (all newest activity first unless ``sort=CreatedDateDesc``; a comment counts as activity):

* ``news/me`` — items the user posted, items posted to the user, items mentioning the user;
* ``to/me`` — items posted to the user or mentioning the user;
* ``user-profile/{userId}`` — items the user posted or that were posted to the user;
* ``record/{recordId}`` — items whose parent is the record (a user, group or any feed-enabled
  record).

Page tokens are ``{activity date},{feed item id}`` of the last element of the previous page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Optional
from urllib.parse import quote, urlencode

from . import ids
from .errors import SalesforceError, not_found

if TYPE_CHECKING:
    from .store import Store

__all__ = ["MAX_MENTIONS", "Chatter", "chatter_date"]

MAX_MENTIONS = 25
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
FEEDS = ("news", "to", "user-profile", "record")
SORTS = ("LastModifiedDateDesc", "CreatedDateDesc")
_MARKUP_TAGS = {
    "Bold": "b",
    "Code": "code",
    "Italic": "i",
    "ListItem": "li",
    "OrderedList": "ol",
    "Paragraph": "p",
    "Strikethrough": "s",
    "Underline": "u",
    "UnorderedList": "ul",
}
_SEGMENT_TYPES = frozenset(
    {"Text", "Mention", "Hashtag", "Link", "MarkupBegin", "MarkupEnd", "InlineImage"}
)
_TABLE_DDL = (
    "CREATE TABLE IF NOT EXISTS _fakeorg_feed_segments (id TEXT PRIMARY KEY, segments TEXT)"
)


def chatter_date(stored: Optional[str]) -> Optional[str]:
    """``2024-05-20T18:24:31.000Z`` from the store's ``...+0000`` form (Connect uses ``Z``)."""
    if not stored:
        return None
    return stored[:-5] + "Z" if stored.endswith("+0000") else stored


def invalid_input(message: str) -> SalesforceError:
    return SalesforceError(400, "INVALID_API_INPUT", message)


def _bad_parameter(message: str) -> SalesforceError:
    return SalesforceError(400, "INVALID_PARAMETER_VALUE", message)


class Chatter:
    """Chatter reads and writes against a store, rendered for one API version."""

    def __init__(self, store: Store, api_version: str) -> None:
        self.store = store
        self.version = api_version
        store.execute(_TABLE_DDL)

    @property
    def base(self) -> str:
        return f"/services/data/v{self.version}/chatter"

    # ---- input -----------------------------------------------------------------------------------

    def parse_segments(self, body: Any) -> list[dict[str, Any]]:
        """Validate a ``body`` input (``{"messageSegments": [...]}``) into stored segments."""
        if body is None:
            return []
        if not isinstance(body, Mapping):
            raise SalesforceError(400, "JSON_PARSER_ERROR", "body must be a JSON object")
        segments = body.get("messageSegments")
        if segments is None:
            return []
        if not isinstance(segments, list):
            raise SalesforceError(400, "JSON_PARSER_ERROR", "messageSegments must be an array")
        out: list[dict[str, Any]] = []
        mentions = 0
        for segment in segments:
            if not isinstance(segment, Mapping) or segment.get("type") not in _SEGMENT_TYPES:
                kind = segment.get("type") if isinstance(segment, Mapping) else segment
                raise SalesforceError(
                    400, "JSON_PARSER_ERROR", f"Unrecognized message segment type: {kind!r}"
                )
            kind = segment["type"]
            if kind == "Text":
                text = segment.get("text")
                if not isinstance(text, str):
                    raise invalid_input("A Text segment needs a text value")
                out.append({"type": "Text", "text": text})
            elif kind == "Mention":
                mentions += 1
                if mentions > MAX_MENTIONS:
                    raise invalid_input(f"A post can mention at most {MAX_MENTIONS} users")
                user_id = ids.normalize_id(segment.get("id") or "")
                if user_id is None or user_id[:3] != "005":
                    raise invalid_input(f"Invalid mention id: {segment.get('id')}")
                if self.store.read_row("User", user_id) is None:
                    raise invalid_input(f"Invalid mention id: {segment.get('id')}")
                out.append({"type": "Mention", "id": user_id})
            elif kind == "Hashtag":
                tag = segment.get("tag")
                if not isinstance(tag, str) or not tag.strip():
                    raise invalid_input("A Hashtag segment needs a tag")
                out.append({"type": "Hashtag", "tag": tag.lstrip("#")})
            elif kind == "Link":
                url = segment.get("url")
                if not isinstance(url, str) or not url:
                    raise invalid_input("A Link segment needs a url")
                out.append({"type": "Link", "url": url})
            elif kind in ("MarkupBegin", "MarkupEnd"):
                markup = segment.get("markupType")
                if markup not in _MARKUP_TAGS:
                    raise invalid_input(f"Unknown markupType: {markup!r}")
                out.append({"type": kind, "markupType": markup})
            else:
                out.append({"type": "InlineImage", "fileId": segment.get("fileId")})
        return out

    def plain_text(self, segments: Sequence[Mapping[str, Any]]) -> str:
        parts = []
        for segment in segments:
            kind = segment["type"]
            if kind == "Text":
                parts.append(segment["text"])
            elif kind == "Mention":
                parts.append("@" + self._user_name(segment["id"]))
            elif kind == "Hashtag":
                parts.append("#" + segment["tag"])
            elif kind == "Link":
                parts.append(segment["url"])
        return "".join(parts)

    # ---- writes ----------------------------------------------------------------------------------

    def subject(self, value: Any, user_id: str) -> str:
        """The record a post goes to: ``me`` or a user, group or feed-enabled record id."""
        if value == "me":
            return user_id
        if not isinstance(value, str) or not value:
            raise invalid_input("subjectId is required")
        record_id = ids.normalize_id(value)
        obj = self.store.schema.object_for_id(record_id) if record_id else None
        if record_id is None or obj is None or not obj.feed_enabled:
            raise SalesforceError(400, "INVALID_ID_FIELD", f"Invalid identifier: {value}")
        row = self.store.read_row(obj.name, record_id)
        if row is None or row.get("IsDeleted"):
            raise not_found()
        return record_id

    def post(
        self,
        user_id: str,
        subject_id: Any,
        segments: list[dict[str, Any]],
        *,
        link: Optional[Mapping[str, Any]] = None,
        visibility: Optional[str] = None,
    ) -> str:
        """Create a feed item; returns its id."""
        parent = self.subject(subject_id, user_id)
        text = self.plain_text(segments)
        fields: dict[str, Any] = {"ParentId": parent}
        if text:
            fields["Body"] = text
        if link is not None:
            url = link.get("url")
            if not isinstance(url, str) or not url:
                raise invalid_input("The link capability needs a url")
            fields["LinkUrl"] = url
            fields["Title"] = link.get("urlName") or url
            fields["Type"] = "LinkPost"
        elif not text.strip():
            raise invalid_input("The feed item body is empty")
        if any(s["type"] in ("MarkupBegin", "MarkupEnd") for s in segments):
            fields["IsRichText"] = True
        if visibility is not None:
            if visibility not in ("AllUsers", "InternalUsers"):
                raise invalid_input(f"Unknown visibility: {visibility!r}")
            fields["Visibility"] = visibility
        with self.store.transaction():
            item_id = self.store.create("FeedItem", fields, user_id=user_id)
            self.keep_segments(item_id, segments)
        return item_id

    def comment(self, user_id: str, element_id: str, segments: list[dict[str, Any]]) -> str:
        """Add a comment to a feed item; returns its id."""
        item = self._item_row(element_id)
        text = self.plain_text(segments)
        if not text.strip():
            raise invalid_input("The comment body is empty")
        fields: dict[str, Any] = {"FeedItemId": item["Id"], "CommentBody": text}
        if any(s["type"] in ("MarkupBegin", "MarkupEnd") for s in segments):
            fields["IsRichText"] = True
        with self.store.transaction():
            comment_id = self.store.create("FeedComment", fields, user_id=user_id)
            self.keep_segments(comment_id, segments)
        return comment_id

    def keep_segments(self, record_id: str, segments: Sequence[Mapping[str, Any]]) -> None:
        self.store.execute(
            "INSERT OR REPLACE INTO _fakeorg_feed_segments (id, segments) VALUES (?, ?)",
            (record_id, json.dumps(list(segments))),
        )

    def _segments(self, record_id: str, plain: Optional[str]) -> list[dict[str, Any]]:
        rows = self.store.execute(
            "SELECT segments FROM _fakeorg_feed_segments WHERE id = ?", (record_id,)
        )
        if rows:
            return list(json.loads(rows[0][0]))
        return [{"type": "Text", "text": plain}] if plain else []

    # ---- reads -----------------------------------------------------------------------------------

    def _item_row(self, element_id: str) -> dict[str, Any]:
        record_id = ids.normalize_id(element_id) if isinstance(element_id, str) else None
        row = (
            self.store.read_row("FeedItem", record_id)
            if record_id and record_id[:3] == "0D5"
            else None
        )
        if row is None or row.get("IsDeleted"):
            raise not_found()
        return row

    def element(self, element_id: str) -> dict[str, Any]:
        """A feed item as Connect renders it (``GET /chatter/feed-elements/{id}``)."""
        return self._render_item(self._item_row(element_id))

    def comment_json(self, comment_id: str) -> dict[str, Any]:
        row = self.store.read_row("FeedComment", comment_id)
        assert row is not None
        return self._render_comment(row)

    def comments_page(
        self, element_id: str, *, page: Optional[str] = None, page_size: Optional[str] = None
    ) -> dict[str, Any]:
        """``GET /chatter/feed-elements/{id}/capabilities/comments/items``: oldest first."""
        item = self._item_row(element_id)
        size = _page_size(page_size)
        start = _offset(page)
        rows = self._comment_rows(item["Id"])
        url = f"{self.base}/feed-elements/{item['Id']}/capabilities/comments/items"
        return self._comment_page(rows, start, size, url, page)

    def _comment_rows(self, item_id: str) -> list[dict[str, Any]]:
        found = self.store.execute(
            'SELECT "Id" FROM "FeedComment" WHERE "FeedItemId" = ? AND "IsDeleted" = 0 '
            'ORDER BY "CreatedDate", "Id"',
            (item_id,),
        )
        rows = [self.store.read_row("FeedComment", r[0]) for r in found]
        return [r for r in rows if r is not None]

    def _comment_page(
        self,
        rows: Sequence[dict[str, Any]],
        start: int,
        size: int,
        url: str,
        token: Optional[str],
    ) -> dict[str, Any]:
        shown = rows[start : start + size]
        following = start + size if start + size < len(rows) else None
        return {
            "comments": [self._render_comment(r) for r in shown],
            "currentPageToken": token,
            "currentPageUrl": url + (f"?{urlencode({'page': token})}" if token else ""),
            "nextPageToken": str(following) if following is not None else None,
            "nextPageUrl": (
                f"{url}?{urlencode({'page': following, 'pageSize': size})}"
                if following is not None
                else None
            ),
            "total": len(rows),
        }

    def feed(
        self,
        feed: str,
        subject: str,
        user_id: str,
        *,
        page: Optional[str] = None,
        page_size: Optional[str] = None,
        sort: Optional[str] = None,
    ) -> dict[str, Any]:
        """A Feed Element Page of ``/chatter/feeds/{feed}/{subject}/feed-elements``."""
        if feed not in FEEDS:
            raise not_found()
        size = _page_size(page_size)
        order = sort or "LastModifiedDateDesc"
        if order not in SORTS:
            raise _bad_parameter(f"sort must be one of {', '.join(SORTS)}")
        if feed in ("news", "to"):
            if subject != "me" and ids.normalize_id(subject) != user_id:
                raise not_found()
            target = user_id
        elif subject == "me":
            target = user_id
        else:
            normalized = ids.normalize_id(subject)
            if normalized is None:
                raise SalesforceError(400, "INVALID_ID_FIELD", f"Invalid identifier: {subject}")
            target = normalized
            if feed == "user-profile" and (
                target[:3] != "005" or self.store.read_row("User", target) is None
            ):
                raise not_found()
            if feed == "record":
                self.subject(target, user_id)
        items = [row for row in self._item_rows() if self._in_feed(feed, row, target)]
        keyed = [(self._activity(row, order), row) for row in items]
        keyed.sort(key=lambda pair: (pair[0], pair[1]["Id"]), reverse=True)
        start = 0
        if page:
            marker = page.rpartition(",")[2]
            positions = [n for n, (_, row) in enumerate(keyed) if row["Id"] == marker]
            if not positions:
                raise _bad_parameter(f"Invalid page token: {page}")
            start = positions[0] + 1
        shown = keyed[start : start + size]
        url = f"{self.base}/feeds/{feed}/{quote(subject, safe='')}/feed-elements"
        next_token = None
        if start + size < len(keyed) and shown:
            last_date, last_row = shown[-1]
            next_token = f"{chatter_date(last_date)},{last_row['Id']}"
        params: dict[str, Any] = {}
        if page_size:
            params["pageSize"] = size
        if sort:
            params["sort"] = order
        return {
            "currentPageToken": page,
            "currentPageUrl": url + ("?" + urlencode({**params, "page": page}) if page else ""),
            "elements": [self._render_item(row) for _, row in shown],
            "isModifiedToken": None,
            "isModifiedUrl": None,
            "nextPageToken": next_token,
            "nextPageUrl": (
                f"{url}?{urlencode({**params, 'page': next_token})}" if next_token else None
            ),
            "updatesToken": None,
            "updatesUrl": None,
        }

    def _item_rows(self) -> list[dict[str, Any]]:
        found = self.store.execute('SELECT "Id" FROM "FeedItem" WHERE "IsDeleted" = 0')
        rows = [self.store.read_row("FeedItem", r[0]) for r in found]
        return [r for r in rows if r is not None]

    def _mentions(self, record_id: str) -> set[str]:
        return {s["id"] for s in self._segments(record_id, None) if s["type"] == "Mention"}

    def _in_feed(self, feed: str, row: Mapping[str, Any], target: str) -> bool:
        if feed == "record":
            return bool(row["ParentId"] == target)
        posted_to = row["ParentId"] == target
        if feed == "user-profile":
            return posted_to or row["CreatedById"] == target
        mentioned = target in self._mentions(row["Id"])
        if feed == "to":
            return posted_to or mentioned
        return posted_to or mentioned or row["CreatedById"] == target

    def _activity(self, row: Mapping[str, Any], order: str) -> str:
        created = str(row["CreatedDate"])
        if order == "CreatedDateDesc":
            return created
        latest = self.store.execute(
            'SELECT MAX("CreatedDate") FROM "FeedComment" WHERE "FeedItemId" = ? '
            'AND "IsDeleted" = 0',
            (row["Id"],),
        )[0][0]
        return max(created, latest) if latest else created

    # ---- rendering -------------------------------------------------------------------------------

    def _user_name(self, user_id: str) -> str:
        row = self.store.read_row("User", user_id)
        return str(row.get("Name") or row.get("Username")) if row else user_id

    def user_summary(self, user_id: str) -> dict[str, Any]:
        row = self.store.read_row("User", user_id) or {}
        name = str(row.get("Name") or row.get("Username") or user_id)
        return {
            "displayName": name,
            "firstName": row.get("FirstName"),
            "id": user_id,
            "lastName": row.get("LastName"),
            "name": name,
            "title": row.get("Title"),
            "type": "User",
            "url": f"{self.base}/users/{user_id}",
        }

    def _parent(self, parent_id: str) -> dict[str, Any]:
        obj = self.store.schema.object_for_id(parent_id)
        if obj is not None and obj.name == "User":
            return self.user_summary(parent_id)
        name = parent_id
        if obj is not None:
            row = self.store.read_row(obj.name, parent_id) or {}
            name_field = obj.name_field
            if name_field is not None and row.get(name_field.name):
                name = str(row[name_field.name])
        kind = obj.name if obj is not None else "Record"
        if kind == "CollaborationGroup":
            url = f"{self.base}/groups/{parent_id}"
        else:
            url = f"{self.base}/records/{parent_id}"
        return {"id": parent_id, "name": name, "type": kind, "url": url}

    def _render_segments(self, segments: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for segment in segments:
            kind = segment["type"]
            if kind == "Text":
                out.append({"type": "Text", "text": segment["text"]})
            elif kind == "Mention":
                user = self.user_summary(segment["id"])
                out.append(
                    {
                        "type": "Mention",
                        "accessible": True,
                        "name": user["name"],
                        "record": user,
                        "text": "@" + user["name"],
                        "user": user,
                    }
                )
            elif kind == "Hashtag":
                tag = segment["tag"]
                out.append(
                    {
                        "type": "Hashtag",
                        "tag": tag,
                        "text": "#" + tag,
                        "topicUrl": f"/services/data/v{self.version}/connect/topics?"
                        + urlencode({"exactMatch": "true", "q": "#" + tag}),
                    }
                )
            elif kind == "Link":
                out.append({"type": "Link", "text": segment["url"], "url": segment["url"]})
            elif kind in ("MarkupBegin", "MarkupEnd"):
                markup = segment["markupType"]
                out.append(
                    {
                        "type": kind,
                        "htmlTag": _MARKUP_TAGS[markup],
                        "markupType": markup,
                        "text": "",
                    }
                )
            else:
                out.append({"type": "InlineImage", "altText": None, "text": ""})
        return out

    def _body(self, record_id: str, plain: Optional[str], rich: Any) -> dict[str, Any]:
        return {
            "isRichText": bool(rich),
            "messageSegments": self._render_segments(self._segments(record_id, plain)),
            "text": plain or "",
        }

    def _render_item(self, row: Mapping[str, Any]) -> dict[str, Any]:
        item_id = row["Id"]
        actor = self.user_summary(row["CreatedById"])
        comments = self._comment_rows(item_id)
        url = f"{self.base}/feed-elements/{item_id}/capabilities/comments/items"
        capabilities: dict[str, Any] = {
            "chatterLikes": {"isLikedByCurrentUser": False, "page": {"likes": [], "total": 0}},
            "comments": {"page": self._comment_page(comments, 0, DEFAULT_PAGE_SIZE, url, None)},
        }
        if row.get("LinkUrl"):
            capabilities["link"] = {"url": row["LinkUrl"], "urlName": row.get("Title")}
        return {
            "actor": actor,
            "body": self._body(item_id, row.get("Body"), row.get("IsRichText")),
            "capabilities": capabilities,
            "createdDate": chatter_date(row["CreatedDate"]),
            "feedElementType": "FeedItem",
            "header": {"isRichText": False, "text": actor["displayName"]},
            "id": item_id,
            "modifiedDate": chatter_date(row["LastModifiedDate"]),
            "parent": self._parent(row["ParentId"]),
            "type": row.get("Type") or "TextPost",
            "url": f"{self.base}/feed-elements/{item_id}",
            "visibility": row.get("Visibility") or "AllUsers",
        }

    def _render_comment(self, row: Mapping[str, Any]) -> dict[str, Any]:
        comment_id = row["Id"]
        item_id = row["FeedItemId"]
        return {
            "body": self._body(comment_id, row.get("CommentBody"), row.get("IsRichText")),
            "capabilities": {},
            "createdDate": chatter_date(row["CreatedDate"]),
            "feedElement": {"id": item_id, "url": f"{self.base}/feed-elements/{item_id}"},
            "id": comment_id,
            "isDeleteRestricted": False,
            "parent": {"id": row["ParentId"]},
            "type": row.get("CommentType") or "TextComment",
            "url": f"{self.base}/comments/{comment_id}",
            "user": self.user_summary(row["CreatedById"]),
        }


def _page_size(value: Optional[str]) -> int:
    if value is None or value == "":
        return DEFAULT_PAGE_SIZE
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE_SIZE:
        raise _bad_parameter(f"pageSize must be between 1 and {MAX_PAGE_SIZE}, got {value!r}")
    return int(value)


def _offset(value: Optional[str]) -> int:
    if not value:
        return 0
    if not value.isdigit():
        raise _bad_parameter(f"Invalid page token: {value}")
    return int(value)
