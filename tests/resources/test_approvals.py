"""approvals(): list and submit."""

from __future__ import annotations

from typing import Any

import pytest

import salesforcepy
from salesforcepy.exceptions import BadRequest
from salesforcepy.resources.approvals import normalize_results

from ..conftest import DATA

SUBMIT = {"requests": [{"actionType": "Submit", "contextId": "0015g00000I8mImAAJ"}]}


def test_string_typed_results_are_coerced(sf: salesforcepy.Client, requests_mock: Any) -> None:
    recorded = [{"errors": "", "success": "true", "instanceStatus": "Pending"}]
    requests_mock.post(f"{DATA}/process/approvals/", json=recorded)

    body, request = sf.approvals(SUBMIT)

    assert body == [{"errors": None, "success": True, "instanceStatus": "Pending"}]
    assert request.response.json() == recorded


def test_normalize_results_leaves_other_shapes_alone() -> None:
    assert normalize_results({"approvals": {}}) == {"approvals": {}}
    assert normalize_results([{"success": "false", "errors": [{"x": 1}]}]) == [
        {"success": False, "errors": [{"x": 1}]}
    ]


def test_failed_submission_is_reported(sf: salesforcepy.Client, requests_mock: Any) -> None:
    errors = [{"errorCode": "NO_APPLICABLE_PROCESS", "message": "No applicable approval process"}]
    requests_mock.post(f"{DATA}/process/approvals/", json=errors, status_code=400)

    body, request = sf.approvals(SUBMIT)

    assert body == errors
    assert isinstance(request.exceptions[0], BadRequest)
    assert request.exceptions[0].error_code == "NO_APPLICABLE_PROCESS"


@pytest.mark.parametrize(
    ("body", "exc"), [([], TypeError), ({}, ValueError), ({"requests": []}, ValueError)]
)
def test_bad_body_raises_before_sending(
    sf: salesforcepy.Client, requests_mock: Any, body: Any, exc: type
) -> None:
    with pytest.raises(exc, match="body"):
        sf.approvals(body)
    assert not requests_mock.called
