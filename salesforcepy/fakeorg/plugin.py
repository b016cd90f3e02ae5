"""pytest plugin (entry point ``pytest11``): the ``fake_org`` fixture.

Loaded by pytest for everyone who installs salesforcepy, so it must import nothing beyond pytest
and the standard library at load time: the fake org and its optional dependencies are imported
only when a test asks for the fixture.

Usage::

    def test_insert(fake_org):
        client = salesforcepy.client(**fake_org.credentials)
        ...

    @pytest.mark.fake_org(seed="demo", tls=True)
    def test_with_demo_data_over_https(fake_org):
        ...
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

_MARKER_HELP = (
    "fake_org(tls=False, seed=None, db=None, bulk=None): options for the fake_org fixture "
    "(seed='demo' loads the demo dataset; tls=True serves HTTPS with a throwaway CA; "
    "bulk=BulkSettings.fast() makes bulk jobs finish at once)"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER_HELP)


@pytest.fixture
def fake_org(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A running fake org for one test: plain HTTP on loopback and an in-memory database, unless
    the test's ``fake_org`` marker asks for ``tls``, ``seed``, ``db`` or ``bulk`` settings."""
    marker = request.node.get_closest_marker("fake_org")
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    unknown = sorted(set(options) - {"tls", "seed", "db", "bulk"})
    if unknown:
        pytest.fail(f"unknown fake_org marker options: {', '.join(unknown)}", pytrace=False)
    from salesforcepy.fakeorg.org import FakeOrg

    org = FakeOrg(**options)
    missing = None
    try:
        org.start()
    except ModuleNotFoundError as exc:
        missing = (exc.name or "a module").split(".")[0]
    if missing is not None:
        pytest.fail(
            f"the fake_org fixture needs the fake org's dependencies ({missing} is missing): "
            "pip install 'salesforcepy[fakeorg]'",
            pytrace=False,
        )
    try:
        yield org
    finally:
        org.stop()
