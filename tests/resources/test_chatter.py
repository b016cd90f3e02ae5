"""chatter.feed_item() and chatter.feed_comment()."""

from __future__ import annotations

from typing import Any

import pytest

import salesforcepy
from salesforcepy.exceptions import NotFound

from ..conftest import DATA


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
