"""Einstein generative AI (Connect REST API): LLM generations, embeddings, prompt templates.

Paths covered (relative to ``/services/data/vXX.X/``):

- ``POST einstein/llm/prompt/generations`` — :meth:`Prompt.generations`
  (``client.einstein.llm.prompt.generations(body)``, as in SalesforcePy)
- ``POST einstein/llm/embeddings`` — :meth:`LLM.embeddings`
  (``client.einstein.llm.embeddings(body)``)
- ``POST einstein/prompt-templates/{promptTemplateDevName}/generations`` —
  :meth:`Einstein.prompt_template_generations`

The request bodies are passed through as given (Salesforce's input representations); only their
outer type is checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import attrs

from ..options import Proxies, Timeout
from ..request import Request, Result, api_name, path
from ._base import Sender, require_mapping

__all__ = [
    "LLM",
    "Einstein",
    "Prompt",
    "embeddings_request",
    "generations_request",
    "prompt_template_generations_request",
]


def generations_request(request_body: Mapping[str, Any]) -> Request:
    """``POST einstein/llm/prompt/generations``."""
    body = require_mapping(request_body, "request_body")
    return Request.post("einstein/llm/prompt/generations", json=dict(body))


def embeddings_request(request_body: Mapping[str, Any]) -> Request:
    """``POST einstein/llm/embeddings``."""
    body = require_mapping(request_body, "request_body")
    return Request.post("einstein/llm/embeddings", json=dict(body))


def prompt_template_generations_request(
    template_name: str, request_body: Mapping[str, Any]
) -> Request:
    """``POST einstein/prompt-templates/{template_name}/generations``."""
    name = api_name(template_name, "template_name")
    body = require_mapping(request_body, "request_body")
    return Request.post(path("einstein", "prompt-templates", name, "generations"), json=dict(body))


@attrs.define
class Prompt:
    """``client.einstein.llm.prompt``."""

    _client: Sender

    def generations(
        self,
        request_body: Mapping[str, Any],
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/data/vXX.X/einstein/llm/prompt/generations`` — generate text.

        Args:
            request_body: an Einstein LLM Generations Input, e.g. ``{"promptTextorId": "Write a
                tagline", "additionalConfig": {"applicationName":
                "PromptTemplateGenerationsInvocable", "numGenerations": 1}}``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"generations": [{"text": ...}, ...], "prompt", "requestId", ...}, request)``.
        """
        return self._client._send(
            generations_request(request_body), timeout=timeout, proxies=proxies, version=version
        )


@attrs.define
class LLM:
    """``client.einstein.llm``: the Einstein LLM gateway."""

    _client: Sender

    @property
    def prompt(self) -> Prompt:
        """Prompt generations: ``client.einstein.llm.prompt.generations(...)``."""
        return Prompt(self._client)

    def embeddings(
        self,
        request_body: Mapping[str, Any],
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/data/vXX.X/einstein/llm/embeddings`` — embedding vectors.

        Args:
            request_body: an Einstein LLM Embeddings Input, e.g. ``{"prompts":
                {"wrappedListString": ["first text", "second text"]}, "additionalConfig":
                {"applicationName": "PromptTemplateGenerationsInvocable"}}``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"embeddings": [{"embedding": [...], "index": 0}, ...], ...}, request)``.
        """
        return self._client._send(
            embeddings_request(request_body), timeout=timeout, proxies=proxies, version=version
        )


@attrs.define
class Einstein:
    """Einstein generative AI builder: ``client.einstein``."""

    _client: Sender

    @property
    def llm(self) -> LLM:
        """The LLM gateway: ``client.einstein.llm.prompt.generations(...)``,
        ``client.einstein.llm.embeddings(...)``."""
        return LLM(self._client)

    def prompt_template_generations(
        self,
        template_name: str,
        request_body: Mapping[str, Any],
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """``POST /services/data/vXX.X/einstein/prompt-templates/{name}/generations``.

        Args:
            template_name: the prompt template's API (developer) name.
            request_body: an Einstein Prompt Template Generations Input, e.g. ``{"isPreview":
                False, "inputParams": {"valueMap": {"Input:Account": {"value": {"id":
                "001..."}}}}, "additionalConfig": {"applicationName": "PromptBuilderPreview"}}``.
            timeout: per-call (connect, read) timeout.
            proxies: per-call proxy map.
            version: per-call API version.

        Returns:
            ``({"generations": [...], "prompt", "promptTemplateDevName", ...}, request)``.
        """
        request = prompt_template_generations_request(template_name, request_body)
        return self._client._send(request, timeout=timeout, proxies=proxies, version=version)
