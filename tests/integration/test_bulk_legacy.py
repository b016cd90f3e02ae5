"""Bulk API 1.0, client against the fake org.

First the workflow of seed 003 ("Update Records with Python and the Salesforce Bulk API"): log in
with SOAP, find the ``Byline__c`` records that have a published URL, create an XML ``update`` job,
add one XML batch carrying the new social counts, close the job, and read the results. Then query
jobs with result ids, JSON jobs, and aborts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

import salesforcepy
from salesforcepy.exceptions import BadRequest
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.bulk import BulkSettings
from salesforcepy.fakeorg.schema import FieldDef

pytestmark = pytest.mark.integration

COUNTS = {
    "https://example.org/toolkits": (144, 28, 18),
    "https://example.org/bulk": (12, 3, 1),
    "https://example.org/rest": (7, 0, 2),
}


def _seed(store: Any) -> None:
    store.define_object(
        "Byline__c",
        [
            FieldDef("Published_URL__c", "url"),
            FieldDef("Tweets__c", "double", precision=18, scale=0),
            FieldDef("Likes__c", "double", precision=18, scale=0),
            FieldDef("Shares__c", "double", precision=18, scale=0),
        ],
    )
    for url in COUNTS:
        store.create("Byline__c", {"Name": url.rsplit("/", 1)[1], "Published_URL__c": url})
    store.create("Byline__c", {"Name": "draft"})


@pytest.fixture(scope="module")
def org() -> Iterator[FakeOrg]:
    with FakeOrg(seed=_seed, bulk=BulkSettings.fast()) as running:
        yield running


@pytest.fixture
def soap_client(org: FakeOrg) -> Iterator[salesforcepy.Client]:
    """Logged in the way the walkthrough does it: SOAP ``login()`` with username and password."""
    client = salesforcepy.client(
        username=org.username,
        password=org.password,
        security_token=org.security_token,
        login_url=org.login_url,
    )
    _, request = client.login_via_soap()
    request.raise_for_status()
    yield client
    client.close()


@pytest.fixture
def pace(org: FakeOrg) -> Iterator[BulkSettings]:
    saved = attrs.asdict(org.bulk)
    yield org.bulk
    for key, value in saved.items():
        setattr(org.bulk, key, value)


def test_seed_003_update_records_with_an_xml_batch(
    soap_client: salesforcepy.Client, org: FakeOrg
) -> None:
    legacy = soap_client.jobs.legacy
    # "I perform a SOQL query to get the records that have a published link."
    found, request = soap_client.query_more(
        "SELECT Id, Published_URL__c FROM Byline__c WHERE Published_URL__c != null"
    )
    request.raise_for_status()
    bylines = [record for page in found for record in page["records"]]
    objects = []
    for record in bylines:
        tweets, likes, shares = COUNTS[record["Published_URL__c"]]
        objects.append(
            {"Id": record["Id"], "Tweets__c": tweets, "Likes__c": likes, "Shares__c": shares}
        )

    job, created = legacy.create_job("Byline__c", "update", content_type="XML")
    batch, added = legacy.add_batch(job["id"], objects, content_type="XML")
    closed, closing = legacy.close_job(job["id"])

    assert created.status == 201
    assert created.request.headers["Content-Type"].startswith("application/xml")
    assert "X-SFDC-Session" in created.response.request.headers
    assert "Authorization" not in created.response.request.headers
    assert (job["state"], job["object"], job["contentType"]) == ("Open", "Byline__c", "XML")
    assert added.status == 201
    assert batch["state"] in ("Queued", "InProgress", "Completed")
    assert closing.status == 200
    assert closed["state"] == "Closed"

    listing, _ = legacy.wait(job["id"], poll_interval=0.02)
    results, _ = legacy.get_batch_result(job["id"], batch["id"])
    info, _ = legacy.get_job(job["id"])

    assert [b["state"] for b in listing["batchInfo"]] == ["Completed"]
    assert [r["id"] for r in results] == [o["Id"] for o in objects]
    assert all(r["success"] and not r["created"] for r in results)
    assert info["numberRecordsProcessed"] == len(COUNTS)
    assert info["numberBatchesCompleted"] == 1
    for record in bylines:
        stored = org.store.get(
            "Byline__c", record["Id"], ["Tweets__c", "Likes__c", "Shares__c"], api_version="58.0"
        )
        expected = COUNTS[record["Published_URL__c"]]
        assert (stored["Tweets__c"], stored["Likes__c"], stored["Shares__c"]) == expected


def test_the_request_of_a_batch_comes_back(soap_client: salesforcepy.Client) -> None:
    legacy = soap_client.jobs.legacy
    job, _ = legacy.create_job("Account", "insert")
    batch, _ = legacy.add_batch(job["id"], [{"Name": "Echoed, Inc."}])

    sent, request = legacy.get_batch_request(job["id"], batch["id"])

    assert request.status == 200
    assert list(csv.reader(io.StringIO(sent))) == [["Name"], ["Echoed, Inc."]]
    legacy.close_job(job["id"])


def test_a_csv_query_job_with_result_ids(soap_client: salesforcepy.Client) -> None:
    legacy = soap_client.jobs.legacy
    job, _ = legacy.create_job("Byline__c", "query")
    batch, _ = legacy.add_batch(job["id"], "SELECT Name, Tweets__c FROM Byline__c ORDER BY Name")
    legacy.close_job(job["id"])
    done, _ = legacy.wait_batch(job["id"], batch["id"], poll_interval=0.02)

    result_ids, _ = legacy.get_batch_result(job["id"], batch["id"])
    data, request = legacy.get_query_result(job["id"], batch["id"], result_ids[0])

    assert done["state"] == "Completed"
    assert len(result_ids) == 1
    assert request.headers["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(data)))
    assert [row["Name"] for row in table] == ["bulk", "draft", "rest", "toolkits"]


def test_a_json_insert_job(soap_client: salesforcepy.Client, org: FakeOrg) -> None:
    legacy = soap_client.jobs.legacy
    job, _ = legacy.create_job("Account", "insert", content_type="JSON")
    batch, _ = legacy.add_batch(
        job["id"], [{"Name": "Json One"}, {"Name": None}], content_type="JSON"
    )
    legacy.close_job(job["id"], json=True)
    legacy.wait(job["id"], poll_interval=0.02)

    results, _ = legacy.get_batch_result(job["id"], batch["id"])

    assert job["contentType"] == "JSON"
    assert results[0]["success"] is True
    assert results[1]["success"] is False
    assert results[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert org.store.get("Account", results[0]["id"], ["Name"], api_version="58.0")["Name"] == (
        "Json One"
    )


def test_closed_and_aborted_jobs_refuse_batches(
    soap_client: salesforcepy.Client, pace: BulkSettings
) -> None:
    pace.start_delay = 60
    legacy = soap_client.jobs.legacy
    job, _ = legacy.create_job("Account", "insert")
    queued, _ = legacy.add_batch(job["id"], "Name\nNever processed\n")
    aborted, _ = legacy.abort_job(job["id"])

    body, request = legacy.add_batch(job["id"], "Name\nToo late\n")
    batch, _ = legacy.get_batch(job["id"], queued["id"])

    assert aborted["state"] == "Aborted"
    assert batch["state"] == "NotProcessed"
    error = request.exceptions[0]
    assert isinstance(error, BadRequest)
    assert error.error_code == "InvalidJobState"
    assert body["exceptionCode"] == "InvalidJobState"
