"""Chatter: posts, comments, mentions and feeds — the client against the demo fake org."""

from __future__ import annotations

from typing import Any

import pytest

import salesforcepy
from salesforcepy.fakeorg import FakeOrg

from ._demo import *  # noqa: F403  (the demo_db, demo_org and sf fixtures)
from ._demo import soql

pytestmark = pytest.mark.integration

ACCOUNT = "00161000011ueBVAAY"
APPROVER = "00561000000j3h2AAA"


def text_post(text: str, subject: str = "me", **extra: Any) -> dict[str, Any]:
    return {
        "body": {"messageSegments": [{"type": "Text", "text": text}]},
        "feedElementType": "FeedItem",
        "subjectId": subject,
        **extra,
    }


def me(sf: salesforcepy.Client) -> str:
    assert sf.session is not None
    assert sf.session.identity_url is not None
    return sf.session.identity_url.rsplit("/", 1)[1]


def test_post_to_a_record_is_stored_as_feed_item(sf: salesforcepy.Client) -> None:
    body, request = sf.chatter.feed_item(text_post("Renewal call booked", ACCOUNT))

    assert request.status == 201
    assert body["parent"] == {
        "id": ACCOUNT,
        "name": "Approval Test Account",
        "type": "Account",
        "url": f"/services/data/v{sf.version}/chatter/records/{ACCOUNT}",
    }
    assert body["actor"]["id"] == me(sf)
    assert body["type"] == "TextPost"
    assert body["url"] == f"/services/data/v{sf.version}/chatter/feed-elements/{body['id']}"
    stored, _ = sf.query(
        soql("SELECT ParentId, Body, Type FROM FeedItem WHERE Id = {}", body["id"])
    )
    assert stored["records"][0]["Body"] == "Renewal call booked"
    assert stored["records"][0]["ParentId"] == ACCOUNT


def test_mentions_and_hashtags(sf: salesforcepy.Client) -> None:
    post = {
        "body": {
            "messageSegments": [
                {"type": "Text", "text": "Ping "},
                {"type": "Mention", "id": APPROVER[:15]},
                {"type": "Text", "text": " about "},
                {"type": "Hashtag", "tag": "q3"},
            ]
        },
        "subjectId": "me",
    }

    body, request = sf.chatter.feed_item(post)

    assert request.status == 201
    assert body["body"]["text"] == "Ping @Avery Approver about #q3"
    kinds = [s["type"] for s in body["body"]["messageSegments"]]
    assert kinds == ["Text", "Mention", "Text", "Hashtag"]
    assert body["body"]["messageSegments"][1]["record"]["id"] == APPROVER
    # The approver's "to" feed shows the mention; their user-profile feed does not.
    approver = sf.chatter.feed("user-profile", APPROVER)[0]
    assert body["id"] not in [e["id"] for e in approver["elements"]]


def test_comment_and_read_back(sf: salesforcepy.Client) -> None:
    item, _ = sf.chatter.feed_item(text_post("Question for the team"))
    sf.chatter.feed_comment(
        item["id"], {"body": {"messageSegments": [{"type": "Text", "text": "A"}]}}
    )
    sf.chatter.feed_comment(
        item["id"], {"body": {"messageSegments": [{"type": "Text", "text": "B"}]}}
    )

    element, request = sf.chatter.feed_element(item["id"])
    page, _ = sf.chatter.comments(item["id"], page_size=1)

    assert request.status == 200
    comments = element["capabilities"]["comments"]["page"]
    assert comments["total"] == 2
    assert [c["body"]["text"] for c in comments["comments"]] == ["A", "B"]
    assert [c["body"]["text"] for c in page["comments"]] == ["A"]
    rest, _ = sf.chatter.comments(item["id"], page=page["nextPageToken"], page_size=1)
    assert [c["body"]["text"] for c in rest["comments"]] == ["B"]
    assert rest["nextPageToken"] is None
    count, _ = sf.query(soql("SELECT CommentCount FROM FeedItem WHERE Id = {}", item["id"]))
    assert count["records"][0]["CommentCount"] == 2


def test_record_feed_pages(sf: salesforcepy.Client) -> None:
    posted = [sf.chatter.feed_item(text_post(f"Update {n}", ACCOUNT))[0]["id"] for n in range(3)]

    seen: list[str] = []
    page, request = sf.chatter.feed("record", ACCOUNT, page_size=2, sort="CreatedDateDesc")
    assert request.status == 200
    while True:
        seen.extend(e["id"] for e in page["elements"])
        if page["nextPageToken"] is None:
            break
        page, _ = sf.chatter.feed(
            "record", ACCOUNT, page=page["nextPageToken"], page_size=2, sort="CreatedDateDesc"
        )

    rows, _ = sf.query(soql("SELECT Id FROM FeedItem WHERE ParentId = {}", ACCOUNT))
    assert sorted(seen) == sorted(r["Id"] for r in rows["records"])
    assert len(seen) == len(set(seen))
    # Newest first: the three new posts lead, latest first.
    assert seen[:3] == posted[::-1]


def test_news_feed_holds_my_posts_and_mentions(sf: salesforcepy.Client) -> None:
    mine, _ = sf.chatter.feed_item(text_post("Note to self"))

    news, _ = sf.chatter.feed()
    to_me, _ = sf.chatter.feed("to", "me")

    news_ids = [e["id"] for e in news["elements"]]
    assert news_ids[0] == mine["id"]
    assert mine["id"] in [e["id"] for e in to_me["elements"]]
    assert all(e["actor"]["id"] == me(sf) or e["parent"]["id"] == me(sf) for e in news["elements"])


def test_query_parameter_form(demo_org: FakeOrg, sf: salesforcepy.Client) -> None:
    import requests

    assert sf.session is not None
    response = requests.post(
        f"{demo_org.instance_url}/services/data/v{sf.version}/chatter/feed-elements",
        params={"feedElementType": "FeedItem", "subjectId": "me", "text": "New post"},
        headers={"Authorization": f"Bearer {sf.session.access_token}"},
        timeout=10,
    )

    assert response.status_code == 201
    assert response.json()["body"]["text"] == "New post"


@pytest.mark.parametrize(
    ("post", "status", "code"),
    [
        (text_post("x", "001000000000000AAA"), 404, "NOT_FOUND"),
        (text_post("x", "not-an-id"), 400, "INVALID_ID_FIELD"),
        (text_post("x", "00e000000000000AAA"), 400, "INVALID_ID_FIELD"),
        (text_post("   "), 400, "INVALID_API_INPUT"),
        (
            {"body": {"messageSegments": [{"type": "Bogus"}]}, "subjectId": "me"},
            400,
            "JSON_PARSER_ERROR",
        ),
        (
            {"body": {"messageSegments": [{"type": "Mention", "id": ACCOUNT}]}, "subjectId": "me"},
            400,
            "INVALID_API_INPUT",
        ),
        (text_post("x", feedElementType="Bundle"), 400, "INVALID_API_INPUT"),
        (text_post("x" * 10001), 400, "STRING_TOO_LONG"),
    ],
)
def test_post_errors(
    sf: salesforcepy.Client,
    post: dict[str, Any],
    status: int,
    code: str,
) -> None:
    body, request = sf.chatter.feed_item(post)

    assert request.status == status
    assert body[0]["errorCode"] == code


def test_too_many_mentions(sf: salesforcepy.Client) -> None:
    segments = [{"type": "Mention", "id": APPROVER} for _ in range(26)]

    body, request = sf.chatter.feed_item({"body": {"messageSegments": segments}, "subjectId": "me"})

    assert request.status == 400
    assert body[0]["errorCode"] == "INVALID_API_INPUT"


def test_missing_elements(sf: salesforcepy.Client) -> None:
    comment, comment_request = sf.chatter.feed_comment(
        "0D5000000000000AAA", {"body": {"messageSegments": [{"type": "Text", "text": "?"}]}}
    )
    element, element_request = sf.chatter.feed_element(ACCOUNT)
    feed, feed_request = sf.chatter.feed("news", APPROVER)
    bad_page, bad_page_request = sf.chatter.feed(page="2020-01-01T00:00:00.000Z,0D5000000000000AAA")

    assert comment_request.status == 404
    assert comment[0]["errorCode"] == "NOT_FOUND"
    assert element_request.status == 404
    assert element[0]["errorCode"] == "NOT_FOUND"
    assert feed_request.status == 404
    assert feed[0]["errorCode"] == "NOT_FOUND"
    assert bad_page_request.status == 400
    assert bad_page[0]["errorCode"] == "INVALID_PARAMETER_VALUE"
