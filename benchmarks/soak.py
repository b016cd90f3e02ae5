"""Randomized soak: thousands of operations against a local fake org under random faults.

Usage::

    python benchmarks/soak.py [--seconds 60] [--operations N] [--seed N] [--fault-rate 0.35]

A fake org on the loopback interface takes inserts, updates, upserts by external id, reads and
paged queries from one client with the default retry rules (backoff shortened to milliseconds).
Before most operations a fault is injected on the path that operation will use: 5xx bursts,
``UNABLE_TO_LOCK_ROW``, 429 and ``REQUEST_LIMIT_EXCEEDED`` with ``Retry-After``, connection resets
and truncated responses before or after the write, responses slower than the read timeout, and
expired sessions (injected 401s and real expiry).

The soak keeps its own ledger of what each call reported. When a call says the outcome is unknown
(``OutcomeUnknown``) or gives up, it does what the error message tells a user to do — looks the
record up — and carries on. At the end it compares the ledger with the org's store (read directly,
not through the client) and prints:

- faults injected, and how many fired (hit a request);
- faults survived: fired faults the client absorbed (the call still succeeded);
- faults surfaced: fired faults that ended in a typed error, by type (all reconciled);
- records lost: records a call reported written that are missing or hold another value (must be 0);
- duplicates: names or external ids stored more than once (must be 0);
- query_more results with a record missing or repeated (must be 0).

It exits with status 1 when any of the last three is not 0, or on an unexpected exception.
Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time
from typing import Any, Callable, Optional

import salesforcepy
from salesforcepy.exceptions import OutcomeUnknown, SalesforceError, TransportError
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.schema import FieldDef
from salesforcepy.fakeorg.soql import run_query
from salesforcepy.retry import RetryPolicy
from salesforcepy.soql import format_soql

EXT = "Soak_Key__c"
PREFIX = "soak-"
SEED_RECORDS = 2100  # two pages of query results from the start
TIMEOUT = (5.0, 10.0)  # for calls without a slow-response fault: a busy machine is not a fault
SHORT_TIMEOUT = (5.0, 0.15)  # for calls given a slow-response fault
SLOW = 0.25  # slower than SHORT_TIMEOUT's read timeout

INSERT = r"/sobjects/Account/?$"
RECORD = r"/sobjects/Account/001"
UPSERT = rf"/sobjects/Account/{EXT}/"
QUERY_PAGES = r"/query"

# (weight, fault) — the keyword arguments of FakeOrg.inject_fault, or a marker for real expiry.
FAULTS: list[tuple[int, dict[str, Any]]] = [
    (12, {"status": 503, "times": 1}),
    (8, {"status": 503, "times": 3}),
    (3, {"status": 503, "times": 5}),  # longer than max_attempts: the call gives up
    (5, {"status": 502, "times": 2}),
    (4, {"status": 504, "times": 1}),
    (3, {"status": 504, "error_code": "GATEWAY_TIMEOUT"}),
    (8, {"error_code": "UNABLE_TO_LOCK_ROW", "times": 2}),
    (3, {"error_code": "API_TEMPORARILY_UNAVAILABLE", "status": 503}),
    (5, {"status": 429, "headers": {"Retry-After": "1"}}),
    (2, {"status": 429}),  # no Retry-After: not retried
    (3, {"error_code": "REQUEST_LIMIT_EXCEEDED", "headers": {"Retry-After": "2"}}),
    (8, {"reset": True}),
    (8, {"reset": True, "after_commit": True}),
    (5, {"truncate": True}),
    (6, {"truncate": True, "after_commit": True}),
    (2, {"delay": SLOW}),
    (2, {"delay": SLOW, "after_commit": True}),
    (5, {"error_code": "INVALID_SESSION_ID"}),
    (3, {"expire": True}),
]


class Sleeper:
    """The retry policy's sleep: every wait is counted; at most 1 ms of it is really slept."""

    def __init__(self) -> None:
        self.waits = 0
        self.requested = 0.0

    def __call__(self, seconds: float) -> None:
        self.waits += 1
        self.requested += seconds
        time.sleep(min(seconds, 0.001))


class Soak:
    def __init__(self, seed: int, fault_rate: float) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.fault_rate = fault_rate
        self.sleeper = Sleeper()
        self.org = FakeOrg()  # binds 127.0.0.1
        self.ops: collections.Counter[str] = collections.Counter()
        self.injected = 0
        self.fired = 0
        self.survived = 0
        self.surfaced: collections.Counter[str] = collections.Counter()
        self.attempts = 0
        self.query_checks = 0
        self.query_wrong = 0
        self.unexpected: list[str] = []
        # The ledger: what calls reported. name -> (id, acceptable Description values)
        self.records: dict[str, tuple[str, set[Optional[str]]]] = {}
        # external key -> acceptable Description values (None: the record may not exist)
        self.upserts: dict[str, set[Optional[str]]] = {}
        self.serial = 0

    # -- setup ---------------------------------------------------------------------------------

    def start(self) -> None:
        org = self.org.start()
        org.define_field("Account", FieldDef(name=EXT, type="string", length=80, external_id=True))
        with org.store.transaction():
            for i in range(SEED_RECORDS):
                name = f"{PREFIX}seed-{i:05d}"
                record_id = org.store.create("Account", {"Name": name})
                self.records[name] = (record_id, {None})
        policy = RetryPolicy(backoff=0.002, max_backoff=0.01, sleep=self.sleeper)
        self.sf = salesforcepy.client(**org.credentials, retry=policy, timeout=TIMEOUT)
        self.sf.login()[1].raise_for_status()

    def stop(self) -> None:
        self.sf.close()
        self.org.stop()

    # -- ground truth ----------------------------------------------------------------------------

    def stored(self, soql: str, *args: Any) -> list[dict[str, Any]]:
        return run_query(self.org.store, format_soql(soql, *args), api_version="66.0").records

    def settle(self) -> None:
        """Wait until the org has finished work a timed-out call left running."""
        deadline = time.monotonic() + 5
        while self.org.stats()["open_connections"] > 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(SLOW if self._slow_pending else 0)
        self._slow_pending = False

    _slow_pending = False

    # -- faults --------------------------------------------------------------------------------

    def maybe_fault(self, path: str, method: str) -> Optional[str]:
        """Perhaps inject a fault for the next call: ``"expire"`` (the org ends every session),
        ``"inject"`` (a fault on ``path``) or ``None``."""
        if self.rng.random() >= self.fault_rate:
            return None
        fault = dict(self.rng.choices([f for _, f in FAULTS], [w for w, _ in FAULTS])[0])
        self.injected += 1
        if fault.pop("expire", False):
            self.org.expire_sessions()
            return "expire"
        if "delay" in fault:
            self._slow_pending = True
        self.org.inject_fault(path=path, method=method, **fault)
        return "inject"

    def run_op(self, kind: str, path: str, method: str, call: Callable[[Any], Any]) -> Any:
        """Run one call under a possible fault; returns the call's result or the exception."""
        self.ops[kind] += 1
        fired_before = self.org.stats()["faults_fired"]
        fault = self.maybe_fault(path, method)
        try:
            slow = self._slow_pending
            result: Any = call(SHORT_TIMEOUT if slow else TIMEOUT)
        except OutcomeUnknown as exc:
            result = exc
        except TransportError as exc:
            result = exc
        except SalesforceError as exc:  # strict mode is off: this would be a client bug
            self.unexpected.append(f"{kind}: {type(exc).__name__}: {exc}")
            result = exc
        self.org.clear_faults()
        fired = self.org.stats()["faults_fired"] - fired_before
        sent = result[1] if isinstance(result, tuple) else None
        attempts = sent.attempts if sent is not None else getattr(result, "attempts", [])
        self.attempts += len(attempts)
        if fault == "expire" and any(a.status == 401 for a in attempts):
            fired += 1  # the call met the expired session
        if fired:
            self.fired += 1
            if sent is not None and sent.ok:
                self.survived += 1
            else:
                error = result if not isinstance(result, tuple) else sent.exceptions[0]
                self.surfaced[type(error).__name__] += 1
        elif sent is None or not sent.ok:
            error = result if not isinstance(result, tuple) else sent.exceptions[0]
            self.unexpected.append(
                f"{kind} failed without a fault: {type(error).__name__}: {error}"
            )
        if self._slow_pending:
            self.settle()
        return result

    # -- operations ------------------------------------------------------------------------------

    def new_name(self) -> str:
        self.serial += 1
        return f"{PREFIX}{self.seed}-{self.serial:06d}"

    def insert(self) -> None:
        name = self.new_name()
        result = self.run_op(
            "insert",
            INSERT,
            "POST",
            lambda t: self.sf.sobjects("Account").insert({"Name": name}, timeout=t),
        )
        if isinstance(result, tuple) and result[1].status == 201:
            self.records[name] = (result[0]["id"], {None})
            return
        # Outcome unknown or refused: do what the error says — look before sending again.
        found = self.stored("SELECT Id FROM Account WHERE Name = {}", name)
        if len(found) > 1:
            return  # counted as duplicates at the end
        if found:
            self.records[name] = (found[0]["Id"], {None})
            return
        body, sent = self.sf.sobjects("Account").insert({"Name": name})
        if sent.status == 201:
            self.records[name] = (body["id"], {None})

    def update(self) -> None:
        name = self.rng.choice(list(self.records))
        record_id, _ = self.records[name]
        value = f"v{self.serial}-{self.rng.randrange(10**6)}"
        self.serial += 1
        result = self.run_op(
            "update",
            RECORD,
            "PATCH",
            lambda t: self.sf.sobjects("Account", id=record_id).update(
                {"Description": value}, timeout=t
            ),
        )
        before = self.records[name][1]
        if isinstance(result, tuple) and result[1].status == 204:
            self.records[name] = (record_id, {value})
        else:  # not known: either value may be stored
            self.records[name] = (record_id, before | {value})

    def upsert(self) -> None:
        if self.upserts and self.rng.random() < 0.5:
            key = self.rng.choice(list(self.upserts))
        else:
            key = f"k/{self.seed}/{self.serial}?&é"
        self.serial += 1
        value = f"u{self.serial}"
        result = self.run_op(
            "upsert",
            UPSERT,
            "PATCH",
            lambda t: self.sf.sobjects("Account", id=key, external_id=EXT).upsert(
                {"Name": f"{PREFIX}upsert", "Description": value}, timeout=t
            ),
        )
        before = self.upserts.get(key, {None})
        if isinstance(result, tuple) and result[1].status in (200, 201):
            self.upserts[key] = {value}
        else:
            self.upserts[key] = before | {value}

    def read(self) -> None:
        name = self.rng.choice(list(self.records))
        record_id, _ = self.records[name]
        result = self.run_op(
            "get",
            RECORD,
            "GET",
            lambda t: self.sf.sobjects("Account", id=record_id).query(["Name"], timeout=t),
        )
        if isinstance(result, tuple) and result[1].ok and result[0]["Name"] != name:
            self.unexpected.append(f"get {record_id}: wrong record")

    def query_more(self) -> None:
        soql = format_soql("SELECT Id FROM Account WHERE Name LIKE '{:like}%' ORDER BY Id", PREFIX)
        result = self.run_op(
            "query_more", QUERY_PAGES, "GET", lambda t: self.sf.query_more(soql, timeout=t)
        )
        if not isinstance(result, tuple) or not result[1].ok:
            return
        self.query_checks += 1
        seen = [r["Id"] for page in result[0] for r in page["records"]]
        truth = [r["Id"] for r in self.stored(soql)]
        if seen != truth:
            self.query_wrong += 1

    # -- run and verify --------------------------------------------------------------------------

    def run(self, seconds: float, limit: Optional[int] = None) -> float:
        operations = [
            (35, self.insert),
            (25, self.update),
            (20, self.upsert),
            (15, self.read),
            (5, self.query_more),
        ]
        choose = [op for _, op in operations]
        weights = [w for w, _ in operations]
        started = time.monotonic()
        done = 0
        while time.monotonic() - started < seconds and (limit is None or done < limit):
            self.rng.choices(choose, weights)[0]()
            done += 1
        return time.monotonic() - started

    def verify(self) -> tuple[int, int]:
        time.sleep(SLOW)
        lost = 0
        by_name = collections.Counter(
            r["Name"] for r in self.stored("SELECT Name FROM Account WHERE Name LIKE 'soak-%'")
        )
        duplicates = sum(
            n - 1 for name, n in by_name.items() if n > 1 and name != f"{PREFIX}upsert"
        )
        stored = {
            r["Id"]: r
            for r in self.stored(
                "SELECT Id, Name, Description FROM Account WHERE Name LIKE 'soak-%'"
            )
        }
        for name, (record_id, acceptable) in self.records.items():
            row = stored.get(record_id)
            if row is None or row["Name"] != name or row["Description"] not in acceptable:
                lost += 1
        keyed = collections.defaultdict(list)
        for row in self.stored(
            "SELECT Soak_Key__c, Description FROM Account WHERE Soak_Key__c != null"
        ):
            keyed[row[EXT]].append(row["Description"])
        duplicates += sum(len(v) - 1 for v in keyed.values() if len(v) > 1)
        for key, acceptable in self.upserts.items():
            values = keyed.get(key)
            if values is None:
                lost += None not in acceptable
            elif values[0] not in acceptable:
                lost += 1
        return lost, duplicates


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run (60)")
    parser.add_argument(
        "--operations", type=int, default=None, help="stop after this many operations too"
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument(
        "--fault-rate", type=float, default=0.35, help="share of operations given a fault (0.35)"
    )
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    soak = Soak(seed, args.fault_rate)
    soak.start()
    try:
        elapsed = soak.run(args.seconds, args.operations)
        lost, duplicates = soak.verify()
    finally:
        soak.stop()
    total = sum(soak.ops.values())
    surfaced = sum(soak.surfaced.values())
    ops = ", ".join(f"{kind} {n}" for kind, n in sorted(soak.ops.items()))
    print(f"soak: {elapsed:.1f} s, seed {seed}, {total} operations ({ops})")
    print(f"HTTP attempts: {soak.attempts}; retry waits: {soak.sleeper.waits}")
    print(f"faults injected: {soak.injected}")
    print(f"faults fired: {soak.fired}")
    print(f"faults survived (call succeeded): {soak.survived}")
    kinds = ", ".join(f"{k} {n}" for k, n in soak.surfaced.most_common()) or "none"
    print(f"faults surfaced as typed errors, then reconciled: {surfaced} ({kinds})")
    print(f"query_more results checked: {soak.query_checks}, wrong: {soak.query_wrong}")
    print(f"records lost: {lost}")
    print(f"duplicates: {duplicates}")
    for line in soak.unexpected[:20]:
        print(f"unexpected: {line}")
    failed = lost or duplicates or soak.query_wrong or soak.unexpected
    print("FAILED" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
