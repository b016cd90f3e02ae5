"""A local Salesforce org over real HTTP(S) and SQLite, for demos, tests and benchmarks.

Importing this package must not import werkzeug, lark or trustme: they are the optional ``fakeorg``
extra and are loaded only when a fake org is actually started. ``FakeOrg`` is therefore exported
lazily::

    from salesforcepy.fakeorg import FakeOrg

    with FakeOrg(seed="demo") as org:
        ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .org import FakeOrg

__all__ = ["FakeOrg"]


def __getattr__(name: str) -> Any:
    if name == "FakeOrg":
        from .org import FakeOrg

        return FakeOrg
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
