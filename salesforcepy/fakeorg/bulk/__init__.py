"""Bulk API 2.0 and Bulk API 1.0 jobs in the fake org: the engine behind ``api/bulk2`` and
``api/bulk1``.

* :mod:`.settings` — :class:`BulkSettings`: pace (rows per second, start delay, chunk size) and
  size limits. ``FakeOrg(bulk=BulkSettings.fast())`` makes jobs finish at once; ``org.bulk`` is
  the live object.
* :mod:`.csvio` — reading uploads (delimiters, line endings, UTF-8) and writing result CSVs.
* :mod:`.rows` — applying rows through the store (``source="text"`` for CSV and XML) and turning
  each failure into an ``sf__Error``.
* :mod:`.jobs` — Bulk 2.0 ingest and query jobs; :mod:`.classic` — Bulk 1.0 jobs and batches.
* :mod:`.querying` — which SOQL bulk queries accept, and result rows as CSV cells.
* :mod:`.engine` — :class:`BulkJobs`, the per-org registry and its background worker.

Nothing here imports werkzeug: the HTTP side lives in ``fakeorg/api``.
"""

from __future__ import annotations

from .engine import BulkJobs, settings_of
from .settings import BulkSettings

__all__ = ["BulkJobs", "BulkSettings", "settings_of"]
