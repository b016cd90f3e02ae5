"""Sessions that expire in the middle of bulk jobs, against the fake org: Bulk API 2.0 ingest
(Bearer token) and Bulk API 1.0 (``X-SFDC-Session``, XML ``InvalidSessionId`` errors) both renew
once through the same path as every other call and finish the job."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, Callable

import pytest

import salesforcepy
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.bulk.settings import BulkSettings

pytestmark = pytest.mark.integration

ROWS = 300


@pytest.fixture(scope="module")
def org() -> Iterator[FakeOrg]:
    with FakeOrg(bulk=BulkSettings.fast()) as running:
        yield running


def logged_in(org: FakeOrg) -> salesforcepy.Client:
    client = salesforcepy.client(**org.credentials)
    client.login()[1].raise_for_status()
    return client


def expire_after(client: salesforcepy.Client, org: FakeOrg, predicate: Callable[[Any], bool]):
    """Expire every session right after the first response that matches ``predicate``."""
    fired = threading.Event()

    def hook(response: Any, *args: Any, **kwargs: Any) -> None:
        if not fired.is_set() and predicate(response):
            fired.set()
            org.expire_sessions()

    client.transport.http.hooks["response"].append(hook)
    return fired


def requests_to(org: FakeOrg, endpoint: str) -> int:
    return int(org.stats()["requests"].get(endpoint, 0))


def names(client: salesforcepy.Client, prefix: str) -> list[str]:
    soql = f"SELECT Name FROM Account WHERE Name LIKE '{prefix}%'"  # noqa: S608 - our constants
    pages, request = client.query_more(soql)
    request.raise_for_status()
    return sorted(r["Name"] for page in pages for r in page["records"])


def test_expiry_mid_bulk_ingest_job(org: FakeOrg) -> None:
    client = logged_in(org)
    # The session ends right after the upload, before the job is closed.
    fired = expire_after(client, org, lambda r: r.request.method == "PUT" and "/batches" in r.url)
    org.reset_stats()
    records = [{"Name": f"Bulk2 {n:04d}"} for n in range(ROWS)]

    result = client.jobs.ingest.load("Account", "insert", records, poll_interval=0.05)

    assert fired.is_set()
    result.raise_for_status()
    assert len(result.successes) == ROWS
    assert requests_to(org, "oauth.token") == 1
    # The close was refused once and replayed; nothing else was repeated.
    assert requests_to(org, "bulk2.upload_job_data") == 1
    assert requests_to(org, "bulk2.update_ingest_job") == 2
    assert names(client, "Bulk2 ") == [r["Name"] for r in records]


def test_expiry_mid_bulk_v1_job(org: FakeOrg) -> None:
    client = logged_in(org)
    legacy = client.jobs.legacy
    job, request = legacy.create_job("Account", "insert")
    request.raise_for_status()
    org.expire_sessions()
    org.reset_stats()

    batch, request = legacy.add_batch(job["id"], [{"Name": f"Bulk1 {n:03d}"} for n in range(50)])

    assert request.ok, request.exceptions
    assert [a.status for a in request.attempts] == [400, 201]
    assert request.attempts[0].refreshed
    assert requests_to(org, "oauth.token") == 1
    legacy.close_job(job["id"])[1].raise_for_status()
    _, waited = legacy.wait_batch(job["id"], batch["id"], poll_interval=0.05)
    waited.raise_for_status()
    assert len(names(client, "Bulk1 ")) == 50
