"""Wire shapes of ``/process/approvals`` (raw HTTP) and process definitions."""

from __future__ import annotations

import pytest

from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.approvals import ApprovalProcess, define_process


@pytest.fixture(scope="module")
def approvals_org():
    with FakeOrg() as running:
        approver = running.store.add_user("approver@example.test", last_name="Approver")
        running.define_approval_process(
            "account_review", "Account", label="Account Review", approvers=[approver]
        )
        running.define_approval_process(
            "account_second", "Account", sort_order=2, description="second", approvers=[approver]
        )
        running.define_approval_process("inactive_one", "Lead", active=False)
        yield running


def test_list_shape(rest_for, approvals_org) -> None:
    rest = rest_for(approvals_org)

    response = rest.get("/process/approvals/")

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["approvals"]
    assert list(body["approvals"]) == ["Account"]  # inactive processes are not listed
    first, second = body["approvals"]["Account"]
    assert list(first) == ["description", "id", "name", "object", "sortOrder"]
    assert (first["name"], first["sortOrder"]) == ("Account Review", 1)
    assert (second["name"], second["description"], second["sortOrder"]) == (
        "account_second",
        "second",
        2,
    )
    assert len(first["id"]) == 15


def test_empty_list(rest) -> None:
    assert rest.get("/process/approvals").json() == {"approvals": {}}


def test_submit_result_shape(rest_for, approvals_org) -> None:
    rest = rest_for(approvals_org)
    account = approvals_org.store.create("Account", {"Name": "Needs approval"})

    response = rest.post(
        "/process/approvals/",
        json={"requests": [{"actionType": "Submit", "contextId": account}]},
    )

    assert response.status_code == 200
    (result,) = response.json()
    assert list(result) == [
        "actorIds",
        "entityId",
        "errors",
        "instanceId",
        "instanceStatus",
        "newWorkitemIds",
        "success",
    ]
    assert result["success"] is True
    instance = approvals_org.store.read_row("ProcessInstance", result["instanceId"])
    assert instance["Status"] == "Pending"
    assert (
        instance["ProcessDefinitionId"][:15]
        == (rest.get("/process/approvals/").json()["approvals"]["Account"][0]["id"])
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"requests": []},
        {"requests": "x"},
        {"requests": [1]},
        {"requests": [{"actionType": "Nope"}]},
    ],
)
def test_malformed_bodies(rest, body) -> None:
    response = rest.post("/process/approvals/", json=body)

    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_definition_validation(store) -> None:
    with pytest.raises(ValueError, match="no field"):
        define_process(store, ApprovalProcess("p1", "Account", entry_criteria={"Nope__c": 1}))
    with pytest.raises(ValueError, match="not a user"):
        define_process(store, ApprovalProcess("p2", "Account", approvers=["001000000000000AAA"]))
    define_process(store, ApprovalProcess("p3", "Account"))
    with pytest.raises(ValueError, match="already exists"):
        define_process(store, ApprovalProcess("P3", "Account"))
    with pytest.raises(ValueError, match="at least one step"):
        ApprovalProcess("p4", "Account", steps=0)
