"""A short tour of salesforcepy: every call prints its HTTP status and a glimpse of its result.

It visits each API family of the usage examples: SOQL and SOSL, sObjects (create, update, read,
upsert by external id, describe, a file), anonymous Apex, approvals, Chatter, CRM Analytics (Wave)
and a Bulk API 2.0 ingest job with its result CSVs, then cleans up and logs out.

Run it against the built-in fake org with ``make demo``, or against your own org by setting
``SF_USERNAME``, ``SF_PASSWORD``, ``SF_CLIENT_ID``, ``SF_CLIENT_SECRET`` and optionally
``SF_SECURITY_TOKEN`` and ``SF_LOGIN_URL`` (default ``login.salesforce.com``), then
``python examples/tour.py``. In a real org it creates and deletes a few Accounts of its own, posts
to Chatter, and expects an approval process ``test_account`` on Account, an ``External_Id__c``
external-id field on Account and a CRM Analytics dataset ``opportunities`` (the fake org's demo
data has all three); a step whose prerequisite is missing prints its errors and the tour goes on.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from typing import Any, Callable

import salesforcepy


def show(
    title: str,
    result: tuple[Any, salesforcepy.SentRequest],
    detail: Callable[[Any], Any] = lambda body: "",
) -> Any:
    """Print one line for a call — what it was, method, status, a detail of the body — and
    return the body."""
    body, request = result
    text = detail(body) if request.ok else f"errors: {request.exceptions}"
    print(f"{title:<34} {request.method:<6} {request.status}  {text}")
    return body


def tour(credentials: dict[str, Any]) -> None:
    with salesforcepy.client(**credentials) as client:
        print(f"Logged in to {client.session.instance_url} (API v{client.session.api_version})\n")

        # SOQL: one page, then every page of a larger result.
        accounts = show(
            "query",
            client.query("SELECT Id, Name, Industry FROM Account ORDER BY Name LIMIT 3"),
            lambda body: [r["Name"] for r in body["records"]],
        )
        show(
            "query_more",
            client.query_more("SELECT Id, Name FROM Contact"),
            lambda pages: f"{len(pages)} page(s), {sum(len(p['records']) for p in pages)} contacts",
        )

        # SOSL.
        word = accounts["records"][1]["Name"].split()[0]
        show(
            f"search {{{word}}}",
            client.search(f"FIND {{{word}}} IN NAME FIELDS RETURNING Account(Id, Name)"),
            lambda body: [r["Name"] for r in body["searchRecords"]][:4],
        )

        # sObject create, update, read, upsert by external id.
        created = show(
            "insert Account",
            client.sobjects(object_type="Account").insert({"Name": "SalesforcePy Tour"}),
            lambda body: f"id {body['id']}",
        )
        record = client.sobjects(object_type="Account", id=created["id"])
        show(
            "update Account", record.update({"Name": "SalesforcePy Tour 2"}), lambda _: "(no body)"
        )
        show("query Account row", record.query(), lambda row: f"Name is now {row['Name']!r}")
        upserted = show(
            "upsert by External_Id__c",
            client.sobjects(
                object_type="Account", external_id="External_Id__c", id="TOUR-1"
            ).upsert({"Name": "Upserted by the tour"}),
            lambda body: "created" if body and body.get("created") else "updated",
        )

        # Describe.
        show(
            "describe Account",
            client.sobjects(object_type="Account").describe(),
            lambda body: f"{len(body['fields'])} fields, key prefix {body['keyPrefix']}",
        )
        show(
            "describe_global",
            client.sobjects().describe_global(),
            lambda body: f"{len(body['sobjects'])} objects",
        )

        # A file, stored as an Attachment blob, and read back byte for byte.
        file = ("SalesforcePy.txt", "Hello world", "text/plain")
        attachment = show(
            "insert Attachment (file)",
            client.sobjects(object_type="Attachment", binary_field="Body").insert(
                {
                    "Name": "SalesforcePy",
                    "ParentId": created["id"],
                    "Description": "An excellent package",
                },
                binary=file,
            ),
            lambda body: f"id {body['id']}",
        )
        show(
            "read the file back",
            client.sobjects(
                object_type="Attachment", id=attachment["id"], binary_field="Body"
            ).query(),
            repr,
        )

        # Anonymous Apex: compiled and run by the org; problems come back with line and column.
        show(
            "execute_anonymous",
            client.execute_anonymous("System.debug('Hello world.');"),
            lambda body: f"compiled={body['compiled']} success={body['success']}",
        )
        show(
            "execute_anonymous (broken)",
            client.execute_anonymous("System.debug('Hello world.'"),
            lambda body: f"line {body['line']}, column {body['column']}: {body['compileProblem']}",
        )

        # Approvals: list the processes, submit the new account to one of them.
        show(
            "approvals (list)",
            client.approvals(),
            lambda body: {
                obj: [p["name"] for p in procs] for obj, procs in body["approvals"].items()
            },
        )
        show(
            "approvals (submit)",
            client.approvals(
                {
                    "requests": [
                        {
                            "actionType": "Submit",
                            "contextId": created["id"],
                            "comments": "submitted by the tour",
                            "processDefinitionNameOrId": "test_account",
                            "skipEntryCriteria": "true",
                        }
                    ]
                }
            ),
            lambda body: f"{body[0]['instanceStatus']}, work item {body[0]['newWorkitemIds']}",
        )

        # Chatter: post on the new account's feed and comment on the post.
        post = show(
            "chatter.feed_item",
            client.chatter.feed_item(
                {
                    "body": {"messageSegments": [{"type": "Text", "text": "Tour was here"}]},
                    "feedElementType": "FeedItem",
                    "subjectId": created["id"],
                }
            ),
            lambda body: f"post {body['id']}",
        )
        show(
            "chatter.feed_comment",
            client.chatter.feed_comment(
                post["id"], {"body": {"messageSegments": [{"type": "Text", "text": "Indeed"}]}}
            ),
            lambda body: f"comment {body['id']}",
        )

        # CRM Analytics: a dataset, then a SAQL query over its current version.
        dataset = show(
            "wave.dataset",
            client.wave.dataset("opportunities"),
            lambda body: f"{body['label']}, version {body['currentVersionId']}",
        )
        if isinstance(dataset, dict):  # the dataset exists: query its current version
            saql = (
                f'q = load "{dataset["id"]}/{dataset["currentVersionId"]}"; '
                "q = group q by 'Account.Industry'; "
                "q = foreach q generate 'Account.Industry' as 'Industry', count() as 'count'; "
                "q = order q by 'count' desc; q = limit q 3;"
            )
            show(
                "wave.query",
                client.wave.query({"query": saql}),
                lambda body: [(r["Industry"], r["count"]) for r in body["results"]["records"]],
            )

        # Bulk API 2.0: a job, its CSV, closing it, waiting, and the three result CSVs. The third
        # row has no Name, so it fails; every row ends up in exactly one of the CSVs.
        ingest = client.jobs.ingest
        job = show(
            "jobs.ingest.create",
            ingest.create(job_resource={"object": "Account", "operation": "insert"}),
            lambda body: f"job {body['id']} is {body['state']}",
        )
        csv_file = "Name,Industry\nTour Bulk One,Banking\nTour Bulk Two,Apparel\n,Banking\n"
        show(
            "jobs.ingest.batches", ingest.batches(job_id=job["id"], csv_file=csv_file), lambda _: ""
        )
        show(
            "jobs.ingest.update",
            ingest.update(job_id=job["id"], state="UploadComplete"),
            lambda body: body["state"],
        )
        show(
            "jobs.ingest.wait",
            ingest.wait(job["id"], poll_interval=0.5),
            lambda body: (
                f"{body['state']}: {body['numberRecordsProcessed']} processed, "
                f"{body['numberRecordsFailed']} failed"
            ),
        )
        for kind in ("successes", "failures", "unprocessed"):
            result_csv = show(
                f"jobs.ingest.get({kind}=True)", ingest.get(job_id=job["id"], **{kind: True})
            )
            for line in (result_csv or "").splitlines():
                print(f"{'':<46}{line}")
        successes = ingest.get(job_id=job["id"], successes=True)[0]
        bulk_ids = [row["sf__Id"] for row in csv.DictReader(io.StringIO(successes))]

        # Clean up what the tour made.
        show("delete Account", record.delete(), lambda _: "(its Attachment goes with it)")
        for bulk_id in bulk_ids:
            client.sobjects(object_type="Account", id=bulk_id).delete()
        show("jobs.ingest.delete", ingest.delete(job_id=job["id"]))
        if isinstance(upserted, dict) and upserted.get("id"):
            show(
                "delete upserted Account",
                client.sobjects(object_type="Account", id=upserted["id"]).delete(),
            )

    print("\nLogged out: the `with` block revoked the session when it ended.")


def credentials_from_environment() -> dict[str, Any]:
    try:
        creds: dict[str, Any] = {
            "username": os.environ["SF_USERNAME"],
            "password": os.environ["SF_PASSWORD"],
            "client_id": os.environ["SF_CLIENT_ID"],
            "client_secret": os.environ["SF_CLIENT_SECRET"],
        }
    except KeyError as missing:
        sys.exit(f"set {missing.args[0]} (see the docstring), or run `make demo`")
    creds["login_url"] = os.environ.get("SF_LOGIN_URL", "login.salesforce.com")
    if os.environ.get("SF_SECURITY_TOKEN"):
        creds["security_token"] = os.environ["SF_SECURITY_TOKEN"]
    return creds


if __name__ == "__main__":
    tour(credentials_from_environment())
