"""jobs.legacy (Bulk API 1.0): URLs, X-SFDC-Session, XML/CSV/JSON bodies, answers and errors."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from lxml import etree

import salesforcepy
from salesforcepy.exceptions import BadRequest, InvalidSessionId
from salesforcepy.resources.jobs.legacy import ContentType, LegacyOperation

from ...conftest import INSTANCE_URL, TOKEN, login

ASYNC = f"{INSTANCE_URL}/services/async/58.0"
NS = "http://www.force.com/2009/06/asyncapi/dataload"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
JOB_ID = "7505g00000004SkAAI"
BATCH_ID = "7515g00000008cBAAQ"

JOB_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<jobInfo xmlns="{NS}">
  <id>{JOB_ID}</id><operation>update</operation><object>Byline__c</object>
  <state>Open</state><contentType>XML</contentType><numberBatchesTotal>0</numberBatchesTotal>
  <numberRecordsProcessed>0</numberRecordsProcessed><apiVersion>58.0</apiVersion>
</jobInfo>"""
XML_TYPE = {"Content-Type": "application/xml"}


def error_xml(code: str, message: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><error xmlns="{NS}"><exceptionCode>{code}'
        f"</exceptionCode><exceptionMessage>{message}</exceptionMessage></error>"
    )


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def sent_xml(requests_mock: Any) -> Any:
    return etree.fromstring(requests_mock.last_request.body)


def test_create_job_posts_xml_with_the_session_header(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    requests_mock.post(f"{ASYNC}/job", text=JOB_XML, status_code=201, headers=XML_TYPE)

    body, request = sf.jobs.legacy.create_job(
        "Byline__c", LegacyOperation.UPDATE, content_type=ContentType.XML
    )

    sent = requests_mock.last_request
    assert sent.url == f"{ASYNC}/job"
    assert sent.headers["X-SFDC-Session"] == TOKEN
    assert "Authorization" not in sent.headers
    assert sent.headers["Content-Type"] == "application/xml; charset=UTF-8"
    root = sent_xml(requests_mock)
    assert root.tag == q("jobInfo")
    assert [(etree.QName(c).localname, c.text) for c in root] == [
        ("operation", "update"),
        ("object", "Byline__c"),
        ("contentType", "XML"),
    ]
    assert request.status == 201
    assert body == {
        "id": JOB_ID,
        "operation": "update",
        "object": "Byline__c",
        "state": "Open",
        "contentType": "XML",
        "numberBatchesTotal": 0,
        "numberRecordsProcessed": 0,
        "apiVersion": 58.0,
    }


def test_json_jobs_are_created_with_json(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(f"{ASYNC}/job", json={"id": JOB_ID, "state": "Open"}, status_code=201)

    body, _ = sf.jobs.legacy.create_job(
        "Account",
        "upsert",
        content_type="JSON",
        external_id_field="Ext__c",
        concurrency_mode="Serial",
        assignment_rule_id="01Q000000000001",
    )

    assert requests_mock.last_request.json() == {
        "operation": "upsert",
        "object": "Account",
        "externalIdFieldName": "Ext__c",
        "concurrencyMode": "Serial",
        "contentType": "JSON",
        "assignmentRuleId": "01Q000000000001",
    }
    assert body["id"] == JOB_ID


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "word"),
    [
        (("../x", "insert"), {}, ValueError, "object_type"),
        (("Account", "merge"), {}, ValueError, "operation"),
        (("Account", "upsert"), {}, TypeError, "external_id_field"),
        (("Account", "insert"), {"external_id_field": "Ext__c"}, ValueError, "upsert"),
        (("Account", "insert"), {"content_type": "YAML"}, ValueError, "content_type"),
        (("Account", "insert"), {"concurrency_mode": "Fast"}, ValueError, "concurrency_mode"),
    ],
)
def test_create_job_validates_before_sending(
    sf: salesforcepy.Client,
    requests_mock: Any,
    args: tuple[str, ...],
    kwargs: dict[str, Any],
    error: type,
    word: str,
) -> None:
    with pytest.raises(error, match=word):
        sf.jobs.legacy.create_job(*args, **kwargs)
    assert not requests_mock.called


def test_the_version_goes_without_v_and_can_be_overridden(requests_mock: Any) -> None:
    client = login(requests_mock, version="57.0")
    requests_mock.get(
        f"{INSTANCE_URL}/services/async/57.0/job/{JOB_ID}", text=JOB_XML, headers=XML_TYPE
    )
    requests_mock.get(
        f"{INSTANCE_URL}/services/async/59.0/job/{JOB_ID}", text=JOB_XML, headers=XML_TYPE
    )

    client.jobs.legacy.get_job(JOB_ID)
    first = requests_mock.last_request.url
    client.jobs.legacy.get_job(JOB_ID, version="59.0")

    assert first == f"{INSTANCE_URL}/services/async/57.0/job/{JOB_ID}"
    assert requests_mock.last_request.url == f"{INSTANCE_URL}/services/async/59.0/job/{JOB_ID}"


def test_close_and_abort_send_the_state(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(
        f"{ASYNC}/job/{JOB_ID}", text=JOB_XML.replace("Open", "Closed"), headers=XML_TYPE
    )

    body, _ = sf.jobs.legacy.close_job(JOB_ID)
    closed = sent_xml(requests_mock)
    sf.jobs.legacy.abort_job(JOB_ID)
    aborted = sent_xml(requests_mock)
    sf.jobs.legacy.close_job(JOB_ID, json=True)

    assert closed.tag == q("jobInfo")
    assert closed.findtext(q("state")) == "Closed"
    assert aborted.findtext(q("state")) == "Aborted"
    assert requests_mock.last_request.json() == {"state": "Closed"}
    assert body["state"] == "Closed"


def test_xml_batches_are_built_with_lxml(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(
        f"{ASYNC}/job/{JOB_ID}/batch",
        status_code=201,
        headers=XML_TYPE,
        text=f'<batchInfo xmlns="{NS}"><id>{BATCH_ID}</id><state>Queued</state></batchInfo>',
    )
    records = [
        {"Id": "a005g000001AbCdAAA", "Tweets__c": 144, "Title__c": "<b>Fish & Chips</b>"},
        {"Id": "a005g000001AbCeAAA", "Url__c": None, "Author__r": {"Key__c": "W-1"}},
    ]

    body, _ = sf.jobs.legacy.add_batch(JOB_ID, records, content_type="XML")

    assert requests_mock.last_request.headers["Content-Type"] == "application/xml; charset=UTF-8"
    root = sent_xml(requests_mock)
    assert root.tag == q("sObjects")
    first, second = root.findall(q("sObject"))
    assert first.findtext(q("Tweets__c")) == "144"
    assert first.findtext(q("Title__c")) == "<b>Fish & Chips</b>"
    assert b"&lt;b&gt;Fish &amp; Chips" in requests_mock.last_request.body
    assert second.find(q("Url__c")).get(f"{{{XSI}}}nil") == "true"
    assert second.findtext(f"{q('Author__r')}/{q('Key__c')}") == "W-1"
    assert body == {"id": BATCH_ID, "state": "Queued"}


def test_csv_and_json_batches(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(f"{ASYNC}/job/{JOB_ID}/batch", status_code=201, json={"id": BATCH_ID})
    records = [{"Name": "a, b", "Phone": None}, {"Name": "c", "Active__c": True}]

    sf.jobs.legacy.add_batch(JOB_ID, records)
    sent_csv = requests_mock.last_request
    sf.jobs.legacy.add_batch(JOB_ID, records, content_type=ContentType.JSON)
    sent_json = requests_mock.last_request
    sf.jobs.legacy.add_batch(JOB_ID, "SELECT Id FROM Account", content_type="CSV")

    assert sent_csv.headers["Content-Type"] == "text/csv; charset=UTF-8"
    assert list(csv.reader(io.StringIO(sent_csv.body.decode()))) == [
        ["Name", "Phone", "Active__c"],
        ["a, b", "#N/A", ""],
        ["c", "", "true"],
    ]
    assert sent_json.headers["Content-Type"] == "application/json"
    assert json.loads(sent_json.body) == records
    assert requests_mock.last_request.body == b"SELECT Id FROM Account"


@pytest.mark.parametrize(
    ("data", "kwargs", "error", "word"),
    [
        ("", {}, ValueError, "data"),
        (b"", {}, ValueError, "data"),
        ([], {}, ValueError, "empty"),
        ({"Name": "x"}, {}, TypeError, "iterable of dicts"),
        ([{"Bad Name": "x"}], {"content_type": "XML"}, ValueError, "field name"),
        ([{"Name": object()}], {"content_type": "XML"}, TypeError, "Name"),
        ([{"Name": "x"}], {"content_type": "ZIP_CSV"}, TypeError, "bytes"),
        # Salesforce cannot store NaN or infinity (the Bulk 2.0 load helper refuses them too).
        ([{"Amount": float("nan")}], {}, ValueError, "Amount"),
        ([{"Amount": float("inf")}], {"content_type": "XML"}, ValueError, "Amount"),
        ([{"Account": {"Ext__c": float("-inf")}}], {"content_type": "XML"}, ValueError, "Ext__c"),
    ],
)
def test_add_batch_validates_before_sending(
    sf: salesforcepy.Client,
    requests_mock: Any,
    data: Any,
    kwargs: dict[str, Any],
    error: type,
    word: str,
) -> None:
    with pytest.raises(error, match=word):
        sf.jobs.legacy.add_batch(JOB_ID, data, **kwargs)
    assert not requests_mock.called


def test_record_values_are_written_as_the_bulk_2_load_helper_writes_them(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    import datetime as dt
    import decimal

    requests_mock.post(f"{ASYNC}/job/{JOB_ID}/batch", status_code=201, json={"id": BATCH_ID})
    when = dt.datetime(2024, 5, 20, 18, 49, 32, 123456, tzinfo=dt.timezone.utc)
    records = [{"Amount": decimal.Decimal("1E+2"), "Rate": 0.1, "At": when, "On": when.date()}]

    sf.jobs.legacy.add_batch(JOB_ID, records)

    assert list(csv.reader(io.StringIO(requests_mock.last_request.body.decode()))) == [
        ["Amount", "Rate", "At", "On"],
        ["100", "0.1", "2024-05-20T18:49:32.123Z", "2024-05-20"],
    ]


def test_batch_lists_and_results_become_python_values(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    requests_mock.get(
        f"{ASYNC}/job/{JOB_ID}/batch",
        headers=XML_TYPE,
        text=f'<batchInfoList xmlns="{NS}"><batchInfo><id>{BATCH_ID}</id><state>Completed</state>'
        "<numberRecordsFailed>1</numberRecordsFailed></batchInfo></batchInfoList>",
    )
    requests_mock.get(
        f"{ASYNC}/job/{JOB_ID}/batch/{BATCH_ID}/result",
        headers=XML_TYPE,
        text=f'<results xmlns="{NS}"><result><id>001</id><success>true</success>'
        "<created>false</created></result><result><errors><fields>Name</fields>"
        "<message>Required fields are missing: [Name]</message>"
        "<statusCode>REQUIRED_FIELD_MISSING</statusCode></errors><success>false</success>"
        "<created>false</created></result></results>",
    )

    batches, _ = sf.jobs.legacy.get_batches(JOB_ID)
    results, _ = sf.jobs.legacy.get_batch_result(JOB_ID, BATCH_ID)

    assert batches == {
        "batchInfo": [{"id": BATCH_ID, "state": "Completed", "numberRecordsFailed": 1}]
    }
    assert results == [
        {"id": "001", "success": True, "created": False, "errors": []},
        {
            "id": None,
            "success": False,
            "created": False,
            "errors": [
                {
                    "fields": ["Name"],
                    "message": "Required fields are missing: [Name]",
                    "statusCode": "REQUIRED_FIELD_MISSING",
                }
            ],
        },
    ]


def test_query_result_ids_and_data(sf: salesforcepy.Client, requests_mock: Any) -> None:
    result_id = "7525g000000AbCd"
    base = f"{ASYNC}/job/{JOB_ID}/batch/{BATCH_ID}/result"
    requests_mock.get(
        base,
        headers=XML_TYPE,
        text=f'<result-list xmlns="{NS}"><result>{result_id}</result></result-list>',
    )
    requests_mock.get(
        f"{base}/{result_id}", headers={"Content-Type": "text/csv"}, text='"Id"\n"001"\n'
    )

    ids, _ = sf.jobs.legacy.get_batch_result(JOB_ID, BATCH_ID)
    data, _ = sf.jobs.legacy.get_query_result(JOB_ID, BATCH_ID, ids[0])

    assert ids == [result_id]
    assert data == '"Id"\n"001"\n'
    with pytest.raises(ValueError, match="result_id"):
        sf.jobs.legacy.get_query_result(JOB_ID, BATCH_ID, "../x")


def test_csv_results_and_batch_requests_stay_text(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    base = f"{ASYNC}/job/{JOB_ID}/batch/{BATCH_ID}"
    requests_mock.get(
        f"{base}/result", headers={"Content-Type": "text/csv"}, text='"Id","Success"\n'
    )
    requests_mock.get(f"{base}/request", headers=XML_TYPE, text=f'<sObjects xmlns="{NS}"/>')

    results, _ = sf.jobs.legacy.get_batch_result(JOB_ID, BATCH_ID)
    sent, _ = sf.jobs.legacy.get_batch_request(JOB_ID, BATCH_ID)

    assert results == '"Id","Success"\n'
    assert sent == f'<sObjects xmlns="{NS}"/>'


def test_errors_are_typed(sf: salesforcepy.Client, requests_mock: Any) -> None:
    message = "Failed to create batch, since the Job is not Open. Current job state is 'Closed'"
    requests_mock.post(
        f"{ASYNC}/job/{JOB_ID}/batch",
        status_code=400,
        headers=XML_TYPE,
        text=error_xml("InvalidJobState", message),
    )
    requests_mock.get(
        f"{ASYNC}/job/{JOB_ID}",
        status_code=400,
        json={"exceptionCode": "InvalidSessionId", "exceptionMessage": "Invalid session id"},
    )

    body, request = sf.jobs.legacy.add_batch(JOB_ID, "Name\nx\n")
    _, expired = sf.jobs.legacy.get_job(JOB_ID)

    error = request.exceptions[0]
    assert isinstance(error, BadRequest)
    assert (error.error_code, error.message, error.status) == ("InvalidJobState", message, 400)
    assert body == {"exceptionCode": "InvalidJobState", "exceptionMessage": message}
    assert isinstance(expired.exceptions[0], InvalidSessionId)


def test_strict_mode_raises_the_typed_error(requests_mock: Any) -> None:
    client = login(requests_mock, strict=True)
    requests_mock.get(
        f"{ASYNC}/job/{JOB_ID}",
        status_code=400,
        headers=XML_TYPE,
        text=error_xml("InvalidSessionId", "Invalid session id"),
    )

    with pytest.raises(InvalidSessionId, match="Invalid session id"):
        client.jobs.legacy.get_job(JOB_ID)


def test_a_garbled_xml_answer_is_a_parse_error(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{ASYNC}/job/{JOB_ID}", headers=XML_TYPE, text="<jobInfo><id>")

    body, request = sf.jobs.legacy.get_job(JOB_ID)

    assert body == "<jobInfo><id>"
    assert type(request.exceptions[0]).__name__ == "ParseError"


def test_wait_polls_the_batch_list(sf: salesforcepy.Client, requests_mock: Any) -> None:
    def listing(*states: str) -> str:
        items = "".join(f"<batchInfo><state>{s}</state></batchInfo>" for s in states)
        return f'<batchInfoList xmlns="{NS}">{items}</batchInfoList>'

    requests_mock.get(
        f"{ASYNC}/job/{JOB_ID}/batch",
        [
            {"text": listing("Completed", "InProgress"), "headers": XML_TYPE},
            {"text": listing("Completed", "Failed"), "headers": XML_TYPE},
        ],
    )

    body, _ = sf.jobs.legacy.wait(JOB_ID, poll_interval=0.001)

    assert [info["state"] for info in body["batchInfo"]] == ["Completed", "Failed"]
    assert requests_mock.call_count == 2
