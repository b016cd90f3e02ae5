"""SAQL errors: each is a 400 ``SalesforceError`` with a code and a message naming the position."""

from __future__ import annotations

from typing import Optional

import pytest

from salesforcepy.fakeorg.errors import SalesforceError
from salesforcepy.fakeorg.saql import LoadedDataset, run_saql

DATASET = "0Fb0N000000XuvBSAS/0Fc0N000001M5BMSA0"
ROWS = LoadedDataset(
    {"Name": "string", "Amount": "numeric", "CloseDate": "date"},
    [{"Name": "A", "Amount": 1, "CloseDate": "2024-01-01"}],
)
LOAD = f'q = load "{DATASET}";\n'


def resolver(reference: str) -> Optional[LoadedDataset]:
    return ROWS if reference == DATASET else None


def fail(saql: str) -> SalesforceError:
    with pytest.raises(SalesforceError) as caught:
        run_saql(saql, resolver)
    assert caught.value.status == 400
    return caught.value


# ---- syntax -------------------------------------------------------------------------------------


def test_missing_semicolon():
    error = fail(f'q = load "{DATASET}"')

    assert error.error_code == "MALFORMED_QUERY"
    assert error.message == (
        "Syntax error at line 1, column 49: unexpected end of the query; expected ';'"
    )


def test_unexpected_token_names_line_column_and_what_fits():
    error = fail(LOAD + "q = filter q by 'Amount' > > 5;")

    assert error.error_code == "MALFORMED_QUERY"
    assert error.message.startswith("Syntax error at line 2, column 28: unexpected '>'; expected ")
    assert "a number" in error.message


def test_unexpected_character():
    error = fail(LOAD + "q = filter q by 'Amount' == #;")

    assert error.error_code == "MALFORMED_QUERY"
    assert error.message.startswith("Syntax error at line 2, column 29: unexpected character '#'")


@pytest.mark.parametrize(
    "saql",
    [
        f'q = LOAD "{DATASET}";',  # keywords are lower case
        f"q = load \"{DATASET}\"; q = filter q by 'Amount' = 1;",  # = is assignment only
        f'q = load "{DATASET}"; q = group q by;',
        f'q = load "{DATASET}"; q = foreach q generate;',
        f"q = load \"{DATASET}\"; q = order q by 'Amount' sideways;",
        f'q = load "{DATASET}"; q = filter q by \'Name\' in "A";',
        f"q = load '{DATASET}';",  # the dataset is a "string", not a 'name'
        f'load "{DATASET}";',
        f"q = load \"{DATASET}\"; q = filter q by 'Amount' < 1 < 2;",
    ],
)
def test_syntax_errors(saql):
    error = fail(saql)

    assert error.error_code == "MALFORMED_QUERY"
    assert error.message.startswith("Syntax error at line 1, column ")


@pytest.mark.parametrize("saql", ["", "   \n  "])
def test_empty_query(saql):
    error = fail(saql)

    assert error.error_code == "MALFORMED_QUERY"
    assert error.message == "The SAQL query is empty"


# ---- streams and datasets -----------------------------------------------------------------------


def test_undefined_stream():
    error = fail(LOAD + "r = filter x by 'Amount' > 5;")

    assert error.error_code == "MALFORMED_QUERY"
    assert error.message == "Line 2, column 12: Undefined stream 'x'"


def test_stream_used_before_it_is_assigned():
    error = fail("r = filter q by 'Amount' > 5;\n" + LOAD)

    assert error.message == "Line 1, column 12: Undefined stream 'q'"


def test_load_by_name_is_refused():
    error = fail('q = load "opportunities";')

    assert error.error_code == "MALFORMED_QUERY"
    assert error.message == (
        'Line 1, column 10: Cannot load "opportunities": a query sent over the REST API must '
        'load a dataset by "{datasetId}/{versionId}", not by name'
    )


@pytest.mark.parametrize(
    "reference",
    [
        "0Fb0N000000XuvBSAS/latest",
        "0Fb0N000000XuvBSAX/0Fc0N000001M5BMSA0",  # bad checksum
        "0Fc0N000001M5BMSA0/0Fb0N000000XuvBSAS",  # swapped
        "0010N000000XuvBSAS/0Fc0N000001M5BMSA0",  # not a dataset id
    ],
)
def test_malformed_dataset_reference(reference):
    error = fail(f'q = load "{reference}";')

    assert error.error_code == "MALFORMED_QUERY"
    assert error.message.startswith(f'Line 1, column 10: Cannot load "{reference}": expected ')


def test_unknown_dataset_version():
    error = fail('q = load "0Fb0N000000XuvBSAS/0Fc5g0000000003CAA";')

    assert error.error_code == "MALFORMED_QUERY"
    assert error.message == (
        'Line 1, column 10: No dataset version "0Fb0N000000XuvBSAS/0Fc5g0000000003CAA" exists'
    )


# ---- fields -------------------------------------------------------------------------------------


def test_unknown_field_is_invalid_field_with_a_suggestion():
    error = fail(LOAD + "q = filter q by 'Amout' > 5;")

    assert error.error_code == "INVALID_FIELD"
    assert error.fields == ["Amout"]
    assert error.message == (
        "Line 2, column 17: Unknown field 'Amout' in stream 'q' (did you mean 'Amount'?)"
    )
    assert error.as_json() == [
        {"message": error.message, "errorCode": "INVALID_FIELD", "fields": ["Amout"]}
    ]


def test_field_names_are_case_sensitive():
    error = fail(LOAD + "q = filter q by 'amount' > 5;")

    assert error.error_code == "INVALID_FIELD"


def test_field_dropped_by_foreach_is_unknown_afterwards():
    error = fail(LOAD + "q = foreach q generate 'Name' as 'N';\nq = filter q by 'Name' == \"A\";")

    assert error.error_code == "INVALID_FIELD"
    assert error.message.startswith("Line 3, column 17: Unknown field 'Name' in stream 'q'")


def test_field_qualified_by_another_stream():
    error = fail(LOAD + "r = filter q by r.'Amount' > 5;")

    assert error.error_code == "MALFORMED_QUERY"
    assert error.message == (
        "Line 2, column 17: 'r.Amount' refers to stream 'r', but this statement reads stream 'q'"
    )


@pytest.mark.parametrize(
    "statements",
    [
        "q = group q by 'Amont';",
        "q = order q by 'Amont' desc;",
        "q = foreach q generate 'Amont' as 'A';",
        "q = group q by all;\nq = foreach q generate sum('Amont') as 's';",
    ],
)
def test_unknown_field_anywhere(statements):
    error = fail(LOAD + statements)

    assert error.error_code == "INVALID_FIELD"
    assert error.fields == ["Amont"]


# ---- grouping rules -----------------------------------------------------------------------------


def test_non_key_field_in_grouped_foreach():
    error = fail(
        LOAD + "q = group q by 'Name';\nq = foreach q generate 'Name' as 'Name', 'Amount' as 'A';"
    )

    assert error.error_code == "MALFORMED_QUERY"
    assert error.message == (
        "Line 3, column 42: 'Amount' is not a group key of stream 'q' (keys: 'Name'); "
        "use it inside an aggregate such as max('Amount')"
    )


def test_aggregate_needs_a_grouped_stream():
    error = fail(LOAD + "q = foreach q generate count() as 'n';")

    assert error.error_code == "MALFORMED_QUERY"
    assert error.message.startswith("Line 2, column 24: count() aggregates a grouped stream")


@pytest.mark.parametrize(
    ("projection", "message"),
    [
        ("median('Amount') as 'm'", "Unknown function median()"),
        ("count('Amount') as 'n'", "count() takes no arguments"),
        ("sum('Amount' * 2) as 's'", "sum() takes one field, as in sum('Amount')"),
        ("avg() as 'a'", "avg() takes one field"),
        ("sum('Name') as 's'", "sum() needs a numeric field; 'Name' is string"),
        ("max('Name') as 's'", "max() needs a numeric or date field; 'Name' is string"),
        ("sum(count()) as 's'", "sum() takes one field"),
    ],
)
def test_bad_aggregate_calls(projection, message):
    error = fail(LOAD + f"q = group q by all;\nq = foreach q generate {projection};")

    assert error.error_code == "MALFORMED_QUERY"
    assert error.message.startswith("Line 3, column 24: " + message)


def test_filter_on_a_grouped_stream():
    error = fail(LOAD + "q = group q by 'Name';\nq = filter q by 'Name' == \"A\";")

    assert error.message.startswith("Line 3, column 12: Cannot filter the grouped stream 'q'")


def test_group_twice():
    error = fail(LOAD + "q = group q by 'Name';\nq = group q by 'Amount';")

    assert error.message.startswith("Line 3, column 11: Stream 'q' is already grouped")


def test_query_ending_with_a_grouped_stream():
    error = fail(LOAD + "q = group q by 'Name';")

    assert error.error_code == "MALFORMED_QUERY"
    assert error.message.startswith("Line 2, column 1: The query ends with the grouped stream 'q'")


def test_order_grouped_stream_by_non_key():
    error = fail(LOAD + "q = group q by 'Name';\nq = order q by 'Amount';")

    assert "'Amount' is not a group key" in error.message


# ---- types and projections ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (
            "'Amount' == \"1\"",
            "Line 2, column 26: Cannot compare a numeric value with a string value",
        ),
        ("'Name' > 3", "Line 2, column 24: Cannot compare a string value with a numeric value"),
        ("'Amount' in [1, \"2\"]", "Line 2, column 33: The list holds a string value"),
        ("'Name' not in [1]", "Line 2, column 32: The list holds a numeric value"),
        ("'Name' * 2 == 2", "Line 2, column 17: Cannot apply * to a string value and a numeric"),
        ("'Amount' + \"x\" == 2", "Line 2, column 17: Cannot apply + to a numeric value"),
        ("!'Amount'", "Line 2, column 18: ! needs a condition, not a numeric value"),
        ("'Amount' && 'Amount' > 1", "Line 2, column 17: && needs a condition"),
        ("-'Name' == 1", "Line 2, column 18: unary - needs a numeric value, not a string value"),
        ("'Amount'", "Line 2, column 17: filter needs a condition"),
        ("('Amount' > 1) == ('Amount' < 2)", "Cannot compare a condition with a condition"),
        ("('Amount' > 1) in [1]", "in needs a value on its left"),
        ("('Amount' > 1) is null", "is null needs a value on its left"),
    ],
)
def test_type_errors(condition, message):
    error = fail(LOAD + f"q = filter q by {condition};")

    assert error.error_code == "MALFORMED_QUERY"
    assert message in error.message


def test_date_compares_with_string_but_not_number():
    assert run_saql(LOAD + "q = filter q by 'CloseDate' == \"2024-01-01\";", resolver)["records"]
    error = fail(LOAD + "q = filter q by 'CloseDate' > 2024;")

    assert "Cannot compare a date value with a numeric value" in error.message


@pytest.mark.parametrize(
    ("projections", "message"),
    [
        ("'Name' as 'x', 'Amount' as 'x'", "Line 2, column 39: The name 'x' is generated twice"),
        ("'Name', 'Name'", "The name 'Name' is generated twice"),
        ("'Amount' * 2", "Line 2, column 24: Name this expression with as 'alias'"),
        ("'Amount' > 1 as 'big'", "Line 2, column 24: foreach generates values, not conditions"),
    ],
)
def test_bad_projections(projections, message):
    error = fail(LOAD + f"q = foreach q generate {projections};")

    assert message in error.message


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("q = limit q 2.5;", "Line 2, column 13: limit needs a whole number of rows, not 2.5"),
        ("q = offset q 1e2;", "Line 2, column 14: offset needs a whole number of rows, not 100.0"),
    ],
)
def test_limit_needs_a_whole_number(statement, message):
    assert fail(LOAD + statement).message == message


def test_loaded_dataset_rejects_unknown_column_types():
    with pytest.raises(ValueError, match="column 'Flag' has type 'boolean'"):
        LoadedDataset({"Flag": "boolean"}, [])
