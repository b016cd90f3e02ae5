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

:func:`format_soql` does all of this from a format string, the way :meth:`str.format` does::

    format_soql("SELECT Id FROM Contact WHERE LastName = {} AND Email = {email}",
                "O'Reilly", email="a@example.com")
    # SELECT Id FROM Contact WHERE LastName = 'O\'Reilly' AND Email = 'a@example.com'

    format_soql("SELECT Id FROM Account WHERE Name LIKE '{:like}%'", "100%")
    # SELECT Id FROM Account WHERE Name LIKE '100\%%'

:func:`format_external_id` makes the ``field/value`` path of an external-id URL.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import string
from typing import Any, Union
from urllib.parse import quote as _url_quote

from .request import api_name

__all__ = ["escape", "escape_like", "format_external_id", "format_soql", "literal", "quote"]

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


_LIKE = "like"
_LITERAL = "literal"


def _number(value: Union[int, float, decimal.Decimal]) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"SOQL has no literal for {value!r}")
        # repr is the shortest exact form; SOQL numbers take no exponent, so expand it.
        return format(decimal.Decimal(repr(value)), "f")
    if not value.is_finite():
        raise ValueError(f"SOQL has no literal for Decimal {str(value)!r}")
    return format(value, "f")


def _datetime(value: dt.datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            "a naive datetime is ambiguous in SOQL: give it a timezone "
            "(e.g. value.replace(tzinfo=datetime.timezone.utc))"
        )
    utc = value.astimezone(dt.timezone.utc)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        # Salesforce keeps milliseconds; finer digits would only be cut off there.
        text += f".{utc.microsecond // 1000:03d}"
    return text + "Z"


def literal(value: Any) -> str:
    """``value`` as a SOQL literal.

    ============================================  ==================================================
    ``str``                                        quoted and escaped: ``'O\\'Reilly'``
    ``None``                                       ``null``
    ``bool``                                       ``true`` / ``false``
    ``int``, ``float``, ``Decimal``                digits, no exponent: ``0.00001``
    ``datetime.datetime`` (timezone-aware)         in UTC: ``2024-05-20T18:49:32Z`` (``.123Z`` with
                                                   milliseconds)
    ``datetime.date``                              ``2024-05-20``
    list, tuple, set, frozenset                    ``('a','b')``, each item as above (not empty)
    ============================================  ==================================================

    Raises:
        TypeError: a value of another type (including nested collections).
        ValueError: NaN or infinity, a naive datetime, or an empty collection.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, decimal.Decimal)):
        return _number(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, dt.datetime):
        return _datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        if not items:
            raise ValueError("SOQL has no empty list: IN () is a syntax error")
        if any(isinstance(i, (list, tuple, set, frozenset)) for i in items):
            raise TypeError("a SOQL list cannot contain another list")
        return "(" + ",".join(literal(i) for i in items) + ")"
    raise TypeError(f"no SOQL literal for a value of type {type(value).__name__}")


class _SoqlFormatter(string.Formatter):
    def convert_field(self, value: Any, conversion: Any) -> Any:
        if conversion is not None:
            # !r / !s / !a would put unescaped text into the query.
            raise ValueError(f"format_soql does not support the !{conversion} conversion")
        return value

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "":
            return literal(value)
        if format_spec == _LITERAL:
            return value if isinstance(value, str) else literal(value)
        if format_spec == _LIKE:
            return escape_like(value)
        raise ValueError(
            f"unknown format_soql specifier {format_spec!r}: use {{}}, {{:literal}} or {{:like}}"
        )


_FORMATTER = _SoqlFormatter()


def format_soql(query: str, *args: Any, **kwargs: Any) -> str:
    r"""Fill the ``{}`` fields of ``query`` with SOQL literals, like :meth:`str.format`.

    Fields take positional (``{}``, ``{0}``) or named (``{name}``) arguments; each value becomes
    a SOQL literal (see :func:`literal`), so quotes and backslashes in strings cannot end the
    literal early. Two specifiers change that:

    - ``{:literal}`` inserts a string as it is (for a value you built yourself, such as
      ``USD100`` or ``LAST_N_DAYS:30``; never for user input). Non-strings are formatted as
      literals as usual.
    - ``{:like}`` escapes a string for use *inside* a quoted ``LIKE`` pattern you write yourself,
      wildcards included: ``LIKE '{:like}%'`` matches values starting with the argument.

    ``{{`` and ``}}`` stand for literal braces.

    Args:
        query: the SOQL text with ``{}`` fields.
        args: positional values.
        kwargs: named values.

    Returns:
        The SOQL text.

    Raises:
        TypeError: a value that has no SOQL literal, or ``{:like}`` with a non-string.
        ValueError: an unknown specifier or conversion, NaN/infinity, a naive datetime, an empty
            list.
        IndexError, KeyError: a field without a matching argument (as :meth:`str.format`).
    """
    if not isinstance(query, str):
        raise TypeError(f"query must be a string, not {type(query).__name__}")
    return _FORMATTER.vformat(query, args, kwargs)


def format_external_id(field: str, value: Union[str, int]) -> str:
    """``field/value`` for an external-id URL, the value percent-encoded as one path segment.

    ``format_external_id("Ext_Id__c", "this/that & the other")`` gives
    ``"Ext_Id__c/this%2Fthat%20%26%20the%20other"``. (The sObject builder —
    ``client.sobjects("Account", id=value, external_id="Ext_Id__c")`` — does this itself; use
    this function for URLs you put together, e.g. Apex REST paths.)

    Raises:
        TypeError: ``field`` is not a string, or ``value`` is not a string or integer.
        ValueError: ``field`` is not an API name, or ``value`` is empty, ``.`` or ``..``.
    """
    api_name(field, "field")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise TypeError(f"value must be a string or integer, not {type(value).__name__}")
    if value in ("", ".", ".."):
        raise ValueError("an external id value must not be empty, '.' or '..'")
    return f"{field}/{_url_quote(value, safe='')}"
