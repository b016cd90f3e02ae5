"""Einstein generations and embeddings through the client against the demo fake org."""

from __future__ import annotations

import math

import pytest

import salesforcepy
from salesforcepy.fakeorg import FakeOrg

from ._demo import *  # noqa: F403  (the demo_db, demo_org and sf fixtures)

pytestmark = pytest.mark.integration

CONFIG = {"applicationName": "PromptTemplateGenerationsInvocable"}


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b))


def test_generations_are_deterministic(sf: salesforcepy.Client) -> None:
    request_body = {
        "promptTextorId": "Write a one-line welcome for new customers",
        "additionalConfig": {**CONFIG, "numGenerations": 2},
    }

    first, request = sf.einstein.llm.prompt.generations(request_body)
    second, _ = sf.einstein.llm.prompt.generations(request_body)
    other, _ = sf.einstein.llm.prompt.generations(
        {"promptTextorId": "Summarize last quarter", "additionalConfig": CONFIG}
    )

    assert request.status == 200
    assert first == second
    assert first["prompt"] == request_body["promptTextorId"]
    assert [g["parameters"]["index"] for g in first["generations"]] == [0, 1]
    texts = [g["text"] for g in first["generations"]]
    assert all(texts)
    assert texts[0] != texts[1]
    assert other["generations"][0]["text"] not in texts
    usage = first["parameters"]["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_max_tokens_caps_the_text(sf: salesforcepy.Client) -> None:
    body, _ = sf.einstein.llm.prompt.generations(
        {"promptTextorId": "Describe the product", "additionalConfig": {**CONFIG, "maxTokens": 4}}
    )

    assert len(body["generations"][0]["text"].split()) <= 4


def test_embeddings_are_unit_vectors(sf: salesforcepy.Client) -> None:
    texts = ["renewal of the support contract", "support contract renewal", "pizza recipe"]

    body, request = sf.einstein.llm.embeddings(
        {"prompts": {"wrappedListString": texts}, "additionalConfig": CONFIG}
    )

    assert request.status == 200
    vectors = [e["embedding"] for e in body["embeddings"]]
    assert [e["index"] for e in body["embeddings"]] == [0, 1, 2]
    assert {len(v) for v in vectors} == {1536}
    for vector in vectors:
        assert math.isclose(math.sqrt(sum(x * x for x in vector)), 1.0, rel_tol=1e-6)
    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2])
    again, _ = sf.einstein.llm.embeddings({"prompts": {"wrappedListString": texts[:1]}})
    assert again["embeddings"][0]["embedding"] == vectors[0]


def test_prompt_template_resolves_record_fields(sf: salesforcepy.Client) -> None:
    request_body = {
        "isPreview": False,
        "inputParams": {"valueMap": {"Input:Account": {"value": {"id": "00161000011ueBV"}}}},
        "additionalConfig": {"applicationName": "PromptBuilderPreview"},
    }

    body, request = sf.einstein.prompt_template_generations("Account_Summary", request_body)

    assert request.status == 200
    account, _ = sf.sobjects(object_type="Account", id="00161000011ueBV").query()
    assert body["prompt"] == (
        f"Summarize the account {account['Name']} ({account['Industry']}) "
        "for a sales rep in two sentences."
    )
    assert body["promptTemplateDevName"] == "Account_Summary"
    assert len(body["generations"]) == 1


def test_prompt_template_preview_and_errors(
    sf: salesforcepy.Client,
    demo_org: FakeOrg,
) -> None:
    demo_org.define_prompt_template("Greeting", "Say hello to {!$Input:Name}.")

    preview, _ = sf.einstein.prompt_template_generations(
        "Greeting",
        {"isPreview": True, "inputParams": {"valueMap": {"Input:Name": {"value": "Ada"}}}},
    )
    missing_input, missing_request = sf.einstein.prompt_template_generations(
        "Greeting", {"inputParams": {"valueMap": {}}}
    )
    unknown, unknown_request = sf.einstein.prompt_template_generations("Nope", {})

    assert preview["prompt"] == "Say hello to Ada."
    assert preview["generations"] == []
    assert missing_request.status == 400
    assert missing_input[0]["errorCode"] == "INVALID_API_INPUT"
    assert unknown_request.status == 404
    assert unknown[0]["errorCode"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "request_body",
    [
        {},
        {"promptTextorId": ""},
        {"promptTextorId": "x", "additionalConfig": {"numGenerations": 0}},
    ],
)
def test_generation_errors(sf: salesforcepy.Client, request_body: dict) -> None:
    body, request = sf.einstein.llm.prompt.generations(request_body)

    assert request.status == 400
    assert body[0]["errorCode"] == "INVALID_API_INPUT"


def test_embedding_errors(sf: salesforcepy.Client) -> None:
    body, request = sf.einstein.llm.embeddings({"prompts": {"wrappedListString": []}})

    assert request.status == 400
    assert body[0]["errorCode"] == "INVALID_API_INPUT"
