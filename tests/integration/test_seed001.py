# ruff: noqa: E501 - the examples are copied verbatim, long lines included
"""Every usage example of seed 001 except Bulk, run as written against ``FakeOrg(seed="demo")``.

The example code is copied verbatim (the client variable is ``client``); only what an example
leaves to the reader is filled in: the Chatter bodies ("see the Chatter REST API Developer
Guide") and the id of the feed element to comment on (the example's ``'feed-elementid'``
placeholder). The demo seed holds the records, users, approval process (``test_account``) and
Wave dataset version (``0Fb0N000000XuvBSAS/0Fc0N000001M5BMSA0``) the examples name.

Each test checks the returned ``(body, request)`` tuple and what the org holds afterwards, read
through another call or the store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
import requests

import salesforcepy
from salesforcepy import SentRequest
from salesforcepy.fakeorg import FakeOrg

from ._demo import *  # noqa: F403  (the demo_db and demo_org fixtures)

pytestmark = pytest.mark.integration


@pytest.fixture
def client(demo_org: FakeOrg) -> Iterator[salesforcepy.Client]:
    """The examples' ``client``: "Once the login call has been performed successfully"."""
    client = salesforcepy.client(**demo_org.credentials)
    login = client.login()
    assert login[1].status == 200
    yield client
    client.close()


def test_login(demo_org: FakeOrg) -> None:
    client = salesforcepy.client(**demo_org.credentials)
    body, request = client.login()
    assert request.status == 200
    assert body["instance_url"] == demo_org.instance_url
    assert client.session is not None
    assert client.session.instance_url == demo_org.instance_url


def test_query(client: salesforcepy.Client) -> None:
    # fmt: off
    query_results = client.query('SELECT Id, Name FROM Account LIMIT 1')
    # fmt: on

    assert query_results[1].status == 200
    body = query_results[0]
    assert body["totalSize"] == 1
    assert body["done"] is True
    (record,) = body["records"]
    assert record["attributes"]["type"] == "Account"
    assert set(record) == {"attributes", "Id", "Name"}


def test_query_more(client: salesforcepy.Client, demo_org: FakeOrg) -> None:
    # fmt: off
    query_results = client.query_more('SELECT Id, Name FROM Account')
    # fmt: on

    assert query_results[1].status == 200
    batches = query_results[0]
    assert isinstance(batches, list)
    assert batches[-1]["done"] is True
    records = [r for batch in batches for r in batch["records"]]
    assert len(records) == demo_org.store.count("Account") == batches[0]["totalSize"]
    assert len({r["Id"] for r in records}) == len(records)


def test_insert_sobjects(client: salesforcepy.Client) -> None:
    # fmt: off
    create_result = client.sobjects(object_type='Account').insert({"Name" : "SalesforcePy"})
    # fmt: on

    assert create_result[1].status == 201
    assert create_result[0]["success"] is True
    assert create_result[0]["errors"] == []
    new_id = create_result[0]["id"]
    row, _ = client.sobjects(object_type="Account", id=new_id).query()
    assert row["Name"] == "SalesforcePy"


def test_update_sobjects(client: salesforcepy.Client) -> None:
    # fmt: off
    update_result = client.sobjects(id='0010Y0000055YG7QAM',object_type='Account').update({"Name" : "SalesforcePy 2"})
    # fmt: on

    assert update_result[0] is None
    assert update_result[1].status == 204
    row, _ = client.sobjects(object_type="Account", id="0010Y0000055YG7QAM").query()
    assert row["Name"] == "SalesforcePy 2"


def test_delete_sobjects(client: salesforcepy.Client) -> None:
    # fmt: off
    delete_result = client.sobjects(id='0010Y0000055YG7QAM',object_type='Account').delete()
    # fmt: on

    assert delete_result[0] is None
    assert delete_result[1].status == 204
    body, request = client.sobjects(object_type="Account", id="0010Y0000055YG7QAM").query()
    assert request.status == 404
    assert body[0]["errorCode"] == "NOT_FOUND"


def test_query_sobject_row(client: salesforcepy.Client) -> None:
    # fmt: off
    query_result = client.sobjects( object_type="Account", id="0010Y0000056ljcQAA" ).query()
    # fmt: on

    assert query_result[1].status == 200
    assert query_result[0]["Id"] == "0010Y0000056ljcQAA"
    assert query_result[0]["Name"] == "SalesforcePy Test Account"
    # Every field, not just a few: that is what makes it preferable to query() here.
    assert {"Industry", "BillingCity", "CreatedDate", "OwnerId"} <= set(query_result[0])


def test_describe_sobject(client: salesforcepy.Client) -> None:
    # fmt: off
    describe_result = client.sobjects(object_type='Account').describe()
    # fmt: on

    assert describe_result[1].status == 200
    assert describe_result[0]["name"] == "Account"
    assert describe_result[0]["keyPrefix"] == "001"
    names = {f["name"] for f in describe_result[0]["fields"]}
    assert {"Id", "Name", "Industry"} <= names


def test_describe_global(client: salesforcepy.Client) -> None:
    describe_global_result = client.sobjects().describe_global()

    assert describe_global_result[1].status == 200
    body = describe_global_result[0]
    assert body["encoding"] == "UTF-8"
    assert body["maxBatchSize"] == 200
    names = {s["name"] for s in body["sobjects"]}
    assert {"Account", "Attachment", "FeedItem", "ProcessInstance", "ApexClass"} <= names


def test_insert_file(client: salesforcepy.Client, demo_org: FakeOrg) -> None:
    # fmt: off
    # Create a file tuple ordered like so: ( filename, body, content_type )
    file = ( "SalesforcePy.txt", "Hello world", "text/plain" )

    insert_result = client.sobjects(object_type = "Attachment", binary_field="Body").insert({
            "Name":"SalesforcePy",
            "ParentId":"0010Y0000056ljcQAA",
            "Description":"An excellent package"
        }, binary=file )    # Pass your file through using the binary kwarg
    # fmt: on

    assert insert_result[1].status == 201
    attachment_id = insert_result[0]["id"]
    assert demo_org.store.get_blob("Attachment", attachment_id, "Body") == b"Hello world"
    row, _ = client.sobjects(object_type="Attachment", id=attachment_id).query()
    assert row["ParentId"] == "0010Y0000056ljcQAA"
    assert row["Description"] == "An excellent package"
    assert row["BodyLength"] == len("Hello world")


def test_execute_anonymous(client: salesforcepy.Client) -> None:
    # fmt: off
    ea_result = client.execute_anonymous('system.debug(\'Hello world.\');')
    # fmt: on

    assert ea_result[1].status == 200
    assert ea_result[0] == {
        "line": -1,
        "column": -1,
        "compiled": True,
        "success": True,
        "compileProblem": None,
        "exceptionStackTrace": None,
        "exceptionMessage": None,
    }


def test_approval_process(client: salesforcepy.Client, demo_org: FakeOrg) -> None:
    # fmt: off
    requestBody = {
      "requests": [{
          "actionType": "Submit",
          "contextId": "00161000011ueBV",
          "nextApproverIds": ["00561000000j3h2"],
          "comments": "this is a test",
          "contextActorId": "005610000027SlY",
          "processDefinitionNameOrId": "test_account",
          "skipEntryCriteria": "true" }]
      }
    # fmt: on

    ap_result = client.approvals(requestBody)

    assert ap_result[1].status == 200
    (result,) = ap_result[0]
    assert result["success"] is True
    assert result["errors"] is None
    assert result["entityId"] == "00161000011ueBVAAY"
    assert result["actorIds"] == ["00561000000j3h2AAA"]
    assert result["instanceStatus"] == "Pending"
    (workitem,) = result["newWorkitemIds"]
    assert workitem.startswith("04i")
    assert result["instanceId"].startswith("04g")
    instance, _ = client.query(
        "SELECT Status, SubmittedById, ProcessDefinition.DeveloperName FROM ProcessInstance "
        "WHERE TargetObjectId = '00161000011ueBV'"
    )
    (row,) = instance["records"]
    assert row["Status"] == "Pending"
    assert row["SubmittedById"] == "005610000027SlYAAU"
    assert row["ProcessDefinition"]["DeveloperName"] == "test_account"
    assert demo_org.store.read_row("ProcessInstanceWorkitem", workitem)["ActorId"] == (
        "00561000000j3h2AAA"
    )


def test_approvals_retrieved(client: salesforcepy.Client) -> None:
    # "Approvals can be retrieved, submitted and approved/rejected": the retrieval.
    ap_result = client.approvals()

    assert ap_result[1].status == 200
    (process,) = ap_result[0]["approvals"]["Account"]
    assert process["name"] == "Test Account Approval"
    assert process["object"] == "Account"
    assert len(process["id"]) == 15
    assert process["id"].startswith("04a")


def test_chatter_feed_item_and_comment(client: salesforcepy.Client) -> None:
    body = {
        "body": {"messageSegments": [{"type": "Text", "text": "Hello from SalesforcePy"}]},
        "feedElementType": "FeedItem",
        "subjectId": "me",
    }

    # create chatter post
    post = client.chatter.feed_item(body)

    assert post[1].status == 201
    item = post[0]
    assert item["feedElementType"] == "FeedItem"
    assert item["body"]["text"] == "Hello from SalesforcePy"
    assert item["parent"]["id"] == client.session.identity_url.rsplit("/", 1)[1]

    body = {"body": {"messageSegments": [{"type": "Text", "text": "Nice post"}]}}
    feed_element_id = item["id"]  # the example's 'feed-elementid'

    # create a comment on a chatter post
    comment = client.chatter.feed_comment(feed_element_id, body)

    assert comment[1].status == 201
    assert comment[0]["feedElement"]["id"] == feed_element_id
    assert comment[0]["body"]["text"] == "Nice post"
    element, _ = client.chatter.feed_element(feed_element_id)
    assert element["capabilities"]["comments"]["page"]["total"] == 1


def test_wave_dataset(client: salesforcepy.Client) -> None:
    result = client.wave.dataset("opportunities")

    assert result[1].status == 200
    assert result[0]["name"] == "opportunities"
    assert result[0]["id"] == "0Fb0N000000XuvBSAS"
    assert result[0]["currentVersionId"] == "0Fc0N000001M5BMSA0"


def test_wave_query(client: salesforcepy.Client) -> None:
    # fmt: off
    query = {
        "query": """q = load \"0Fb0N000000XuvBSAS/0Fc0N000001M5BMSA0\";\nq = filter q by 'Account.Industry' in
[\"Apparel\", \"Banking\", \"Biotechnology\"];\nq = group q by 'Account.Industry';\nq = foreach q generate
'Account.Industry' as 'Account.Industry', count() as 'count';\nq = order q by 'Account.Industry' asc;\nq = limit q
2000;"""
    }
    # fmt: on

    result = client.wave.query(query)

    assert result[1].status == 200
    # The same counts, computed with SOQL instead of SAQL.
    rows, _ = client.query(
        "SELECT Account.Industry FROM Opportunity "
        "WHERE Account.Industry IN ('Apparel', 'Banking', 'Biotechnology')"
    )
    expected = Counter(r["Account"]["Industry"] for r in rows["records"])
    assert result[0]["results"]["records"] == [
        {"Account.Industry": industry, "count": expected[industry]} for industry in sorted(expected)
    ]
    assert result[0]["action"] == "query"


def test_logout(client: salesforcepy.Client, demo_org: FakeOrg) -> None:
    token = client.session.access_token
    version = client.version

    result = client.logout()

    assert result[1].status == 200
    assert isinstance(result[1], SentRequest)
    assert client.session is None
    after = requests.get(
        f"{demo_org.instance_url}/services/data/v{version}/limits",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert after.status_code == 401
