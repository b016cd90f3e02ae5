"""Fixtures for client-against-fake-org tests on the demo seed (import them into a test module).

The demo seed is loaded once per session into a template database file; each test gets its own
copy served by a fresh :class:`~salesforcepy.fakeorg.FakeOrg`, so tests may change data (delete
the example account, submit it for approval) without affecting each other.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import salesforcepy
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.soql import quote

__all__ = ["demo_db", "demo_org", "sf", "soql"]


def soql(template: str, *values: str) -> str:
    """``template`` with each ``{}`` replaced by a quoted SOQL string literal of a value."""
    return template.format(*(quote(value) for value in values))


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the demo seed (read-only: copy it before use)."""
    from salesforcepy.fakeorg.seed import load_demo
    from salesforcepy.fakeorg.store import Store

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = Store(str(path))
    try:
        load_demo(store)
    finally:
        store.close()
    return path


@pytest.fixture
def demo_org(demo_db: Path, tmp_path: Path) -> Iterator[FakeOrg]:
    """A running fake org with its own copy of the demo data."""
    copy = tmp_path / "org.db"
    shutil.copyfile(demo_db, copy)
    with FakeOrg(db=str(copy), seed="demo") as org:
        yield org


@pytest.fixture
def sf(demo_org: FakeOrg) -> Iterator[salesforcepy.Client]:
    """A client logged in to ``demo_org`` with the password flow."""
    client = salesforcepy.client(**demo_org.credentials)
    _, request = client.login()
    request.raise_for_status()
    yield client
    client.close()
