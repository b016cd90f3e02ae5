"""Wire shapes of the Einstein resources (raw HTTP) and the fake model's determinism."""

from __future__ import annotations

import math

import pytest

from salesforcepy.fakeorg import einstein


def test_generation_shape(rest) -> None:
    response = rest.post(
        "/einstein/llm/prompt/generations",
        json={"promptTextorId": "Hello", "additionalConfig": {"applicationName": "App"}},
    )

    body = response.json()
    assert response.status_code == 200
    assert list(body) == ["generations", "parameters", "prompt", "requestId"]
    (generation,) = body["generations"]
    assert list(generation) == ["contentQuality", "parameters", "responseId", "text"]
    assert body["parameters"]["model"] == einstein.DEFAULT_GENERATION_MODEL


def test_embedding_shape(rest) -> None:
    response = rest.post(
        "/einstein/llm/embeddings",
        json={"prompts": {"wrappedListString": ["a b", "c"]}, "additionalConfig": {"model": "m"}},
    )

    body = response.json()
    assert response.status_code == 200
    assert list(body) == ["embeddings", "parameters"]
    assert [list(e) for e in body["embeddings"]] == [["embedding", "index"], ["embedding", "index"]]
    assert body["parameters"]["model"] == "m"


@pytest.mark.parametrize(
    "body",
    [
        {"prompts": {"wrappedListString": [1]}},
        {"prompts": ["x"]},
        {"prompts": {"wrappedListString": ["x"] * 513}},
    ],
)
def test_embedding_errors(rest, body) -> None:
    response = rest.post("/einstein/llm/embeddings", json=body)

    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_API_INPUT"


def test_additional_config_must_be_an_object(rest) -> None:
    response = rest.post(
        "/einstein/llm/prompt/generations", json={"promptTextorId": "x", "additionalConfig": []}
    )

    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_generation_text_depends_on_prompt_model_and_index() -> None:
    base = einstein.generation_text("prompt", model="m")

    assert einstein.generation_text("prompt", model="m") == base
    assert einstein.generation_text("prompt!", model="m") != base
    assert einstein.generation_text("prompt", model="n") != base
    assert einstein.generation_text("prompt", model="m", index=1) != base
    assert len(einstein.generation_text("prompt", model="m", max_tokens=3).split()) == 3


def test_embedding_properties() -> None:
    empty = einstein.embedding("")
    word = einstein.embedding("Renewal")

    assert math.isclose(math.fsum(v * v for v in empty), 1.0)
    assert math.isclose(math.fsum(v * v for v in word), 1.0, rel_tol=1e-6)
    assert einstein.embedding("renewal") == word  # case does not matter
    assert math.isclose(einstein.cosine(word, einstein.embedding("renewal renewal")), 1.0)
    assert einstein.cosine(word, einstein.embedding("invoice")) < 0.5
    assert len(einstein.embedding("x", dimensions=8)) == 8
