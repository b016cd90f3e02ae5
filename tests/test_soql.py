"""SOQL literal quoting and LIKE escaping."""

from __future__ import annotations

import pytest

from salesforcepy.soql import escape, escape_like, quote


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("O'Reilly", "'O\\'Reilly'"),
        ('say "hi"', "'say \\\"hi\\\"'"),
        ("back\\slash", "'back\\\\slash'"),
        ("line\nbreak\r\ttab", "'line\\nbreak\\r\\ttab'"),
        ("\b\f", "'\\b\\f'"),
        ("100% & _x_ #", "'100% & _x_ #'"),
        ("", "''"),
    ],
)
def test_quote(value: str, expected: str) -> None:
    assert quote(value) == expected


def test_quote_cannot_be_broken_out_of() -> None:
    hostile = "x' OR Name != '"
    literal = quote(hostile)
    # The only unescaped quotes are the two delimiters.
    inner = literal[1:-1]
    assert all(inner[i - 1] == "\\" for i, c in enumerate(inner) if c == "'")


def test_escape_like() -> None:
    assert escape_like("100%_off") == "100\\%\\_off"
    assert escape_like("it's\\") == "it\\'s\\\\"


@pytest.mark.parametrize("fn", [escape, quote, escape_like])
def test_non_strings_are_rejected(fn: object) -> None:
    with pytest.raises(TypeError):
        fn(5)  # type: ignore[operator]
