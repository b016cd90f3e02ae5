"""``make bench``: what salesforcepy costs, as ratios against a floor measured in the same run.

Each case times (and for some, measures the peak memory of) the client doing a job against a local
fake org, and the *floor*: the least any Python client must do for the same job — the same HTTP
requests over one pooled ``requests.Session`` with ``json.loads`` on each body and nothing else.
Absolute times depend on the machine; the ratio client/floor does not much, so that is what each
case reports and checks against its budget. Timings take the best of several repeats, which
filters out noise from other processes.

Usage: ``python benchmarks/run.py [--repeat N] [--case NAME ...]``. Exits 1 if a ratio exceeds its
budget.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import attrs
import requests

import salesforcepy
from salesforcepy.fakeorg import FakeOrg


@attrs.frozen
class Outcome:
    name: str
    measure: str  # "time" or "memory"
    client: float
    floor: float
    budget: float

    @property
    def ratio(self) -> float:
        return self.client / self.floor if self.floor else float("inf")

    @property
    def ok(self) -> bool:
        return self.ratio <= self.budget


def check(condition: bool, what: str) -> None:
    """A benchmark that measured a wrong result measured nothing: stop."""
    if not condition:
        raise RuntimeError(f"benchmark job went wrong: {what}")


def best_time(job: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        job()
        best = min(best, time.perf_counter() - started)
    return best


def peak_memory(job: Callable[[], Any]) -> float:
    """Peak bytes allocated while ``job`` runs, keeping its result alive until the end."""
    gc.collect()
    tracemalloc.start()
    try:
        result = job()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return float(peak)


class Floor:
    """The raw-requests baseline: a logged-in pooled session and nothing more."""

    def __init__(self, org: FakeOrg, client: salesforcepy.Client) -> None:
        self.http = requests.Session()
        self.base = org.instance_url
        self.version = client.session.api_version
        token = client.session.access_token
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}
        self.verify = org.ca_bundle or True

    def get(self, path: str, **params: str) -> Any:
        response = self.http.get(
            self.base + path, params=params or None, headers=self.headers, timeout=(10, 120)
        )
        response.raise_for_status()
        return json.loads(response.content)

    def query_all_pages(self, soql: str) -> list[Any]:
        page = self.get(f"/services/data/v{self.version}/query", q=soql)
        pages = [page]
        while not page["done"]:
            page = self.get(page["nextRecordsUrl"])
            pages.append(page)
        return pages


def case_query_more(
    org: FakeOrg, client: salesforcepy.Client, floor: Floor, repeat: int
) -> list[Outcome]:
    soql = "SELECT Id, Name, Email, Phone, Title, AccountId FROM Contact"

    def with_client() -> Any:
        pages, request = client.query_more(soql)
        check(request.ok and sum(len(p["records"]) for p in pages) == ROWS, "client query_more")
        return pages

    def with_floor() -> Any:
        pages = floor.query_all_pages(soql)
        check(sum(len(p["records"]) for p in pages) == ROWS, "floor paging")
        return pages

    return [
        Outcome(
            "query_more 10,000 rows",
            "time",
            best_time(with_client, repeat),
            best_time(with_floor, repeat),
            budget=1.35,
        ),
        Outcome(
            "query_more 10,000 rows",
            "memory",
            peak_memory(with_client),
            peak_memory(with_floor),
            budget=1.5,
        ),
    ]


def case_single_record(
    org: FakeOrg, client: salesforcepy.Client, floor: Floor, repeat: int
) -> list[Outcome]:
    record_id = org.store.execute('SELECT "Id" FROM "Account" LIMIT 1')[0][0]
    calls = 300
    resource = client.sobjects(object_type="Account", id=record_id)
    path = f"/services/data/v{floor.version}/sobjects/Account/{record_id}"

    def with_client() -> None:
        for _ in range(calls):
            _, request = resource.query()
            check(request.status == 200, "client get")

    def with_floor() -> None:
        for _ in range(calls):
            floor.get(path)

    return [
        Outcome(
            "get one record x300",
            "time",
            best_time(with_client, repeat),
            best_time(with_floor, repeat),
            budget=1.25,
        ),
    ]


def case_parse(
    org: FakeOrg, client: salesforcepy.Client, floor: Floor, repeat: int
) -> list[Outcome]:
    from salesforcepy.parse import loads

    page = json.dumps(
        floor.query_all_pages("SELECT Id, Name, Email, Phone FROM Contact")[0]
    ).encode()

    def with_client() -> None:
        for _ in range(20):
            loads(page)

    def with_floor() -> None:
        for _ in range(20):
            json.loads(page)

    # Case-insensitive key lookup costs a Python-level hook per JSON object; this keeps it bounded.
    return [
        Outcome(
            "parse a 2,000-record page x20",
            "time",
            best_time(with_client, repeat),
            best_time(with_floor, repeat),
            budget=3.0,
        ),
    ]


CASES: dict[str, Callable[..., list[Outcome]]] = {
    "query_more": case_query_more,
    "single_record": case_single_record,
    "parse": case_parse,
}

ROWS = 10_000


def seed(store: Any) -> None:
    account = store.create("Account", {"Name": "Benchmark Account"})
    for i in range(ROWS):
        store.create(
            "Contact",
            {
                "LastName": f"Contact {i:05d}",
                "Email": f"contact{i}@example.com",
                "Phone": f"+1 555 {i:07d}",
                "Title": "Buyer",
                "AccountId": account,
            },
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timing repeats per side (best wins)")
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="run only these")
    args = parser.parse_args(argv)

    print(f"Seeding a fake org with {ROWS:,} contacts...", flush=True)
    outcomes: list[Outcome] = []
    with FakeOrg(seed=seed) as org:
        client = salesforcepy.client(**org.credentials)
        client.login()
        floor = Floor(org, client)
        for name in args.case or CASES:
            outcomes.extend(CASES[name](org, client, floor, args.repeat))
        client.logout()

    print(f"\n{'case':<32} {'measure':<7} {'client':>12} {'floor':>12} {'ratio':>7} {'budget':>7}")
    for o in outcomes:
        unit = (
            (lambda v: f"{v * 1000:9.1f} ms")
            if o.measure == "time"
            else (lambda v: f"{v / 2**20:9.1f} MB")
        )
        print(
            f"{o.name:<32} {o.measure:<7} {unit(o.client):>12} {unit(o.floor):>12} "
            f"{o.ratio:>7.2f} {o.budget:>7.2f}  {'ok' if o.ok else 'OVER BUDGET'}"
        )
    failed = [o for o in outcomes if not o.ok]
    print(f"\n{len(outcomes) - len(failed)} of {len(outcomes)} within budget.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
