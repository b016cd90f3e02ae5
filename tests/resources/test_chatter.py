"""chatter.feed_item() and chatter.feed_comment()."""

from __future__ import annotations

from typing import Any

import pytest

import salesforcepy
from salesforcepy.exceptions import NotFound

from ..conftest import DATA, assert_request


def test_feed_comment_on_missing_element(sf: salesforcepy.Client, requests_mock: Any) -> None:
    url = f"{DATA}/chatter/feed-elements/0D55g00000T7MxRCAV/capabilities/comments/items"
    missing = [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]
    requests_mock.post(url, json=missing, status_code=404)

    body, request = sf.chatter.feed_comment("0D55g00000T7MxRCAV", {"body": {}})

    assert body == missing
    assert isinstance(request.exceptions[0], NotFound)


@pytest.mark.parametrize("element_id", ["feed-elementid", "../x", "", None])
def test_feed_comment_rejects_non_ids(
    sf: salesforcepy.Client, requests_mock: Any, element_id: Any
) -> None:
    with pytest.raises((TypeError, ValueError), match="feed_element_id"):
        sf.chatter.feed_comment(element_id, {"body": {}})
    assert not requests_mock.called


def test_feed_item_body_must_be_an_object(sf: salesforcepy.Client, requests_mock: Any) -> None:
    with pytest.raises(TypeError, match="body"):
        sf.chatter.feed_item("hello")  # type: ignore[arg-type]
    assert not requests_mock.called


def test_feed_defaults_to_my_news_feed(sf: salesforcepy.Client, requests_mock: Any) -> None:
    page = {"elements": [], "nextPageToken": None}
    requests_mock.get(f"{DATA}/chatter/feeds/news/me/feed-elements", json=page)

    body, request = sf.chatter.feed()

    assert_request(requests_mock.last_request, "GET", f"{DATA}/chatter/feeds/news/me/feed-elements")
    assert body == page
    assert request.status == 200


def test_record_feed_with_paging(sf: salesforcepy.Client, requests_mock: Any) -> None:
    url = f"{DATA}/chatter/feeds/record/0015g00000I8mImAAJ/feed-elements"
    requests_mock.get(url, json={"elements": []})

    sf.chatter.feed(
        "record",
        "0015g00000I8mImAAJ",
        page="2024-05-20T18:24:31Z,0D55g00000T7MxRCAV",
        page_size=10,
        sort="CreatedDateDesc",
    )

    assert_request(
        requests_mock.last_request,
        "GET",
        url,
        query=[
            ("page", "2024-05-20T18:24:31Z,0D55g00000T7MxRCAV"),
            ("pageSize", "10"),
            ("sort", "CreatedDateDesc"),
        ],
    )


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"feed_type": "everything"}, ValueError),
        ({"feed_type": "record", "subject_id": "../x"}, ValueError),
        ({"page_size": 0}, ValueError),
        ({"page_size": 101}, ValueError),
        ({"page_size": "10"}, TypeError),
        ({"sort": "Newest"}, ValueError),
        ({"page": ""}, ValueError),
    ],
)
def test_feed_rejects_bad_arguments(
    sf: salesforcepy.Client, requests_mock: Any, kwargs: dict[str, Any], exc: type
) -> None:
    with pytest.raises(exc):
        sf.chatter.feed(**kwargs)
    assert not requests_mock.called


def test_feed_element(sf: salesforcepy.Client, requests_mock: Any) -> None:
    item = {"id": "0D55g00000T7MxRCAV", "feedElementType": "FeedItem"}
    requests_mock.get(f"{DATA}/chatter/feed-elements/0D55g00000T7MxRCAV", json=item)

    body, _ = sf.chatter.feed_element("0D55g00000T7MxRCAV")

    assert_request(
        requests_mock.last_request, "GET", f"{DATA}/chatter/feed-elements/0D55g00000T7MxRCAV"
    )
    assert body == item


def test_comments_page(sf: salesforcepy.Client, requests_mock: Any) -> None:
    url = f"{DATA}/chatter/feed-elements/0D55g00000T7MxRCAV/capabilities/comments/items"
    requests_mock.get(url, json={"comments": [], "total": 0})

    body, _ = sf.chatter.comments("0D55g00000T7MxRCAV", page="2", page_size=5)

    assert_request(requests_mock.last_request, "GET", url, query=[("page", "2"), ("pageSize", "5")])
    assert body == {"comments": [], "total": 0}


def test_feed_element_rejects_non_ids(sf: salesforcepy.Client, requests_mock: Any) -> None:
    with pytest.raises(ValueError, match="feed_element_id"):
        sf.chatter.feed_element("feed-elementid")
    assert not requests_mock.called
