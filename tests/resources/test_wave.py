"""wave.dataset() and wave.query()."""

from __future__ import annotations

from typing import Any

import pytest

import salesforcepy
from salesforcepy.exceptions import BadRequest

from ..conftest import DATA, assert_request


def test_dataset_by_id(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{DATA}/wave/datasets/0Fb5g000000XuvBCAS", json={"id": "0Fb5g000000XuvBCAS"})
    body, _ = sf.wave.dataset("0Fb5g000000XuvBCAS")
    assert_request(requests_mock.last_request, "GET", f"{DATA}/wave/datasets/0Fb5g000000XuvBCAS")
    assert body == {"id": "0Fb5g000000XuvBCAS"}


def test_query_error(sf: salesforcepy.Client, requests_mock: Any) -> None:
    errors = [{"errorCode": "119", "message": "Syntax error at position 3"}]
    requests_mock.post(f"{DATA}/wave/query", json=errors, status_code=400)

    body, request = sf.wave.query({"query": "q = lod"})

    assert body == errors
    assert isinstance(request.exceptions[0], BadRequest)


@pytest.mark.parametrize("name", ["", "a/b", "../x", "has space"])
def test_dataset_rejects_bad_names(sf: salesforcepy.Client, requests_mock: Any, name: str) -> None:
    with pytest.raises(ValueError, match="api_name"):
        sf.wave.dataset(name)
    assert not requests_mock.called


@pytest.mark.parametrize(
    ("query", "exc"), [("q = load", TypeError), ({}, TypeError), ({"query": ""}, ValueError)]
)
def test_query_rejects_bad_input(
    sf: salesforcepy.Client, requests_mock: Any, query: Any, exc: type
) -> None:
    with pytest.raises(exc, match="query"):
        sf.wave.query(query)
    assert not requests_mock.called


def test_datasets(sf: salesforcepy.Client, requests_mock: Any) -> None:
    listing = {"datasets": [], "nextPageUrl": None, "totalSize": 0}
    requests_mock.get(f"{DATA}/wave/datasets", json=listing)

    body, request = sf.wave.datasets()

    assert_request(requests_mock.last_request, "GET", f"{DATA}/wave/datasets")
    assert body == listing
    assert request.status == 200


def test_datasets_search_and_paging(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{DATA}/wave/datasets", json={"datasets": []})

    sf.wave.datasets("opp", page_size=50, page="25")

    assert_request(
        requests_mock.last_request,
        "GET",
        f"{DATA}/wave/datasets",
        query=[("q", "opp"), ("pageSize", "50"), ("page", "25")],
    )


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [({"page_size": 0}, ValueError), ({"page_size": True}, TypeError), ({"q": ""}, ValueError)],
)
def test_datasets_rejects_bad_arguments(
    sf: salesforcepy.Client, requests_mock: Any, kwargs: dict[str, Any], exc: type
) -> None:
    with pytest.raises(exc):
        sf.wave.datasets(**kwargs)
    assert not requests_mock.called
