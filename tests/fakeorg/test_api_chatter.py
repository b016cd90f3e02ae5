"""Wire shapes of the Chatter resources (raw HTTP)."""

from __future__ import annotations

import datetime as dt

import pytest

ITEM_KEYS = [
    "actor",
    "body",
    "capabilities",
    "createdDate",
    "feedElementType",
    "header",
    "id",
    "modifiedDate",
    "parent",
    "type",
    "url",
    "visibility",
]
PAGE_KEYS = [
    "currentPageToken",
    "currentPageUrl",
    "elements",
    "isModifiedToken",
    "isModifiedUrl",
    "nextPageToken",
    "nextPageUrl",
    "updatesToken",
    "updatesUrl",
]


def post(rest, text: str, subject: str = "me", **extra):
    return rest.post(
        "/chatter/feed-elements",
        json={
            "body": {"messageSegments": [{"type": "Text", "text": text}]},
            "feedElementType": "FeedItem",
            "subjectId": subject,
            **extra,
        },
    )


def test_feed_item_shape(rest, org) -> None:
    response = post(rest, "Hello")

    assert response.status_code == 201
    item = response.json()
    assert list(item) == ITEM_KEYS
    assert item["createdDate"].endswith(".000Z") or item["createdDate"].endswith("Z")
    assert item["body"] == {
        "isRichText": False,
        "messageSegments": [{"type": "Text", "text": "Hello"}],
        "text": "Hello",
    }
    assert item["parent"]["id"] == org.state.admin_user_id
    assert item["parent"]["type"] == "User"
    assert item["capabilities"]["comments"]["page"]["total"] == 0
    stored = org.store.read_row("FeedItem", item["id"])
    assert (stored["Body"], stored["Type"], stored["ParentId"]) == (
        "Hello",
        "TextPost",
        org.state.admin_user_id,
    )


def test_link_and_markup(rest, org) -> None:
    response = rest.post(
        "/chatter/feed-elements",
        json={
            "body": {
                "messageSegments": [
                    {"type": "MarkupBegin", "markupType": "Bold"},
                    {"type": "Text", "text": "Read this"},
                    {"type": "MarkupEnd", "markupType": "Bold"},
                ]
            },
            "subjectId": "me",
            "capabilities": {"link": {"url": "https://example.com/doc", "urlName": "Doc"}},
        },
    )

    item = response.json()
    assert response.status_code == 201
    assert item["type"] == "LinkPost"
    assert item["body"]["isRichText"] is True
    assert item["body"]["messageSegments"][0] == {
        "type": "MarkupBegin",
        "htmlTag": "b",
        "markupType": "Bold",
        "text": "",
    }
    assert item["capabilities"]["link"] == {"url": "https://example.com/doc", "urlName": "Doc"}


def test_comment_shape(rest) -> None:
    item = post(rest, "For comments").json()

    response = rest.post(
        f"/chatter/feed-elements/{item['id']}/capabilities/comments/items", params={"text": "Hi"}
    )

    assert response.status_code == 201
    comment = response.json()
    assert list(comment) == [
        "body",
        "capabilities",
        "createdDate",
        "feedElement",
        "id",
        "isDeleteRestricted",
        "parent",
        "type",
        "url",
        "user",
    ]
    assert comment["id"].startswith("0D7")
    assert comment["type"] == "TextComment"
    assert comment["feedElement"]["id"] == item["id"]
    assert rest.get(f"/chatter/comments/{comment['id']}").json() == comment


def test_feed_page_shape_and_tokens(rest) -> None:
    ids = [post(rest, f"paged {n}").json()["id"] for n in range(3)]

    first = rest.get("/chatter/feeds/user-profile/me/feed-elements", params={"pageSize": 2})

    body = first.json()
    assert first.status_code == 200
    assert list(body) == PAGE_KEYS
    assert [e["id"] for e in body["elements"]] == ids[::-1][:2]
    token = body["nextPageToken"]
    assert token.endswith("," + ids[1])
    assert "page=" in body["nextPageUrl"]
    second = rest.get(
        "/chatter/feeds/user-profile/me/feed-elements", params={"pageSize": 2, "page": token}
    ).json()
    assert second["elements"][0]["id"] == ids[0]
    assert second["currentPageToken"] == token


def test_commenting_moves_an_item_up(rest) -> None:
    older = post(rest, "older").json()["id"]
    newer = post(rest, "newer").json()["id"]
    # Dates have millisecond precision: without this, the comment and "newer" can share one and
    # the tie goes to the newer id. (Moving the module org's clock forward harms no other test.)
    rest.org.clock.advance(dt.timedelta(seconds=1))
    rest.post(f"/chatter/feed-elements/{older}/capabilities/comments/items", params={"text": "!"})

    default = rest.get("/chatter/feeds/news/me/feed-elements").json()["elements"]
    by_creation = rest.get(
        "/chatter/feeds/news/me/feed-elements", params={"sort": "CreatedDateDesc"}
    ).json()["elements"]

    assert [e["id"] for e in default][:2] == [older, newer]
    assert [e["id"] for e in by_creation][:2] == [newer, older]


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/chatter/feeds/news/me/feed-elements", {"pageSize": "0"}, 400),
        ("/chatter/feeds/news/me/feed-elements", {"pageSize": "101"}, 400),
        ("/chatter/feeds/news/me/feed-elements", {"sort": "Random"}, 400),
        ("/chatter/feeds/bogus/me/feed-elements", {}, 404),
        ("/chatter/feeds/record/not-an-id/feed-elements", {}, 400),
        ("/chatter/feed-elements/0D5000000000000AAA", {}, 404),
        ("/chatter/comments/0D7000000000000AAA", {}, 404),
    ],
)
def test_read_errors(rest, path: str, params: dict, status: int) -> None:
    response = rest.get(path, params=params)

    assert response.status_code == status
    assert isinstance(response.json(), list)


def test_post_needs_a_subject(rest) -> None:
    response = rest.post("/chatter/feed-elements", params={"text": "no subject"})

    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_API_INPUT"
