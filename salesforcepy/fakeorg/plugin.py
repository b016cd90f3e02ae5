"""pytest plugin (entry point ``pytest11``): the ``fake_org`` fixture.

Loaded by pytest for everyone who installs salesforcepy, so it must import nothing beyond pytest
and the standard library at load time: the fake org and its optional dependencies are imported
only when a test asks for the fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def fake_org() -> Iterator[Any]:
    """A running fake org (plain HTTP on loopback, in-memory database) for one test."""
    from salesforcepy.fakeorg.org import FakeOrg

    with FakeOrg() as org:
        yield org
