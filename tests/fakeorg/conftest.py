"""Fixtures for the fake org's unit tests (reusable by every test module under tests/fakeorg)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

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


@pytest.fixture(scope="session")
def demo_store() -> Iterator[Store]:
    """One in-memory store with the demo seed, shared by a whole test session: read-only use only."""
    from salesforcepy.fakeorg.seed import load_demo

    s = Store(clock=ManualClock())
    load_demo(s)
    yield s
    s.close()
