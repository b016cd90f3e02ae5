"""Salesforce record ids: the 18-character checksum, validation and generation.

A 15-character id is case-sensitive base 62; the 18-character form appends three characters that
encode, for each five-character chunk, which positions hold an upper-case letter (first character of
the chunk = least significant bit), mapped through ``A-Z0-5``.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID_RE = re.compile(r"[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?")

# The "pod" part of every id this fake org makes: characters 4-6 of the 15-char form.
POD = "5g0"


def checksum_suffix(id15: str) -> str:
    """Return the three characters that turn a 15-character id into its 18-character form."""
    if len(id15) != 15:
        raise ValueError(f"expected a 15-character id, got {len(id15)} characters")
    suffix = []
    for start in (0, 5, 10):
        bits = 0
        for position, char in enumerate(id15[start : start + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << position
        suffix.append(_SUFFIX_ALPHABET[bits])
    return "".join(suffix)


def to18(record_id: str) -> str:
    """Return the 18-character form of a 15- or 18-character id (an 18-char id is re-checked)."""
    if not is_valid_id(record_id):
        raise ValueError(f"not a Salesforce id: {record_id!r}")
    id15 = record_id[:15]
    return id15 + checksum_suffix(id15)


def to15(record_id: str) -> str:
    """Return the case-sensitive 15-character form of a valid id."""
    return to18(record_id)[:15]


def is_valid_id(value: object) -> bool:
    """True for a well-formed 15-character id or an 18-character id whose checksum matches."""
    if not isinstance(value, str) or not _ID_RE.fullmatch(value):
        return False
    return len(value) == 15 or checksum_suffix(value[:15]) == value[15:]


def normalize_id(value: str) -> str | None:
    """Return the canonical 18-character id for ``value``, or None when it is not an id.

    An 18-character id that was lower-cased (or otherwise case-mangled) is repaired from its suffix,
    as Salesforce does.
    """
    if not isinstance(value, str):
        return None
    return _normalize(value)


@functools.lru_cache(maxsize=65536)
def _normalize(value: str) -> str | None:
    # Cached: bulk loads repeat the same parent ids over and over.
    if not _ID_RE.fullmatch(value):
        return None
    if len(value) == 15:
        return value + checksum_suffix(value)
    if checksum_suffix(value[:15]) == value[15:]:
        return value
    suffix = value[15:].upper()
    if any(c not in _SUFFIX_ALPHABET for c in suffix):
        return None
    chars = list(value[:15])
    for chunk, code in enumerate(suffix):
        bits = _SUFFIX_ALPHABET.index(code)
        for position in range(5):
            i = chunk * 5 + position
            upper = bool(bits & (1 << position))
            if chars[i].isalpha():
                chars[i] = chars[i].upper() if upper else chars[i].lower()
            elif upper:
                return None
    id15 = "".join(chars)
    return id15 + checksum_suffix(id15)


def encode62(number: int, width: int) -> str:
    """Encode a non-negative integer in base 62, left-padded with zeros to ``width``."""
    if number < 0:
        raise ValueError("number must be non-negative")
    digits = []
    while number:
        number, rem = divmod(number, 62)
        digits.append(BASE62[rem])
    text = "".join(reversed(digits)) or "0"
    if len(text) > width:
        raise OverflowError(f"{number} does not fit in {width} base-62 digits")
    return text.rjust(width, "0")


class IdGenerator:
    """Thread-safe generator of fresh 18-character ids with a given key prefix.

    Ids are ``{prefix}{POD}{9 base-62 digits}`` plus the checksum. ``start`` lets a store that was
    reopened from a file continue after its highest counter.
    """

    def __init__(self, start: int = 1) -> None:
        self._counter = itertools.count(start)
        self._lock = threading.Lock()

    def new(self, key_prefix: str) -> str:
        if len(key_prefix) != 3:
            raise ValueError(f"key prefix must be 3 characters: {key_prefix!r}")
        with self._lock:
            n = next(self._counter)
        id15 = key_prefix + POD + encode62(n, 9)
        return id15 + checksum_suffix(id15)

    def advance_past(self, record_id: str) -> None:
        """Make later ids miss ``record_id`` (one of ours, from a reopened database)."""
        if record_id[3:6] != POD:
            return
        n = 0
        for char in record_id[6:15]:
            n = n * 62 + BASE62.index(char)
        with self._lock:
            current = next(self._counter)
            self._counter = itertools.count(max(current, n + 1))
