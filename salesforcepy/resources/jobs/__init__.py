"""Bulk API jobs: ``client.jobs``.

Each job family is one module and one attribute of :class:`Jobs`: ``client.jobs.ingest``
(Bulk 2.0 ingest, :mod:`.ingest`, with the :meth:`~.ingest.Ingest.load` helper in :mod:`.load`),
``client.jobs.query`` (Bulk 2.0 query, :mod:`.query`) and ``client.jobs.legacy`` (Bulk API 1.0,
:mod:`.legacy`).
"""

from __future__ import annotations

import attrs

from .._base import Sender
from ._common import JobWaitTimeout
from .ingest import Ingest
from .legacy import Legacy
from .load import BulkLoadError, LoadJob, LoadResult
from .query import Query

__all__ = [
    "BulkLoadError",
    "Ingest",
    "JobWaitTimeout",
    "Jobs",
    "Legacy",
    "LoadJob",
    "LoadResult",
    "Query",
]


@attrs.define
class Jobs:
    """Bulk API job families: ``client.jobs.ingest``, ``.query`` and ``.legacy``."""

    _client: Sender

    @property
    def ingest(self) -> Ingest:
        """Bulk API 2.0 ingest jobs."""
        return Ingest(self._client)

    @property
    def query(self) -> Query:
        """Bulk API 2.0 query jobs."""
        return Query(self._client)

    @property
    def legacy(self) -> Legacy:
        """Bulk API 1.0 jobs and batches."""
        return Legacy(self._client)
