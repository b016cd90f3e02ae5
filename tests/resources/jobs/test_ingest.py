"""jobs.ingest: create, upload, close/abort, delete, list, info and result CSVs."""

from __future__ import annotations

from typing import Any

import pytest

import salesforcepy
from salesforcepy.exceptions import BadRequest, Conflict
from salesforcepy.resources.jobs.ingest import (
    ColumnDelimiter,
    JobState,
    LineEnding,
    Operation,
    create_request,
)

from ...conftest import DATA, assert_request

JOB_ID = "7505g00000BSfbrAAD"


def test_create_accepts_enums_and_sends_their_values(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    requests_mock.post(f"{DATA}/jobs/ingest/", json={"id": JOB_ID}, status_code=201)

    body, request = sf.jobs.ingest.create(
        job_resource={
            "object": "Contact",
            "operation": Operation.UPSERT,
            "externalIdFieldName": "Ext__c",
            "lineEnding": LineEnding.LF,
            "columnDelimiter": ColumnDelimiter.PIPE,
            "assignmentRuleId": "01Q5g000000AbCd",
        }
    )

    assert_request(
        requests_mock.last_request,
        "POST",
        f"{DATA}/jobs/ingest/",
        json={
            "object": "Contact",
            "operation": "upsert",
            "externalIdFieldName": "Ext__c",
            "lineEnding": "LF",
            "columnDelimiter": "PIPE",
            "assignmentRuleId": "01Q5g000000AbCd",
        },
    )
    assert body == {"id": JOB_ID}
    assert request.status == 201


@pytest.mark.parametrize(
    ("job", "word"),
    [
        ({"object": "Account", "operation": "merge"}, "operation"),
        ({"object": "Account"}, "operation"),
        ({"operation": "insert"}, "object"),
        ({"object": "../x", "operation": "insert"}, "object"),
        ({"object": "Account", "operation": "upsert"}, "externalIdFieldName"),
        ({"object": "Account", "operation": "insert", "lineEnding": "CR"}, "lineEnding"),
        ({"object": "Account", "operation": "insert", "columnDelimiter": ";"}, "columnDelimiter"),
        ({"object": "Account", "operation": "insert", "contentType": "JSON"}, "contentType"),
    ],
)
def test_create_validates_before_sending(
    sf: salesforcepy.Client, requests_mock: Any, job: dict[str, Any], word: str
) -> None:
    with pytest.raises((TypeError, ValueError), match=word):
        sf.jobs.ingest.create(job_resource=job)
    assert not requests_mock.called


def test_create_does_not_modify_the_callers_dict() -> None:
    job = {"object": "Account", "operation": Operation.INSERT}
    create_request(job)
    assert job["operation"] is Operation.INSERT


def test_upload_bytes_unchanged(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.put(f"{DATA}/jobs/ingest/{JOB_ID}/batches", status_code=201)
    data = "Name\n\u00c5ngstr\u00f6m\n".encode()

    sf.jobs.ingest.batches(job_id=JOB_ID, csv_file=data)

    assert_request(
        requests_mock.last_request,
        "PUT",
        f"{DATA}/jobs/ingest/{JOB_ID}/batches",
        body=data,
        content_type="text/csv",
    )


def test_upload_to_closed_job_is_reported(sf: salesforcepy.Client, requests_mock: Any) -> None:
    errors = [{"errorCode": "INVALIDJOBSTATE", "message": "Job is not open"}]
    requests_mock.put(f"{DATA}/jobs/ingest/{JOB_ID}/batches", json=errors, status_code=409)
    body, request = sf.jobs.ingest.batches(job_id=JOB_ID, csv_file="Name\nA\n")
    assert body == errors
    assert isinstance(request.exceptions[0], Conflict)


@pytest.mark.parametrize(("csv", "exc"), [("", ValueError), (None, TypeError), (["a"], TypeError)])
def test_upload_rejects_empty_or_non_text(
    sf: salesforcepy.Client, requests_mock: Any, csv: Any, exc: type
) -> None:
    with pytest.raises(exc, match="csv_file"):
        sf.jobs.ingest.batches(job_id=JOB_ID, csv_file=csv)
    assert not requests_mock.called


def test_abort_with_enum(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.patch(f"{DATA}/jobs/ingest/{JOB_ID}", json={"state": "Aborted"})
    sf.jobs.ingest.update(job_id=JOB_ID, state=JobState.ABORTED)
    assert requests_mock.last_request.json() == {"state": "Aborted"}


@pytest.mark.parametrize("state", ["JobComplete", "Open", "uploadcomplete", "Closed", None])
def test_update_rejects_states_a_client_cannot_set(
    sf: salesforcepy.Client, requests_mock: Any, state: Any
) -> None:
    with pytest.raises(ValueError, match="state"):
        sf.jobs.ingest.update(job_id=JOB_ID, state=state)
    assert not requests_mock.called


def test_illegal_transition_is_reported(sf: salesforcepy.Client, requests_mock: Any) -> None:
    errors = [{"errorCode": "INVALIDJOBSTATE", "message": "Aborted jobs cannot be closed"}]
    requests_mock.patch(f"{DATA}/jobs/ingest/{JOB_ID}", json=errors, status_code=400)
    _, request = sf.jobs.ingest.update(job_id=JOB_ID, state="UploadComplete")
    assert isinstance(request.exceptions[0], BadRequest)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"successes": True}, "job_id"),
        ({"job_id": JOB_ID, "successes": True, "failures": True}, "only one"),
        ({"job_id": "not-an-id"}, "job_id"),
        ({"job_id": JOB_ID + "/x"}, "job_id"),
    ],
)
def test_get_validates_before_sending(
    sf: salesforcepy.Client, requests_mock: Any, kwargs: dict[str, Any], word: str
) -> None:
    with pytest.raises(ValueError, match=word):
        sf.jobs.ingest.get(**kwargs)
    assert not requests_mock.called


def test_delete_requires_a_job_id(sf: salesforcepy.Client, requests_mock: Any) -> None:
    with pytest.raises(TypeError, match="job_id"):
        sf.jobs.ingest.delete(job_id=None)  # type: ignore[arg-type]
    assert not requests_mock.called


def test_result_csv_is_text_even_with_non_ascii(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    csv = '"sf__Id","sf__Created",Name\n"0015g00001rlVALAA2","true","Caf\u00e9"\n'
    requests_mock.get(
        f"{DATA}/jobs/ingest/{JOB_ID}/successfulResults/",
        content=csv.encode("utf-8"),
        headers={"Content-Type": "text/csv"},
    )
    body, _ = sf.jobs.ingest.get(job_id=JOB_ID, successes=True)
    assert body == csv
