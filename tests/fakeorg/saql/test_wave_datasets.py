"""The Wave dataset model and registry, with a small in-test row source in place of the store."""

from __future__ import annotations

import datetime as dt

import pytest

from salesforcepy.fakeorg import ids
from salesforcepy.fakeorg.errors import SalesforceError
from salesforcepy.fakeorg.saql import LoadedDataset
from salesforcepy.fakeorg.wave import (
    DatasetDefinition,
    WaveDataset,
    WaveFolder,
    WaveRegistry,
    WaveUser,
    demo_datasets,
)

T0 = dt.datetime(2024, 5, 20, 8, 30, 15, 123456, tzinfo=dt.timezone.utc)
T1 = dt.datetime(2024, 5, 21, 9, 0, 0, tzinfo=dt.timezone.utc)
OWNER = WaveUser("0055g000007YcGGAA0", "Integration User")

OPPORTUNITY_ROWS = LoadedDataset(
    {"Name": "string", "Amount": "numeric", "Account.Industry": "string"},
    [
        {"Name": "A", "Amount": 10, "Account.Industry": "Banking"},
        {"Name": "B", "Amount": 20, "Account.Industry": "Apparel"},
        {"Name": "C", "Amount": 30, "Account.Industry": "Banking"},
        {"Name": "D", "Amount": 40, "Account.Industry": "Energy"},
        {"Name": "E", "Amount": 50, "Account.Industry": "Biotechnology"},
    ],
)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


class RowSource:
    """Serves fixed rows per dataset API name and remembers which datasets were read."""

    def __init__(self) -> None:
        self.read: list[WaveDataset] = []

    def __call__(self, dataset: WaveDataset) -> LoadedDataset:
        self.read.append(dataset)
        return OPPORTUNITY_ROWS


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def rows() -> RowSource:
    return RowSource()


@pytest.fixture
def registry(clock, rows) -> WaveRegistry:
    registry = WaveRegistry(rows, owner=OWNER, clock=clock)
    for definition in demo_datasets():
        registry.create(definition)
    registry.create(DatasetDefinition("Accounts_2024", "Accounts 2024", "Account", ["Id", "Name"]))
    return registry


@pytest.fixture
def opportunities(registry) -> WaveDataset:
    return registry.get("opportunities")


# ---- definitions and values ---------------------------------------------------------------------


def test_demo_opportunities_dataset():
    (opportunities,) = [d for d in demo_datasets() if d.name == "opportunities"]

    assert opportunities.object_name == "Opportunity"
    assert opportunities.label == "Opportunities"
    assert opportunities.fields == (
        "Id",
        "Name",
        "Amount",
        "StageName",
        "CloseDate",
        "Account.Name",
        "Account.Industry",
    )


@pytest.mark.parametrize("name", ["1abc", "a b", "double__under", "trailing_", "", "x" * 81])
def test_definition_rejects_bad_api_names(name):
    with pytest.raises(ValueError, match="dataset API name"):
        DatasetDefinition(name, "Label", "Account", ["Id"])


@pytest.mark.parametrize(
    ("fields", "message"),
    [([], "at least one field"), (["Id", "id"], "duplicate field"), (["Account..Name"], "path")],
)
def test_definition_rejects_bad_fields(fields, message):
    with pytest.raises(ValueError, match=message):
        DatasetDefinition("ok", "Label", "Account", fields)


def _dataset(**overrides):
    values = dict(
        id="0Fb5g000000XuvBCAS",
        current_version_id="0Fc5g000001M5BMCA0",
        name="opportunities",
        label="Opportunities",
        source_object="Opportunity",
        fields=["Id"],
        folder=WaveFolder("00l5g0000018RgsAAE"),
        created_by=OWNER,
        created_date=T0,
        last_modified_date=T0,
    )
    values.update(overrides)
    return WaveDataset(**values)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id": "0Fc5g000001M5BMCA0"}, "id must be an 18-character 0Fb id"),  # a version id
        ({"id": "0Fb5g000000XuvB"}, "id must be an 18-character 0Fb id"),  # 15 characters
        ({"id": "0Fb5g000000XuvBCAA"}, "id must be an 18-character 0Fb id"),  # bad checksum
        ({"current_version_id": "0Fb5g000000XuvBCAS"}, "current_version_id must be"),
        ({"created_date": dt.datetime(2024, 1, 1)}, "created_date must be timezone-aware"),
    ],
)
def test_dataset_validates_ids_and_dates(overrides, message):
    with pytest.raises(ValueError, match=message):
        _dataset(**overrides)


def test_dataset_json_matches_the_wire_shape():
    dataset = _dataset(last_accessed_date=T1, last_queried_date=T1)

    assert dataset.to_json("58.0", instance_url="https://fake.my.salesforce.com") == {
        "createdBy": {
            "id": "0055g000007YcGGAA0",
            "name": "Integration User",
            "profilePhotoUrl": "https://fake.my.salesforce.com/profilephoto/005/T",
        },
        "createdDate": "2024-05-20T08:30:15.123Z",
        "currentVersionId": "0Fc5g000001M5BMCA0",
        "currentVersionUrl": (
            "/services/data/v58.0/wave/datasets/0Fb5g000000XuvBCAS/versions/0Fc5g000001M5BMCA0"
        ),
        "folder": {
            "id": "00l5g0000018RgsAAE",
            "label": "Shared App",
            "name": "SharedApp",
            "url": "/services/data/v58.0/wave/folders/00l5g0000018RgsAAE",
        },
        "id": "0Fb5g000000XuvBCAS",
        "label": "Opportunities",
        "lastAccessedDate": "2024-05-21T09:00:00.000Z",
        "lastModifiedBy": {
            "id": "0055g000007YcGGAA0",
            "name": "Integration User",
            "profilePhotoUrl": "https://fake.my.salesforce.com/profilephoto/005/T",
        },
        "lastModifiedDate": "2024-05-20T08:30:15.123Z",
        "lastQueriedDate": "2024-05-21T09:00:00.000Z",
        "name": "opportunities",
        "permissions": {"manage": True, "modify": True, "view": True},
        "type": "dataset",
        "url": "/services/data/v58.0/wave/datasets/0Fb5g000000XuvBCAS",
        "versionsUrl": "/services/data/v58.0/wave/datasets/0Fb5g000000XuvBCAS/versions",
    }


def test_never_queried_dataset_has_no_last_queried_date():
    body = _dataset().to_json("58.0")

    assert "lastQueriedDate" not in body
    assert "lastAccessedDate" not in body


# ---- the registry -------------------------------------------------------------------------------


def test_created_datasets_get_fresh_valid_ids(registry, clock):
    first, second = registry.datasets()

    for dataset in (first, second):
        assert len(dataset.id) == 18
        assert ids.is_valid_id(dataset.id)
        assert dataset.id.startswith("0Fb")
        assert len(dataset.current_version_id) == 18
        assert ids.is_valid_id(dataset.current_version_id)
        assert dataset.current_version_id.startswith("0Fc")
        assert dataset.created_date == dataset.last_modified_date == T0
        assert dataset.created_by == OWNER
    assert len({first.id, second.id, first.current_version_id, second.current_version_id}) == 4
    assert first.name == "opportunities"
    assert first.source_object == "Opportunity"
    assert "Account.Industry" in first.fields


def test_duplicate_api_name_is_refused_in_any_casing(registry):
    with pytest.raises(ValueError, match="already exists"):
        registry.create(DatasetDefinition("OPPORTUNITIES", "Again", "Opportunity", ["Id"]))


def test_lookup_by_id_and_api_name(registry, opportunities):
    assert registry.get(opportunities.id) == opportunities
    assert registry.get(opportunities.id[:15]) == opportunities
    assert registry.get(opportunities.id.lower()) == opportunities
    assert registry.get("OpPortunities") == opportunities
    assert registry.get("accounts_2024").label == "Accounts 2024"


@pytest.mark.parametrize("key", ["nope", "0Fb5g0000000099AAA", "0Fb5g00000000ZZ"])
def test_missing_dataset_is_404(registry, key):
    assert registry.find(key) is None
    with pytest.raises(SalesforceError) as caught:
        registry.get(key)

    assert caught.value.status == 404
    assert caught.value.error_code == "NOT_FOUND"


def test_delete(registry, opportunities):
    registry.delete("OPPORTUNITIES")

    assert registry.find(opportunities.id) is None
    assert [d.name for d in registry.datasets()] == ["Accounts_2024"]
    with pytest.raises(SalesforceError):
        registry.delete(opportunities.id)


def test_list_body(registry):
    body = registry.to_json("58.0")

    assert [d["name"] for d in body["datasets"]] == ["opportunities", "Accounts_2024"]
    assert body["datasets"][0] == registry.get("opportunities").to_json("58.0")
    assert body["nextPageUrl"] is None
    assert body["totalSize"] == 2
    assert body["url"] == "/services/data/v58.0/wave/datasets"


def test_list_search_matches_name_or_label(registry):
    assert [d["name"] for d in registry.to_json("58.0", q="OPPORT")["datasets"]] == [
        "opportunities"
    ]
    assert [d["name"] for d in registry.to_json("58.0", q="accounts 20")["datasets"]] == [
        "Accounts_2024"
    ]
    assert registry.to_json("58.0", q="zzz")["totalSize"] == 0


def test_list_paging(registry):
    first = registry.to_json("60.0", page_size=1)

    assert [d["name"] for d in first["datasets"]] == ["opportunities"]
    assert first["totalSize"] == 2
    assert first["nextPageUrl"] == "/services/data/v60.0/wave/datasets?page=1&pageSize=1"

    second = registry.to_json("60.0", page_size=1, page="1")

    assert [d["name"] for d in second["datasets"]] == ["Accounts_2024"]
    assert second["nextPageUrl"] is None


@pytest.mark.parametrize(("page_size", "page"), [(0, None), (201, None), (25, "abc")])
def test_list_rejects_bad_paging(registry, page_size, page):
    with pytest.raises(SalesforceError) as caught:
        registry.to_json("58.0", page_size=page_size, page=page)

    assert caught.value.status == 400
    assert caught.value.error_code == "INVALID_PARAMETER_VALUE"


def test_resolve_needs_the_current_version(registry, opportunities, rows):
    other = registry.get("Accounts_2024")

    assert registry.resolve(f"{opportunities.id}/{opportunities.current_version_id}") is (
        OPPORTUNITY_ROWS
    )
    assert rows.read == [opportunities]
    assert registry.resolve(f"{opportunities.id}/{other.current_version_id}") is None
    assert registry.resolve(f"{other.id[:3]}5g0000000999AAA/{other.current_version_id}") is None


# ---- query --------------------------------------------------------------------------------------

SEED_QUERY = """q = load \"0Fb0N000000XuvBSAS/0Fc0N000001M5BMSA0\";\nq = filter q by 'Account.Industry' in
[\"Apparel\", \"Banking\", \"Biotechnology\"];\nq = group q by 'Account.Industry';\nq = foreach q generate
'Account.Industry' as 'Account.Industry', count() as 'count';\nq = order q by 'Account.Industry' asc;\nq = limit q
2000;"""  # noqa: E501


def test_seed_query_with_the_registry_ids(registry, opportunities, clock):
    saql = SEED_QUERY.replace("0Fb0N000000XuvBSAS", opportunities.id).replace(
        "0Fc0N000001M5BMSA0", opportunities.current_version_id
    )
    clock.now = T1

    response = registry.query(saql)

    assert set(response) == {"action", "responseId", "results", "query", "responseTime"}
    assert response["action"] == "query"
    assert response["query"] == saql
    assert isinstance(response["responseId"], str)
    assert len(response["responseId"]) == 22
    assert isinstance(response["responseTime"], int)
    assert response["responseTime"] >= 0
    assert response["results"] == {
        "records": [
            {"Account.Industry": "Apparel", "count": 1},
            {"Account.Industry": "Banking", "count": 2},
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
    queried = registry.get("opportunities")
    assert queried.last_queried_date == T1
    assert queried.last_accessed_date == T1
    assert registry.get("Accounts_2024").last_queried_date is None


def test_each_response_has_its_own_id(registry, opportunities):
    saql = f'q = load "{opportunities.id}/{opportunities.current_version_id}";'

    assert registry.query(saql)["responseId"] != registry.query(saql)["responseId"]


def test_query_by_dataset_name_is_an_error(registry):
    with pytest.raises(SalesforceError) as caught:
        registry.query('q = load "opportunities";')

    assert caught.value.status == 400
    assert caught.value.error_code == "MALFORMED_QUERY"
    assert "not by name" in caught.value.message


def test_query_with_another_datasets_version_is_an_error(registry, opportunities):
    other = registry.get("Accounts_2024")

    with pytest.raises(SalesforceError) as caught:
        registry.query(f'q = load "{opportunities.id}/{other.current_version_id}";')

    assert caught.value.error_code == "MALFORMED_QUERY"
    assert "No dataset version" in caught.value.message
    assert registry.get("opportunities").last_queried_date is None


def test_query_after_delete_is_an_error(registry, opportunities):
    registry.delete(opportunities.id)

    with pytest.raises(SalesforceError):
        registry.query(f'q = load "{opportunities.id}/{opportunities.current_version_id}";')


def test_default_owner_and_clock():
    registry = WaveRegistry(RowSource())
    dataset = registry.create(DatasetDefinition("d", "D", "Account", ["Id"]))

    assert dataset.created_by.id.startswith("005")
    assert ids.is_valid_id(dataset.created_by.id)
    assert dataset.created_date.tzinfo is not None
    assert dataset.folder.id.startswith("00l")
