"""Approval processes: the client against the demo fake org (Submit, Approve, Reject, errors)."""

from __future__ import annotations

from typing import Any

import pytest

import salesforcepy
from salesforcepy.exceptions import BadRequest
from salesforcepy.fakeorg import FakeOrg

from ._demo import *  # noqa: F403  (the demo_db, demo_org and sf fixtures)
from ._demo import soql

pytestmark = pytest.mark.integration

ACCOUNT = "00161000011ueBVAAY"
APPROVER = "00561000000j3h2AAA"
SUBMITTER = "005610000027SlYAAU"


def submit(record_id: str = ACCOUNT, **extra: Any) -> dict[str, Any]:
    return {"requests": [{"actionType": "Submit", "contextId": record_id, **extra}]}


def decide(action: str, workitem: str, comments: str = "") -> dict[str, Any]:
    return {"requests": [{"actionType": action, "contextId": workitem, "comments": comments}]}


def status_of(sf: salesforcepy.Client, instance_id: str) -> dict[str, Any]:
    body, _ = sf.query(
        soql(
            "SELECT Status, CompletedDate, LastActorId, "
            "(SELECT StepStatus, Comments, OriginalActorId FROM Steps ORDER BY CreatedDate, Id), "
            "(SELECT Id FROM Workitems) FROM ProcessInstance WHERE Id = {}",
            instance_id,
        )
    )
    (record,) = body["records"]
    return dict(record)


def test_submit_uses_default_approvers(sf: salesforcepy.Client) -> None:
    body, request = sf.approvals(submit(comments="please"))

    assert request.status == 200
    (result,) = body
    assert result["actorIds"] == [APPROVER]
    assert result["instanceStatus"] == "Pending"
    instance = status_of(sf, result["instanceId"])
    assert instance["Status"] == "Pending"
    assert [s["StepStatus"] for s in instance["Steps"]["records"]] == ["Started"]
    assert instance["Steps"]["records"][0]["Comments"] == "please"
    assert [w["Id"] for w in instance["Workitems"]["records"]] == result["newWorkitemIds"]


def test_approve_completes_a_one_step_process(sf: salesforcepy.Client) -> None:
    submitted, _ = sf.approvals(submit())
    workitem = submitted[0]["newWorkitemIds"][0]

    body, request = sf.approvals(decide("Approve", workitem, "looks good"))

    assert request.status == 200
    assert body == [
        {
            "actorIds": [],
            "entityId": ACCOUNT,
            "errors": None,
            "instanceId": submitted[0]["instanceId"],
            "instanceStatus": "Approved",
            "newWorkitemIds": [],
            "success": True,
        }
    ]
    instance = status_of(sf, submitted[0]["instanceId"])
    assert instance["Status"] == "Approved"
    assert instance["CompletedDate"] is not None
    assert instance["Workitems"] is None
    steps = instance["Steps"]["records"]
    assert [s["StepStatus"] for s in steps] == ["Started", "Approved"]
    assert steps[1]["OriginalActorId"] == APPROVER
    # Approved records can be submitted again.
    again, _ = sf.approvals(submit())
    assert again[0]["success"] is True


def test_reject(sf: salesforcepy.Client) -> None:
    submitted, _ = sf.approvals(submit())

    body, _ = sf.approvals(decide("Reject", submitted[0]["newWorkitemIds"][0], "no"))

    assert body[0]["instanceStatus"] == "Rejected"
    assert status_of(sf, submitted[0]["instanceId"])["Status"] == "Rejected"


def test_two_step_process_with_entry_criteria(sf: salesforcepy.Client) -> None:
    rows, _ = sf.query(
        "SELECT Id FROM Opportunity WHERE StageName = 'Negotiation/Review' ORDER BY Id LIMIT 1"
    )
    opportunity = rows["records"][0]["Id"]
    other, _ = sf.query(
        "SELECT Id FROM Opportunity WHERE StageName = 'Prospecting' ORDER BY Id LIMIT 1"
    )

    refused, refused_request = sf.approvals(submit(other["records"][0]["Id"]))
    first, _ = sf.approvals(submit(opportunity))
    second, _ = sf.approvals(decide("Approve", first[0]["newWorkitemIds"][0]))
    final, _ = sf.approvals(decide("Approve", second[0]["newWorkitemIds"][0]))

    assert refused_request.status == 400
    assert refused[0]["errorCode"] == "NO_APPLICABLE_PROCESS"
    assert second[0]["instanceStatus"] == "Pending"
    assert second[0]["actorIds"] == [APPROVER]
    assert final[0]["instanceStatus"] == "Approved"


def test_skip_entry_criteria(sf: salesforcepy.Client) -> None:
    rows, _ = sf.query("SELECT Id FROM Opportunity WHERE StageName = 'Prospecting' LIMIT 1")
    record = rows["records"][0]["Id"]

    body, request = sf.approvals(
        submit(record, processDefinitionNameOrId="large_opportunity", skipEntryCriteria=True)
    )

    assert request.status == 200
    assert body[0]["success"] is True


def test_already_in_process(sf: salesforcepy.Client) -> None:
    sf.approvals(submit())

    body, request = sf.approvals(submit())

    assert request.status == 400
    assert body == [
        {"errorCode": "ALREADY_IN_PROCESS", "message": "Cannot submit object already in process."}
    ]
    assert isinstance(request.exceptions[0], BadRequest)


@pytest.mark.parametrize(
    ("request_body", "code"),
    [
        (submit("not-an-id"), "MALFORMED_ID"),
        (submit("001000000000000AAA"), "INVALID_CROSS_REFERENCE_KEY"),
        (submit(processDefinitionNameOrId="no_such_process"), "NO_APPLICABLE_PROCESS"),
        (submit(nextApproverIds=["005000000000000AAA"]), "INVALID_CROSS_REFERENCE_KEY"),
        (submit(skipEntryCriteria=True), "REQUIRED_FIELD_MISSING"),
        (decide("Approve", ACCOUNT), "INVALID_CROSS_REFERENCE_KEY"),
        (decide("Reject", "04i000000000000AAA"), "INVALID_CROSS_REFERENCE_KEY"),
    ],
)
def test_request_errors(
    sf: salesforcepy.Client,
    request_body: dict[str, Any],
    code: str,
) -> None:
    body, request = sf.approvals(request_body)

    assert request.status == 400
    assert body[0]["errorCode"] == code


def test_no_process_on_objects_without_one(sf: salesforcepy.Client) -> None:
    rows, _ = sf.query("SELECT Id FROM Contact LIMIT 1")

    body, request = sf.approvals(submit(rows["records"][0]["Id"]))

    assert request.status == 400
    assert body[0]["errorCode"] == "NO_APPLICABLE_PROCESS"


def test_requests_are_independent(sf: salesforcepy.Client) -> None:
    body = {
        "requests": [
            {"actionType": "Submit", "contextId": ACCOUNT},
            {"actionType": "Submit", "contextId": ACCOUNT},
        ]
    }

    results, request = sf.approvals(body)

    assert request.status == 200
    assert results[0]["success"] is True
    assert results[1]["success"] is False
    assert results[1]["errors"] == [
        {
            "fields": [],
            "message": "Cannot submit object already in process.",
            "statusCode": "ALREADY_IN_PROCESS",
        }
    ]
    pending, _ = sf.query(
        soql("SELECT COUNT() FROM ProcessInstance WHERE TargetObjectId = {}", ACCOUNT)
    )
    assert pending["totalSize"] == 1


def test_unknown_action_fails_the_whole_call(sf: salesforcepy.Client) -> None:
    body, request = sf.approvals(
        {"requests": [{"actionType": "Submit", "contextId": ACCOUNT}, {"actionType": "Recall"}]}
    )

    assert request.status == 400
    assert body[0]["errorCode"] == "JSON_PARSER_ERROR"
    pending, _ = sf.query(
        soql("SELECT COUNT() FROM ProcessInstance WHERE TargetObjectId = {}", ACCOUNT)
    )
    assert pending["totalSize"] == 0


def test_defined_process_is_listed_and_used(
    sf: salesforcepy.Client,
    demo_org: FakeOrg,
) -> None:
    process_id = demo_org.define_approval_process(
        "case_escalation",
        "Case",
        label="Case Escalation",
        approvers=[SUBMITTER],
        entry_criteria={"Priority": "High"},
    )
    rows, _ = sf.query("SELECT Id FROM Case WHERE Priority = 'High' LIMIT 1")

    listed, _ = sf.approvals()
    body, _ = sf.approvals(submit(rows["records"][0]["Id"]))

    assert listed["approvals"]["Case"] == [
        {
            "description": None,
            "id": process_id[:15],
            "name": "Case Escalation",
            "object": "Case",
            "sortOrder": 1,
        }
    ]
    assert body[0]["actorIds"] == [SUBMITTER]
