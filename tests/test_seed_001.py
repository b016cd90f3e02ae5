"""Every usage example of seed 001 (SalesforcePy's README), run as written against mocked endpoints.

Each test checks both directions: the request that went out (method, URL, query string, headers,
body) and the tuple that came back. The test names follow the seed's headings.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import salesforcepy
from salesforcepy import SentRequest

from .conftest import (
    CREDENTIALS,
    DATA,
    LOGIN_URL,
    TOKEN,
    TOKEN_RESPONSE,
    assert_request,
    parse_multipart,
)

ACCOUNT_ID = "0010Y0000055YG7QAM"
JOB_ID = "7505g00000BSfbrAAD"
JOB_INFO = {
    "id": JOB_ID,
    "operation": "insert",
    "object": "Account",
    "state": "Open",
    "lineEnding": "CRLF",
    "contentUrl": f"services/data/v58.0/jobs/ingest/{JOB_ID}/batches",
}


def test_login(requests_mock: Any) -> None:
    requests_mock.post(f"{LOGIN_URL}/services/oauth2/token", json=TOKEN_RESPONSE)
    client = salesforcepy.client(**CREDENTIALS, version="58.0")
    body, request = client.login()
    assert_request(
        requests_mock.last_request,
        "POST",
        f"{LOGIN_URL}/services/oauth2/token",
        content_type="application/x-www-form-urlencoded",
        authenticated=False,
        body=(
            b"grant_type=password&client_id=3MVG9FakeConsumerKey"
            b"&client_secret=1955FakeConsumerSecret&username=dev%40example.com"
            b"&password=hunter2-Pa55AbC123SecTok"
        ),
    )
    assert request.status == 200
    assert body["instance_url"] == "https://acme.my.salesforce.com"
    assert client.session is not None
    assert client.session.access_token == TOKEN


def test_query(sf: salesforcepy.Client, requests_mock: Any) -> None:
    result = {"totalSize": 1, "done": True, "records": [{"Id": ACCOUNT_ID, "Name": "Acme"}]}
    requests_mock.get(f"{DATA}/query", json=result)

    query_results = sf.query("SELECT Id, Name FROM Account LIMIT 1")

    assert_request(
        requests_mock.last_request,
        "GET",
        f"{DATA}/query",
        query=[("q", "SELECT Id, Name FROM Account LIMIT 1")],
    )
    assert query_results[0] == result
    assert isinstance(query_results[1], SentRequest)
    assert query_results[1].status == 200


def test_query_more(sf: salesforcepy.Client, requests_mock: Any) -> None:
    locator = "/services/data/v58.0/query/01g5g00000WSKTzAAP-2000"
    page1 = {"totalSize": 3, "done": False, "nextRecordsUrl": locator, "records": [{"Id": "1"}]}
    page2 = {"totalSize": 3, "done": True, "records": [{"Id": "2"}, {"Id": "3"}]}
    requests_mock.get(f"{DATA}/query", json=page1)
    requests_mock.get(f"https://acme.my.salesforce.com{locator}", json=page2)

    query_results = sf.query_more("SELECT Id, Name FROM Account")

    first, second = requests_mock.request_history
    assert_request(first, "GET", f"{DATA}/query", query=[("q", "SELECT Id, Name FROM Account")])
    assert_request(second, "GET", f"https://acme.my.salesforce.com{locator}")
    assert query_results[0] == [page1, page2]
    assert query_results[1].url == f"https://acme.my.salesforce.com{locator}"


def test_insert_sobjects(sf: salesforcepy.Client, requests_mock: Any) -> None:
    created = {"id": ACCOUNT_ID, "success": True, "errors": []}
    requests_mock.post(f"{DATA}/sobjects/Account/", json=created, status_code=201)

    create_result = sf.sobjects(object_type="Account").insert({"Name": "SalesforcePy"})

    assert_request(
        requests_mock.last_request,
        "POST",
        f"{DATA}/sobjects/Account/",
        json={"Name": "SalesforcePy"},
    )
    assert create_result[0] == created
    assert create_result[1].status == 201


def test_update_sobjects(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.patch(f"{DATA}/sobjects/Account/{ACCOUNT_ID}", status_code=204)

    update_result = sf.sobjects(id="0010Y0000055YG7QAM", object_type="Account").update(
        {"Name": "SalesforcePy 2"}
    )

    assert_request(
        requests_mock.last_request,
        "PATCH",
        f"{DATA}/sobjects/Account/{ACCOUNT_ID}",
        json={"Name": "SalesforcePy 2"},
    )
    assert update_result[0] is None
    assert update_result[1].status == 204


def test_delete_sobjects(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.delete(f"{DATA}/sobjects/Account/{ACCOUNT_ID}", status_code=204)

    delete_result = sf.sobjects(id="0010Y0000055YG7QAM", object_type="Account").delete()

    assert_request(requests_mock.last_request, "DELETE", f"{DATA}/sobjects/Account/{ACCOUNT_ID}")
    assert delete_result[0] is None
    assert delete_result[1].status == 204


def test_query_sobject_row(sf: salesforcepy.Client, requests_mock: Any) -> None:
    row = {
        "attributes": {
            "type": "Account",
            "url": "/services/data/v58.0/sobjects/Account/0010Y0000056ljcQAA",
        },
        "Id": "0010Y0000056ljcQAA",
        "Name": "Acme",
    }
    requests_mock.get(f"{DATA}/sobjects/Account/0010Y0000056ljcQAA", json=row)

    query_result = sf.sobjects(object_type="Account", id="0010Y0000056ljcQAA").query()

    assert_request(requests_mock.last_request, "GET", f"{DATA}/sobjects/Account/0010Y0000056ljcQAA")
    assert query_result[0] == row


def test_describe_sobject(sf: salesforcepy.Client, requests_mock: Any) -> None:
    describe = {"name": "Account", "fields": [{"name": "Id", "type": "id"}]}
    requests_mock.get(f"{DATA}/sobjects/Account/describe/", json=describe)

    describe_result = sf.sobjects(object_type="Account").describe()

    assert_request(requests_mock.last_request, "GET", f"{DATA}/sobjects/Account/describe/")
    assert describe_result[0] == describe


def test_describe_global(sf: salesforcepy.Client, requests_mock: Any) -> None:
    describe = {"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": [{"name": "Account"}]}
    requests_mock.get(f"{DATA}/sobjects/", json=describe)

    describe_global_result = sf.sobjects().describe_global()

    assert_request(requests_mock.last_request, "GET", f"{DATA}/sobjects/")
    assert describe_global_result[0] == describe


def test_insert_file(sf: salesforcepy.Client, requests_mock: Any) -> None:
    created = {"id": "00P5g00000AbCdEAAV", "success": True, "errors": []}
    requests_mock.post(f"{DATA}/sobjects/Attachment/", json=created, status_code=201)

    file = ("SalesforcePy.txt", "Hello world", "text/plain")
    insert_result = sf.sobjects(object_type="Attachment", binary_field="Body").insert(
        {
            "Name": "SalesforcePy",
            "ParentId": "0010Y0000056ljcQAA",
            "Description": "An excellent package",
        },
        binary=file,
    )

    sent = requests_mock.last_request
    assert_request(
        sent,
        "POST",
        f"{DATA}/sobjects/Attachment/",
        body=sent.body,
        content_type=sent.headers["Content-Type"],
    )
    form, files = parse_multipart(sent.body, sent.headers["Content-Type"])
    assert json.loads(form["entity_attachment"]) == {
        "Name": "SalesforcePy",
        "ParentId": "0010Y0000056ljcQAA",
        "Description": "An excellent package",
    }
    assert files["Body"].filename == "SalesforcePy.txt"
    assert files["Body"].content_type == "text/plain"
    assert files["Body"].content == b"Hello world"
    assert insert_result[0] == created
    assert insert_result[1].status == 201


def test_execute_anonymous(sf: salesforcepy.Client, requests_mock: Any) -> None:
    result = {"line": -1, "column": -1, "compiled": True, "success": True, "compileProblem": None}
    requests_mock.get(f"{DATA}/tooling/executeAnonymous/", json=result)

    ea_result = sf.execute_anonymous("system.debug('Hello world.');")

    assert_request(
        requests_mock.last_request,
        "GET",
        f"{DATA}/tooling/executeAnonymous/",
        query=[("anonymousBody", "system.debug('Hello world.');")],
    )
    assert ea_result[0] == result


def test_approval_process(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requestBody = {
        "requests": [
            {
                "actionType": "Submit",
                "contextId": "00161000011ueBV",
                "nextApproverIds": ["00561000000j3h2"],
                "comments": "this is a test",
                "contextActorId": "005610000027SlY",
                "processDefinitionNameOrId": "test_account",
                "skipEntryCriteria": "true",
            }
        ]
    }
    results = [
        {
            "actorIds": ["00561000000j3h2AAA"],
            "entityId": "00161000011ueBVAAY",
            "errors": None,
            "instanceId": "04g5g000000Cvm5AAC",
            "instanceStatus": "Pending",
            "newWorkitemIds": ["04i5g000001FEgNAAW"],
            "success": True,
        }
    ]
    requests_mock.post(f"{DATA}/process/approvals/", json=results)

    ap_result = sf.approvals(requestBody)

    assert_request(
        requests_mock.last_request, "POST", f"{DATA}/process/approvals/", json=requestBody
    )
    assert ap_result[0] == results


def test_approvals_list(sf: salesforcepy.Client, requests_mock: Any) -> None:
    listing = {"approvals": {"Account": [{"id": "04a5g00000008Py", "name": "Account Approval"}]}}
    requests_mock.get(f"{DATA}/process/approvals/", json=listing)

    ap_result = sf.approvals()

    assert_request(requests_mock.last_request, "GET", f"{DATA}/process/approvals/")
    assert ap_result[0] == listing


FEED_ITEM_BODY = {
    "body": {"messageSegments": [{"type": "Text", "text": "Hello"}]},
    "feedElementType": "FeedItem",
    "subjectId": "me",
}


def test_chatter_feed_item(sf: salesforcepy.Client, requests_mock: Any) -> None:
    item = {"id": "0D55g00000T7MxRCAV", "type": "TextPost"}
    requests_mock.post(f"{DATA}/chatter/feed-elements", json=item, status_code=201)

    body = FEED_ITEM_BODY
    result = sf.chatter.feed_item(body)

    assert_request(requests_mock.last_request, "POST", f"{DATA}/chatter/feed-elements", json=body)
    assert result[0] == item
    assert result[1].status == 201


def test_chatter_feed_comment(sf: salesforcepy.Client, requests_mock: Any) -> None:
    comment = {"id": "0D75g00000AbCdECAV", "type": "TextComment"}
    url = f"{DATA}/chatter/feed-elements/0D55g00000T7MxRCAV/capabilities/comments/items"
    requests_mock.post(url, json=comment, status_code=201)

    body = {"body": {"messageSegments": [{"type": "Text", "text": "New comment"}]}}
    # The seed's placeholder 'feed-elementid' stands for a feed element id.
    result = sf.chatter.feed_comment("0D55g00000T7MxRCAV", body)

    assert_request(requests_mock.last_request, "POST", url, json=body)
    assert result[0] == comment
    assert result[1].status == 201


def test_wave_dataset(sf: salesforcepy.Client, requests_mock: Any) -> None:
    dataset = {"id": "0Fb5g000000XuvBCAS", "name": "opportunities", "type": "dataset"}
    requests_mock.get(f"{DATA}/wave/datasets/opportunities", json=dataset)

    result = sf.wave.dataset("opportunities")

    assert_request(requests_mock.last_request, "GET", f"{DATA}/wave/datasets/opportunities")
    assert result[0] == dataset


def test_wave_query(sf: salesforcepy.Client, requests_mock: Any) -> None:
    query = {
        "query": """q = load \"0Fb0N000000XuvBSAS/0Fc0N000001M5BMSA0\";\nq = filter q by 'Account.Industry' in
[\"Apparel\", \"Banking\", \"Biotechnology\"];\nq = group q by 'Account.Industry';\nq = foreach q generate
'Account.Industry' as 'Account.Industry', count() as 'count';\nq = order q by 'Account.Industry' asc;\nq = limit q
2000;"""  # noqa: E501 - the seed's text, verbatim
    }
    answer = {
        "action": "query",
        "results": {"records": [{"Account.Industry": "Apparel", "count": 49}]},
    }
    requests_mock.post(f"{DATA}/wave/query", json=answer)

    result = sf.wave.query(query)

    assert_request(requests_mock.last_request, "POST", f"{DATA}/wave/query", json=query)
    assert result[0] == answer


def test_bulk_create_job(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(f"{DATA}/jobs/ingest/", json=JOB_INFO)

    job_resource = {"object": "Account", "operation": "insert", "lineEnding": "CRLF"}
    result = sf.jobs.ingest.create(job_resource=job_resource)

    assert_request(requests_mock.last_request, "POST", f"{DATA}/jobs/ingest/", json=job_resource)
    assert result[0] == JOB_INFO


def test_bulk_upload_job_data(sf: salesforcepy.Client, requests_mock: Any, tmp_path: Any) -> None:
    requests_mock.post(f"{DATA}/jobs/ingest/", json=JOB_INFO)
    requests_mock.put(f"{DATA}/jobs/ingest/{JOB_ID}/batches", status_code=201)
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("Name,Industry\r\nAcmé,Banking\r\n", encoding="utf-8")

    job_resource = {"object": "Account", "operation": "insert", "lineEnding": "CRLF"}
    create_result = sf.jobs.ingest.create(job_resource=job_resource)
    with open(accounts, encoding="utf-8", newline="") as f:
        csv_file = f.read()
        job_id = create_result[0].get("id")
        batches_result = sf.jobs.ingest.batches(job_id=job_id, csv_file=csv_file)

    assert_request(
        requests_mock.last_request,
        "PUT",
        f"{DATA}/jobs/ingest/{JOB_ID}/batches",
        body="Name,Industry\r\nAcmé,Banking\r\n".encode(),
        content_type="text/csv",
    )
    assert batches_result[0] is None
    assert batches_result[1].status == 201


def test_bulk_update_job_state(sf: salesforcepy.Client, requests_mock: Any) -> None:
    closed = {**JOB_INFO, "state": "UploadComplete"}
    requests_mock.patch(f"{DATA}/jobs/ingest/{JOB_ID}", json=closed)

    job_id = JOB_ID
    result = sf.jobs.ingest.update(job_id=job_id, state="UploadComplete")

    assert_request(
        requests_mock.last_request,
        "PATCH",
        f"{DATA}/jobs/ingest/{JOB_ID}",
        json={"state": "UploadComplete"},
    )
    assert result[0] == closed


def test_bulk_update_example_reads_the_job_id_as_written(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    # The seed's "Update a job state" example reads create_result[0].get("Id") although the key is
    # "id": bodies look keys up case-insensitively on a miss, so the example runs as written.
    requests_mock.post(f"{DATA}/jobs/ingest/", json=JOB_INFO)
    requests_mock.put(f"{DATA}/jobs/ingest/{JOB_ID}/batches", status_code=201)
    create_result = sf.jobs.ingest.create(
        job_resource={"object": "Account", "operation": "insert", "lineEnding": "CRLF"}
    )
    job_id = create_result[0].get("Id")
    assert job_id == JOB_ID
    batches_result = sf.jobs.ingest.batches(job_id=job_id, csv_file="Name\r\nAcme\r\n")
    assert batches_result[1].status == 201
    assert requests_mock.last_request.url == f"{DATA}/jobs/ingest/{JOB_ID}/batches"


def test_bulk_upload_without_a_job_id_fails_before_sending(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    with pytest.raises(TypeError, match="job_id"):
        sf.jobs.ingest.batches(job_id=None, csv_file="Name\r\nAcme\r\n")
    assert requests_mock.call_count == 0


def test_bulk_delete_job(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.delete(f"{DATA}/jobs/ingest/{JOB_ID}", status_code=204)

    delete_result = sf.jobs.ingest.delete(job_id=JOB_ID)

    assert_request(requests_mock.last_request, "DELETE", f"{DATA}/jobs/ingest/{JOB_ID}")
    assert delete_result[0] is None
    assert delete_result[1].status == 204


def test_bulk_get_all_jobs(sf: salesforcepy.Client, requests_mock: Any) -> None:
    listing = {"done": True, "nextRecordsUrl": None, "records": [JOB_INFO]}
    requests_mock.get(f"{DATA}/jobs/ingest", json=listing)

    get_result = sf.jobs.ingest.get()

    assert_request(requests_mock.last_request, "GET", f"{DATA}/jobs/ingest")
    assert get_result[0] == listing


def test_bulk_get_job_info(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{DATA}/jobs/ingest/{JOB_ID}", json=JOB_INFO)

    get_result = sf.jobs.ingest.get(job_id=JOB_ID)

    assert_request(requests_mock.last_request, "GET", f"{DATA}/jobs/ingest/{JOB_ID}")
    assert get_result[0] == JOB_INFO


@pytest.mark.parametrize(
    ("flag", "segment", "csv"),
    [
        ("successes", "successfulResults", '"sf__Id","sf__Created",Name\n"001","true","Acme"\n'),
        (
            "failures",
            "failedResults",
            '"sf__Id","sf__Error",Name\n"","REQUIRED_FIELD_MISSING:x --",""\n',
        ),
        ("unprocessed", "unprocessedrecords", "Name\nAcme\n"),
    ],
)
def test_bulk_get_job_results(
    sf: salesforcepy.Client, requests_mock: Any, flag: str, segment: str, csv: str
) -> None:
    url = f"{DATA}/jobs/ingest/{JOB_ID}/{segment}/"
    requests_mock.get(url, text=csv, headers={"Content-Type": "text/csv"})

    get_result = sf.jobs.ingest.get(job_id=JOB_ID, **{flag: True})

    assert_request(requests_mock.last_request, "GET", url, headers={"Accept": "text/csv"})
    assert get_result[0] == csv
    assert isinstance(get_result[0], str)


def test_logout(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(f"{LOGIN_URL}/services/oauth2/revoke", status_code=200, text="")

    result = sf.logout()

    assert_request(
        requests_mock.last_request,
        "POST",
        f"{LOGIN_URL}/services/oauth2/revoke",
        authenticated=False,
        body=f"token={TOKEN.replace('!', '%21')}".encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert result[1].status == 200
    assert result[0] is None
    assert not sf.logged_in
