"""A few queries over the demo seed (its documented shape, not its engine-computed contents)."""

from __future__ import annotations

from salesforcepy.fakeorg.soql import run_query, run_search
from salesforcepy.fakeorg.store import Store

from .conftest import API


def test_demo_seed_counts_and_external_ids(demo_store: Store) -> None:
    assert run_query(demo_store, "SELECT COUNT() FROM Account", api_version=API).total_size == 300
    result = run_query(
        demo_store,
        "SELECT Name, External_Id__c FROM Account WHERE External_Id__c = 'ext-00001'",
        api_version=API,
    )
    assert [r["External_Id__c"] for r in result.records] == ["EXT-00001"]


def test_demo_seed_well_known_id_by_15_characters(demo_store: Store) -> None:
    # The 15/18-character pair is one of the wire reference's checksum vectors.
    result = run_query(
        demo_store, "SELECT Id FROM Account WHERE Id = '0010Y0000055YG7'", api_version=API
    )
    assert [r["Id"] for r in result.records] == ["0010Y0000055YG7QAM"]


def test_demo_seed_date_literals_match_rows(demo_store: Store) -> None:
    # The seed dates everything relative to the clock so that THIS_MONTH etc. always match rows.
    soql = "SELECT COUNT() FROM Opportunity WHERE CloseDate = LAST_N_DAYS:365"
    assert run_query(demo_store, soql, api_version=API).total_size > 0


def test_demo_seed_search_and_aggregate(demo_store: Store) -> None:
    grouped = run_query(
        demo_store,
        "SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry",
        api_version=API,
    )
    assert sum(r["expr0"] for r in grouped.records) == 300
    # The name comes from the store, not from the engine under test.
    name = demo_store.get("Account", "0010Y0000056ljc", ["Name"], api_version=API)["Name"]
    first_word = name.split()[0]
    found = run_search(
        demo_store, f"FIND {{{first_word}}} IN NAME FIELDS RETURNING Account(Name)", api_version=API
    )
    assert name in [r["Name"] for r in found]
