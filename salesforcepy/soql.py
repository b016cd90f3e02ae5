r"""Putting values into SOQL safely.

SOQL string literals are single-quoted; inside them a backslash escapes ``'``, ``"``, ``\`` and
the control characters ``\n``, ``\r``, ``\t``, ``\b``, ``\f``. In a ``LIKE`` pattern ``%`` and
``_`` are wildcards; inside the literal ``\%`` and ``\_`` match them literally.

Example::

    name = "O'Reilly"
    soql = f"SELECT Id FROM Account WHERE Name = {quote(name)}"
    # SELECT Id FROM Account WHERE Name = 'O\'Reilly'

    prefix = "100%_"
    soql = f"SELECT Id FROM Account WHERE Name LIKE '{escape_like(prefix)}%'"
    # SELECT Id FROM Account WHERE Name LIKE '100\%\_%'

The client percent-encodes the whole query string, so ``&``, ``+``, ``#`` and ``%`` need nothing
more at the HTTP level.
"""

from __future__ import annotations

from typing import Any

__all__ = ["escape", "escape_like", "quote"]

_TABLE = str.maketrans(
    {
        "\\": "\\\\",
        "'": "\\'",
        '"': '\\"',
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
        "\b": "\\b",
        "\f": "\\f",
    }
)


def _require_str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(
            f"a SOQL string literal must be built from a str, not {type(value).__name__}"
        )
    return value


def escape(value: str) -> str:
    """Escape ``value`` for use between single quotes in SOQL (no quotes added).

    Raises:
        TypeError: ``value`` is not a string.
    """
    return _require_str(value).translate(_TABLE)


def quote(value: str) -> str:
    r"""``value`` as a quoted SOQL string literal: ``O'Reilly`` -> ``'O\'Reilly'``."""
    return f"'{escape(value)}'"


def escape_like(value: str) -> str:
    r"""Escape ``value`` for use between single quotes in a ``LIKE`` pattern, wildcards included.

    ``%`` and ``_`` in ``value`` become ``\%`` and ``\_`` so they match literally; add your own
    wildcards around the result.

    Raises:
        TypeError: ``value`` is not a string.
    """
    return escape(value).replace("%", "\\%").replace("_", "\\_")
