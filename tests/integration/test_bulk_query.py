"""Bulk API 2.0 query, client against the fake org: paging by Sforce-Locator with a small
``maxRecords`` (every record exactly once), queryAll and deleted rows, resultPages, abort, delete
and the job list."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

import salesforcepy
from salesforcepy.exceptions import BadRequest, Conflict, NotFound, PreconditionFailed
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.bulk import BulkSettings
from salesforcepy.resources.jobs.query import locator_of, record_count_of

pytestmark = pytest.mark.integration

COUNT = 47


def _seed(store: Any) -> None:
    for n in range(COUNT):
        store.create("Account", {"Name": f"Queried {n:02d}", "NumberOfEmployees": n})


@pytest.fixture(scope="module")
def org() -> Iterator[FakeOrg]:
    with FakeOrg(seed=_seed, bulk=BulkSettings.fast()) as running:
        yield running


@pytest.fixture
def client(org: FakeOrg) -> Iterator[salesforcepy.Client]:
    client = salesforcepy.client(**org.credentials, version="58.0")
    client.login()[1].raise_for_status()
    yield client
    client.close()


@pytest.fixture
def pace(org: FakeOrg) -> Iterator[BulkSettings]:
    saved = attrs.asdict(org.bulk)
    yield org.bulk
    for key, value in saved.items():
        setattr(org.bulk, key, value)


def completed(client: salesforcepy.Client, soql: str, operation: str = "query") -> str:
    job, request = client.jobs.query.create(soql, operation)
    request.raise_for_status()
    info, request = client.jobs.query.wait(job["id"], poll_interval=0.02, max_interval=0.1)
    request.raise_for_status()
    assert info["state"] == "JobComplete"
    return str(job["id"])


def test_small_pages_return_every_record_exactly_once(
    client: salesforcepy.Client, org: FakeOrg
) -> None:
    job_id = completed(
        client, "SELECT Id, Name, NumberOfEmployees FROM Account WHERE Name LIKE 'Queried %'"
    )

    pages = list(client.jobs.query.pages(job_id, max_records=5))

    counts = [record_count_of(request) for _, request in pages]
    assert counts == [5] * 9 + [2]
    locators = [locator_of(request) for _, request in pages]
    assert locators[-1] is None
    assert None not in locators[:-1]
    assert len(set(locators)) == len(locators)
    records = [row for body, _ in pages for row in csv.DictReader(io.StringIO(body, newline=""))]
    assert len(records) == COUNT
    assert sorted(r["Name"] for r in records) == [f"Queried {n:02d}" for n in range(COUNT)]
    expected = {
        r["Id"]: r["Name"]
        for r in client.query_more("SELECT Id, Name FROM Account WHERE Name LIKE 'Queried %'")[0][
            0
        ]["records"]
    }
    assert {r["Id"]: r["Name"] for r in records} == expected


def test_rows_and_a_relationship_column(client: salesforcepy.Client) -> None:
    job_id = completed(client, "SELECT Name, Owner.Name FROM Account WHERE Name = 'Queried 03'")

    assert list(client.jobs.query.rows(job_id, max_records=1)) == [
        {"Name": "Queried 03", "Owner.Name": "Admin User"}
    ]


def test_query_all_sees_deleted_rows(client: salesforcepy.Client, org: FakeOrg) -> None:
    gone = org.store.create("Account", {"Name": "Queried then deleted"})
    org.store.delete("Account", gone)
    soql = "SELECT Id, IsDeleted FROM Account WHERE Name = 'Queried then deleted'"

    live = list(client.jobs.query.rows(completed(client, soql)))
    everything = list(client.jobs.query.rows(completed(client, soql, "queryAll")))

    assert live == []
    assert everything == [{"Id": gone, "IsDeleted": "true"}]


def test_result_pages_point_at_the_results(client: salesforcepy.Client) -> None:
    job_id = completed(client, "SELECT Id FROM Account WHERE Name LIKE 'Queried %'")

    listing, request = client.jobs.query.result_pages(job_id, max_records=10)

    request.raise_for_status()
    urls = [page["resultUrl"] for page in listing["resultPages"]]
    assert len(urls) == 5
    assert listing["done"] is True
    fetched = [client.jobs.query.result_page(url) for url in urls]
    total = sum(record_count_of(request) or 0 for _, request in fetched)
    assert total == COUNT


def test_unsupported_soql_is_refused_at_create(client: salesforcepy.Client) -> None:
    body, request = client.jobs.query.create("SELECT COUNT() FROM Account")

    assert isinstance(request.exceptions[0], BadRequest)
    assert request.exceptions[0].error_code == "INVALIDJOB"
    assert body[0]["errorCode"] == "INVALIDJOB"


def test_results_before_completion_abort_delete(
    client: salesforcepy.Client, pace: BulkSettings
) -> None:
    pace.start_delay = 60
    job, _ = client.jobs.query.create("SELECT Id FROM Account")

    _, early = client.jobs.query.results(job["id"])
    aborted, _ = client.jobs.query.abort(job["id"])
    _, after = client.jobs.query.results(job["id"])
    _, deleted = client.jobs.query.delete(job["id"])
    _, gone = client.jobs.query.get(job["id"])

    assert isinstance(early.exceptions[0], PreconditionFailed)
    assert early.exceptions[0].error_code == "JOB_NOT_COMPLETE"
    assert aborted["state"] == "Aborted"
    assert isinstance(after.exceptions[0], Conflict)
    assert deleted.status == 204
    assert isinstance(gone.exceptions[0], NotFound)


def test_the_query_job_list(client: salesforcepy.Client, pace: BulkSettings) -> None:
    made = {completed(client, "SELECT Id FROM Account LIMIT 1") for _ in range(3)}
    pace.list_page_size = 2

    pages = list(client.jobs.query.list_pages(job_type="V2Query"))

    listed = [record["id"] for page, _ in pages for record in page["records"]]
    assert made <= set(listed)
    assert len(listed) == len(set(listed))
    assert len(pages) >= 2
    assert all(request.ok for _, request in pages)
