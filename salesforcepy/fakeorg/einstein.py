"""Deterministic stand-ins for Einstein's large language model: generations and embeddings.

Nothing here is a language model. A generation is a sentence assembled from a fixed vocabulary,
chosen by a SHA-256 hash of the prompt, the model name and the generation's index, so the same
request always gets the same text and different prompts get different texts. An embedding is a
unit vector built by feature hashing: every lower-cased word of the text adds ``+1``/``-1`` to a
few hashed dimensions, and the sum is normalized. Texts that share words therefore have a positive
cosine similarity, identical texts have similarity 1, and the vector of a text never changes.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence

__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "DEFAULT_GENERATION_MODEL",
    "EMBEDDING_DIMENSIONS",
    "cosine",
    "embedding",
    "embedding_key",
    "generation_text",
    "token_count",
]

DEFAULT_GENERATION_MODEL = "sfdc_ai__DefaultGPT4Omni"
DEFAULT_EMBEDDING_MODEL = "sfdc_ai__DefaultOpenAITextEmbeddingAda_002"
EMBEDDING_DIMENSIONS = 1536
_HASHES_PER_WORD = 4
_WORD_RE = re.compile(r"\w+", re.UNICODE)

_OPENINGS = [
    "Here is a concise answer.",
    "Based on the information provided,",
    "In short,",
    "To summarize,",
    "Thanks for the question.",
    "Looking at the details,",
]
_SUBJECTS = [
    "the account",
    "the customer",
    "this opportunity",
    "the team",
    "the renewal",
    "the proposal",
    "the case",
    "the project",
]
_VERBS = [
    "shows steady progress",
    "needs a follow-up call",
    "is on track for the quarter",
    "would benefit from a product demo",
    "has a strong relationship with sales",
    "should be reviewed by the account owner",
    "looks ready for the next stage",
    "requires an updated quote",
]
_CLOSINGS = [
    "Let me know if you need more detail.",
    "Consider scheduling a meeting this week.",
    "Next steps are listed in the record.",
    "No further action is needed today.",
    "A short summary was added to the notes.",
]


def _digest(*parts: str) -> bytes:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8"))
        hasher.update(b"\x00")
    return hasher.digest()


def embedding_key(*parts: str) -> str:
    """A short stable hex key for the given strings (request and response ids)."""
    return _digest(*parts).hex()[:24]


def token_count(text: str) -> int:
    """A rough token count (words and punctuation marks), for the ``usage`` numbers."""
    return len(re.findall(r"\w+|[^\w\s]", text))


def generation_text(prompt: str, *, model: str, index: int = 0, max_tokens: int = 0) -> str:
    """The fake completion of ``prompt``: deterministic, and at most ``max_tokens`` words when
    ``max_tokens`` is positive."""
    digest = _digest(model, str(index), prompt)
    opening = _OPENINGS[digest[13] % len(_OPENINGS)]
    sentences = []
    for round_ in range(1 + digest[0] % 3):
        offset = 1 + round_ * 4
        subject = _SUBJECTS[digest[offset] % len(_SUBJECTS)]
        # The first sentence continues the opening when that ends with a comma.
        if round_ or not opening.endswith(","):
            subject = subject.capitalize()
        sentences.append(f"{subject} {_VERBS[digest[offset + 1] % len(_VERBS)]}.")
    text = " ".join([opening, *sentences, _CLOSINGS[digest[14] % len(_CLOSINGS)]])
    if max_tokens > 0:
        words = text.split()
        text = " ".join(words[:max_tokens])
    return text


def embedding(text: str, dimensions: int = EMBEDDING_DIMENSIONS) -> list[float]:
    """A unit vector of ``dimensions`` floats for ``text`` (see the module docstring)."""
    vector = [0.0] * dimensions
    words = _WORD_RE.findall(text.lower())
    for word in words:
        digest = _digest("word", word)
        for n in range(_HASHES_PER_WORD):
            chunk = int.from_bytes(digest[n * 4 : n * 4 + 4], "big")
            sign = 1.0 if chunk & 1 else -1.0
            vector[(chunk >> 1) % dimensions] += sign
    norm = math.sqrt(sum(v * v for v in vector))
    if norm == 0.0:
        # No words: a fixed direction, so the result is still a unit vector.
        vector[0] = 1.0
        return vector
    return [round(v / norm, 8) for v in vector]


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors of the same length."""
    dot = sum(x * y for x, y in zip(a, b))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0
