"""client.einstein: LLM generations, embeddings and prompt-template generations."""

from __future__ import annotations

from typing import Any

import pytest

import salesforcepy
from salesforcepy.exceptions import BadRequest

from ..conftest import DATA, assert_request

GENERATIONS = {
    "generations": [{"text": "Hi there", "responseId": "r-0"}],
    "prompt": "Say hi",
    "requestId": "chatcmpl-1",
}


def test_prompt_generations(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(f"{DATA}/einstein/llm/prompt/generations", json=GENERATIONS)
    request_body = {"promptTextorId": "Say hi", "additionalConfig": {"applicationName": "App"}}

    body, request = sf.einstein.llm.prompt.generations(request_body)

    assert_request(
        requests_mock.last_request,
        "POST",
        f"{DATA}/einstein/llm/prompt/generations",
        json=request_body,
    )
    assert body == GENERATIONS
    assert request.status == 200


def test_embeddings(sf: salesforcepy.Client, requests_mock: Any) -> None:
    result = {"embeddings": [{"embedding": [0.6, 0.8], "index": 0}]}
    url = "https://acme.my.salesforce.com/services/data/v60.0/einstein/llm/embeddings"
    requests_mock.post(url, json=result)
    request_body = {"prompts": {"wrappedListString": ["hello"]}}

    body, _ = sf.einstein.llm.embeddings(request_body, version="60.0")

    assert_request(requests_mock.last_request, "POST", url, json=request_body)
    assert body == result


def test_prompt_template_generations(sf: salesforcepy.Client, requests_mock: Any) -> None:
    url = f"{DATA}/einstein/prompt-templates/Account_Summary/generations"
    requests_mock.post(url, json={"prompt": "p", "generations": []})
    request_body = {"isPreview": True, "inputParams": {"valueMap": {}}}

    body, _ = sf.einstein.prompt_template_generations("Account_Summary", request_body)

    assert_request(requests_mock.last_request, "POST", url, json=request_body)
    assert body == {"prompt": "p", "generations": []}


def test_error_is_recorded(sf: salesforcepy.Client, requests_mock: Any) -> None:
    errors = [{"errorCode": "INVALID_API_INPUT", "message": "promptTextorId is required"}]
    requests_mock.post(f"{DATA}/einstein/llm/prompt/generations", json=errors, status_code=400)

    body, request = sf.einstein.llm.prompt.generations({})

    assert body == errors
    assert isinstance(request.exceptions[0], BadRequest)


@pytest.mark.parametrize("request_body", ["text", ["a"], None])
def test_bodies_must_be_objects(
    sf: salesforcepy.Client, requests_mock: Any, request_body: Any
) -> None:
    with pytest.raises(TypeError, match="request_body"):
        sf.einstein.llm.prompt.generations(request_body)
    with pytest.raises(TypeError, match="request_body"):
        sf.einstein.llm.embeddings(request_body)
    assert not requests_mock.called


@pytest.mark.parametrize("name", ["../x", "a b", "", "1abc"])
def test_template_name_is_checked(sf: salesforcepy.Client, requests_mock: Any, name: str) -> None:
    with pytest.raises(ValueError, match="template_name"):
        sf.einstein.prompt_template_generations(name, {})
    assert not requests_mock.called
