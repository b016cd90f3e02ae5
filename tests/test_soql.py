"""SOQL literal quoting, LIKE escaping, format_soql and format_external_id."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import pytest

from salesforcepy.soql import escape, escape_like, format_external_id, format_soql, literal, quote


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


# -- format_soql -------------------------------------------------------------------------------

UTC = dt.timezone.utc


def test_positional_and_named_arguments() -> None:
    soql = format_soql(
        "SELECT Id FROM Contact WHERE LastName = {} AND Email = {email} AND Age > {}",
        "O'Reilly",
        30,
        email="a@b.c",
    )
    assert soql == (
        "SELECT Id FROM Contact WHERE LastName = 'O\\'Reilly' AND Email = 'a@b.c' AND Age > 30"
    )
    assert format_soql("{1} {0} {1}", "a", "b") == "'b' 'a' 'b'"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-42, "-42"),
        (10**20, "100000000000000000000"),
        (1.5, "1.5"),
        (-0.25, "-0.25"),
        (1e-7, "0.0000001"),
        (1.5e20, "150000000000000000000"),
        (decimal.Decimal("12.3400"), "12.3400"),
        (decimal.Decimal("1E+3"), "1000"),
        (decimal.Decimal("-1.5E-3"), "-0.0015"),
        (dt.date(2024, 5, 20), "2024-05-20"),
        (dt.datetime(2024, 5, 20, 20, 49, 32, tzinfo=UTC), "2024-05-20T20:49:32Z"),
        (
            dt.datetime(2024, 5, 20, 22, 49, 32, 123999, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            "2024-05-20T20:49:32.123Z",
        ),
        (
            dt.datetime(2024, 1, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
            "2023-12-31T19:30:00Z",
        ),
        (["Smith", "Jones"], "('Smith','Jones')"),
        ((1, None, True), "(1,null,true)"),
        ([dt.date(2024, 1, 2)], "(2024-01-02)"),
        ("", "''"),
        ('it\'s \\ "q"\n', "'it\\'s \\\\ \\\"q\\\"\\n'"),
    ],
)
def test_literals(value: Any, expected: str) -> None:
    assert literal(value) == expected
    assert format_soql("X = {}", value) == f"X = {expected}"


def test_sets_become_lists() -> None:
    assert format_soql("Id IN {}", {"a"}) == "Id IN ('a')"
    assert sorted(format_soql("{}", frozenset({"a", "b"}))[1:-1].split(",")) == ["'a'", "'b'"]


def test_literal_specifier_inserts_text_unchanged() -> None:
    assert format_soql("Income > {:literal}", "USD100") == "Income > USD100"
    assert (
        format_soql("CreatedDate = {:literal}", "LAST_N_DAYS:30") == "CreatedDate = LAST_N_DAYS:30"
    )
    # Non-strings are still made into literals.
    assert format_soql("N = {:literal}", 5) == "N = 5"


def test_like_specifier_escapes_inside_your_quotes() -> None:
    soql = format_soql("Name LIKE '{:like}%'", "100%_o'k\\")
    assert soql == "Name LIKE '100\\%\\_o\\'k\\\\%'"
    with pytest.raises(TypeError):
        format_soql("Name LIKE '{:like}%'", 5)


def test_braces_can_be_escaped() -> None:
    assert format_soql("FIND {{x}} RETURNING Account WHERE Name = {}", "a") == (
        "FIND {x} RETURNING Account WHERE Name = 'a'"
    )


@pytest.mark.parametrize(
    ("template", "args", "error", "match"),
    [
        ("X = {}", (float("nan"),), ValueError, "nan"),
        ("X = {}", (float("-inf"),), ValueError, "inf"),
        ("X = {}", (decimal.Decimal("NaN"),), ValueError, "NaN"),
        ("X = {}", (dt.datetime(2024, 1, 1),), ValueError, "naive"),
        ("X IN {}", ([],), ValueError, "empty"),
        ("X IN {}", ([["a"]],), TypeError, "another list"),
        ("X = {}", (object(),), TypeError, "object"),
        ("X = {}", (b"bytes",), TypeError, "bytes"),
        ("X = {}", ({"a": 1},), TypeError, "dict"),
        ("X = {!r}", ("a",), ValueError, "conversion"),
        ("X = {!s}", ("a",), ValueError, "conversion"),
        ("X = {:>10}", ("a",), ValueError, "specifier"),
        ("X = {} AND Y = {}", ("a",), IndexError, "index"),
        ("X = {name}", (), KeyError, "name"),
    ],
)
def test_bad_values_and_templates(
    template: str, args: tuple[Any, ...], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        format_soql(template, *args)


def test_format_soql_needs_a_string_template() -> None:
    with pytest.raises(TypeError, match="query must be a string"):
        format_soql(b"SELECT Id FROM Account")  # type: ignore[arg-type]


def test_injection_attempts_stay_inside_the_literal() -> None:
    soql = format_soql("SELECT Id FROM Account WHERE Name = {}", "x' OR Name != '")
    assert soql == "SELECT Id FROM Account WHERE Name = 'x\\' OR Name != \\''"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (
            "customExtIdField__c",
            "this/that & the other",
            "customExtIdField__c/this%2Fthat%20%26%20the%20other",
        ),
        ("Ext__c", 11999, "Ext__c/11999"),
        ("Ext__c", "a?b#c%d+e", "Ext__c/a%3Fb%23c%25d%2Be"),
        ("Ext__c", "caf\u00e9", "Ext__c/caf%C3%A9"),
        ("Ext__c", "...", "Ext__c/..."),
    ],
)
def test_format_external_id(field: str, value: Any, expected: str) -> None:
    assert format_external_id(field, value) == expected


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("../x", "1", ValueError),
        ("Ext__c/x", "1", ValueError),
        ("Ext__c", "", ValueError),
        ("Ext__c", "..", ValueError),
        ("Ext__c", ".", ValueError),
        ("Ext__c", None, TypeError),
        ("Ext__c", True, TypeError),
        (5, "1", TypeError),
    ],
)
def test_format_external_id_rejects(field: Any, value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        format_external_id(field, value)
