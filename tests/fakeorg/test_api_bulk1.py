"""Bulk API 1.0 over HTTP: XML, CSV and JSON jobs and batches, results, errors, authentication."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from lxml import etree

from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.bulk import BulkSettings
from salesforcepy.fakeorg.schema import FieldDef

pytestmark = pytest.mark.integration

NS = "http://www.force.com/2009/06/asyncapi/dataload"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML = "application/xml; charset=UTF-8"


def _seed(store: Any) -> None:
    store.define_object(
        "Byline__c",
        [
            FieldDef("Tweets__c", "double", precision=18, scale=0),
            FieldDef("Url__c", "url"),
            FieldDef("Key__c", "string", length=20, external_id=True, unique=True),
        ],
    )
    store.create("Account", {"Name": "Classic Parent"})


@pytest.fixture(scope="module")
def bulk_org() -> Iterator[FakeOrg]:
    with FakeOrg(seed=_seed, bulk=BulkSettings.fast()) as org:
        yield org


class Async:
    """``requests`` against ``/services/async/58.0`` with ``X-SFDC-Session``."""

    def __init__(self, rest: Any) -> None:
        self.rest = rest

    def url(self, path: str, version: str = "58.0") -> str:
        return f"{self.rest.org.instance_url}/services/async/{version}/{path}"

    def call(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        content_type: str | None = None,
        *,
        session: str | None = None,
        version: str = "58.0",
    ) -> Any:
        headers = {"X-SFDC-Session": self.rest.token if session is None else session}
        if content_type:
            headers["Content-Type"] = content_type
        data = body.encode("utf-8") if isinstance(body, str) else body
        return self.rest.http.request(method, self.url(path, version), data=data, headers=headers)


@pytest.fixture
def api(bulk_org: FakeOrg, rest_for: Any) -> Async:
    return Async(rest_for(bulk_org))


@pytest.fixture
def pace(bulk_org: FakeOrg) -> Iterator[BulkSettings]:
    saved = attrs.asdict(bulk_org.bulk)
    yield bulk_org.bulk
    for key, value in saved.items():
        setattr(bulk_org.bulk, key, value)


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def element(tag: str, **children: str) -> bytes:
    root = etree.Element(q(tag), nsmap={None: NS})
    for name, value in children.items():
        etree.SubElement(root, q(name)).text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def sobjects(*records: dict[str, Any]) -> bytes:
    root = etree.Element(q("sObjects"), nsmap={None: NS, "xsi": XSI})
    for record in records:
        item = etree.SubElement(root, q("sObject"))
        for name, value in record.items():
            field = etree.SubElement(item, q(name))
            if value is None:
                field.set(f"{{{XSI}}}nil", "true")
            elif isinstance(value, dict):
                for inner, inner_value in value.items():
                    etree.SubElement(field, q(inner)).text = inner_value
            else:
                field.text = str(value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def parse(response: Any) -> Any:
    return etree.fromstring(response.content)


def fields(response: Any) -> dict[str, str]:
    root = parse(response)
    return {etree.QName(child).localname: child.text or "" for child in root}


def create_job(api: Async, **values: str) -> dict[str, str]:
    response = api.call("POST", "job", element("jobInfo", **values), XML)
    assert response.status_code == 201, response.text
    return fields(response)


def wait_batch(api: Async, job_id: str, batch_id: str) -> dict[str, str]:
    deadline = time.monotonic() + 15
    while True:
        response = api.call("GET", f"job/{job_id}/batch/{batch_id}")
        info = (
            response.json()
            if response.headers["Content-Type"].startswith("application/json")
            else fields(response)
        )
        if info["state"] not in ("Queued", "InProgress"):
            return info
        assert time.monotonic() < deadline
        time.sleep(0.02)


def error_of(response: Any) -> tuple[int, str]:
    if response.headers["Content-Type"].startswith("application/json"):
        return response.status_code, response.json()["exceptionCode"]
    root = parse(response)
    assert root.tag == q("error")
    return response.status_code, root.findtext(q("exceptionCode"))


# ---- jobs ----------------------------------------------------------------------------------------


def test_create_job_answers_with_a_jobinfo_document(api: Async) -> None:
    response = api.call(
        "POST",
        "job",
        element("jobInfo", operation="insert", object="account", contentType="CSV"),
        XML,
    )

    assert response.status_code == 201
    assert response.headers["Content-Type"].startswith("application/xml")
    root = parse(response)
    assert root.tag == q("jobInfo")
    names = [etree.QName(child).localname for child in root]
    assert names == [
        "id", "operation", "object", "createdById", "createdDate", "systemModstamp", "state",
        "concurrencyMode", "contentType", "numberBatchesQueued", "numberBatchesInProgress",
        "numberBatchesCompleted", "numberBatchesFailed", "numberBatchesTotal",
        "numberRecordsProcessed", "numberRetries", "apiVersion", "numberRecordsFailed",
        "totalProcessingTime", "apiActiveProcessingTime", "apexProcessingTime",
    ]  # fmt: skip
    info = fields(response)
    assert info["id"].startswith("750")
    assert (info["object"], info["state"], info["apiVersion"]) == ("Account", "Open", "58.0")
    assert info["createdDate"].endswith("Z")


def test_json_jobs_answer_in_json(api: Async) -> None:
    response = api.call(
        "POST",
        "job",
        json.dumps({"operation": "insert", "object": "Account", "contentType": "JSON"}),
        "application/json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["contentType"], body["state"], body["apiVersion"]) == ("JSON", "Open", 58.0)
    info = api.call("GET", f"job/{body['id']}")
    assert info.json()["id"] == body["id"]


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"operation": "merge", "object": "Account"}, "InvalidJob"),
        ({"operation": "insert", "object": "Nope__c"}, "InvalidJob"),
        ({"operation": "insert", "object": "Account", "contentType": "YAML"}, "InvalidJob"),
        (
            {"operation": "insert", "object": "Account", "contentType": "ZIP_CSV"},
            "FeatureNotEnabled",
        ),
        ({"operation": "upsert", "object": "Account"}, "InvalidJob"),
        ({"operation": "insert", "object": "Account", "concurrencyMode": "Fast"}, "InvalidJob"),
    ],
)
def test_bad_jobs_are_refused(api: Async, values: dict[str, str], code: str) -> None:
    response = api.call("POST", "job", element("jobInfo", **values), XML)
    assert error_of(response) == (400, code)


def test_malformed_xml_is_invalid_xml(api: Async) -> None:
    assert error_of(api.call("POST", "job", "<jobInfo", XML)) == (400, "InvalidXML")


def test_the_session_goes_in_x_sfdc_session(api: Async) -> None:
    job = create_job(api, operation="insert", object="Account", contentType="CSV")
    bearer = api.rest.http.get(
        api.url(f"job/{job['id']}"), headers={"Authorization": f"Bearer {api.rest.token}"}
    )

    assert error_of(api.call("GET", f"job/{job['id']}", session="nonsense")) == (
        400,
        "InvalidSessionId",
    )
    assert error_of(bearer) == (400, "InvalidSessionId")


def test_retired_versions_are_invalid(api: Async) -> None:
    response = api.call("POST", "job", element("jobInfo", operation="insert"), XML, version="20.0")
    assert error_of(response) == (400, "InvalidVersion")


def test_unknown_jobs_and_batches(api: Async) -> None:
    job = create_job(api, operation="insert", object="Account", contentType="CSV")

    assert error_of(api.call("GET", "job/7505g0000000zzzAAA")) == (400, "InvalidJob")
    assert error_of(api.call("GET", f"job/{job['id']}/batch/7515g0000000zzzAAA")) == (
        400,
        "InvalidBatch",
    )


def test_unknown_urls_and_methods_are_dataload_errors(api: Async) -> None:
    # Bulk 1.0 clients read <error> documents only; an unknown path or method used to get the
    # REST error array.
    job = create_job(api, operation="insert", object="Account", contentType="CSV")

    unknown = api.call("GET", "nothing/here")
    unknown_json = api.call("POST", "jobs", "{}", "application/json")
    wrong_method = api.call("DELETE", f"job/{job['id']}")

    assert error_of(unknown) == (400, "InvalidUrl")
    assert unknown.headers["Content-Type"].startswith("application/xml")
    assert error_of(unknown_json) == (400, "InvalidUrl")
    assert unknown_json.headers["Content-Type"].startswith("application/json")
    assert error_of(wrong_method) == (400, "InvalidUrl")
    assert wrong_method.headers["Allow"] == "GET,HEAD,POST"


# ---- batches -------------------------------------------------------------------------------------


def test_csv_batch_results_come_in_input_order(api: Async) -> None:
    job = create_job(api, operation="insert", object="Account", contentType="CSV")
    body = "Name,NumberOfEmployees\nFirst,1\n,2\nThird,many\nFourth,4\n"
    added = api.call("POST", f"job/{job['id']}/batch", body, "text/csv; charset=UTF-8")
    assert added.status_code == 201
    batch = fields(added)
    assert (batch["state"], batch["jobId"]) == ("Queued", job["id"])

    done = wait_batch(api, job["id"], batch["id"])
    result = api.call("GET", f"job/{job['id']}/batch/{batch['id']}/result")
    request = api.call("GET", f"job/{job['id']}/batch/{batch['id']}/request")

    assert done["state"] == "Completed"
    assert (done["numberRecordsProcessed"], done["numberRecordsFailed"]) == ("4", "2")
    table = list(csv.reader(io.StringIO(result.text)))
    assert table[0] == ["Id", "Success", "Created", "Error"]
    assert [row[1:3] for row in table[1:]] == [
        ["true", "true"],
        ["false", "false"],
        ["false", "false"],
        ["true", "true"],
    ]
    assert table[1][0].startswith("001")
    assert table[2][0] == ""
    assert table[2][3] == "REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --"
    assert table[3][3].startswith("INVALID_TYPE_ON_FIELD_IN_RECORD:")
    assert request.content == body.encode()


def test_xml_update_batch_with_nulls_and_lookups(api: Async, bulk_org: FakeOrg) -> None:
    first = bulk_org.store.create("Byline__c", {"Name": "One", "Tweets__c": 1, "Url__c": "x.io"})
    second = bulk_org.store.create("Byline__c", {"Name": "Two", "Tweets__c": 2})
    job = create_job(api, operation="update", object="Byline__c", contentType="XML")
    batch = fields(
        api.call(
            "POST",
            f"job/{job['id']}/batch",
            sobjects(
                {"Id": first, "Tweets__c": "144", "Url__c": None},
                {"Id": second, "Tweets__c": "lots"},
            ),
            XML,
        )
    )

    assert wait_batch(api, job["id"], batch["id"])["state"] == "Completed"
    result = parse(api.call("GET", f"job/{job['id']}/batch/{batch['id']}/result"))

    items = result.findall(q("result"))
    assert [item.findtext(q("success")) for item in items] == ["true", "false"]
    assert items[0].findtext(q("id")) == first
    assert (
        items[1].findtext(f"{q('errors')}/{q('statusCode')}") == "INVALID_TYPE_ON_FIELD_IN_RECORD"
    )
    assert items[1].findtext(f"{q('errors')}/{q('fields')}") == "Tweets__c"
    record = bulk_org.store.get("Byline__c", first, ["Tweets__c", "Url__c"], api_version="58.0")
    assert (record["Tweets__c"], record["Url__c"]) == (144.0, None)


def test_json_batches_and_results(api: Async) -> None:
    job = api.call(
        "POST",
        "job",
        json.dumps(
            {
                "operation": "upsert",
                "object": "Byline__c",
                "contentType": "JSON",
                "externalIdFieldName": "Key__c",
            }
        ),
        "application/json",
    ).json()
    records = [{"Key__c": "K1", "Name": "Keyed"}, {"Key__c": "K2", "Tweets__c": "x"}]
    added = api.call("POST", f"job/{job['id']}/batch", json.dumps(records), "application/json")
    assert added.status_code == 201
    batch = added.json()

    assert wait_batch(api, job["id"], batch["id"])["state"] == "Completed"
    result = api.call("GET", f"job/{job['id']}/batch/{batch['id']}/result").json()

    assert result[0]["success"] is True
    assert result[0]["created"] is True
    assert result[0]["errors"] == []
    assert result[1]["success"] is False
    assert result[1]["errors"][0]["statusCode"] == "JSON_PARSER_ERROR"


def test_batches_list_and_job_counters(api: Async) -> None:
    job = create_job(api, operation="insert", object="Account", contentType="CSV")
    ids = [
        fields(api.call("POST", f"job/{job['id']}/batch", f"Name\nList {n}\n", "text/csv"))["id"]
        for n in range(2)
    ]
    for batch_id in ids:
        wait_batch(api, job["id"], batch_id)

    listing = parse(api.call("GET", f"job/{job['id']}/batch"))
    info = fields(api.call("GET", f"job/{job['id']}"))

    assert listing.tag == q("batchInfoList")
    assert [item.findtext(q("id")) for item in listing.findall(q("batchInfo"))] == ids
    assert info["numberBatchesTotal"] == "2"
    assert info["numberBatchesCompleted"] == "2"
    assert info["numberRecordsProcessed"] == "2"


def test_closed_jobs_take_no_batches_but_finish_theirs(api: Async) -> None:
    job = create_job(api, operation="insert", object="Account", contentType="CSV")
    batch = fields(api.call("POST", f"job/{job['id']}/batch", "Name\nBefore close\n", "text/csv"))
    closed = api.call("POST", f"job/{job['id']}", element("jobInfo", state="Closed"), XML)
    refused = api.call("POST", f"job/{job['id']}/batch", "Name\nAfter close\n", "text/csv")
    again = api.call("POST", f"job/{job['id']}", element("jobInfo", state="Closed"), XML)

    assert fields(closed)["state"] == "Closed"
    assert error_of(refused) == (400, "InvalidJobState")
    assert "Current job state is 'Closed'" in parse(refused).findtext(q("exceptionMessage"))
    assert error_of(again) == (400, "InvalidJobState")
    assert wait_batch(api, job["id"], batch["id"])["state"] == "Completed"


def test_abort_leaves_queued_batches_not_processed(api: Async, pace: BulkSettings) -> None:
    pace.start_delay = 60
    job = create_job(api, operation="insert", object="Account", contentType="CSV")
    batch = fields(api.call("POST", f"job/{job['id']}/batch", "Name\nNever\n", "text/csv"))
    aborted = api.call("POST", f"job/{job['id']}", element("jobInfo", state="Aborted"), XML)
    early = api.call("GET", f"job/{job['id']}/batch/{batch['id']}/result")

    assert fields(aborted)["state"] == "Aborted"
    assert (
        fields(api.call("GET", f"job/{job['id']}/batch/{batch['id']}"))["state"] == "NotProcessed"
    )
    assert error_of(early) == (400, "InvalidBatch")
    again = api.call("POST", f"job/{job['id']}", element("jobInfo", state="Aborted"), XML)
    assert error_of(again) == (400, "InvalidJobState")


def test_results_wait_for_the_batch(api: Async, pace: BulkSettings) -> None:
    pace.start_delay = 60
    job = create_job(api, operation="insert", object="Account", contentType="CSV")
    batch = fields(api.call("POST", f"job/{job['id']}/batch", "Name\nLater\n", "text/csv"))

    response = api.call("GET", f"job/{job['id']}/batch/{batch['id']}/result")
    # Aborted before asserting: the batch must not run in this module's org a minute later.
    api.call("POST", f"job/{job['id']}", element("jobInfo", state="Aborted"), XML)

    assert error_of(response) == (400, "InvalidBatch")


def test_a_batch_with_an_unknown_column_fails(api: Async) -> None:
    job = create_job(api, operation="insert", object="Account", contentType="CSV")
    batch = fields(api.call("POST", f"job/{job['id']}/batch", "Name,Colour\nx,red\n", "text/csv"))

    done = wait_batch(api, job["id"], batch["id"])

    assert done["state"] == "Failed"
    assert done["stateMessage"] == "InvalidBatch : Field name not found : Colour"


def test_batch_content_type_must_match_the_job(api: Async) -> None:
    job = create_job(api, operation="insert", object="Account", contentType="XML")
    response = api.call("POST", f"job/{job['id']}/batch", "Name\nx\n", "text/csv")
    assert error_of(response) == (400, "InvalidBatch")


def test_oversized_batches_are_refused(api: Async, pace: BulkSettings) -> None:
    pace.classic_max_batch_bytes = 10
    job = create_job(api, operation="insert", object="Account", contentType="CSV")
    response = api.call("POST", f"job/{job['id']}/batch", "Name\nfar too long\n", "text/csv")
    assert error_of(response) == (400, "InvalidBatch")


# ---- query jobs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["CSV", "XML", "JSON"])
def test_query_batches_give_result_ids_and_rows(api: Async, content_type: str) -> None:
    media = {"CSV": "text/csv", "XML": XML, "JSON": "application/json"}[content_type]
    job = create_job(api, operation="query", object="Account", contentType=content_type)
    soql = "SELECT Id, Name, Owner.Name FROM Account WHERE Name = 'Classic Parent'"
    added = api.call("POST", f"job/{job['id']}/batch", soql, media)
    batch_id = added.json()["id"] if content_type == "JSON" else fields(added)["id"]

    assert wait_batch(api, job["id"], batch_id)["state"] == "Completed"
    listing = api.call("GET", f"job/{job['id']}/batch/{batch_id}/result")
    if content_type == "JSON":
        result_ids = listing.json()
    else:
        root = parse(listing)
        assert root.tag == q("result-list")
        result_ids = [item.text for item in root.findall(q("result"))]
    assert len(result_ids) == 1
    assert result_ids[0].startswith("752")
    data = api.call("GET", f"job/{job['id']}/batch/{batch_id}/result/{result_ids[0]}")

    if content_type == "CSV":
        table = list(csv.reader(io.StringIO(data.text)))
        assert table[0] == ["Id", "Name", "Owner.Name"]
        assert table[1][1:] == ["Classic Parent", "Admin User"]
    elif content_type == "XML":
        records = parse(data).findall(q("records"))
        assert len(records) == 1
        assert records[0].findtext(q("type")) == "Account"
        assert records[0].findtext(q("Name")) == "Classic Parent"
        assert records[0].findtext(f"{q('Owner')}/{q('Name')}") == "Admin User"
    else:
        assert data.json()[0]["Name"] == "Classic Parent"
        assert data.json()[0]["Owner"]["Name"] == "Admin User"
    unknown = api.call("GET", f"job/{job['id']}/batch/{batch_id}/result/7525g0000000zzzAAA")
    assert error_of(unknown)[1] == "InvalidBatch"


def test_a_bad_query_fails_its_batch(api: Async) -> None:
    job = create_job(api, operation="query", object="Account", contentType="CSV")
    batch = fields(
        api.call(
            "POST",
            f"job/{job['id']}/batch",
            "SELECT Name, (SELECT Id FROM Contacts) FROM Account",
            "text/csv",
        )
    )

    done = wait_batch(api, job["id"], batch["id"])

    assert done["state"] == "Failed"
    assert done["stateMessage"].startswith("InvalidBatch : Failed to process query:")


def test_classic_jobs_are_listed_by_bulk_2(api: Async) -> None:
    job = create_job(api, operation="insert", object="Account", contentType="CSV")
    listing = api.rest.get("/jobs/ingest", params={"jobType": "Classic"}).json()

    record = next(r for r in listing["records"] if r["id"] == job["id"])
    assert record["jobType"] == "Classic"
    assert record["contentType"] == "CSV"
