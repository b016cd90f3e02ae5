"""The bulk job registry of one org and the background worker that runs its jobs.

One :class:`BulkJobs` per org (``BulkJobs.of(org)``) keeps every Bulk 2.0 ingest and query job and
every Bulk 1.0 job, and owns one worker thread, started on first use and stopped when the org
closes. Work items are closed ingest jobs, query jobs and Bulk 1.0 batches. The worker takes them
in turn, one chunk at a time, so a long job does not hold up a short one:

* a unit becomes ready ``start_delay`` seconds after it was queued, turns ``InProgress`` and reads
  its data (a structural problem fails it here: unknown column, delete data with more than ``Id``,
  wrong line ending, several uploads);
* then each step applies ``chunk_size`` rows in one store transaction, and the next step is due
  when the job's rate (``rows_per_second``) allows;
* an abort is seen between chunks: rows not reached stay unprocessed.

Every state change happens under the registry's lock; the store work of a chunk does not hold it.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

from ..errors import SalesforceError
from ..schema import format_datetime
from .classic import BatchProblem, ClassicBatch, ClassicJob, parse_batch
from .csvio import CsvProblem
from .jobs import IngestJob, QueryJob
from .querying import SELECT_ORDER_SINCE, alphabetical, run_bulk_query
from .rows import RowApplier, header_problem
from .settings import BulkSettings

if TYPE_CHECKING:
    from ..org import OrgState

__all__ = ["BulkJobs", "settings_of"]

logger = logging.getLogger(__name__)

Job = Union[IngestJob, QueryJob, ClassicJob]
Unit = Union[IngestJob, QueryJob, ClassicBatch]

SETTINGS_EXTENSION = "bulk.settings"
JOBS_EXTENSION = "bulk.jobs"


def settings_of(org: OrgState) -> BulkSettings:
    """The org's live :class:`BulkSettings` (defaults unless ``FakeOrg(bulk=...)`` gave some)."""
    return org.extension(SETTINGS_EXTENSION, lambda _org: BulkSettings())


class BulkJobs:
    """Every bulk job of one org, and the worker that processes them."""

    def __init__(self, org: OrgState) -> None:
        self.org = org
        self.store = org.store
        self.lock = threading.RLock()
        self._wake = threading.Condition(self.lock)
        self._jobs: dict[str, Job] = {}
        self._queue: collections.deque[Unit] = collections.deque()
        self._thread: Optional[threading.Thread] = None
        self._stopping = False
        org.on_close(self.stop)

    @classmethod
    def of(cls, org: OrgState) -> BulkJobs:
        """The registry of ``org`` (created on first use)."""
        return org.extension(JOBS_EXTENSION, cls)

    @property
    def settings(self) -> BulkSettings:
        return settings_of(self.org)

    def now(self) -> str:
        """The org clock in the REST wire format."""
        return format_datetime(self.org.now())

    def new_id(self, prefix: str) -> str:
        return self.store.new_id(prefix)

    # ---- the registry --------------------------------------------------------------------------

    def add(self, job: Job) -> None:
        with self.lock:
            self._jobs[job.id] = job

    def get(self, job_id: str, kind: type) -> Optional[Any]:
        """The live job ``job_id`` if it is of ``kind``, else None."""
        from ..ids import normalize_id

        normalized = normalize_id(job_id)
        with self.lock:
            job = self._jobs.get(normalized) if normalized else None
        if job is None or not isinstance(job, kind) or job.deleted:
            return None
        return job

    def remove(self, job: Job) -> None:
        with self.lock:
            job.deleted = True
            self._jobs.pop(job.id, None)

    def jobs(self, accept: Callable[[Job], bool]) -> list[Job]:
        """Live jobs that ``accept`` takes, oldest first."""
        with self.lock:
            return [job for job in self._jobs.values() if accept(job)]

    def touch(self, job: Union[Job, ClassicBatch]) -> None:
        job.system_modstamp = self.now()

    # ---- scheduling ----------------------------------------------------------------------------

    def schedule(self, unit: Unit) -> None:
        """Queue ``unit`` to start after the start delay."""
        with self.lock:
            unit.ready_at = time.monotonic() + self.settings.start_delay
            self._queue.append(unit)
            self._ensure_worker()
            self._wake.notify_all()

    def wake(self) -> None:
        """Make the worker look at its queue again (after an abort or a settings change)."""
        with self.lock:
            self._wake.notify_all()

    def _ensure_worker(self) -> None:
        if self._thread is None and not self._stopping:
            self._thread = threading.Thread(target=self._run, name="fakeorg-bulk", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the worker (queued work is dropped with the org)."""
        with self.lock:
            self._stopping = True
            self._wake.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(10)

    def _next(self) -> Optional[Unit]:
        """The first ready unit (moved to the back of the queue), waiting until one is ready."""
        while not self._stopping:
            now = time.monotonic()
            soonest: Optional[float] = None
            for _ in range(len(self._queue)):
                unit = self._queue[0]
                self._queue.rotate(-1)
                if unit.deleted or unit.finished:
                    self._queue.pop()
                    continue
                if unit.ready_at <= now:
                    return unit
                soonest = unit.ready_at if soonest is None else min(soonest, unit.ready_at)
            # Settings may change while we wait: never sleep long without a look.
            wait = 0.5 if soonest is None else min(0.5, max(0.0, soonest - now))
            if not self._queue:
                wait = 60.0
            self._wake.wait(wait)
        return None

    def _run(self) -> None:
        while True:
            with self.lock:
                unit = self._next()
            if unit is None:
                return
            try:
                self._step(unit)
            except Exception:
                logger.exception("bulk worker failed on %s", unit.id)
                with self.lock:
                    self._fail(unit, "InternalServerError : the fake org could not process this")

    def _pace(self, unit: Unit, done: int) -> None:
        rate = self.settings.rows_per_second
        started = unit.started_at if unit.started_at is not None else time.monotonic()
        unit.ready_at = started + done / rate if rate else time.monotonic()

    def _fail(self, unit: Unit, message: str) -> None:
        if unit.finished:
            return
        unit.finished_at = time.monotonic()
        if isinstance(unit, ClassicBatch):
            unit.state = "Failed"
            unit.state_message = message
        else:
            unit.state = "Failed"
            unit.error_message = message
        self.touch(unit)

    def _step(self, unit: Unit) -> None:
        if isinstance(unit, IngestJob):
            self._step_ingest(unit)
        elif isinstance(unit, QueryJob):
            self._step_query(unit)
        else:
            self._step_batch(unit)

    def _start(self, unit: Unit) -> bool:
        """Turn a queued unit InProgress; True when this step did it (under the lock)."""
        if unit.started_at is not None:
            return False
        unit.state = "InProgress"
        unit.started_at = time.monotonic()
        self.touch(unit)
        return True

    # ---- Bulk 2.0 ingest -----------------------------------------------------------------------

    def _step_ingest(self, job: IngestJob) -> None:
        with self.lock:
            if job.deleted or job.state not in ("UploadComplete", "InProgress"):
                return
            starting = self._start(job)
        if starting:
            try:
                header, rows = job.parse()
                obj = self.store.object(job.object)
                problem = header_problem(obj, header, job.operation, job.external_id_field)
            except CsvProblem as exc:
                with self.lock:
                    self._fail(job, str(exc))
                return
            with self.lock:
                job.header, job.rows = header, rows
                if problem is not None:
                    self._fail(job, problem)
                return
        rows = job.rows or []
        header = job.header or []
        with self.lock:
            if job.state != "InProgress":
                return
            start = job.processed
            end = min(start + self.settings.chunk_size, len(rows))
        applier = self._applier(job, header, rows)
        records = [
            dict(zip(header, row)) if len(row) == len(header) else None for row in rows[start:end]
        ]
        began = time.monotonic()
        outcomes = applier.apply_chunk(records)
        with self.lock:
            job.active_seconds += time.monotonic() - began
            job.outcomes.extend(outcomes)
            job.processed = end
            job.failed += sum(1 for outcome in outcomes if not outcome.ok)
            if end >= len(rows) and job.state == "InProgress":
                job.state = "JobComplete"
                job.finished_at = time.monotonic()
                self.touch(job)
            self._pace(job, job.processed)

    def _applier(self, job: IngestJob, header: list[str], rows: list[list[str]]) -> RowApplier:
        if isinstance(job.applier, RowApplier):
            return job.applier
        duplicates: set[str] = set()
        if job.operation == "upsert" and job.external_id_field:
            records = (dict(zip(header, row)) for row in rows)
            duplicates = RowApplier.find_duplicates(records, job.external_id_field)
        applier = RowApplier(
            self.store,
            job.object,
            job.operation,
            external_id_field=job.external_id_field,
            user_id=job.created_by,
            source="text",
            duplicates=duplicates,
        )
        job.applier = applier
        return applier

    # ---- Bulk 2.0 query ------------------------------------------------------------------------

    def _step_query(self, job: QueryJob) -> None:
        with self.lock:
            if job.deleted or job.state not in ("UploadComplete", "InProgress"):
                return
            starting = self._start(job)
        if starting:
            try:
                columns, rows, _ = run_bulk_query(
                    self.store,
                    job.query,
                    api_version=job.api_version,
                    include_deleted=job.operation == "queryAll",
                )
            except SalesforceError as exc:
                with self.lock:
                    self._fail(job, f"{exc.error_code} : {exc.message}")
                return
            if float(job.api_version) < SELECT_ORDER_SINCE:
                columns, rows = alphabetical(columns, rows)
            with self.lock:
                job.columns, job.rows = columns, rows
        with self.lock:
            if job.state != "InProgress":
                return
            total = job.total
            job.processed = min(total, job.processed + self.settings.chunk_size)
            if job.processed >= total:
                job.state = "JobComplete"
                job.finished_at = time.monotonic()
                self.touch(job)
            self._pace(job, job.processed)

    # ---- Bulk 1.0 batches ----------------------------------------------------------------------

    def _step_batch(self, batch: ClassicBatch) -> None:
        job = batch.job
        with self.lock:
            if batch.deleted or batch.state not in ("Queued", "InProgress"):
                return
            if job.state == "Aborted" and batch.state == "Queued":
                batch.state = "NotProcessed"
                self.touch(batch)
                return
            starting = self._start(batch)
        if job.is_query:
            self._run_query_batch(batch)
            return
        if starting:
            try:
                header, records = parse_batch(job.content_type, batch.body)
                obj = self.store.object(job.object)
                problem = header_problem(obj, header, job.operation, job.external_id_field)
                limit = self.settings.classic_max_batch_records
                if problem is None and len(records) > limit:
                    problem = f"InvalidBatch : Records in a batch exceeded max limit of {limit}"
            except BatchProblem as exc:
                with self.lock:
                    self._fail(batch, str(exc))
                return
            with self.lock:
                batch.header, batch.records = header, records
                if problem is not None:
                    self._fail(batch, problem)
                    return
                duplicates: set[str] = set()
                if job.operation == "upsert" and job.external_id_field:
                    present = (r for r in records if r is not None)
                    duplicates = RowApplier.find_duplicates(present, job.external_id_field)
                applier = RowApplier(
                    self.store,
                    job.object,
                    job.operation,
                    external_id_field=job.external_id_field,
                    user_id=job.created_by,
                    source="json" if job.content_type == "JSON" else "text",
                    duplicates=duplicates,
                )
                batch.applier = applier
            return
        records = batch.records or []
        applier = batch.applier
        with self.lock:
            start = batch.processed
            end = min(start + self.settings.chunk_size, len(records))
        began = time.monotonic()
        outcomes = applier.apply_chunk(records[start:end])
        with self.lock:
            batch.active_seconds += time.monotonic() - began
            batch.outcomes.extend(outcomes)
            batch.processed = end
            batch.failed += sum(1 for outcome in outcomes if not outcome.ok)
            if end >= len(records):
                batch.state = "Completed"
                batch.finished_at = time.monotonic()
                self.touch(batch)
            self._pace(batch, batch.processed)

    def _run_query_batch(self, batch: ClassicBatch) -> None:
        job = batch.job
        soql = batch.body.decode("utf-8", errors="replace")
        try:
            from .querying import check_query

            check_query(
                self.store,
                soql,
                api_version=job.api_version,
                include_deleted=job.operation == "queryAll",
            )
            columns, rows, records = run_bulk_query(
                self.store,
                soql,
                api_version=job.api_version,
                include_deleted=job.operation == "queryAll",
            )
        except SalesforceError as exc:
            with self.lock:
                self._fail(
                    batch,
                    f"InvalidBatch : Failed to process query: {exc.error_code}: {exc.message}",
                )
            return
        with self.lock:
            batch.columns, batch.result_rows, batch.result_records = columns, rows, records
            batch.result_ids = [self.new_id("752")]
            batch.processed = len(rows)
            batch.state = "Completed"
            batch.finished_at = time.monotonic()
            self.touch(batch)

    def __iter__(self) -> Iterator[Job]:
        with self.lock:
            return iter(list(self._jobs.values()))
