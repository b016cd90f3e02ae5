"""A local Salesforce org over real HTTP(S) and SQLite, for demos, tests and benchmarks.

Importing this package must not import werkzeug, lark or trustme: they are the optional ``fakeorg``
extra and are loaded only when a fake org is actually started. ``FakeOrg`` and the settings it
takes (``BulkSettings`` for the bulk worker's pace, ``FieldDef`` for custom fields) are therefore
exported lazily::

    from salesforcepy.fakeorg import BulkSettings, FakeOrg

    with FakeOrg(seed="demo", bulk=BulkSettings.fast()) as org:
        ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .bulk import BulkSettings
    from .org import FakeOrg
    from .schema import FieldDef

__all__ = ["BulkSettings", "FakeOrg", "FieldDef"]


def __getattr__(name: str) -> Any:
    if name == "FakeOrg":
        from .org import FakeOrg

        return FakeOrg
    if name == "BulkSettings":
        from .bulk import BulkSettings

        return BulkSettings
    if name == "FieldDef":
        from .schema import FieldDef

        return FieldDef
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
