"""jobs.ingest.load: CSV writing, splitting, the call sequence, and what is reported when a step
fails. Salesforce is mocked with requests-mock callbacks that remember each job's upload."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import re
from pathlib import Path
from typing import Any, Optional

import pytest
import requests

import salesforcepy
from salesforcepy.resources.jobs import BulkLoadError, LoadResult

from ...conftest import DATA

DELIMITERS = {"COMMA": ",", "PIPE": "|", "TAB": "\t", "SEMICOLON": ";"}
JOB_URL = re.compile(re.escape(f"{DATA}/jobs/ingest/") + r"(7505g[0-9A-Za-z]{13})(/.*)?$")


def parse(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


class MockBulk:
    """Just enough Bulk 2.0 for the load helper: rows whose Name is ``bad`` fail."""

    def __init__(self, requests_mock: Any) -> None:
        self.jobs: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []
        self.fail: dict[tuple[str, int], Any] = {}
        self.final_state = "JobComplete"
        self.drop_result_rows = 0
        self.mock = requests_mock
        requests_mock.post(f"{DATA}/jobs/ingest/", json=self._create)
        requests_mock.put(JOB_URL, status_code=201, text=self._upload)
        requests_mock.patch(JOB_URL, json=self._patch)
        requests_mock.get(JOB_URL, text=self._get)

    def _failure(self, request: Any, context: Any, step: str) -> Optional[Any]:
        number = sum(1 for call in self.calls if call[0] == step)
        self.calls.append((step, request.url))
        failure = self.fail.get((step, number))
        if failure is None:
            return None
        if isinstance(failure, Exception):
            raise failure
        context.status_code = failure
        context.headers["Content-Type"] = "application/json"
        return [{"errorCode": "UNKNOWN_EXCEPTION", "message": f"{step} refused"}]

    def _create(self, request: Any, context: Any) -> Any:
        failed = self._failure(request, context, "create")
        if failed is not None:
            return failed
        job_id = f"7505g{len(self.jobs):010d}AAA"
        job = request.json()
        self.jobs[job_id] = {"job": job, "state": "Open", "data": None}
        return {"id": job_id, "state": "Open", **job}

    def _upload(self, request: Any, context: Any) -> str:
        failed = self._failure(request, context, "upload")
        if failed is not None:
            return '[{"errorCode": "UNKNOWN_EXCEPTION", "message": "upload refused"}]'
        job_id = JOB_URL.match(request.url).group(1)
        self.jobs[job_id]["data"] = request.body.decode("utf-8")
        return ""

    def _patch(self, request: Any, context: Any) -> Any:
        state = request.json()["state"]
        failed = self._failure(request, context, f"patch:{state}")
        job_id = JOB_URL.match(request.url).group(1)
        if failed is not None:
            return failed
        self.jobs[job_id]["state"] = state
        return {"id": job_id, "state": state}

    def _split(self, job_id: str) -> tuple[list[str], list[list[str]], list[list[str]], str]:
        job = self.jobs[job_id]
        delimiter = DELIMITERS[job["job"]["columnDelimiter"]]
        table = parse(job["data"] or "", delimiter)
        header, body = table[0], table[1:]
        good = [row for row in body if "bad" not in row]
        bad = [row for row in body if "bad" in row]
        return header, good, bad, delimiter

    def _get(self, request: Any, context: Any) -> str:
        self.calls.append(("get", request.url))
        match = JOB_URL.match(request.url)
        job_id, rest = match.group(1), match.group(2) or ""
        job = self.jobs[job_id]
        if not rest:
            context.headers["Content-Type"] = "application/json"
            state = job["state"]
            if state == "UploadComplete":
                state = self.final_state
            body: dict[str, Any] = {"id": job_id, "state": state}
            if state == "JobComplete":
                _, good, bad, _ = self._split(job_id)
                body["numberRecordsProcessed"] = len(good) + len(bad)
            if state == "Failed":
                body["errorMessage"] = "InvalidBatch : Field name not found : Colour"
                body["numberRecordsProcessed"] = 0
            return json.dumps(body)
        context.headers["Content-Type"] = "text/csv"
        header, good, bad, delimiter = self._split(job_id)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter)
        failed_job = job["state"] == "UploadComplete" and self.final_state == "Failed"
        if rest.startswith("/successfulResults"):
            writer.writerow(["sf__Id", "sf__Created", *header])
            kept = [] if failed_job else good[: len(good) - self.drop_result_rows]
            for number, row in enumerate(kept):
                writer.writerow([f"001{number:015d}", "true", *row])
        elif rest.startswith("/failedResults"):
            writer.writerow(["sf__Id", "sf__Error", *header])
            for row in [] if failed_job else bad:
                writer.writerow(
                    ["", "REQUIRED_FIELD_MISSING:Required fields are missing:x --", *row]
                )
        else:
            writer.writerow(header)
            for row in (good + bad) if failed_job else []:
                writer.writerow(row)
        return out.getvalue()


@pytest.fixture
def bulk(requests_mock: Any) -> MockBulk:
    return MockBulk(requests_mock)


def load(sf: salesforcepy.Client, records: Any, **kwargs: Any) -> LoadResult:
    kwargs.setdefault("poll_interval", 0.001)
    kwargs.setdefault("max_interval", 0.001)
    return sf.jobs.ingest.load("Account", kwargs.pop("operation", "insert"), records, **kwargs)


def accounts(count: int) -> list[dict[str, Any]]:
    return [{"Name": f"Account {n:03d}", "NumberOfEmployees": n} for n in range(count)]


# ---- the happy path ------------------------------------------------------------------------------


def test_load_splits_into_jobs_and_accounts_for_every_row(
    sf: salesforcepy.Client, bulk: MockBulk
) -> None:
    records = accounts(30)
    records[7]["Name"] = "bad"

    result = load(sf, records, max_bytes=200)

    assert result.ok, result.problems
    assert len(result.jobs) == len(bulk.jobs) > 1
    uploads = [parse(job["data"]) for job in bulk.jobs.values()]
    assert all(len(job["data"].encode()) <= 200 for job in bulk.jobs.values())
    assert all(table[0] == ["Name", "NumberOfEmployees"] for table in uploads)
    sent = [row for table in uploads for row in table[1:]]
    assert sent == [[r["Name"], str(r["NumberOfEmployees"])] for r in records]
    assert [job.first_row for job in result.jobs] == [
        sum(len(t) - 1 for t in uploads[:i]) for i in range(len(uploads))
    ]
    counts = result.counts()
    assert counts == {
        "rows": 30, "successes": 29, "failures": 1, "unprocessed": 0, "not_sent": 0,
        "unaccounted": 0,
    }  # fmt: skip
    assert result.failures[0]["Name"] == "bad"
    assert result.successes[0]["sf__Created"] == "true"
    assert all(job.steps == ("created", "uploaded", "closed", "finished", "results")
               for job in result.jobs)  # fmt: skip
    assert all(job["state"] == "UploadComplete" for job in bulk.jobs.values())
    assert result.job_ids == list(bulk.jobs)
    result.raise_for_status()


def test_every_job_is_closed_before_the_first_wait(sf: salesforcepy.Client, bulk: MockBulk) -> None:
    load(sf, accounts(20), max_bytes=150)

    steps = [step for step, _ in bulk.calls]
    last_close = max(i for i, step in enumerate(steps) if step == "patch:UploadComplete")
    first_get = steps.index("get")
    assert last_close < first_get


def test_job_definition_carries_the_options(sf: salesforcepy.Client, bulk: MockBulk) -> None:
    load(
        sf,
        [{"Ext__c": "E1", "Name": "x|y"}],
        operation="upsert",
        external_id_field="Ext__c",
        column_delimiter="PIPE",
        line_ending="CRLF",
        assignment_rule_id="01Q000000000001",
    )

    (job,) = bulk.jobs.values()
    assert job["job"] == {
        "object": "Account",
        "operation": "upsert",
        "externalIdFieldName": "Ext__c",
        "lineEnding": "CRLF",
        "columnDelimiter": "PIPE",
        "assignmentRuleId": "01Q000000000001",
    }
    assert job["data"] == 'Ext__c|Name\r\nE1|"x|y"\r\n'


def test_values_become_bulk_csv_cells(sf: salesforcepy.Client, bulk: MockBulk) -> None:
    when = dt.datetime(2024, 5, 20, 22, 49, 32, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    records = [
        {"Name": "A", "Active__c": True, "Phone": None, "When__c": when,
         "Day__c": dt.date(2024, 1, 2), "Amount__c": decimal.Decimal("1.50"), "Ratio__c": 0.25},
        {"Name": 'Quote "me", please'},
    ]  # fmt: skip

    load(sf, records)

    (job,) = bulk.jobs.values()
    table = parse(job["data"])
    assert table[0] == ["Name", "Active__c", "Phone", "When__c", "Day__c", "Amount__c", "Ratio__c"]
    assert table[1] == [
        "A", "true", "#N/A", "2024-05-20T20:49:32.123Z", "2024-01-02", "1.50", "0.25",
    ]  # fmt: skip
    assert table[2] == ['Quote "me", please', "", "", "", "", "", ""]


def test_fields_choose_and_order_the_columns(sf: salesforcepy.Client, bulk: MockBulk) -> None:
    load(sf, [{"Name": "A", "Site": "S"}], fields=["Site", "Name", "Phone"])

    (job,) = bulk.jobs.values()
    assert parse(job["data"]) == [["Site", "Name", "Phone"], ["S", "A", ""]]


@pytest.mark.parametrize("kind", ["text", "bytes", "file", "binary file", "path"])
def test_csv_input_is_read_and_rewritten(
    sf: salesforcepy.Client, bulk: MockBulk, tmp_path: Path, kind: str
) -> None:
    text = '\ufeffName;Site\r\nA;one\r\nB;"two;three"\r\n'
    source: Any
    if kind == "text":
        source = text
    elif kind == "bytes":
        source = text.encode("utf-8")
    elif kind == "path":
        source = tmp_path / "in.csv"
        source.write_bytes(text.encode("utf-8"))
    else:
        source = io.StringIO(text) if kind == "file" else io.BytesIO(text.encode("utf-8"))

    result = load(sf, source, column_delimiter="SEMICOLON")

    (job,) = bulk.jobs.values()
    assert job["data"] == 'Name;Site\nA;one\nB;"two;three"\n'
    assert result.rows == 2


# ---- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("records", "kwargs", "error", "word"),
    [
        ([], {}, ValueError, "no rows"),
        ("Name\n", {}, ValueError, "no rows"),
        ("", {}, ValueError, "empty"),
        ({"Name": "x"}, {}, TypeError, "iterable of dicts"),
        ([["x"]], {}, TypeError, "not a dict"),
        (42, {}, TypeError, "records"),
        ([{"Name": object()}], {}, TypeError, "Name"),
        ([{"When__c": dt.datetime(2024, 1, 1)}], {}, ValueError, "time zone"),
        ([{"X__c": float("nan")}], {}, ValueError, "X__c"),
        ("Name,Site\nA\n", {}, ValueError, "row 2"),
        ("Name,Name\nA,B\n", {}, ValueError, "twice"),
        ([{"Name": "x"}], {"operation": "merge"}, ValueError, "operation"),
        ([{"Name": "x"}], {"operation": "upsert"}, TypeError, "externalIdFieldName"),
        ([{"Id": "001", "Name": "x"}], {"operation": "delete"}, ValueError, "only an Id"),
        (
            [{"Name": "x"}],
            {"operation": "upsert", "external_id_field": "Ext__c"},
            ValueError,
            "Ext__c",
        ),
        ([{"Name": "x" * 100}], {"max_bytes": 50}, ValueError, "max_bytes"),
        ([{"Name": "x"}], {"max_bytes": 0}, ValueError, "max_bytes"),
        ([{"Name": "x"}], {"max_wait": 0}, ValueError, "max_wait"),
        ([{"Name": "x", "Site": "y"}], {"fields": ["Name"]}, ValueError, "Site"),
        ("Name\nA\n", {"fields": ["Name"]}, ValueError, "fields"),
        (b"Name\n\xff\n", {}, ValueError, "UTF-8"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(
    sf: salesforcepy.Client,
    bulk: MockBulk,
    records: Any,
    kwargs: dict[str, Any],
    error: type,
    word: str,
) -> None:
    with pytest.raises(error, match=word):
        load(sf, records, **kwargs)
    assert bulk.calls == []
    assert not bulk.mock.called


# ---- failures midway -----------------------------------------------------------------------------


def test_a_failed_create_stops_the_load_and_says_what_was_done(
    sf: salesforcepy.Client, bulk: MockBulk
) -> None:
    bulk.fail[("create", 1)] = 500

    result = load(sf, accounts(30), max_bytes=200)

    assert not result.ok
    first, second, *rest = result.jobs
    assert first.steps[-1] == "results"
    assert len(first.successes) == first.rows
    assert second.job_id is None
    assert second.steps == ()
    assert len(second.not_sent) == second.rows
    assert all(len(job.not_sent) == job.rows for job in rest)
    counts = result.counts()
    assert counts["successes"] + counts["not_sent"] == 30
    assert counts["unaccounted"] == 0
    assert "creating the job failed" in result.problems[0]
    assert any("was not sent because an earlier part failed" in p for p in result.problems)
    assert sum(1 for step, _ in bulk.calls if step == "create") == 2
    with pytest.raises(BulkLoadError) as caught:
        result.raise_for_status()
    assert caught.value.result is result
    assert "30 Account rows" in str(caught.value)


def test_a_failed_upload_aborts_its_job(sf: salesforcepy.Client, bulk: MockBulk) -> None:
    bulk.fail[("upload", 0)] = requests.exceptions.ConnectionError("connection reset")

    result = load(sf, accounts(5))

    (job,) = result.jobs
    assert job.steps == ("created", "aborted")
    assert job.state == "Aborted"
    assert len(job.not_sent) == 5
    assert bulk.jobs[job.job_id]["state"] == "Aborted"
    assert "uploading failed" in result.problems[0]
    assert "connection reset" in result.problems[0]


def test_a_close_that_went_through_despite_an_error_counts(
    sf: salesforcepy.Client, bulk: MockBulk
) -> None:
    original = bulk._patch

    def close_then_fail(request: Any, context: Any) -> Any:
        body = original(request, context)
        context.status_code = 503
        return [{"errorCode": "SERVER_UNAVAILABLE", "message": "try again"}] if body else body

    bulk.mock.patch(JOB_URL, json=close_then_fail)

    result = load(sf, accounts(4))

    assert result.ok, result.problems
    assert result.jobs[0].steps == ("created", "uploaded", "closed", "finished", "results")
    assert len(result.successes) == 4


def test_a_close_that_did_not_happen_is_sent_again(sf: salesforcepy.Client, bulk: MockBulk) -> None:
    bulk.fail[("patch:UploadComplete", 0)] = 400

    result = load(sf, accounts(4))

    assert result.ok, result.problems
    (job,) = result.jobs
    assert job.steps == ("created", "uploaded", "closed", "finished", "results")
    assert len(job.successes) == 4
    assert [step for step, _ in bulk.calls if step.startswith("patch")] == [
        "patch:UploadComplete"
    ] * 2
    assert "patch:Aborted" not in [step for step, _ in bulk.calls]


def test_a_close_that_fails_twice_aborts(sf: salesforcepy.Client, bulk: MockBulk) -> None:
    bulk.fail[("patch:UploadComplete", 0)] = 400
    bulk.fail[("patch:UploadComplete", 1)] = 400

    result = load(sf, accounts(4))

    (job,) = result.jobs
    assert job.steps == ("created", "uploaded", "aborted")
    assert len(job.not_sent) == 4
    assert result.problems[0].count("closing the job failed") == 1
    assert len([p for p in result.problems if "closing the job failed" in p]) == 1


def test_a_failed_job_puts_its_rows_in_unprocessed(sf: salesforcepy.Client, bulk: MockBulk) -> None:
    bulk.final_state = "Failed"

    result = load(sf, accounts(3))

    (job,) = result.jobs
    assert job.state == "Failed"
    assert job.error_message == "InvalidBatch : Field name not found : Colour"
    assert len(job.unprocessed) == 3
    assert result.unaccounted == 0
    assert "failed: InvalidBatch : Field name not found : Colour" in result.problems[0]


def test_missing_result_rows_are_reported(sf: salesforcepy.Client, bulk: MockBulk) -> None:
    bulk.drop_result_rows = 1

    result = load(sf, accounts(6))

    assert result.unaccounted == 1
    assert any("6 rows were sent but the results hold 5" in p for p in result.problems)
    assert any("reports 6 rows processed" in p for p in result.problems)


def test_a_job_still_running_after_max_wait_is_reported(
    sf: salesforcepy.Client, bulk: MockBulk
) -> None:
    bulk.final_state = "InProgress"

    result = load(sf, accounts(3), max_wait=0.05)

    (job,) = result.jobs
    assert job.state == "InProgress"
    assert job.steps == ("created", "uploaded", "closed")
    assert result.unaccounted == 3
    assert "was still InProgress when the wait ended" in result.problems[0]


def test_failed_result_downloads_are_reported(sf: salesforcepy.Client, bulk: MockBulk) -> None:
    bulk.mock.get(
        re.compile(re.escape(f"{DATA}/jobs/ingest/") + r".*/failedResults/$"),
        status_code=500,
        json=[{"errorCode": "UNKNOWN_EXCEPTION", "message": "boom"}],
    )

    result = load(sf, accounts(3))

    (job,) = result.jobs
    assert "results" not in job.steps
    assert "fetching the failures CSV failed" in result.problems[0]
    assert len(job.successes) == 3


@pytest.mark.parametrize(
    "answer",
    [
        {"json": {"state": "Open"}},
        {"text": "<html>maintenance</html>", "headers": {"Content-Type": "text/html"}},
    ],
    ids=["no id", "not JSON"],
)
def test_a_create_answered_without_a_job_id_stops_the_load_and_keeps_the_running_parts(
    sf: salesforcepy.Client, bulk: MockBulk, answer: dict[str, Any]
) -> None:
    first = bulk._create
    creates = []

    def create(request: Any, context: Any) -> Any:
        creates.append(request)
        if len(creates) == 2:
            for key, value in answer.get("headers", {}).items():
                context.headers[key] = value
            return answer["text"] if "text" in answer else json.dumps(answer["json"])
        context.headers["Content-Type"] = "application/json"
        return json.dumps(first(request, context))

    bulk.mock.post(f"{DATA}/jobs/ingest/", text=create)

    result = load(sf, accounts(30), max_bytes=200)

    first_job, second, *rest = result.jobs
    assert first_job.steps[-1] == "results"
    assert len(first_job.successes) == first_job.rows
    assert second.job_id is None
    assert len(second.not_sent) == second.rows
    assert all(len(job.not_sent) == job.rows for job in rest)
    assert result.unaccounted == 0
    assert "creating the job answered without a job id" in result.problems[0]


def test_a_close_check_answered_without_a_state_leaves_the_rows_unaccounted(
    sf: salesforcepy.Client, bulk: MockBulk
) -> None:
    bulk.fail[("patch:UploadComplete", 0)] = 400
    bulk.mock.get(JOB_URL, text="<html>maintenance</html>", headers={"Content-Type": "text/html"})

    result = load(sf, accounts(4), max_wait=5)

    (job,) = result.jobs
    assert job.steps == ("created", "uploaded")
    assert result.unaccounted == 4
    assert any("its state is unknown" in p for p in result.problems)


def test_a_failed_job_whose_unprocessed_csv_repeats_rows_reports_each_row_once(
    sf: salesforcepy.Client, bulk: MockBulk
) -> None:
    # A job that received its data twice (an upload retried after a 503 that Salesforce had
    # in fact taken) fails without processing anything, and its unprocessedrecords can hold
    # both uploads: sending result.unprocessed again would load every row twice.
    bulk.final_state = "Failed"
    rows = "Name,NumberOfEmployees\n" + "".join(f"Account {n:03d},{n}\n" for n in range(3))
    bulk.mock.get(
        re.compile(re.escape(f"{DATA}/jobs/ingest/") + r".*/unprocessedrecords/$"),
        text=rows + rows.split("\n", 1)[1],
        headers={"Content-Type": "text/csv"},
    )

    result = load(sf, accounts(3))

    (job,) = result.jobs
    assert [row["Name"] for row in job.unprocessed] == [f"Account {n:03d}" for n in range(3)]
    assert result.counts()["unprocessed"] == 3
    assert result.unaccounted == 0
    assert any("unprocessed CSV holds 6 rows" in p for p in result.problems)
