"""``make bench``: what salesforcepy costs, as ratios against a floor measured in the same run.

Each case times (and for some, measures the peak memory of) the client doing a job against a local
fake org, and the *floor*: the least any Python client must do for the same job — the same HTTP
requests over one pooled ``requests.Session`` with ``json.loads`` on each body and nothing else.
Absolute times depend on the machine; the ratio client/floor does not much, so that is what each
case reports and checks against its budget. Timings take the best of several interleaved repeats,
which filters out noise from other processes. The fake org runs in a process of its own (``python
-m salesforcepy.fakeorg --db ...``, over a database prepared first), so that its work does not
compete with the measured code for this interpreter.

Usage: ``python benchmarks/run.py [--repeat N] [--case NAME ...]``. Exits 1 if a ratio exceeds its
budget.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import pathlib
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
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


def best_times(
    client: Callable[[], Any], floor: Callable[[], Any], repeat: int
) -> tuple[float, float]:
    """Best wall time of each job over ``repeat`` rounds, after one warm-up run of each.

    The two jobs alternate, and swap order every round, so that a slow patch of the machine or a
    warm cache favours neither side.
    """
    client()
    floor()
    best = {"client": float("inf"), "floor": float("inf")}
    jobs = [("client", client), ("floor", floor)]
    for round_number in range(repeat):
        for name, job in jobs if round_number % 2 == 0 else reversed(jobs):
            gc.collect()
            started = time.perf_counter()
            job()
            best[name] = min(best[name], time.perf_counter() - started)
    return best["client"], best["floor"]


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


@attrs.frozen
class Org:
    """A fake org running in another process: where it is and how to log in."""

    instance_url: str
    credentials: dict[str, Any]
    account_id: str
    rows: int


@contextlib.contextmanager
def running_org(rows: int) -> Iterator[Org]:
    """Prepare a database with ``rows`` contacts, then serve it from ``python -m
    salesforcepy.fakeorg`` until the block ends."""
    with tempfile.TemporaryDirectory() as folder:
        db = str(pathlib.Path(folder) / "bench.sqlite3")
        with FakeOrg(db=db, seed=lambda store: seed(store, rows)) as prepared:
            account_id = prepared.store.execute('SELECT "Id" FROM "Account" LIMIT 1')[0][0]
        server = subprocess.Popen(
            [sys.executable, "-m", "salesforcepy.fakeorg", "--db", db],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            info = json.loads(server.stdout.readline())
            keys = ("username", "password", "security_token", "client_id", "client_secret")
            credentials = {key: info[key] for key in keys}
            credentials["login_url"] = info["login_url"]
            yield Org(info["instance_url"], credentials, account_id, rows)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


class Floor:
    """The raw-requests baseline: a logged-in pooled session and nothing more."""

    def __init__(self, org: Org, client: salesforcepy.Client) -> None:
        assert client.session is not None
        self.http = requests.Session()
        self.base = org.instance_url
        self.version = client.session.api_version
        token = client.session.access_token
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}

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
    org: Org, client: salesforcepy.Client, floor: Floor, repeat: int
) -> list[Outcome]:
    soql = "SELECT Id, Name, Email, Phone, Title, AccountId FROM Contact"

    def with_client() -> Any:
        pages, request = client.query_more(soql)
        check(request.ok and sum(len(p["records"]) for p in pages) == org.rows, "client query_more")
        return pages

    def with_floor() -> Any:
        pages = floor.query_all_pages(soql)
        check(sum(len(p["records"]) for p in pages) == org.rows, "floor paging")
        return pages

    return [
        Outcome(
            f"query_more {org.rows:,} rows",
            "time",
            *best_times(with_client, with_floor, repeat),
            budget=1.35,
        ),
        Outcome(
            f"query_more {org.rows:,} rows",
            "memory",
            peak_memory(with_client),
            peak_memory(with_floor),
            budget=1.5,
        ),
    ]


def case_single_record(
    org: Org, client: salesforcepy.Client, floor: Floor, repeat: int
) -> list[Outcome]:
    record_id = org.account_id
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
            *best_times(with_client, with_floor, repeat),
            budget=1.25,
        ),
    ]


def case_parse(org: Org, client: salesforcepy.Client, floor: Floor, repeat: int) -> list[Outcome]:
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
            "parse one query page x20",
            "time",
            *best_times(with_client, with_floor, repeat),
            budget=3.0,
        ),
    ]


CASES: dict[str, Callable[..., list[Outcome]]] = {
    "query_more": case_query_more,
    "single_record": case_single_record,
    "parse": case_parse,
}

ROWS = 10_000


def seed(store: Any, rows: int) -> None:
    account = store.create("Account", {"Name": "Benchmark Account"})
    for i in range(rows):
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
    parser.add_argument("--repeat", type=int, default=9, help="timing repeats per side (best wins)")
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="run only these")
    parser.add_argument("--rows", type=int, default=ROWS, help="contacts in the org")
    args = parser.parse_args(argv)

    print(f"Seeding a fake org with {args.rows:,} contacts...", flush=True)
    outcomes: list[Outcome] = []
    with running_org(args.rows) as org:
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
