"""Bulk API 2.0 ingest, client against the fake org over a real socket.

The seed-001 Bulk examples run as written (the client variable is ``client``; the examples'
``/path/to/accounts.csv`` is a real file in a temporary directory). Then the load helper, the state
machine with failed jobs and wrong-state errors, an abort in the middle of a job, and a
50,000-row load whose successes, failures and unprocessed rows account for every row.

The org runs with ``BulkSettings.fast()``; tests that need a job to be slow change the live
settings through the ``pace`` fixture, which restores them.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import salesforcepy
from salesforcepy.exceptions import Conflict, NotFound
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.bulk import BulkSettings
from salesforcepy.fakeorg.schema import FieldDef

pytestmark = pytest.mark.integration

ACCOUNTS_CSV = (
    "Name,Industry,NumberOfEmployees\r\n"
    "Seed Acme,Banking,100\r\n"
    '"Seed Globex, Inc.",Energy,250\r\n'
    "Seed Initech,Technology,many\r\n"
)


def _seed(store: Any) -> None:
    store.define_field(
        "Account", FieldDef("Load_Key__c", "string", length=40, external_id=True, unique=True)
    )
    store.define_object(
        "Bulk_Row__c", [FieldDef("Amount__c", "double", precision=18, scale=2, required=True)]
    )


@pytest.fixture(scope="module")
def org() -> Iterator[FakeOrg]:
    with FakeOrg(seed=_seed, bulk=BulkSettings.fast()) as running:
        yield running


@pytest.fixture(autouse=True)
def _no_leftover_faults(org: FakeOrg) -> Iterator[None]:
    """A fault a failing test did not use up must not fire in the next test."""
    yield
    org.clear_faults()


@pytest.fixture
def client(org: FakeOrg) -> Iterator[salesforcepy.Client]:
    client = salesforcepy.client(**org.credentials)
    login = client.login()
    assert login[1].status == 200
    yield client
    client.close()


@pytest.fixture
def pace(org: FakeOrg) -> Iterator[BulkSettings]:
    saved = attrs.asdict(org.bulk)
    yield org.bulk
    for key, value in saved.items():
        setattr(org.bulk, key, value)


@pytest.fixture
def accounts_csv(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.csv"
    path.write_bytes(ACCOUNTS_CSV.encode("utf-8"))
    return path


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text or "", newline="")))


def finished(client: salesforcepy.Client, job_id: str) -> Any:
    info, request = client.jobs.ingest.wait(
        job_id, poll_interval=0.02, max_interval=0.1, max_wait=30
    )
    request.raise_for_status()
    return info


# ---- seed 001, as written ------------------------------------------------------------------------


def test_seed_create_a_job(client: salesforcepy.Client) -> None:
    job_resource = {"object": "Account", "operation": "insert", "lineEnding": "CRLF"}
    client.jobs.ingest.create(job_resource=job_resource)

    body, request = client.jobs.ingest.create(job_resource=job_resource)
    assert request.status == 200
    assert (body["state"], body["lineEnding"], body["object"]) == ("Open", "CRLF", "Account")


def test_seed_upload_job_data(client: salesforcepy.Client, accounts_csv: Path) -> None:
    job_resource = {"object": "Account", "operation": "insert", "lineEnding": "CRLF"}
    create_result = client.jobs.ingest.create(job_resource=job_resource)

    with open(accounts_csv) as f:
        csv_file = f.read()
        job_id = create_result[0].get("id")
        batches_result = client.jobs.ingest.batches(job_id=job_id, csv_file=csv_file)

    assert batches_result[0] is None
    assert batches_result[1].status == 201
    info, _ = client.jobs.ingest.get(job_id=job_id)
    assert info["state"] == "Open"


def test_seed_update_a_job_state_as_written(
    client: salesforcepy.Client, accounts_csv: Path
) -> None:
    # As written, open() reads the file in text mode, which turns its CRLF line endings into LF;
    # the job says CRLF, so Salesforce (and the fake org) fail the job once it is closed.
    job_resource = {"object": "Account", "operation": "insert", "lineEnding": "CRLF"}
    create_result = client.jobs.ingest.create(job_resource=job_resource)
    job_id = create_result[0].get("Id")

    with open(accounts_csv) as f:
        csv_file = f.read()
        batches_result = client.jobs.ingest.batches(job_id=job_id, csv_file=csv_file)

    client.jobs.ingest.update(job_id=job_id, state="UploadComplete")

    assert batches_result[1].status == 201
    info = finished(client, job_id)
    assert info["state"] == "Failed"
    assert info["errorMessage"] == (
        "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is CRLF"
    )
    unprocessed, _ = client.jobs.ingest.get(job_id=job_id, unprocessed=True)
    assert [row["Name"] for row in rows(unprocessed)] == [
        "Seed Acme",
        "Seed Globex, Inc.",
        "Seed Initech",
    ]


def test_seed_results_delete_and_listing(client: salesforcepy.Client, accounts_csv: Path) -> None:
    # The same example with the file opened with newline="" so the CRLF line endings survive.
    job_resource = {"object": "Account", "operation": "insert", "lineEnding": "CRLF"}
    create_result = client.jobs.ingest.create(job_resource=job_resource)
    job_id = create_result[0].get("Id")
    with open(accounts_csv, newline="") as f:
        csv_file = f.read()
        client.jobs.ingest.batches(job_id=job_id, csv_file=csv_file)
    client.jobs.ingest.update(job_id=job_id, state="UploadComplete")
    finished(client, job_id)

    get_result = client.jobs.ingest.get()
    assert job_id in [job["id"] for job in get_result[0]["records"]]

    get_result = client.jobs.ingest.get(job_id=job_id)
    assert get_result[0]["state"] == "JobComplete"
    assert (get_result[0]["numberRecordsProcessed"], get_result[0]["numberRecordsFailed"]) == (3, 1)

    get_result = client.jobs.ingest.get(job_id=job_id, successes=True)
    successes = rows(get_result[0].replace("\r\n", "\n"))
    assert [row["Name"] for row in successes] == ["Seed Acme", "Seed Globex, Inc."]
    assert all(row["sf__Created"] == "true" for row in successes)

    get_result = client.jobs.ingest.get(job_id=job_id, failures=True)
    (failure,) = rows(get_result[0])
    assert failure["Name"] == "Seed Initech"
    assert failure["sf__Error"].startswith("INVALID_TYPE_ON_FIELD_IN_RECORD:")

    get_result = client.jobs.ingest.get(job_id=job_id, unprocessed=True)
    assert rows(get_result[0]) == []

    delete_result = client.jobs.ingest.delete(job_id=job_id)
    assert delete_result[0] is None
    assert delete_result[1].status == 204
    gone = client.jobs.ingest.get(job_id=job_id)
    assert isinstance(gone[1].exceptions[0], NotFound)


# ---- the load helper -----------------------------------------------------------------------------


def test_load_in_several_jobs_reports_every_row(client: salesforcepy.Client, org: FakeOrg) -> None:
    records = [{"Name": f"Loaded {n:03d}", "NumberOfEmployees": n} for n in range(120)]
    bad = {7, 50, 119}
    for n in bad:
        records[n]["NumberOfEmployees"] = "lots"

    result = client.jobs.ingest.load(
        "Account", "insert", records, max_bytes=600, poll_interval=0.02
    )

    result.raise_for_status()
    assert len(result.jobs) > 2
    assert result.counts() == {
        "rows": 120, "successes": 117, "failures": 3, "unprocessed": 0, "not_sent": 0,
        "unaccounted": 0,
    }  # fmt: skip
    assert sorted(row["Name"] for row in result.failures) == [
        f"Loaded {n:03d}" for n in sorted(bad)
    ]
    pages, _ = client.query_more("SELECT Id, Name FROM Account WHERE Name LIKE 'Loaded %'")
    stored = {r["Id"]: r["Name"] for page in pages for r in page["records"]}
    assert stored == {row["sf__Id"]: row["Name"] for row in result.successes}


def test_load_upsert_from_a_csv_file(
    client: salesforcepy.Client, org: FakeOrg, tmp_path: Path
) -> None:
    existing = org.store.create("Account", {"Name": "Before", "Load_Key__c": "K-1"})
    path = tmp_path / "upsert.csv"
    path.write_text(
        "Load_Key__c|Name\r\nK-1|After\r\nK-2|New\r\nK-3|Twice\r\nk-3|Again\r\n", encoding="utf-8"
    )

    result = client.jobs.ingest.load(
        "Account",
        "upsert",
        path,
        external_id_field="Load_Key__c",
        column_delimiter="PIPE",
        line_ending="CRLF",
        poll_interval=0.02,
    )

    result.raise_for_status()
    created = {row["Load_Key__c"]: row["sf__Created"] for row in result.successes}
    assert created == {"K-1": "false", "K-2": "true"}
    assert [row["sf__Id"] for row in result.successes if row["Load_Key__c"] == "K-1"] == [existing]
    assert all(
        row["sf__Error"].startswith("DUPLICATE_VALUE:Duplicate external id specified")
        for row in result.failures
    )
    assert len(result.failures) == 2
    record = org.store.get("Account", existing, ["Name"], api_version="58.0")
    assert record["Name"] == "After"


def test_load_delete_and_query_all(client: salesforcepy.Client, org: FakeOrg) -> None:
    ids = [org.store.create("Account", {"Name": f"Doomed {n}"}) for n in range(3)]

    result = client.jobs.ingest.load(
        "Account", "delete", [{"Id": i} for i in ids] + [{"Id": ids[0]}], poll_interval=0.02
    )

    assert [row["sf__Id"] for row in result.successes] == ids
    assert result.failures[0]["sf__Error"].startswith("ENTITY_IS_DELETED:")
    live, _ = client.query("SELECT Id FROM Account WHERE Name LIKE 'Doomed %'")
    assert live["totalSize"] == 0


def test_a_failed_job_is_reported_with_its_rows(client: salesforcepy.Client) -> None:
    records = [{"Name": "Colourful", "Colour__c": "red"}, {"Name": "Plain", "Colour__c": ""}]

    result = client.jobs.ingest.load("Account", "insert", records, poll_interval=0.02)

    assert not result.ok
    (job,) = result.jobs
    assert job.state == "Failed"
    assert job.error_message == "InvalidBatch : Field name not found : Colour__c"
    assert [row["Name"] for row in result.unprocessed] == ["Colourful", "Plain"]
    assert result.unaccounted == 0
    with pytest.raises(salesforcepy.SalesforceError, match="Field name not found"):
        result.raise_for_status()


def test_a_refused_upload_stops_the_load_and_nothing_is_lost(
    client: salesforcepy.Client, org: FakeOrg
) -> None:
    org.inject_fault(path=r"/jobs/ingest/.*/batches$", method="PUT", status=503, times=1)
    records = [{"Name": f"Refused {n:03d}"} for n in range(60)]

    # A 503 is retried by default; with retries off the refusal stands.
    with client.retries(False):
        result = client.jobs.ingest.load(
            "Account", "insert", records, max_bytes=300, poll_interval=0.02
        )

    assert not result.ok
    first, *rest = result.jobs
    assert first.steps == ("created", "aborted")
    assert rest
    assert all(job.job_id is None for job in rest)
    assert len(result.not_sent) == 60
    assert result.unaccounted == 0
    assert "uploading failed: HTTP 503" in result.problems[0]
    info, _ = client.jobs.ingest.get(job_id=first.job_id)
    assert info["state"] == "Aborted"
    count, _ = client.query("SELECT COUNT() FROM Account WHERE Name LIKE 'Refused %'")
    assert count["totalSize"] == 0


def test_a_create_failing_halfway_keeps_the_parts_already_running(
    client: salesforcepy.Client, org: FakeOrg
) -> None:
    # After the first part is closed, the next job creation fails.
    def hook(response: Any, *args: Any, **kwargs: Any) -> None:
        if response.request.method == "PATCH" and not hooked.is_set():
            hooked.set()
            org.inject_fault(path=r"/jobs/ingest/?$", method="POST", status=500, times=1)

    hooked = threading.Event()
    client.transport.http.hooks["response"].append(hook)
    records = [{"Name": f"Halfway {n:03d}"} for n in range(60)]

    result = client.jobs.ingest.load(
        "Account", "insert", records, max_bytes=300, poll_interval=0.02
    )

    first, second, *rest = result.jobs
    assert len(first.successes) == first.rows
    assert second.job_id is None
    assert len(second.not_sent) + sum(len(job.not_sent) for job in rest) == 60 - first.rows
    counts = result.counts()
    assert counts["successes"] + counts["not_sent"] == 60
    assert "part 2" in result.problems[0]
    assert "creating the job failed" in result.problems[0]
    stored, _ = client.query("SELECT COUNT() FROM Account WHERE Name LIKE 'Halfway %'")
    assert stored["totalSize"] == first.rows


# ---- the state machine and wrong-state errors ----------------------------------------------------


def test_wrong_state_calls_get_typed_errors(client: salesforcepy.Client) -> None:
    job, _ = client.jobs.ingest.create({"object": "Account", "operation": "insert"})
    client.jobs.ingest.batches(job["id"], "Name\nWrong State\n")
    client.jobs.ingest.update(job["id"], "UploadComplete")

    again = client.jobs.ingest.batches(job["id"], "Name\nToo Late\n")
    finished(client, job["id"])
    abort_done = client.jobs.ingest.update(job["id"], "Aborted")
    close_done = client.jobs.ingest.update(job["id"], "UploadComplete")

    for body, request in (again, abort_done, close_done):
        error = request.exceptions[0]
        assert isinstance(error, Conflict)
        assert error.error_code == "INVALIDJOBSTATE"
        assert body[0]["errorCode"] == "INVALIDJOBSTATE"


def test_strict_clients_raise_for_wrong_states(org: FakeOrg) -> None:
    client = salesforcepy.client(**org.credentials, strict=True)
    client.login()
    job, _ = client.jobs.ingest.create({"object": "Account", "operation": "insert"})

    with pytest.raises(Conflict, match="INVALIDJOBSTATE"):
        client.jobs.ingest.delete(job["id"])
    client.jobs.ingest.update(job["id"], "Aborted")
    with pytest.raises(Conflict):
        client.jobs.ingest.update(job["id"], "UploadComplete")


def test_abort_in_the_middle_leaves_unprocessed_rows(
    client: salesforcepy.Client, pace: BulkSettings
) -> None:
    # One chunk a second: the job would take 20 s, so the abort lands mid-run even when this
    # test's polling is held up for a while; the worker sees it before the next chunk.
    pace.rows_per_second = 30
    pace.chunk_size = 30
    csv_text = "Name\n" + "".join(f"Midway {n:03d}\n" for n in range(600))
    job, _ = client.jobs.ingest.create({"object": "Account", "operation": "insert"})
    client.jobs.ingest.batches(job["id"], csv_text)
    client.jobs.ingest.update(job["id"], "UploadComplete")
    deadline = time.monotonic() + 20
    while client.jobs.ingest.get(job["id"])[0]["numberRecordsProcessed"] == 0:
        assert time.monotonic() < deadline
        time.sleep(0.01)

    aborted, request = client.jobs.ingest.update(job["id"], "Aborted")
    info = finished(client, job["id"])

    assert request.ok
    assert aborted["state"] == info["state"] == "Aborted"
    successes = rows(client.jobs.ingest.get(job["id"], successes=True)[0])
    unprocessed = rows(client.jobs.ingest.get(job["id"], unprocessed=True)[0])
    assert 0 < len(successes) == info["numberRecordsProcessed"] < 600
    assert len(successes) + len(unprocessed) == 600
    names = sorted([r["Name"] for r in successes] + [r["Name"] for r in unprocessed])
    assert names == [f"Midway {n:03d}" for n in range(600)]
    stored, _ = client.query("SELECT COUNT() FROM Account WHERE Name LIKE 'Midway %'")
    assert stored["totalSize"] == len(successes)


def test_wait_sees_the_job_through_its_states(
    client: salesforcepy.Client, pace: BulkSettings
) -> None:
    pace.start_delay = 0.2
    pace.rows_per_second = 500
    job, _ = client.jobs.ingest.create({"object": "Account", "operation": "insert"})
    client.jobs.ingest.batches(job["id"], "Name\n" + "".join(f"Paced {n}\n" for n in range(100)))
    closed, _ = client.jobs.ingest.update(job["id"], "UploadComplete")

    info = finished(client, job["id"])

    assert closed["state"] == "UploadComplete"
    assert info["state"] == "JobComplete"
    assert info["numberRecordsProcessed"] == 100


# ---- 50,000 rows ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_fifty_thousand_rows_are_all_accounted_for(
    client: salesforcepy.Client, org: FakeOrg, pace: BulkSettings
) -> None:
    pace.chunk_size = 1000
    total = 50_000
    bad = set(range(13, total, 97))  # not a number
    missing = set(range(500, total, 4999)) - bad  # required Amount__c left empty
    records = []
    for n in range(total):
        amount: Any = "not a number" if n in bad else ("" if n in missing else n / 4)
        records.append({"Name": f"Row {n:05d}", "Amount__c": amount})

    started = time.monotonic()
    result = client.jobs.ingest.load("Bulk_Row__c", "insert", records, poll_interval=0.05)
    elapsed = time.monotonic() - started

    result.raise_for_status()
    counts = result.counts()
    assert counts["rows"] == total
    assert counts["failures"] == len(bad) + len(missing)
    assert counts["successes"] == total - len(bad) - len(missing)
    assert counts["successes"] + counts["failures"] + counts["unprocessed"] == total
    assert counts["not_sent"] == counts["unaccounted"] == 0
    failed_names = {row["Name"] for row in result.failures}
    assert failed_names == {f"Row {n:05d}" for n in bad | missing}
    assert len({row["sf__Id"] for row in result.successes}) == counts["successes"]
    assert org.store.count("Bulk_Row__c") == counts["successes"]
    print(f"\n50,000-row load: {counts} in {elapsed:.1f} s over {len(result.jobs)} job(s)")
