"""JSON sent by clients, read the way Salesforce's parser reads it.

Every place that parses a request body (or a value a client made up, such as a locator) uses
:func:`parse_json`, so they all refuse the same things with one exception type.
"""

from __future__ import annotations

import json
from typing import Any


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(data: bytes | str) -> Any:
    """Parse JSON text (UTF-8 when given bytes).

    Raises:
        ValueError: not UTF-8, not JSON, ``NaN``/``Infinity`` (which Python's parser would take),
            or nested too deeply to read (which would otherwise be a ``RecursionError``).
    """
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
