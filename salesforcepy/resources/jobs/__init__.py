"""Bulk API jobs: ``client.jobs``.

Each job family is one module and one attribute of :class:`Jobs`: ``client.jobs.ingest``
(Bulk 2.0 ingest, :mod:`.ingest`). Further families slot in the same way.
"""

from __future__ import annotations

import attrs

from .._base import Sender
from .ingest import Ingest

__all__ = ["Ingest", "Jobs"]


@attrs.define
class Jobs:
    """Bulk API job families: ``client.jobs.ingest``."""

    _client: Sender

    @property
    def ingest(self) -> Ingest:
        """Bulk API 2.0 ingest jobs."""
        return Ingest(self._client)
