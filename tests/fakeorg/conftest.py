"""Fixtures for the fake org's unit tests (reusable by every test module under tests/fakeorg)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from salesforcepy.fakeorg.store import Store

# A fixed instant for tests that need predictable timestamps (a Wednesday in the middle of a month).
FIXED_NOW = dt.datetime(2024, 5, 15, 12, 30, 0, tzinfo=dt.timezone.utc)


class ManualClock:
    """A clock tests can move: ``clock.advance(seconds=5)``."""

    def __init__(self, start: dt.datetime = FIXED_NOW) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> dt.datetime:
        self.current += dt.timedelta(**delta)
        return self.current


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def store(clock: ManualClock) -> Iterator[Store]:
    """An empty in-memory store (standard objects, the admin user) whose clock is ``clock``."""
    s = Store(clock=clock)
    yield s
    s.close()


@pytest.fixture
def make_store() -> Iterator[Any]:
    """A factory for more stores: ``make_store(path=None, now=FIXED_NOW, clock=None, demo=False)``.

    Each store gets its own ``ManualClock`` starting at ``now`` (pass ``clock`` to keep a handle on
    it), optionally the demo seed, and is closed at teardown.
    """
    made: list[Store] = []

    def factory(
        path: str | None = None,
        *,
        now: dt.datetime = FIXED_NOW,
        clock: ManualClock | None = None,
        demo: bool = False,
    ) -> Store:
        s = Store(path, clock=clock or ManualClock(now))
        made.append(s)
        if demo:
            from salesforcepy.fakeorg.seed import load_demo

            load_demo(s)
        return s

    yield factory
    for s in made:
        s.close()


@pytest.fixture(scope="session")
def demo_store() -> Iterator[Store]:
    """One in-memory store with the demo seed, shared by the whole session: read-only use."""
    from salesforcepy.fakeorg.seed import load_demo

    s = Store(clock=ManualClock())
    load_demo(s)
    yield s
    s.close()


# ---- server fixtures: a running FakeOrg and a thin requests-based REST helper --------------------


class Rest:
    """``requests`` against a running fake org, logged in with the password grant.

    The integration tests of the server talk HTTP directly (not through the client library), so
    they see exactly what goes over the wire.
    """

    def __init__(self, org, version: str = "58.0") -> None:
        import requests

        self.org = org
        self.version = version
        self.http = requests.Session()
        self.verify = org.ca_bundle or True
        self.token = self.login().json()["access_token"]

    def login(self, **overrides):
        form = {
            "grant_type": "password",
            "client_id": self.org.client_id,
            "client_secret": self.org.client_secret,
            "username": self.org.username,
            "password": self.org.password,
        }
        form.update(overrides)
        form = {k: v for k, v in form.items() if v is not None}
        return self.http.post(
            self.org.login_url + "/services/oauth2/token", data=form, verify=self.verify
        )

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def url(self, path: str, version: str | None = None) -> str:
        if path.startswith("/services/") or path.startswith("/id/") or path.startswith("/__"):
            return self.org.instance_url + path
        return f"{self.org.instance_url}/services/data/v{version or self.version}{path}"

    def request(
        self, method: str, path: str, *, version: str | None = None, auth: bool = True, **kwargs
    ):
        headers = dict(kwargs.pop("headers", None) or {})
        if auth:
            headers = {**self.auth, **headers}
        kwargs.setdefault("verify", self.verify)
        return self.http.request(method, self.url(path, version), headers=headers, **kwargs)

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def query_all_pages(self, soql: str, **kwargs) -> tuple[list[dict], list[dict]]:
        """Follow ``nextRecordsUrl`` to the end; returns (records, page bodies)."""
        first = self.get("/query", params={"q": soql}, **kwargs)
        assert first.status_code == 200, first.text
        pages = [first.json()]
        while not pages[-1]["done"]:
            more = self.get(pages[-1]["nextRecordsUrl"], **kwargs)
            assert more.status_code == 200, more.text
            pages.append(more.json())
        return [r for page in pages for r in page["records"]], pages


@pytest.fixture(scope="module")
def org() -> Iterator[Any]:
    """A fake org shared by one test module (plain HTTP, in-memory database)."""
    from salesforcepy.fakeorg import FakeOrg

    with FakeOrg() as running:
        yield running


@pytest.fixture
def rest(org) -> Iterator[Rest]:
    """A logged-in REST helper on the module's org; faults are cleared afterwards."""
    helper = Rest(org)
    yield helper
    org.clear_faults()
    helper.http.close()


@pytest.fixture
def rest_for() -> Iterator[Any]:
    """A factory of logged-in REST helpers for orgs a test starts itself: ``rest_for(org)``."""
    made: list[Rest] = []

    def make(running_org) -> Rest:
        helper = Rest(running_org)
        made.append(helper)
        return helper

    yield make
    for helper in made:
        helper.http.close()
