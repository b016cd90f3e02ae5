"""The SAQL engine over synthetic rows: statements, operators, grouping, aggregates, order, limits.

Every expected result is worked out by hand from ``ROWS`` below, never computed by the engine.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import pytest

from salesforcepy.fakeorg.saql import LoadedDataset, run_saql

# The dataset/version of the usage examples' Wave query (seed 001); both are valid 18-char ids.
SEED_DATASET = "0Fb0N000000XuvBSAS/0Fc0N000001M5BMSA0"
ACCOUNTS = "0Fb5g0000000002CAA/0Fc5g0000000003CAA"

COLUMNS = {
    "Name": "string",
    "StageName": "string",
    "Amount": "numeric",
    "CloseDate": "date",
    "Account.Name": "string",
    "Account.Industry": "string",
}


def _opp(
    name: str,
    stage: str,
    amount: Optional[float],
    close: Optional[str],
    account: str,
    industry: Optional[str],
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "Name": name,
        "StageName": stage,
        "Amount": amount,
        "Account.Name": account,
        "Account.Industry": industry,
    }
    if close is not None:  # Opp8 has no CloseDate key at all: a missing value reads as null
        row["CloseDate"] = close
    return row


ROWS = [
    _opp("Opp1", "Prospecting", 100, "2024-01-15", "Acme Apparel", "Apparel"),
    _opp("Opp2", "Closed Won", 250, "2024-02-10", "Acme Apparel", "Apparel"),
    _opp("Opp3", "Closed Won", 1000, "2024-03-01", "First Bank", "Banking"),
    _opp("Opp4", "Closed Lost", 400, "2024-01-20", "First Bank", "Banking"),
    _opp("Opp5", "Prospecting", None, "2024-04-05", "Second Bank", "Banking"),
    _opp("Opp6", "Closed Won", 700, "2023-12-31", "GeneCo", "Biotechnology"),
    _opp("Opp7", "Negotiation", 50, "2024-05-01", "PowerCo", "Energy"),
    _opp("Opp8", "Prospecting", 300, None, "Lonely Inc", None),
    _opp("Opp9", "Closed Won", 80.5, "2024-06-30", "ShopCo", "Retail"),
]
ALL_NAMES = [f"Opp{i}" for i in range(1, 10)]

DATASETS = {
    SEED_DATASET: LoadedDataset(COLUMNS, ROWS),
    ACCOUNTS: LoadedDataset(
        {"Name": "string", "Employees": "numeric"},
        [
            {"Name": "Acme Apparel", "Employees": 120},
            {"Name": "First Bank", "Employees": 5000},
            {"Name": "GeneCo", "Employees": 75},
        ],
    ),
}

LOAD = f'q = load "{SEED_DATASET}";\n'


@pytest.fixture
def loads() -> list[str]:
    return []


@pytest.fixture
def run(loads: list[str]) -> Callable[[str], dict[str, Any]]:
    def resolver(reference: str) -> Optional[LoadedDataset]:
        loads.append(reference)
        return DATASETS.get(reference)

    return lambda saql: run_saql(saql, resolver)


def names(results: dict[str, Any]) -> list[str]:
    return [record["Name"] for record in results["records"]]


# ---- the usage example -------------------------------------------------------------------------


def test_seed_001_query_as_written(run, loads):
    # Copied verbatim from the usage examples (seed 001), line breaks included.
    query = {
        "query": """q = load \"0Fb0N000000XuvBSAS/0Fc0N000001M5BMSA0\";\nq = filter q by 'Account.Industry' in
[\"Apparel\", \"Banking\", \"Biotechnology\"];\nq = group q by 'Account.Industry';\nq = foreach q generate
'Account.Industry' as 'Account.Industry', count() as 'count';\nq = order q by 'Account.Industry' asc;\nq = limit q
2000;"""  # noqa: E501
    }

    results = run(query["query"])

    assert loads == [SEED_DATASET]
    assert results == {
        "records": [
            {"Account.Industry": "Apparel", "count": 2},
            {"Account.Industry": "Banking", "count": 3},
            {"Account.Industry": "Biotechnology", "count": 1},
        ],
        "metadata": [
            {
                "columns": [
                    {"name": "Account.Industry", "type": "string"},
                    {"name": "count", "type": "numeric"},
                ],
                "groups": ["Account.Industry"],
            }
        ],
    }
    assert all(type(r["count"]) is int for r in results["records"])


def test_load_alone_returns_every_column_with_nulls(run):
    results = run(LOAD)

    assert names(results) == ALL_NAMES
    assert results["records"][7] == {
        "Name": "Opp8",
        "StageName": "Prospecting",
        "Amount": 300,
        "CloseDate": None,
        "Account.Name": "Lonely Inc",
        "Account.Industry": None,
    }
    assert results["metadata"] == [
        {
            "columns": [
                {"name": "Name", "type": "string"},
                {"name": "StageName", "type": "string"},
                {"name": "Amount", "type": "numeric"},
                {"name": "CloseDate", "type": "date"},
                {"name": "Account.Name", "type": "string"},
                {"name": "Account.Industry", "type": "string"},
            ],
            "groups": [],
        }
    ]


def test_fifteen_character_ids_load_the_canonical_version(run, loads):
    run('q = load "0Fb0N000000XuvB/0Fc0N000001M5BM";')

    assert loads == [SEED_DATASET]


# ---- filter operators ---------------------------------------------------------------------------

FILTERS = [
    ("'Amount' == 100", ["Opp1"]),
    ("'StageName' != \"Closed Won\"", ["Opp1", "Opp4", "Opp5", "Opp7", "Opp8"]),
    ("'Amount' < 100", ["Opp7", "Opp9"]),
    ("'Amount' <= 100", ["Opp1", "Opp7", "Opp9"]),
    ("'Amount' > 400", ["Opp3", "Opp6"]),
    ("'Amount' >= 400", ["Opp3", "Opp4", "Opp6"]),
    ('\'Account.Industry\' in ["Energy", "Retail"]', ["Opp7", "Opp9"]),
    ('\'Account.Industry\' not in ["Apparel", "Banking"]', ["Opp6", "Opp7", "Opp9"]),
    ("'Amount' in [100, 1000]", ["Opp1", "Opp3"]),
    ("'Amount' in []", []),
    ("'StageName' == \"Closed Won\" && 'Amount' > 200", ["Opp2", "Opp3", "Opp6"]),
    ("'Account.Industry' == \"Energy\" || 'Account.Industry' == \"Retail\"", ["Opp7", "Opp9"]),
    ("!('StageName' == \"Prospecting\")", ["Opp2", "Opp3", "Opp4", "Opp6", "Opp7", "Opp9"]),
    ("('Amount' < 100 || 'Amount' > 900) && 'StageName' == \"Closed Won\"", ["Opp3", "Opp9"]),
    # && binds tighter than ||: Energy, or (Retail and > 100) which matches nothing.
    (
        "'Account.Industry' == \"Energy\" || 'Account.Industry' == \"Retail\" && 'Amount' > 100",
        ["Opp7"],
    ),
    ("'StageName' == \"Closed Won\" and not ('Amount' > 200)", ["Opp9"]),
    ("'Account.Industry' == \"Energy\" or 'Amount' == 1000", ["Opp3", "Opp7"]),
    ("'Amount' is null", ["Opp5"]),
    (
        "'Account.Industry' is not null",
        ["Opp1", "Opp2", "Opp3", "Opp4", "Opp5", "Opp6", "Opp7", "Opp9"],
    ),
    ("'CloseDate' is null", ["Opp8"]),
    ("'CloseDate' >= \"2024-03-01\"", ["Opp3", "Opp5", "Opp7", "Opp9"]),
    ("'CloseDate' < \"2024-01-16\"", ["Opp1", "Opp6"]),
    # A comparison with a null operand is false, so != 100 leaves out the null Amount of Opp5.
    ("'Amount' != 100", ["Opp2", "Opp3", "Opp4", "Opp6", "Opp7", "Opp8", "Opp9"]),
    ("'Amount' * 2 > 1000", ["Opp3", "Opp6"]),
    ("'Amount' - 50 == 0", ["Opp7"]),
    ("'Amount' / 4 == 25", ["Opp1"]),
    ("'Amount' + 0.5 == 81", ["Opp9"]),
    ("'Amount' + 2 * 25 == 150", ["Opp1"]),
    ("('Amount' + 2) * 25 == 2550", ["Opp1"]),
    ("'Amount' - 10 - 20 == 20", ["Opp7"]),
    ("'Amount' > -1 && 'Amount' < 60", ["Opp7"]),
    ("-'Amount' < -900", ["Opp3"]),
    ("'Amount' / 0 is null", ALL_NAMES),
    ('Name == "Opp4"', ["Opp4"]),
    ("q.'StageName' == \"Negotiation\"", ["Opp7"]),
    ('q.Name == "Opp2"', ["Opp2"]),
    ("'Account.Name' + \"/\" + 'Name' == \"PowerCo/Opp7\"", ["Opp7"]),
    ("'Amount' == 1e3", ["Opp3"]),
    ("'Amount' == 80.50", ["Opp9"]),
]


@pytest.mark.parametrize(("condition", "expected"), FILTERS, ids=[f[0] for f in FILTERS])
def test_filter(run, condition, expected):
    assert names(run(f"{LOAD}q = filter q by {condition};")) == expected


def test_filters_chain(run):
    results = run(
        f"{LOAD}q = filter q by 'StageName' == \"Closed Won\";\nq = filter q by 'Amount' < 500;"
    )

    assert names(results) == ["Opp2", "Opp9"]


def test_string_escapes_and_comments(run):
    dataset = LoadedDataset(
        {"It's": "string"},
        [{"It's": 'say "hi"'}, {"It's": "back\\slash"}, {"It's": "plain"}],
    )
    query = (
        f'q = load "{SEED_DATASET}"; -- a comment\n'
        'q = filter q by \'It\\\'s\' in ["say \\"hi\\"", "back\\\\slash"];'
    )

    results = run_saql(query, lambda reference: dataset)

    assert results["records"] == [{"It's": 'say "hi"'}, {"It's": "back\\slash"}]


# ---- grouping and aggregates --------------------------------------------------------------------


def test_group_by_one_field_with_every_aggregate(run):
    results = run(
        f"{LOAD}q = group q by 'Account.Industry';\n"
        "q = foreach q generate 'Account.Industry' as 'Industry', count() as 'n', "
        "sum('Amount') as 'total', avg('Amount') as 'mean', min('Amount') as 'low', "
        "max('Amount') as 'high', unique('StageName') as 'stages';"
    )

    keys = ["Industry", "n", "total", "mean", "low", "high", "stages"]
    expected = [
        (None, 1, 300, 300, 300, 300, 1),  # null sorts first
        ("Apparel", 2, 350, 175, 100, 250, 2),
        ("Banking", 3, 1400, 700, 400, 1000, 3),  # Opp5's null Amount is skipped, still counted
        ("Biotechnology", 1, 700, 700, 700, 700, 1),
        ("Energy", 1, 50, 50, 50, 50, 1),
        ("Retail", 1, 80.5, 80.5, 80.5, 80.5, 1),
    ]
    assert results["records"] == [dict(zip(keys, values)) for values in expected]
    assert type(results["records"][1]["mean"]) is int  # 175.0 goes out as 175
    assert results["metadata"] == [
        {
            "columns": [{"name": "Industry", "type": "string"}]
            + [{"name": key, "type": "numeric"} for key in keys[1:]],
            "groups": ["Account.Industry"],
        }
    ]


def test_group_by_all(run):
    results = run(
        f"{LOAD}q = group q by all;\n"
        "q = foreach q generate count() as 'n', sum('Amount') as 'total', "
        "avg('Amount') as 'mean', min('Amount') as 'low', max('Amount') as 'high', "
        "unique('Account.Industry') as 'industries';"
    )

    assert results["records"] == [
        {"n": 9, "total": 2880.5, "mean": 360.0625, "low": 50, "high": 1000, "industries": 5}
    ]
    assert results["metadata"][0]["groups"] == []


def test_group_by_all_on_an_empty_stream_gives_one_row(run):
    results = run(
        f"{LOAD}q = filter q by 'Amount' > 5000;\nq = group q by all;\n"
        "q = foreach q generate count() as 'n', sum('Amount') as 'total', avg('Amount') as 'mean', "
        "unique('Name') as 'u';"
    )

    assert results["records"] == [{"n": 0, "total": None, "mean": None, "u": 0}]


def test_group_by_a_field_on_an_empty_stream_gives_no_rows(run):
    results = run(
        f"{LOAD}q = filter q by 'Amount' > 5000;\nq = group q by 'StageName';\n"
        "q = foreach q generate 'StageName' as 'StageName', count() as 'n';"
    )

    assert results["records"] == []
    assert results["metadata"][0]["groups"] == ["StageName"]


def test_group_by_several_fields(run):
    results = run(
        f'{LOAD}q = filter q by \'Account.Industry\' in ["Banking", "Apparel"];\n'
        "q = group q by ('Account.Industry', 'StageName');\n"
        "q = foreach q generate 'Account.Industry' as 'Industry', 'StageName' as 'Stage', "
        "count() as 'n', sum('Amount') as 'total';"
    )

    assert results["records"] == [
        {"Industry": "Apparel", "Stage": "Closed Won", "n": 1, "total": 250},
        {"Industry": "Apparel", "Stage": "Prospecting", "n": 1, "total": 100},
        {"Industry": "Banking", "Stage": "Closed Lost", "n": 1, "total": 400},
        {"Industry": "Banking", "Stage": "Closed Won", "n": 1, "total": 1000},
        {"Industry": "Banking", "Stage": "Prospecting", "n": 1, "total": None},  # only nulls
    ]
    assert results["metadata"][0]["groups"] == ["Account.Industry", "StageName"]


def test_arithmetic_over_aggregates(run):
    results = run(
        f"{LOAD}q = group q by 'StageName';\n"
        "q = foreach q generate 'StageName' as 'Stage', sum('Amount') / count() as 'per', "
        "max('Amount') - min('Amount') as 'spread', count() * 10 + 1 as 'n';"
    )

    assert results["records"] == [
        {"Stage": "Closed Lost", "per": 400, "spread": 0, "n": 11},
        {"Stage": "Closed Won", "per": 507.625, "spread": 919.5, "n": 41},
        {"Stage": "Negotiation", "per": 50, "spread": 0, "n": 11},
        {"Stage": "Prospecting", "per": pytest.approx(400 / 3), "spread": 200, "n": 31},
    ]


def test_min_and_max_of_dates(run):
    results = run(
        f"{LOAD}q = filter q by 'Account.Industry' == \"Banking\";\nq = group q by all;\n"
        "q = foreach q generate min('CloseDate') as 'first', max('CloseDate') as 'last';"
    )

    assert results["records"] == [{"first": "2024-01-20", "last": "2024-04-05"}]
    assert results["metadata"][0]["columns"] == [
        {"name": "first", "type": "date"},
        {"name": "last", "type": "date"},
    ]


def test_count_then_order_by_the_alias_and_limit(run):
    results = run(
        f"{LOAD}q = group q by 'StageName';\n"
        "q = foreach q generate 'StageName' as 'StageName', count() as 'n';\n"
        "q = order q by 'n' desc;\nq = limit q 2;"
    )

    assert results["records"] == [
        {"StageName": "Closed Won", "n": 4},
        {"StageName": "Prospecting", "n": 3},
    ]


def test_order_and_limit_a_grouped_stream_before_foreach(run):
    results = run(
        f"{LOAD}q = group q by 'Account.Industry';\nq = order q by 'Account.Industry' desc;\n"
        "q = limit q 2;\nq = foreach q generate 'Account.Industry' as 'Industry', count() as 'n';"
    )

    # Descending puts the null group last, so the first two are Retail and Energy.
    assert results["records"] == [{"Industry": "Retail", "n": 1}, {"Industry": "Energy", "n": 1}]


def test_filter_after_grouped_foreach_keeps_group_metadata(run):
    results = run(
        f"{LOAD}q = group q by 'Account.Industry';\n"
        "q = foreach q generate 'Account.Industry' as 'Industry', count() as 'n';\n"
        "q = filter q by 'n' > 1;"
    )

    assert results["records"] == [{"Industry": "Apparel", "n": 2}, {"Industry": "Banking", "n": 3}]
    assert results["metadata"][0]["groups"] == ["Account.Industry"]


def test_group_a_projected_stream(run):
    results = run(
        f"{LOAD}q = foreach q generate 'StageName' as 'Stage', 'Amount' * 2 as 'Double';\n"
        "q = filter q by 'Stage' == \"Closed Won\";\nq = group q by 'Stage';\n"
        "q = foreach q generate 'Stage' as 'Stage', sum('Double') as 'total';"
    )

    assert results["records"] == [{"Stage": "Closed Won", "total": 4061}]


# ---- foreach over ungrouped rows ----------------------------------------------------------------


def test_foreach_projects_fields_and_expressions(run):
    results = run(
        f"{LOAD}q = foreach q generate 'Name', 'Amount' * 2 as 'Double', "
        "'Account.Name' as 'Account', 'CloseDate' as Closes, \"x\" as 'Const';"
    )

    assert results["records"][:2] == [
        {
            "Name": "Opp1",
            "Double": 200,
            "Account": "Acme Apparel",
            "Closes": "2024-01-15",
            "Const": "x",
        },
        {
            "Name": "Opp2",
            "Double": 500,
            "Account": "Acme Apparel",
            "Closes": "2024-02-10",
            "Const": "x",
        },
    ]
    assert results["records"][4]["Double"] is None  # Opp5: null Amount
    assert results["records"][7]["Closes"] is None  # Opp8: no CloseDate
    assert results["metadata"] == [
        {
            "columns": [
                {"name": "Name", "type": "string"},
                {"name": "Double", "type": "numeric"},
                {"name": "Account", "type": "string"},
                {"name": "Closes", "type": "date"},
                {"name": "Const", "type": "string"},
            ],
            "groups": [],
        }
    ]


# ---- order, limit, offset -----------------------------------------------------------------------

ORDERS = [
    ("'Amount'", ["Opp5", "Opp7", "Opp9", "Opp1", "Opp2", "Opp8", "Opp4", "Opp6", "Opp3"]),
    ("'Amount' asc", ["Opp5", "Opp7", "Opp9", "Opp1", "Opp2", "Opp8", "Opp4", "Opp6", "Opp3"]),
    ("'Amount' desc", ["Opp3", "Opp6", "Opp4", "Opp8", "Opp2", "Opp1", "Opp9", "Opp7", "Opp5"]),
    (
        "'Amount' asc nulls last",
        ["Opp7", "Opp9", "Opp1", "Opp2", "Opp8", "Opp4", "Opp6", "Opp3", "Opp5"],
    ),
    (
        "'Amount' desc nulls first",
        ["Opp5", "Opp3", "Opp6", "Opp4", "Opp8", "Opp2", "Opp1", "Opp9", "Opp7"],
    ),
    # Ties keep dataset order.
    ("'StageName'", ["Opp4", "Opp2", "Opp3", "Opp6", "Opp9", "Opp7", "Opp1", "Opp5", "Opp8"]),
    (
        "('StageName' asc, 'Amount' desc)",
        ["Opp4", "Opp3", "Opp6", "Opp2", "Opp9", "Opp7", "Opp8", "Opp1", "Opp5"],
    ),
    (
        "('Account.Industry' desc, 'CloseDate')",
        ["Opp9", "Opp7", "Opp6", "Opp4", "Opp3", "Opp5", "Opp1", "Opp2", "Opp8"],
    ),
    ("'CloseDate' desc", ["Opp9", "Opp7", "Opp5", "Opp3", "Opp2", "Opp4", "Opp1", "Opp6", "Opp8"]),
]


@pytest.mark.parametrize(("keys", "expected"), ORDERS, ids=[o[0] for o in ORDERS])
def test_order(run, keys, expected):
    assert names(run(f"{LOAD}q = order q by {keys};")) == expected


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        ("q = limit q 3;", ["Opp1", "Opp2", "Opp3"]),
        ("q = limit q 0;", []),
        ("q = limit q 100;", ALL_NAMES),
        ("q = offset q 7;", ["Opp8", "Opp9"]),
        ("q = order q by 'Amount' desc;\nq = offset q 1;\nq = limit q 2;", ["Opp6", "Opp4"]),
    ],
)
def test_limit_and_offset(run, statements, expected):
    assert names(run(LOAD + statements)) == expected


# ---- several streams ----------------------------------------------------------------------------


def test_streams_are_independent_and_the_last_statement_is_the_result(run):
    results = run(
        f'a = load "{SEED_DATASET}";\n'
        "won = filter a by 'StageName' == \"Closed Won\";\n"
        "big = filter a by 'Amount' >= 700;\n"
        "result = foreach big generate 'Name' as 'Name', 'StageName' as 'Stage';"
    )

    # ``big`` is filtered from ``a``, not from ``won``: Opp3 (won) and Opp6 (won) both >= 700.
    assert results["records"] == [
        {"Name": "Opp3", "Stage": "Closed Won"},
        {"Name": "Opp6", "Stage": "Closed Won"},
    ]


def test_last_statement_may_reassign_an_earlier_stream(run):
    results = run(
        f'a = load "{SEED_DATASET}";\n'
        "b = filter a by 'Amount' < 100;\n"
        "a = filter a by 'StageName' == \"Closed Lost\";\n"
        "b = order b by 'Amount' desc;"
    )

    assert names(results) == ["Opp9", "Opp7"]


def test_two_datasets(run, loads):
    results = run(
        f'o = load "{SEED_DATASET}";\n'
        f'a = load "{ACCOUNTS}";\n'
        "o = filter o by 'Amount' > 1;\n"
        "a = filter a by 'Employees' > 100;\n"
        "a = order a by 'Employees' desc;"
    )

    assert loads == [SEED_DATASET, ACCOUNTS]
    assert results["records"] == [
        {"Name": "First Bank", "Employees": 5000},
        {"Name": "Acme Apparel", "Employees": 120},
    ]
