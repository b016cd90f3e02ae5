"""How fast bulk jobs run in the fake org, and the size limits it enforces.

Real Salesforce takes a while before it starts a bulk job and then works through the rows at a few
thousand per second. The fake org imitates that by default, so polling code gets to see
``UploadComplete`` and ``InProgress``; tests make jobs finish at once with
:meth:`BulkSettings.fast` (``FakeOrg(bulk=BulkSettings.fast())``) or by changing the live settings
(``org.bulk.rows_per_second = None``) at any time.
"""

from __future__ import annotations

from typing import Any, Optional

import attrs

__all__ = ["BulkSettings"]

# Salesforce caps one Bulk 2.0 upload at 150 MB once it has base64-encoded it internally, which
# is 3/4 of that in raw CSV bytes.
BASE64_UPLOAD_LIMIT = 150_000_000
DEFAULT_MAX_UPLOAD_BYTES = BASE64_UPLOAD_LIMIT * 3 // 4


def _positive_or_none(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, (int, float)) or value <= 0):
        raise ValueError(f"{attribute.name} must be a positive number or None")


def _not_negative(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{attribute.name} must be zero or a positive number")


def _at_least_one(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"{attribute.name} must be a positive integer")


@attrs.define(kw_only=True)
class BulkSettings:
    """Pace and limits of the fake org's bulk jobs (Bulk API 2.0 and 1.0).

    The object is live: the worker reads it before every chunk, so a change applies to jobs that
    are already running.

    Attributes:
        rows_per_second: processing rate of each job (query jobs count their result rows);
            ``None`` processes as fast as the store allows.
        start_delay: seconds a closed job (or a queued Bulk 1.0 batch) waits before it turns
            ``InProgress``.
        chunk_size: rows applied in one store transaction; an abort takes effect between chunks.
        max_upload_bytes: largest Bulk 2.0 upload, in bytes of CSV after any gzip is undone
            (default: the 150 MB base64 limit expressed in raw bytes).
        multipart_max_chars: largest CSV part of a multipart job creation, in characters.
        list_page_size: jobs per page of ``GET /jobs/ingest`` and ``GET /jobs/query``.
        query_page_size: rows per Bulk 2.0 query result page when the client gives no
            ``maxRecords``; also the page size of ``resultPages``.
        classic_max_batch_records: records per Bulk 1.0 batch.
        classic_max_batch_bytes: bytes per Bulk 1.0 batch request.
    """

    rows_per_second: Optional[float] = attrs.field(default=2000.0, validator=_positive_or_none)
    start_delay: float = attrs.field(default=1.0, validator=_not_negative)
    chunk_size: int = attrs.field(default=200, validator=_at_least_one)
    max_upload_bytes: int = attrs.field(default=DEFAULT_MAX_UPLOAD_BYTES, validator=_at_least_one)
    multipart_max_chars: int = attrs.field(default=100_000, validator=_at_least_one)
    list_page_size: int = attrs.field(default=1000, validator=_at_least_one)
    query_page_size: int = attrs.field(default=10_000, validator=_at_least_one)
    classic_max_batch_records: int = attrs.field(default=10_000, validator=_at_least_one)
    classic_max_batch_bytes: int = attrs.field(default=10_000_000, validator=_at_least_one)

    @classmethod
    def fast(cls, **overrides: object) -> BulkSettings:
        """Settings for tests: no start delay and no rate limit (other limits as given)."""
        values: dict[str, object] = {"rows_per_second": None, "start_delay": 0.0}
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
