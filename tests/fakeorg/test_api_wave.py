"""Wire shapes of the Wave resources (raw HTTP), and datasets kept in the store."""

from __future__ import annotations

import pytest

from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.api.wave import define_dataset, stored_datasets
from salesforcepy.fakeorg.wave import DatasetDefinition


@pytest.fixture(scope="module")
def wave_org():
    with FakeOrg() as running:
        running.store.create("Account", {"Name": "Acme", "Industry": "Banking"})
        running.store.create("Account", {"Name": "Globex", "Industry": "Energy"})
        running.define_dataset("accounts", "Account", ["Name", "Industry"], label="Accounts")
        running.define_dataset("contacts", "Contact", ["LastName"], label="Contacts")
        yield running


def test_list_and_paging(rest_for, wave_org) -> None:
    rest = rest_for(wave_org)

    everything = rest.get("/wave/datasets").json()
    first = rest.get("/wave/datasets", params={"pageSize": 1}).json()

    assert list(everything) == ["datasets", "nextPageUrl", "totalSize", "url"]
    assert [d["name"] for d in everything["datasets"]] == ["accounts", "contacts"]
    assert everything["url"] == "/services/data/v58.0/wave/datasets"
    assert first["totalSize"] == 2
    assert len(first["datasets"]) == 1
    more = rest.get(first["nextPageUrl"]).json()
    assert [d["name"] for d in more["datasets"]] == ["contacts"]


def test_dataset_shape(rest_for, wave_org) -> None:
    body = rest_for(wave_org).get("/wave/datasets/ACCOUNTS").json()

    assert body["id"].startswith("0Fb")
    assert body["currentVersionId"].startswith("0Fc")
    assert body["type"] == "dataset"
    assert body["createdDate"].endswith("Z")
    assert body["versionsUrl"] == f"/services/data/v58.0/wave/datasets/{body['id']}/versions"


def test_query_shape(rest_for, wave_org) -> None:
    rest = rest_for(wave_org)
    dataset = rest.get("/wave/datasets/accounts").json()
    saql = (
        f'q = load "{dataset["id"]}/{dataset["currentVersionId"]}"; '
        "q = group q by Industry; q = foreach q generate Industry, count() as 'n';"
    )

    response = rest.post("/wave/query", json={"query": saql})

    body = response.json()
    assert response.status_code == 200
    assert list(body) == ["action", "responseId", "results", "query", "responseTime"]
    assert body["results"]["records"] == [
        {"Industry": "Banking", "n": 1},
        {"Industry": "Energy", "n": 1},
    ]
    assert body["results"]["metadata"][0]["groups"] == ["Industry"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "INVALID_PARAMETER_VALUE"),
        ({"query": "  "}, "INVALID_PARAMETER_VALUE"),
        ({"query": "q = load;", "queryLanguage": "SQL"}, "INVALID_PARAMETER_VALUE"),
        ({"query": 'q = load "nothing/here";'}, "MALFORMED_QUERY"),
    ],
)
def test_query_errors(rest, body, code) -> None:
    response = rest.post("/wave/query", json=body)

    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == code


def test_wave_is_absent_before_v36(rest_for, wave_org) -> None:
    # The CRM Analytics REST API starts at v36.0; older versions have no wave resources.
    rest = rest_for(wave_org)

    responses = [
        rest.get("/wave/datasets", version="35.0"),
        rest.get("/wave/datasets/accounts", version="35.0"),
        rest.post("/wave/query", json={"query": 'q = load "x/y";'}, version="35.0"),
    ]

    for response in responses:
        assert response.status_code == 404
        assert response.json() == [
            {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}
        ]
    assert rest.get("/wave/datasets", version="36.0").status_code == 200


def test_delete(rest_for) -> None:
    with FakeOrg() as running:
        running.define_dataset("temp", "Account", ["Name"])
        rest = rest_for(running)

        deleted = rest.delete("/wave/datasets/temp")
        missing = rest.get("/wave/datasets/temp")

        assert deleted.status_code == 204
        assert missing.status_code == 404
        assert stored_datasets(running.store) == []


def test_definitions_with_ids(store) -> None:
    definition = DatasetDefinition("opps", "Opps", "Opportunity", ("Name",))

    stored = define_dataset(
        store, definition, dataset_id="0Fb0N000000XuvB", version_id="0Fc0N000001M5BM"
    )

    assert (stored.dataset_id, stored.version_id) == ("0Fb0N000000XuvBSAS", "0Fc0N000001M5BMSA0")
    assert stored_datasets(store) == [stored]
    with pytest.raises(ValueError, match="already exists"):
        define_dataset(store, DatasetDefinition("OPPS", "x", "Account", ("Name",)))
    with pytest.raises(ValueError, match="0Fb"):
        define_dataset(
            store,
            DatasetDefinition("other", "x", "Account", ("Name",)),
            dataset_id="001000000000000",
        )
