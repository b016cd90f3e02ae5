"""Composite references: ``@{refId.field}``, ``@{refId.records[0].Id}`` in a subrequest's url/body.

A reference names an earlier subrequest by its ``referenceId`` and walks its response body with
``.name`` steps (object keys; exact match first, then ignoring case) and ``[n]`` steps (list
indexes). A string that is exactly one reference becomes the referenced JSON value itself; a
reference inside a longer string is replaced by its text (JSON text for numbers, booleans, null,
objects and lists). In a URL the text is percent-encoded, so a value with spaces or ``&`` cannot
change the URL's structure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

__all__ = [
    "REFERENCE_ID_RE",
    "REFERENCE_RE",
    "Unresolved",
    "referenced_ids",
    "resolve",
    "substitute_json",
    "substitute_url",
]

REFERENCE_ID_RE = re.compile(r"[A-Za-z0-9_]+")
REFERENCE_RE = re.compile(r"@\{([^{}]*)\}")
_STEP_RE = re.compile(r"\.([A-Za-z0-9_]+)|\[(\d+)\]")


class Unresolved(Exception):
    """A reference with no value: unknown or failed subrequest, or a path missing from its body.

    Attributes:
        expression: the text between ``@{`` and ``}``.
        reference_id: the subrequest it names.
    """

    def __init__(self, expression: str, reference_id: str) -> None:
        super().__init__(expression)
        self.expression = expression
        self.reference_id = reference_id

    @property
    def message(self) -> str:
        return (
            f"Invalid reference specified. No value for {self.expression} found in "
            f"{self.reference_id}."
        )


def _split(expression: str) -> tuple[str, list[str | int]]:
    head = REFERENCE_ID_RE.match(expression)
    if head is None:
        raise Unresolved(expression, expression)
    steps: list[str | int] = []
    position = head.end()
    while position < len(expression):
        step = _STEP_RE.match(expression, position)
        if step is None:
            raise Unresolved(expression, head.group(0))
        steps.append(step.group(1) if step.group(1) is not None else int(step.group(2)))
        position = step.end()
    return head.group(0), steps


def resolve(expression: str, bodies: Mapping[str, Any]) -> Any:
    """The value ``expression`` (``refId.a.b[0].c``) names in ``bodies`` (refId -> body).

    Raises:
        Unresolved: the referenceId is not in ``bodies`` or a step finds nothing.
    """
    reference_id, steps = _split(expression)
    if reference_id not in bodies:
        raise Unresolved(expression, reference_id)
    value = bodies[reference_id]
    for step in steps:
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                raise Unresolved(expression, reference_id)
            value = value[step]
            continue
        if not isinstance(value, Mapping):
            raise Unresolved(expression, reference_id)
        if step in value:
            value = value[step]
            continue
        folded = step.casefold()
        matches = [k for k in value if isinstance(k, str) and k.casefold() == folded]
        if not matches:
            raise Unresolved(expression, reference_id)
        value = value[matches[0]]
    return value


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def _substitute_text(text: str, bodies: Mapping[str, Any], *, url: bool) -> str:
    def replace(match: re.Match[str]) -> str:
        text = _as_text(resolve(match.group(1), bodies))
        return quote(text, safe="") if url else text

    return REFERENCE_RE.sub(replace, text)


def substitute_url(url: str, bodies: Mapping[str, Any]) -> str:
    """``url`` with every reference replaced by its percent-encoded text."""
    return _substitute_text(url, bodies, url=True)


def substitute_json(value: Any, bodies: Mapping[str, Any]) -> Any:
    """A copy of the JSON ``value`` with references in every string (keys excluded) replaced."""
    if isinstance(value, str):
        whole = REFERENCE_RE.fullmatch(value)
        if whole is not None:
            return resolve(whole.group(1), bodies)
        return _substitute_text(value, bodies, url=False)
    if isinstance(value, list):
        return [substitute_json(item, bodies) for item in value]
    if isinstance(value, Mapping):
        return {key: substitute_json(item, bodies) for key, item in value.items()}
    return value


def referenced_ids(value: Any) -> set[str]:
    """The referenceIds named by references anywhere in a JSON value or string."""
    found: set[str] = set()
    if isinstance(value, str):
        for match in REFERENCE_RE.finditer(value):
            head = REFERENCE_ID_RE.match(match.group(1))
            if head is not None:
                found.add(head.group(0))
    elif isinstance(value, list):
        for item in value:
            found |= referenced_ids(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            found |= referenced_ids(item)
    return found
