"""Bulk API 2.0 ingest and query over HTTP: wire shapes, the state machine, results and errors.

These tests talk to the fake org with plain ``requests`` so they see exactly what goes over the
wire. The org runs with ``BulkSettings.fast()``; tests that need a job to stay in a state for a
moment change the live settings (``org.bulk``) and the ``pace`` fixture puts them back.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import time
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.bulk import BulkSettings
from salesforcepy.fakeorg.schema import FieldDef, PicklistValue

pytestmark = pytest.mark.integration

DELIMITERS = {
    "COMMA": ",",
    "TAB": "\t",
    "PIPE": "|",
    "SEMICOLON": ";",
    "CARET": "^",
    "BACKQUOTE": "`",
}
ENDINGS = {"LF": "\n", "CRLF": "\r\n"}


def _seed(store: Any) -> None:
    store.define_object(
        "Gadget__c",
        [
            FieldDef("Ext__c", "string", length=40, external_id=True, unique=True),
            FieldDef("Code__c", "string", length=20, required=True),
            FieldDef("Price__c", "double", precision=18, scale=2),
            FieldDef(
                "Size__c",
                "picklist",
                picklist_values=[PicklistValue("S"), PicklistValue("M"), PicklistValue("L")],
                restricted_picklist=True,
            ),
            FieldDef("Account__c", "reference", reference_to=("Account",)),
        ],
    )
    store.define_field(
        "Account", FieldDef("Acct_Ext__c", "string", length=40, external_id=True, unique=True)
    )
    store.create("Account", {"Name": "Parent Co", "Acct_Ext__c": "P-1"})


@pytest.fixture(scope="module")
def bulk_org() -> Iterator[FakeOrg]:
    with FakeOrg(seed=_seed, bulk=BulkSettings.fast()) as org:
        yield org


@pytest.fixture
def api(bulk_org: FakeOrg, rest_for: Any) -> Any:
    return rest_for(bulk_org)


@pytest.fixture
def pace(bulk_org: FakeOrg) -> Iterator[BulkSettings]:
    """The org's live bulk settings; restored after the test."""
    saved = attrs.asdict(bulk_org.bulk)
    yield bulk_org.bulk
    for key, value in saved.items():
        setattr(bulk_org.bulk, key, value)


# ---- helpers -------------------------------------------------------------------------------------


def create(api: Any, **job: Any) -> dict[str, Any]:
    response = api.post("/jobs/ingest", json=job)
    assert response.status_code == 200, response.text
    return response.json()


def upload(api: Any, job_id: str, data: str | bytes, **headers: str) -> Any:
    body = data.encode("utf-8") if isinstance(data, str) else data
    return api.request(
        "PUT",
        f"/jobs/ingest/{job_id}/batches",
        data=body,
        headers={"Content-Type": "text/csv", **headers},
    )


def patch_state(api: Any, job_id: str, state: str, kind: str = "ingest") -> Any:
    return api.patch(f"/jobs/{kind}/{job_id}", json={"state": state})


def wait_done(api: Any, job_id: str, kind: str = "ingest", limit: float = 15.0) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    while True:
        info = api.get(f"/jobs/{kind}/{job_id}").json()
        if info["state"] in ("JobComplete", "Failed", "Aborted"):
            return info
        assert time.monotonic() < deadline, f"job still {info['state']}"
        time.sleep(0.02)


def results(api: Any, job_id: str) -> dict[str, Any]:
    out = {}
    for name in ("successfulResults", "failedResults", "unprocessedrecords"):
        response = api.get(f"/jobs/ingest/{job_id}/{name}")
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/csv")
        out[name] = response.text
    return out


def rows(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def run(api: Any, data: str, **job: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    info = create(api, **job)
    assert upload(api, info["id"], data).status_code == 201
    assert patch_state(api, info["id"], "UploadComplete").status_code == 200
    done = wait_done(api, info["id"])
    return done, results(api, info["id"])


def error_of(response: Any) -> tuple[int, str]:
    body = response.json()
    assert isinstance(body, list), body
    assert body, response.text
    return response.status_code, body[0]["errorCode"]


# ---- job creation --------------------------------------------------------------------------------


def test_create_answers_with_the_job_info_of_an_open_job(api: Any) -> None:
    response = api.post(
        "/jobs/ingest",
        json={
            "object": "account",
            "operation": "upsert",
            "externalIdFieldName": "acct_ext__c",
            "assignmentRuleId": "01Q000000000001",
        },
    )

    assert response.status_code == 200
    info = response.json()
    assert info["id"].startswith("750")
    assert len(info["id"]) == 18
    assert info["object"] == "Account"
    assert info["externalIdFieldName"] == "Acct_Ext__c"
    assert info["state"] == "Open"
    assert info["apiVersion"] == 58.0
    assert info["contentUrl"] == f"services/data/v58.0/jobs/ingest/{info['id']}/batches"
    assert (info["lineEnding"], info["columnDelimiter"], info["contentType"]) == (
        "LF",
        "COMMA",
        "CSV",
    )
    assert info["concurrencyMode"] == "Parallel"
    assert info["assignmentRuleId"] == "01Q000000000001"
    assert info["createdDate"].endswith("+0000")


@pytest.mark.parametrize(
    ("job", "status", "code"),
    [
        ({"operation": "insert"}, 400, "INVALIDJOB"),
        ({"object": "Nope__c", "operation": "insert"}, 400, "INVALIDJOB"),
        ({"object": "Account"}, 400, "INVALIDJOB"),
        ({"object": "Account", "operation": "merge"}, 400, "INVALIDJOB"),
        ({"object": "Account", "operation": "insert", "lineEnding": "CR"}, 400, "INVALIDJOB"),
        ({"object": "Account", "operation": "insert", "columnDelimiter": ","}, 400, "INVALIDJOB"),
        ({"object": "Account", "operation": "insert", "contentType": "JSON"}, 400, "INVALIDJOB"),
        ({"object": "Account", "operation": "upsert"}, 400, "INVALIDJOB"),
        (
            {"object": "Account", "operation": "upsert", "externalIdFieldName": "Name"},
            400,
            "INVALIDJOB",
        ),
        ({"object": "Account", "operation": "insert", "colour": "red"}, 400, "JSON_PARSER_ERROR"),
        ({"object": 5, "operation": "insert"}, 400, "JSON_PARSER_ERROR"),
    ],
)
def test_create_rejects_bad_job_definitions(
    api: Any, job: dict[str, Any], status: int, code: str
) -> None:
    assert error_of(api.post("/jobs/ingest", json=job)) == (status, code)


def test_create_rejects_a_body_that_is_not_a_json_object(api: Any) -> None:
    assert error_of(api.post("/jobs/ingest", json=["x"]))[1] == "JSON_PARSER_ERROR"
    response = api.post("/jobs/ingest", data="{", headers={"Content-Type": "application/json"})
    assert error_of(response) == (400, "JSON_PARSER_ERROR")


def test_hard_delete_needs_the_bulk_hard_delete_permission(
    bulk_org: FakeOrg, api: Any, rest_for: Any
) -> None:
    user = bulk_org.add_user("plain@fakeorg.test", last_name="Plain", profile="Standard User")
    plain = rest_for(bulk_org)
    plain.token = plain.login(username=user.username, password=user.password).json()["access_token"]

    denied = plain.post("/jobs/ingest", json={"object": "Account", "operation": "hardDelete"})
    allowed = api.post("/jobs/ingest", json={"object": "Account", "operation": "hardDelete"})

    assert error_of(denied) == (403, "INSUFFICIENT_ACCESS")
    assert allowed.status_code == 200


def test_requests_need_a_session(api: Any) -> None:
    response = api.get("/jobs/ingest", auth=False)
    assert error_of(response) == (401, "INVALID_SESSION_ID")


# ---- a whole job ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ending", sorted(ENDINGS))
@pytest.mark.parametrize("delimiter", sorted(DELIMITERS))
def test_every_delimiter_and_line_ending_round_trips(api: Any, delimiter: str, ending: str) -> None:
    char, newline = DELIMITERS[delimiter], ENDINGS[ending]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=char, lineterminator=newline)
    writer.writerow(["Name", "Code__c", "Price__c"])
    tricky = f'Semi{char}colon "quoted"{newline}two lines'
    writer.writerow([tricky, "T1", "1.5"])
    writer.writerow(["Plain", "", "2"])  # Code__c is required

    info, out = run(
        api,
        buffer.getvalue(),
        object="Gadget__c",
        operation="insert",
        columnDelimiter=delimiter,
        lineEnding=ending,
    )

    assert info["state"] == "JobComplete"
    assert (info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (2, 1)
    ok = out["successfulResults"]
    bad = out["failedResults"]
    assert ok.endswith(newline)
    assert bad.endswith(newline)
    if ending == "LF":
        assert "\r\n" not in ok.replace(tricky, "")
    ok_rows = rows(ok, char)
    assert ok_rows[0] == ["sf__Id", "sf__Created", "Name", "Code__c", "Price__c"]
    assert ok_rows[1][1:] == ["true", tricky, "T1", "1.5"]
    assert ok_rows[1][0].startswith("a0")
    bad_rows = rows(bad, char)
    assert bad_rows[0] == ["sf__Id", "sf__Error", "Name", "Code__c", "Price__c"]
    assert bad_rows[1][0] == ""
    assert (
        bad_rows[1][1] == "REQUIRED_FIELD_MISSING:Required fields are missing: [Code__c]:Code__c --"
    )
    assert bad_rows[1][2:] == ["Plain", "", "2"]
    assert rows(out["unprocessedrecords"], char) == [["Name", "Code__c", "Price__c"]]


def test_rows_are_validated_one_by_one(api: Any) -> None:
    data = (
        "Name,Code__c,Price__c,Size__c,Account__c,Ext__c\n"
        "ok,C1,1,S,,E-1\n"
        "bad number,C2,cheap,,,\n"
        "bad size,C3,,XL,,\n"
        "bad lookup,C4,,,001000000000000AAA,\n"
        "wrong type id,C5,,,003000000000000AAA,\n"
        "taken ext id,C6,,,,E-1\n"
        "null name,C7,#N/A,M,,\n"
        "too,many,values,here,x,y,z\n"
    )
    info, out = run(api, data, object="Gadget__c", operation="insert")

    assert info["state"] == "JobComplete"
    assert info["numberRecordsProcessed"] == 8
    errors = {row[2]: row[1] for row in rows(out["failedResults"])[1:]}
    assert errors["bad number"].startswith("INVALID_TYPE_ON_FIELD_IN_RECORD:")
    assert errors["bad number"].endswith(":Price__c --")
    assert errors["bad size"].startswith("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:")
    assert errors["bad lookup"].startswith("INVALID_CROSS_REFERENCE_KEY:")
    assert errors["wrong type id"].startswith("MALFORMED_ID:")
    assert errors["taken ext id"].startswith("DUPLICATE_VALUE:")
    assert errors["too"].startswith("INVALID_FIELD:")
    assert info["numberRecordsFailed"] == len(errors) == 6
    succeeded = [row[2] for row in rows(out["successfulResults"])[1:]]
    assert succeeded == ["ok", "null name"]


def test_a_row_with_one_empty_value_is_processed_and_fails(api: Any) -> None:
    info, out = run(api, 'Id\n""\n', object="Account", operation="delete")

    assert info["state"] == "JobComplete"
    assert info["numberRecordsProcessed"] == 1
    failed = rows(out["failedResults"])
    assert len(failed) == 2
    assert failed[1][1].startswith("MISSING_ARGUMENT:")


def test_lookups_by_the_parents_external_id(api: Any, bulk_org: FakeOrg) -> None:
    data = "Code__c,Account__r.Acct_Ext__c\nL1,P-1\nL2,P-404\n"
    _info, out = run(api, data, object="Gadget__c", operation="insert")

    ok = rows(out["successfulResults"])[1:]
    bad = rows(out["failedResults"])[1:]
    assert [row[2] for row in ok] == ["L1"]
    assert [row[2] for row in bad] == ["L2"]
    assert bad[0][1].startswith("INVALID_FIELD:Foreign key external ID: P-404 not found")
    parent = bulk_org.store.find_by_external_id("Account", "Acct_Ext__c", "P-1")[0]
    record = bulk_org.store.get("Gadget__c", ok[0][0], ["Account__c"], api_version="58.0")
    assert record["Account__c"] == parent


def test_update_upsert_delete_and_hard_delete(api: Any, bulk_org: FakeOrg) -> None:
    _, out = run(api, "Code__c,Ext__c\nU1,UP-1\nU2,UP-2\n", object="Gadget__c", operation="insert")
    first, second = (row[0] for row in rows(out["successfulResults"])[1:])

    info, out = run(
        api,
        f"Id,Price__c\n{first},9.5\n{first[:15]},8\n,1\n001000000000000AAA,1\n",
        object="Gadget__c",
        operation="update",
    )
    ok = rows(out["successfulResults"])[1:]
    assert [(row[0], row[1]) for row in ok] == [(first, "false"), (first, "false")]
    errors = [row[1].split(":")[0] for row in rows(out["failedResults"])[1:]]
    assert errors == ["MISSING_ARGUMENT", "MALFORMED_ID"]

    info, out = run(
        api,
        "Ext__c,Code__c\nup-2,U2b\nUP-3,U3\nUP-4,U4\nup-4,U4b\n",
        object="Gadget__c",
        operation="upsert",
        externalIdFieldName="Ext__c",
    )
    ok = rows(out["successfulResults"])[1:]
    assert [(row[0] == second, row[1]) for row in ok] == [(True, "false"), (False, "true")]
    duplicates = rows(out["failedResults"])[1:]
    assert len(duplicates) == 2
    assert all(
        row[1].startswith("DUPLICATE_VALUE:Duplicate external id specified") for row in duplicates
    )

    info, out = run(api, f"Id\n{first}\n{first}\n", object="Gadget__c", operation="delete")
    assert rows(out["successfulResults"])[1][:2] == [first, "false"]
    assert rows(out["failedResults"])[1][1].startswith("ENTITY_IS_DELETED:")
    assert bulk_org.store.read_row("Gadget__c", first)["IsDeleted"] == 1

    info, out = run(api, f"Id\n{first}\n", object="Gadget__c", operation="hardDelete")
    assert info["numberRecordsFailed"] == 0
    assert bulk_org.store.read_row("Gadget__c", first) is None


@pytest.mark.parametrize(
    ("data", "job", "message"),
    [
        (
            "Name,Colour__c\nx,red\n",
            {"object": "Gadget__c", "operation": "insert"},
            "InvalidBatch : Field name not found : Colour__c",
        ),
        (
            "Id,Name\n001000000000000AAA,x\n",
            {"object": "Account", "operation": "delete"},
            "InvalidBatch : The 'delete' batch must contain only ids",
        ),
        (
            "Name\r\nx\r\n",
            {"object": "Account", "operation": "insert"},
            "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting "
            "is LF",
        ),
        (
            "Name\nx\n",
            {"object": "Account", "operation": "insert", "lineEnding": "CRLF"},
            "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting "
            "is CRLF",
        ),
        (
            "Name,Code__c\nx,C\n",
            {"object": "Gadget__c", "operation": "upsert", "externalIdFieldName": "Ext__c"},
            "InvalidBatch : The external ID field Ext__c is not a column of the data",
        ),
    ],
)
def test_structural_problems_fail_the_job_and_leave_every_row_unprocessed(
    api: Any, data: str, job: dict[str, Any], message: str
) -> None:
    info, out = run(api, data, **job)

    assert info["state"] == "Failed"
    assert info["errorMessage"] == message
    assert info["numberRecordsProcessed"] == 0
    assert rows(out["successfulResults"])[1:] == []
    assert rows(out["failedResults"])[1:] == []
    assert len(rows(out["unprocessedrecords"])) == 2


def test_a_second_upload_fails_the_job(api: Any) -> None:
    info = create(api, object="Account", operation="insert")
    assert upload(api, info["id"], "Name\nA\n").status_code == 201
    assert upload(api, info["id"], "Name\nB\n").status_code == 201
    patch_state(api, info["id"], "UploadComplete")

    done = wait_done(api, info["id"])

    assert done["state"] == "Failed"
    assert done["errorMessage"].startswith(f"Found multiple contents for job: {info['id']}")
    assert rows(results(api, info["id"])["unprocessedrecords"]) == [["Name"], ["A"], ["B"]]


def test_gzip_uploads_are_accepted(api: Any) -> None:
    info = create(api, object="Account", operation="insert")
    body = gzip.compress(b"Name\nZipped One\nZipped Two\n")

    assert upload(api, info["id"], body, **{"Content-Encoding": "gzip"}).status_code == 201
    patch_state(api, info["id"], "UploadComplete")
    assert wait_done(api, info["id"])["numberRecordsProcessed"] == 2


def test_uploads_over_the_limit_are_refused(api: Any, pace: BulkSettings) -> None:
    pace.max_upload_bytes = 64
    info = create(api, object="Account", operation="insert")
    big = "Name\n" + "".join(f"Account number {i}\n" for i in range(10))

    refused = upload(api, info["id"], big)
    zipped = upload(api, info["id"], gzip.compress(big.encode()), **{"Content-Encoding": "gzip"})
    fits = upload(api, info["id"], "Name\nsmall\n")

    assert error_of(refused) == (413, "EXCEEDED_MAX_SIZE_REQUEST")
    assert error_of(zipped) == (413, "EXCEEDED_MAX_SIZE_REQUEST")
    assert fits.status_code == 201


def test_uploads_must_be_csv(api: Any) -> None:
    info = create(api, object="Account", operation="insert")
    response = upload(api, info["id"], "Name\nA\n", **{"Content-Type": "application/json"})
    assert error_of(response) == (415, "UNSUPPORTED_MEDIA_TYPE")


# ---- the state machine ---------------------------------------------------------------------------


def test_states_advance_in_order(api: Any, pace: BulkSettings) -> None:
    pace.start_delay = 0.2
    pace.rows_per_second = 200
    pace.chunk_size = 20
    info = create(api, object="Account", operation="insert")
    upload(api, info["id"], "Name\n" + "".join(f"S{i}\n" for i in range(100)))
    closed = patch_state(api, info["id"], "UploadComplete").json()
    seen = [closed["state"]]
    counts = []
    deadline = time.monotonic() + 15
    while seen[-1] not in ("JobComplete", "Failed", "Aborted"):
        assert time.monotonic() < deadline, f"job still {seen[-1]}"
        current = api.get(f"/jobs/ingest/{info['id']}").json()
        counts.append(current["numberRecordsProcessed"])
        if current["state"] != seen[-1]:
            seen.append(current["state"])
        time.sleep(0.01)

    assert seen == ["UploadComplete", "InProgress", "JobComplete"]
    assert counts == sorted(counts)
    assert counts[-1] == 100


@pytest.mark.parametrize(
    ("steps", "action", "expected"),
    [
        ([], ("PUT",), 201),
        (["close"], ("PUT",), (409, "INVALIDJOBSTATE")),
        (["close"], ("PATCH", "UploadComplete"), (409, "INVALIDJOBSTATE")),
        (["abort"], ("PATCH", "UploadComplete"), (409, "INVALIDJOBSTATE")),
        (["abort"], ("PATCH", "Aborted"), (409, "INVALIDJOBSTATE")),
        (["close", "done"], ("PATCH", "Aborted"), (409, "INVALIDJOBSTATE")),
        ([], ("PATCH", "JobComplete"), (400, "INVALIDJOBSTATE")),
        ([], ("PATCH", "Open"), (400, "INVALIDJOBSTATE")),
        ([], ("DELETE",), (409, "INVALIDJOBSTATE")),
        ([], ("GET", "successfulResults"), (409, "INVALIDJOBSTATE")),
        (["abort"], ("DELETE",), 204),
        (["close", "done"], ("DELETE",), 204),
        (["abort"], ("GET", "unprocessedrecords"), 200),
    ],
)
def test_wrong_state_operations(
    api: Any, steps: list[str], action: tuple[str, ...], expected: Any
) -> None:
    info = create(api, object="Account", operation="insert")
    job_id = info["id"]
    assert upload(api, job_id, "Name\nW\n").status_code == 201
    for step in steps:
        if step == "close":
            patch_state(api, job_id, "UploadComplete")
        elif step == "abort":
            patch_state(api, job_id, "Aborted")
        else:
            wait_done(api, job_id)
    if action[0] == "PUT":
        response = upload(api, job_id, "Name\nX\n")
    elif action[0] == "PATCH":
        response = patch_state(api, job_id, action[1])
    elif action[0] == "DELETE":
        response = api.delete(f"/jobs/ingest/{job_id}")
    else:
        response = api.get(f"/jobs/ingest/{job_id}/{action[1]}")

    if isinstance(expected, int):
        assert response.status_code == expected, response.text
    else:
        assert error_of(response) == expected


def test_deleted_and_unknown_jobs_are_not_found(api: Any) -> None:
    info = create(api, object="Account", operation="insert")
    patch_state(api, info["id"], "Aborted")
    assert api.delete(f"/jobs/ingest/{info['id']}").status_code == 204

    assert error_of(api.get(f"/jobs/ingest/{info['id']}")) == (404, "NOT_FOUND")
    assert error_of(api.get("/jobs/ingest/7505g0000000zzzAAA")) == (404, "NOT_FOUND")
    assert error_of(api.get("/jobs/ingest/garbage")) == (404, "NOT_FOUND")


def test_abort_mid_run_leaves_the_rest_unprocessed(api: Any, pace: BulkSettings) -> None:
    # One chunk a second: the job would take 16 s, so the abort lands mid-run even when this
    # test's polling is held up for a while; the worker sees it before the next chunk.
    pace.rows_per_second = 25
    pace.chunk_size = 25
    info = create(api, object="Account", operation="insert")
    upload(api, info["id"], "Name\n" + "".join(f"Abort {i}\n" for i in range(400)))
    patch_state(api, info["id"], "UploadComplete")
    deadline = time.monotonic() + 10
    while api.get(f"/jobs/ingest/{info['id']}").json()["numberRecordsProcessed"] == 0:
        assert time.monotonic() < deadline
        time.sleep(0.01)

    aborted = patch_state(api, info["id"], "Aborted")
    done = wait_done(api, info["id"])
    out = results(api, info["id"])

    assert aborted.json()["state"] == "Aborted"
    processed = done["numberRecordsProcessed"]
    assert 0 < processed < 400
    succeeded = rows(out["successfulResults"])[1:]
    unprocessed = rows(out["unprocessedrecords"])[1:]
    assert len(succeeded) == processed
    assert len(succeeded) + len(unprocessed) == 400
    names = [row[2] for row in succeeded] + [row[0] for row in unprocessed]
    assert sorted(names) == sorted(f"Abort {i}" for i in range(400))


def test_both_spellings_of_unprocessed_records(api: Any) -> None:
    info = create(api, object="Account", operation="insert")
    upload(api, info["id"], "Name\nA\n")
    patch_state(api, info["id"], "Aborted")

    lower = api.get(f"/jobs/ingest/{info['id']}/unprocessedrecords/")
    camel = api.get(f"/jobs/ingest/{info['id']}/unprocessedRecords")

    assert lower.status_code == camel.status_code == 200
    assert lower.text == camel.text == '"Name"\n"A"\n'


def test_multipart_create_starts_an_upload_complete_job(api: Any) -> None:
    job = json.dumps({"object": "Account", "operation": "insert"})
    files = {
        "job": (None, job, "application/json"),
        "content": ("content", "Name\nMulti One\nMulti Two\n", "text/csv"),
    }
    response = api.post("/jobs/ingest", files=files)

    assert response.status_code == 200, response.text
    assert response.json()["state"] == "UploadComplete"
    assert wait_done(api, response.json()["id"])["numberRecordsProcessed"] == 2


def test_multipart_create_checks_its_parts(api: Any, pace: BulkSettings) -> None:
    job = json.dumps({"object": "Account", "operation": "insert"})
    missing = api.post("/jobs/ingest", files={"job": (None, job, "application/json")})
    pace.multipart_max_chars = 10
    big = api.post(
        "/jobs/ingest",
        files={
            "job": (None, job, "application/json"),
            "content": ("c", "Name\n" + "x" * 20, "text/csv"),
        },
    )

    assert error_of(missing) == (400, "INVALIDJOB")
    assert error_of(big) == (413, "EXCEEDED_MAX_SIZE_REQUEST")


def test_the_job_list_pages_with_query_locators(api: Any, pace: BulkSettings) -> None:
    made = {create(api, object="Account", operation="insert")["id"] for _ in range(5)}
    pace.list_page_size = 2
    seen: list[str] = []
    page = api.get("/jobs/ingest", params={"jobType": "V2Ingest"}).json()
    pages = 1
    while True:
        assert len(page["records"]) <= 2
        seen.extend(record["id"] for record in page["records"])
        assert all(record["jobType"] == "V2Ingest" for record in page["records"])
        if page["done"]:
            assert page["nextRecordsUrl"] is None
            break
        assert page["nextRecordsUrl"].startswith("/services/data/v58.0/jobs/ingest?queryLocator=")
        page = api.get(page["nextRecordsUrl"]).json()
        pages += 1

    assert len(seen) == len(set(seen))
    assert made <= set(seen)
    assert pages >= 3
    assert api.get("/jobs/ingest", params={"jobType": "Classic"}).json()["records"] == []
    assert error_of(api.get("/jobs/ingest", params={"queryLocator": "bogus"}))[1] == (
        "INVALID_QUERY_LOCATOR"
    )


# ---- query ---------------------------------------------------------------------------------------


def create_query(api: Any, soql: str, **extra: Any) -> Any:
    return api.post("/jobs/query", json={"operation": "query", "query": soql, **extra})


def test_query_results_page_with_locators(api: Any, bulk_org: FakeOrg) -> None:
    for i in range(7):
        bulk_org.store.create("Account", {"Name": f"Paged {i}", "NumberOfEmployees": i})
    soql = "SELECT Name, NumberOfEmployees, Owner.Name FROM Account WHERE Name LIKE 'Paged%'"
    created = create_query(api, soql)
    assert created.status_code == 200, created.text
    info = created.json()
    assert info["state"] == "UploadComplete"
    assert (info["operation"], info["object"], info["lineEnding"]) == ("query", "Account", "LF")
    done = wait_done(api, info["id"], kind="query")
    assert done["jobType"] == "V2Query"
    assert done["numberRecordsProcessed"] == 7

    got: list[list[str]] = []
    locator = None
    counts = []
    while True:
        params: dict[str, Any] = {"maxRecords": 3}
        if locator:
            params["locator"] = locator
        page = api.get(f"/jobs/query/{info['id']}/results", params=params)
        assert page.status_code == 200
        assert page.headers["Content-Type"].startswith("text/csv")
        table = rows(page.text)
        assert table[0] == ["Name", "NumberOfEmployees", "Owner.Name"]
        counts.append(int(page.headers["Sforce-NumberOfRecords"]))
        got.extend(table[1:])
        locator = page.headers["Sforce-Locator"]
        if locator == "null":
            break

    assert counts == [3, 3, 1]
    assert sorted(row[0] for row in got) == [f"Paged {i}" for i in range(7)]
    assert all(row[2] == "Admin User" for row in got)
    again = api.get(f"/jobs/query/{info['id']}/results", params={"maxRecords": 3, "locator": "Mw"})
    assert rows(again.text)[1:] == got[3:6]


def test_query_results_use_the_jobs_delimiter_and_line_ending(api: Any) -> None:
    info = create_query(
        api,
        "SELECT Name FROM Account WHERE Name = 'Parent Co'",
        columnDelimiter="SEMICOLON",
        lineEnding="CRLF",
    ).json()
    wait_done(api, info["id"], kind="query")

    page = api.get(f"/jobs/query/{info['id']}/results")

    assert page.text == '"Name"\r\n"Parent Co"\r\n'
    assert page.headers["Sforce-Locator"] == "null"
    assert page.headers["Sforce-NumberOfRecords"] == "1"


@pytest.mark.parametrize(
    ("soql", "code"),
    [
        ("SELECT Industry FROM Account GROUP BY Industry", "INVALIDJOB"),
        ("SELECT Name FROM Account LIMIT 5 OFFSET 2", "INVALIDJOB"),
        ("SELECT COUNT() FROM Account", "INVALIDJOB"),
        ("SELECT SUM(NumberOfEmployees) FROM Account", "INVALIDJOB"),
        ("SELECT FIELDS(STANDARD) FROM Account", "INVALIDJOB"),
        ("SELECT Name, (SELECT LastName FROM Contacts) FROM Account", "INVALIDJOB"),
        ("SELECT BillingAddress FROM Account", "INVALIDJOB"),
        ("SELECT TYPEOF What WHEN Account THEN Name END FROM Task", "MALFORMED_QUERY"),
        ("SELECT Name FROM", "MALFORMED_QUERY"),
        ("SELECT Nmae FROM Account", "INVALID_FIELD"),
        ("SELECT Name FROM Acount", "INVALID_TYPE"),
    ],
)
def test_query_jobs_refuse_what_bulk_queries_cannot_do(api: Any, soql: str, code: str) -> None:
    assert error_of(create_query(api, soql)) == (400, code)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "SELECT Id FROM Account"}, "INVALIDJOB"),
        ({"operation": "query"}, "INVALIDJOB"),
        ({"operation": "select", "query": "SELECT Id FROM Account"}, "INVALIDJOB"),
        ({"operation": "query", "query": "SELECT Id FROM Account", "x": 1}, "JSON_PARSER_ERROR"),
    ],
)
def test_query_job_definitions_are_checked(api: Any, body: dict[str, Any], code: str) -> None:
    assert error_of(api.post("/jobs/query", json=body)) == (400, code)


def test_query_all_sees_deleted_rows(api: Any, bulk_org: FakeOrg) -> None:
    gone = bulk_org.store.create("Account", {"Name": "Deleted Later"})
    bulk_org.store.delete("Account", gone)
    soql = "SELECT Id, IsDeleted FROM Account WHERE Name = 'Deleted Later'"
    found = {}
    for operation in ("query", "queryAll"):
        info = api.post("/jobs/query", json={"operation": operation, "query": soql}).json()
        wait_done(api, info["id"], kind="query")
        found[operation] = rows(api.get(f"/jobs/query/{info['id']}/results").text)[1:]

    assert found["query"] == []
    assert found["queryAll"] == [[gone, "true"]]


def test_query_results_wait_for_completion_and_die_with_the_job(
    api: Any, pace: BulkSettings
) -> None:
    pace.start_delay = 60
    info = create_query(api, "SELECT Id FROM Account").json()
    early = api.get(f"/jobs/query/{info['id']}/results")
    aborted = patch_state(api, info["id"], "Aborted", kind="query")
    after = api.get(f"/jobs/query/{info['id']}/results")
    again = patch_state(api, info["id"], "Aborted", kind="query")
    deleted = api.delete(f"/jobs/query/{info['id']}")
    gone = api.get(f"/jobs/query/{info['id']}")

    assert error_of(early) == (412, "JOB_NOT_COMPLETE")
    assert aborted.json()["state"] == "Aborted"
    assert error_of(after) == (409, "INVALIDJOBSTATE")
    assert error_of(again) == (409, "INVALIDJOBSTATE")
    assert deleted.status_code == 204
    assert error_of(gone) == (404, "NOT_FOUND")


def test_query_results_need_the_jobs_api_version(api: Any) -> None:
    info = create_query(api, "SELECT Id FROM Account").json()
    wait_done(api, info["id"], kind="query")

    assert error_of(api.get(f"/jobs/query/{info['id']}/results", version="57.0"))[0] == 409


def test_query_result_locators_and_sizes_are_checked(api: Any) -> None:
    info = create_query(api, "SELECT Id FROM Account").json()
    wait_done(api, info["id"], kind="query")
    path = f"/jobs/query/{info['id']}/results"

    assert error_of(api.get(path, params={"locator": "null"})) == (400, "INVALID_QUERY_LOCATOR")
    assert error_of(api.get(path, params={"locator": "!!"})) == (400, "INVALID_QUERY_LOCATOR")
    assert error_of(api.get(path, params={"maxRecords": "0"}))[0] == 400


def test_result_pages_list_parallel_downloads(api: Any) -> None:
    # Its own records: how many Accounts the module's org holds depends on the tests run before.
    for n in range(7):
        api.org.store.create("Account", {"Name": f"Result Page {n}"})
    info = create_query(api, "SELECT Id FROM Account WHERE Name LIKE 'Result Page %'").json()
    done = wait_done(api, info["id"], kind="query")
    total = done["numberRecordsProcessed"]
    assert total == 7

    listing = api.get(f"/jobs/query/{info['id']}/resultPages", params={"maxRecords": 1})
    older = api.get(f"/jobs/query/{info['id']}/resultPages", version="57.0")

    body = listing.json()
    assert len(body["resultPages"]) == min(5, total)
    first = body["resultPages"][0]["resultUrl"]
    assert first == f"/services/data/v58.0/jobs/query/{info['id']}/results?locator=MA&maxRecords=1"
    assert body["done"] is (total <= 5)
    page = api.get(body["resultPages"][1]["resultUrl"])
    assert page.headers["Sforce-NumberOfRecords"] == "1"
    assert error_of(older) == (404, "NOT_FOUND")


def test_query_job_list(api: Any) -> None:
    info = create_query(api, "SELECT Id FROM Account").json()
    listing = api.get("/jobs/query").json()

    assert info["id"] in {record["id"] for record in listing["records"]}
    assert all(record["jobType"] in ("V2Query", "Classic") for record in listing["records"])
    ingest_ids = {record["id"] for record in api.get("/jobs/ingest").json()["records"]}
    assert info["id"] not in ingest_ids


# ---- settings ------------------------------------------------------------------------------------


@pytest.mark.fake_org(bulk=BulkSettings.fast(list_page_size=7))
def test_the_fake_org_fixture_takes_bulk_settings(fake_org: FakeOrg) -> None:
    assert fake_org.bulk.list_page_size == 7
    assert fake_org.bulk.rows_per_second is None
    assert fake_org.bulk.start_delay == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [("rows_per_second", 0), ("start_delay", -1), ("chunk_size", 0), ("max_upload_bytes", 1.5)],
)
def test_settings_are_checked_when_changed(name: str, value: Any) -> None:
    settings = BulkSettings()
    with pytest.raises(ValueError, match=name):
        setattr(settings, name, value)
    with pytest.raises(ValueError, match=name):
        BulkSettings(**{name: value})


def test_default_pace_is_realistic() -> None:
    settings = BulkSettings()
    assert settings.start_delay > 0
    assert settings.rows_per_second is not None
    assert settings.max_upload_bytes == 150_000_000 * 3 // 4


def test_bulk2_resources_are_absent_before_their_first_version(api: Any) -> None:
    # Bulk 2.0 ingest arrived in v41.0 and query jobs in v47.0: older versions have no such
    # resource, so every path under them is 404 NOT_FOUND and nothing is created.
    ingest = create(api, object="Account", operation="insert")
    query = create_query(api, "SELECT Id FROM Account").json()
    job = {"object": "Account", "operation": "insert"}
    soql = {"operation": "query", "query": "SELECT Id FROM Account"}

    assert error_of(api.post("/jobs/ingest", json=job, version="40.0")) == (404, "NOT_FOUND")
    assert error_of(api.get("/jobs/ingest", version="40.0")) == (404, "NOT_FOUND")
    assert error_of(api.get(f"/jobs/ingest/{ingest['id']}", version="40.0")) == (404, "NOT_FOUND")
    assert error_of(api.post("/jobs/query", json=soql, version="46.0")) == (404, "NOT_FOUND")
    assert error_of(api.get("/jobs/query", version="46.0")) == (404, "NOT_FOUND")
    assert error_of(api.get(f"/jobs/query/{query['id']}", version="46.0")) == (404, "NOT_FOUND")
    assert api.post("/jobs/ingest", json=job, version="41.0").status_code == 200
    assert api.post("/jobs/query", json=soql, version="47.0").status_code == 200


@pytest.mark.parametrize(
    ("version", "header"),
    [("49.0", ["Acct_Ext__c", "Id", "Name"]), ("50.0", ["Name", "Id", "Acct_Ext__c"])],
)
def test_query_result_columns_follow_the_select_list_from_v50(
    api: Any, version: str, header: list[str]
) -> None:
    # Before v50.0 Bulk 2.0 sorted the result columns by name; it used to keep the SELECT order
    # in every version.
    soql = "SELECT Name, Id, Acct_Ext__c FROM Account WHERE Acct_Ext__c = 'P-1'"
    info = api.post("/jobs/query", json={"operation": "query", "query": soql}, version=version)
    wait_done(api, info.json()["id"], kind="query")

    result = rows(api.get(f"/jobs/query/{info.json()['id']}/results", version=version).text)

    assert result[0] == header
    assert dict(zip(result[0], result[1]))["Acct_Ext__c"] == "P-1"


def test_query_result_locators_are_row_numbers_before_v49(api: Any) -> None:
    # Sforce-Locator became opaque in v49.0; jobs of older versions page with plain row numbers.
    soql = {"operation": "query", "query": "SELECT Id FROM Account LIMIT 2"}
    old = api.post("/jobs/query", json=soql, version="48.0").json()
    new = api.post("/jobs/query", json=soql, version="49.0").json()
    wait_done(api, old["id"], kind="query")
    wait_done(api, new["id"], kind="query")
    old_path, new_path = (f"/jobs/query/{job['id']}/results" for job in (old, new))

    first = api.get(old_path, params={"maxRecords": 1}, version="48.0")
    second = api.get(old_path, params={"maxRecords": 1, "locator": "1"}, version="48.0")
    opaque = api.get(new_path, params={"maxRecords": 1}, version="49.0")

    assert first.headers["Sforce-Locator"] == "1"
    assert second.headers["Sforce-Locator"] == "null"
    assert rows(second.text)[1] != rows(first.text)[1]
    assert opaque.headers["Sforce-Locator"] == "MQ"
    bad = api.get(old_path, params={"locator": "MQ"}, version="48.0")
    assert error_of(bad) == (400, "INVALID_QUERY_LOCATOR")
