"""Einstein generative AI (Connect REST) with deterministic fake outputs.

* ``POST /services/data/vXX.X/einstein/llm/prompt/generations`` — Einstein LLM Generations:
  ``{"promptTextorId": "...", "additionalConfig": {"numGenerations", "maxTokens", "model", ...}}``.
* ``POST /einstein/llm/embeddings`` — Einstein LLM Embeddings:
  ``{"prompts": {"wrappedListString": ["...", ...]}, "additionalConfig": {"model", ...}}``.
* ``POST /einstein/prompt-templates/{promptTemplateDevName}/generations`` — resolve a prompt
  template's ``{!$Input:Name}`` / ``{!$Input:Name.Field}`` merge fields from
  ``inputParams.valueMap`` (a record given as ``{"id": ...}`` is read from the store), then
  generate unless ``isPreview`` is true. Templates are defined with :func:`define_prompt_template`.

Texts and vectors come from :mod:`salesforcepy.fakeorg.einstein`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Response

from .. import einstein, ids
from ..errors import SalesforceError
from . import DATA, Context, Routes

if TYPE_CHECKING:
    from ..store import Store

routes = Routes("einstein")

MAX_GENERATIONS = 5
MAX_EMBEDDING_INPUTS = 512
_TEMPLATE_PREFIX = "prompt_template:"
_TEMPLATE_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,79}")
_MERGE_RE = re.compile(r"\{!\$Input:([A-Za-z][A-Za-z0-9_]*)((?:\.[A-Za-z][A-Za-z0-9_]*)*)\}")


def _invalid(message: str) -> SalesforceError:
    return SalesforceError(400, "INVALID_API_INPUT", message)


def define_prompt_template(store: Store, name: str, template: str) -> None:
    """Keep (or replace) the prompt template ``name`` with text ``template`` in the store.

    Raises:
        ValueError: ``name`` is not an API name or ``template`` is empty.
    """
    if not isinstance(name, str) or not _TEMPLATE_NAME_RE.fullmatch(name):
        raise ValueError(f"a prompt template name is an API name, got {name!r}")
    if not isinstance(template, str) or not template.strip():
        raise ValueError("a prompt template needs text")
    store.execute(
        "INSERT OR REPLACE INTO _fakeorg_settings (key, value) VALUES (?, ?)",
        (_TEMPLATE_PREFIX + name.lower(), json.dumps({"name": name, "template": template})),
    )


def _template(store: Store, name: str) -> tuple[str, str]:
    rows = store.execute(
        "SELECT value FROM _fakeorg_settings WHERE key = ?", (_TEMPLATE_PREFIX + name.lower(),)
    )
    if not rows:
        raise SalesforceError(404, "NOT_FOUND", f"Prompt template {name} was not found")
    data = json.loads(rows[0][0])
    return data["name"], data["template"]


def _config(body: Mapping[str, Any]) -> Mapping[str, Any]:
    config = body.get("additionalConfig")
    if config is None:
        return {}
    if not isinstance(config, Mapping):
        raise SalesforceError(400, "JSON_PARSER_ERROR", "additionalConfig must be a JSON object")
    return config


def _int_setting(config: Mapping[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = config.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _invalid(f"{key} must be an integer between {low} and {high}")
    return value


def _generations(prompt: str, config: Mapping[str, Any], request_id: str) -> dict[str, Any]:
    model = str(config.get("model") or einstein.DEFAULT_GENERATION_MODEL)
    count = _int_setting(config, "numGenerations", 1, 1, MAX_GENERATIONS)
    max_tokens = _int_setting(config, "maxTokens", 0, 0, 32_000)
    generations = []
    completion_tokens = 0
    for index in range(count):
        text = einstein.generation_text(prompt, model=model, index=index, max_tokens=max_tokens)
        completion_tokens += einstein.token_count(text)
        generations.append(
            {
                "contentQuality": {"scanToxicity": {"categories": [], "isDetected": False}},
                "parameters": {"finish_reason": "stop", "index": index},
                "responseId": f"{request_id}-{index}",
                "text": text,
            }
        )
    prompt_tokens = einstein.token_count(prompt)
    return {
        "generations": generations,
        "parameters": {
            "model": model,
            "object": "chat.completion",
            "usage": {
                "completion_tokens": completion_tokens,
                "prompt_tokens": prompt_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        },
    }


def _request_id(*parts: str) -> str:
    return "chatcmpl-" + einstein.embedding_key(*parts)


@routes.route(DATA + "/einstein/llm/prompt/generations", methods=["POST"])
def generations(ctx: Context) -> Response:
    """POST /services/data/vXX.X/einstein/llm/prompt/generations"""
    body = ctx.json_body()
    prompt = body.get("promptTextorId")
    if not isinstance(prompt, str) or not prompt.strip():
        raise _invalid("promptTextorId is required")
    config = _config(body)
    request_id = _request_id("generations", prompt, json.dumps(config, sort_keys=True))
    result = _generations(prompt, config, request_id)
    return ctx.json(
        {
            "generations": result["generations"],
            "parameters": result["parameters"],
            "prompt": prompt,
            "requestId": request_id,
        }
    )


@routes.route(DATA + "/einstein/llm/embeddings", methods=["POST"])
def embeddings(ctx: Context) -> Response:
    """POST /services/data/vXX.X/einstein/llm/embeddings"""
    body = ctx.json_body()
    prompts = body.get("prompts")
    texts = prompts.get("wrappedListString") if isinstance(prompts, Mapping) else None
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise _invalid('prompts must be {"wrappedListString": ["text", ...]} with some text')
    if len(texts) > MAX_EMBEDDING_INPUTS:
        raise _invalid(f"At most {MAX_EMBEDDING_INPUTS} texts can be embedded at once")
    config = _config(body)
    model = str(config.get("model") or einstein.DEFAULT_EMBEDDING_MODEL)
    tokens = sum(einstein.token_count(t) for t in texts)
    return ctx.json(
        {
            "embeddings": [
                {"embedding": einstein.embedding(text), "index": index}
                for index, text in enumerate(texts)
            ],
            "parameters": {
                "model": model,
                "object": "list",
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        }
    )


def _resolve(ctx: Context, template: str, value_map: Mapping[str, Any]) -> str:
    inputs = {str(k).lower(): v for k, v in value_map.items()}

    def replace(match: re.Match[str]) -> str:
        name, path = match.group(1), match.group(2)
        entry = inputs.get(f"input:{name.lower()}")
        if not isinstance(entry, Mapping) or "value" not in entry:
            raise _invalid(
                f"Missing value for the input {name} (expected valueMap['Input:{name}'])"
            )
        value = entry["value"]
        if not path:
            if isinstance(value, Mapping):
                return str(value.get("id", ""))
            return "" if value is None else str(value)
        if not isinstance(value, Mapping) or not isinstance(value.get("id"), str):
            raise _invalid(f"The input {name} must be a record {{'id': ...}} to read {path[1:]}")
        return _record_path(ctx, value["id"], path[1:].split("."))

    return _MERGE_RE.sub(replace, template)


def _record_path(ctx: Context, record_id: str, path: list[str]) -> str:
    normalized = ids.normalize_id(record_id)
    obj = ctx.store.schema.object_for_id(normalized) if normalized else None
    if obj is None or normalized is None:
        raise _invalid(f"Invalid record id: {record_id}")
    soql_path = ".".join(path)
    from ..soql import run_query

    result = run_query(
        ctx.store,
        f"SELECT {soql_path} FROM {obj.name} WHERE Id = '{normalized}'",
        api_version=ctx.api_version,
    )
    if not result.records:
        raise _invalid(f"Invalid record id: {record_id}")
    value: Any = result.records[0]
    for part in path:
        if not isinstance(value, Mapping):
            return ""
        value = next((v for k, v in value.items() if k.lower() == part.lower()), None)
    return "" if value is None else str(value)


@routes.route(DATA + "/einstein/prompt-templates/<name>/generations", methods=["POST"])
def template_generations(ctx: Context) -> Response:
    """POST /services/data/vXX.X/einstein/prompt-templates/{promptTemplateDevName}/generations"""
    name, template = _template(ctx.store, ctx.args["name"])
    body = ctx.json_body()
    params = body.get("inputParams") or {}
    value_map = params.get("valueMap") if isinstance(params, Mapping) else None
    if value_map is None:
        value_map = {}
    if not isinstance(value_map, Mapping):
        raise SalesforceError(400, "JSON_PARSER_ERROR", "inputParams.valueMap must be an object")
    prompt = _resolve(ctx, template, value_map)
    config = _config(body)
    preview = body.get("isPreview") in (True, "true")
    request_id = _request_id("template", name, prompt, json.dumps(config, sort_keys=True))
    result = (
        {"generations": [], "parameters": None}
        if preview
        else _generations(prompt, config, request_id)
    )
    return ctx.json(
        {
            "generationErrors": [],
            "generations": result["generations"],
            "isSummarized": False,
            "parameters": result["parameters"],
            "prompt": prompt,
            "promptTemplateDevName": name,
            "requestId": request_id,
        }
    )
