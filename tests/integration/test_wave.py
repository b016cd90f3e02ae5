"""CRM Analytics (Wave): datasets and SAQL through the client against the demo fake org."""

from __future__ import annotations

import pytest

import salesforcepy
from salesforcepy.exceptions import BadRequest, NotFound
from salesforcepy.fakeorg import FakeOrg

from ._demo import *  # noqa: F403  (the demo_db, demo_org and sf fixtures)

pytestmark = pytest.mark.integration

LOAD = "0Fb0N000000XuvBSAS/0Fc0N000001M5BMSA0"


def test_list_datasets(sf: salesforcepy.Client) -> None:
    body, request = sf.wave.datasets()

    assert request.status == 200
    assert body["totalSize"] == 1
    assert [d["name"] for d in body["datasets"]] == ["opportunities"]
    assert body["nextPageUrl"] is None


def test_dataset_by_id_matches_by_name(sf: salesforcepy.Client) -> None:
    by_name, _ = sf.wave.dataset("opportunities")
    by_id, request = sf.wave.dataset("0Fb0N000000XuvB")

    assert request.status == 200
    assert by_id["id"] == by_name["id"] == "0Fb0N000000XuvBSAS"
    assert by_id["currentVersionUrl"].endswith("/versions/0Fc0N000001M5BMSA0")


def test_missing_dataset(sf: salesforcepy.Client) -> None:
    body, request = sf.wave.dataset("no_such_dataset")

    assert request.status == 404
    assert body[0]["errorCode"] == "NOT_FOUND"
    assert isinstance(request.exceptions[0], NotFound)


def test_sum_and_order_match_soql(sf: salesforcepy.Client) -> None:
    saql = (
        f'q = load "{LOAD}"; q = filter q by StageName == "Closed Won"; '
        "q = group q by 'Account.Industry'; "
        "q = foreach q generate 'Account.Industry' as 'Industry', sum(Amount) as 'won'; "
        "q = order q by 'won' desc; q = limit q 3;"
    )

    body, request = sf.wave.query({"query": saql})

    assert request.status == 200
    rows, _ = sf.query(
        "SELECT Amount, Account.Industry FROM Opportunity WHERE StageName = 'Closed Won'"
    )
    totals: dict[str, float] = {}
    for row in rows["records"]:
        industry = row["Account"]["Industry"]
        totals[industry] = totals.get(industry, 0) + row["Amount"]
    top = sorted(totals.items(), key=lambda item: item[1], reverse=True)[:3]
    assert [(r["Industry"], r["won"]) for r in body["results"]["records"]] == top


def test_new_records_show_up(sf: salesforcepy.Client) -> None:
    saql = (
        f'q = load "{LOAD}"; q = filter q by Name == "Brand New Deal"; q = foreach q generate Name;'
    )
    before, _ = sf.wave.query({"query": saql})
    sf.sobjects(object_type="Opportunity").insert(
        {"Name": "Brand New Deal", "StageName": "Prospecting", "CloseDate": "2030-01-01"}
    )

    after, _ = sf.wave.query({"query": saql})

    assert before["results"]["records"] == []
    assert after["results"]["records"] == [{"Name": "Brand New Deal"}]


@pytest.mark.parametrize(
    "query",
    [
        {"query": 'q = load "opportunities"; q = limit q 1;'},
        {"query": f'q = load "{LOAD}"; q = group q by NoSuchField;'},
        {"query": f'q = load "{LOAD}" q = limit q 1;'},
        {"query": "SELECT Name FROM opportunities", "queryLanguage": "SQL"},
    ],
)
def test_query_errors(sf: salesforcepy.Client, query: dict[str, str]) -> None:
    body, request = sf.wave.query(query)

    assert request.status == 400
    assert isinstance(request.exceptions[0], BadRequest)
    assert body[0]["errorCode"] in {"MALFORMED_QUERY", "INVALID_FIELD", "INVALID_PARAMETER_VALUE"}


def test_defined_dataset(sf: salesforcepy.Client, demo_org: FakeOrg) -> None:
    dataset_id, version_id = demo_org.define_dataset(
        "cases", "Case", ["Id", "Priority", "Account.Name"], label="Cases"
    )

    listed, _ = sf.wave.datasets(q="case")
    body, _ = sf.wave.query(
        {
            "query": f'q = load "{dataset_id}/{version_id}"; q = group q by Priority; '
            "q = foreach q generate Priority, count() as 'n'; q = order q by Priority asc;"
        }
    )

    assert [d["id"] for d in listed["datasets"]] == [dataset_id]
    rows, _ = sf.query("SELECT Priority FROM Case")
    counts: dict[str, int] = {}
    for row in rows["records"]:
        counts[row["Priority"]] = counts.get(row["Priority"], 0) + 1
    assert body["results"]["records"] == [{"Priority": p, "n": counts[p]} for p in sorted(counts)]
