"""The Bulk API 2.0 load helper behind :meth:`Ingest.load <.ingest.Ingest.load>`.

One call takes records (dicts, or CSV text, bytes, a file or a path), writes them as CSV with the
:mod:`csv` module in the job's delimiter and line ending, splits them into parts that fit one
upload, and for each part creates a job, uploads, and closes it. Then it waits for every job
(polling with backoff, bounded by ``max_wait``), fetches the three result CSVs and checks that every
row came back exactly once.

Every input row ends in exactly one bucket of the :class:`LoadResult`:

``successes`` / ``failures`` / ``unprocessed``
    what Salesforce reported for it (``successfulResults``, ``failedResults``,
    ``unprocessedrecords``);
``not_sent``
    rows of parts Salesforce never processed because a step before processing failed (the part's
    job, if there is one, was aborted);
``unaccounted``
    rows whose fate is unknown (a job still running when the wait ended, results that could not
    be fetched, or counts that do not add up) — each such case is in ``problems``.

Nothing is raised for rows Salesforce rejected: they are ``failures``. A step that fails (an error
response, or no response at all) stops the sending of further parts; the parts already running are
still waited for. ``result.ok`` is false whenever something is in ``problems``;
``result.raise_for_status()`` raises :class:`BulkLoadError` then.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Optional, Union

import attrs

from ...exceptions import SalesforceError
from ...request import record_id
from ._common import (
    DELIMITER_CHARS,
    LINE_ENDING_CHARS,
    JobWaitTimeout,
    cell_text,
    check_wait,
    read_csv,
)

if TYPE_CHECKING:
    from .ingest import Ingest

__all__ = [
    "DEFAULT_MAX_BYTES",
    "BulkLoadError",
    "LoadJob",
    "LoadResult",
    "Records",
]

logger = logging.getLogger(__name__)

#: The default ``max_bytes`` of a part. Salesforce takes at most 150 MB per upload once it has
#: base64-encoded the data; 100 MB of CSV stays clear of that.
DEFAULT_MAX_BYTES = 100_000_000

Records = Union[Iterable[Mapping[str, Any]], str, bytes, IO[str], IO[bytes], "os.PathLike[str]"]
"""What :meth:`Ingest.load` accepts as records."""


class BulkLoadError(SalesforceError):
    """A load that did not fully succeed; ``result`` says what was and was not done."""

    def __init__(self, result: LoadResult) -> None:
        super().__init__(result.summary())
        self.result = result


@attrs.frozen
class LoadJob:
    """One part of a load: its job and what became of its rows.

    Attributes:
        part: position of the part (0 for the first).
        job_id: the job's id (``None`` when it could not be created).
        first_row: index in the input of the part's first row.
        rows: how many input rows the part holds.
        steps: the steps done, in order: ``created``, ``uploaded``, ``closed``, ``finished``,
            ``results`` (and ``aborted`` when the helper aborted the job).
        state: the job's last known state.
        error_message: Salesforce's ``errorMessage`` for a failed job.
        successes: rows of ``successfulResults`` (``sf__Id``, ``sf__Created``, then the columns).
        failures: rows of ``failedResults`` (``sf__Id``, ``sf__Error``, then the columns).
        unprocessed: rows of ``unprocessedrecords``.
        not_sent: input rows (as dicts of the CSV columns) that Salesforce never processed.
        problems: what went wrong with this part, in words.
        info: the last job info received.
    """

    part: int
    job_id: Optional[str]
    first_row: int
    rows: int
    steps: tuple[str, ...]
    state: Optional[str]
    error_message: Optional[str]
    successes: tuple[dict[str, str], ...]
    failures: tuple[dict[str, str], ...]
    unprocessed: tuple[dict[str, str], ...]
    not_sent: tuple[dict[str, str], ...]
    problems: tuple[str, ...]
    info: Any = attrs.field(default=None, eq=False, repr=False)

    @property
    def accounted(self) -> int:
        """Rows whose fate is known."""
        return len(self.successes) + len(self.failures) + len(self.unprocessed) + len(self.not_sent)

    @property
    def unaccounted(self) -> int:
        """Rows whose fate is unknown (never negative; too many rows back is a problem too)."""
        return max(0, self.rows - self.accounted)


@attrs.frozen
class LoadResult:
    """What :meth:`Ingest.load` did: one :class:`LoadJob` per part, and the totals.

    Attributes:
        object: the sObject loaded.
        operation: the operation.
        jobs: the parts, in input order.
        rows: input rows.
        problems: everything that went wrong, in words (empty when all went well).
        elapsed: seconds the whole load took.
    """

    object: str
    operation: str
    jobs: tuple[LoadJob, ...]
    rows: int
    problems: tuple[str, ...]
    elapsed: float = attrs.field(default=0.0, eq=False)

    @property
    def ok(self) -> bool:
        """True when every step worked and every row is accounted for (rows Salesforce rejected
        are ``failures``, not problems)."""
        return not self.problems

    @property
    def job_ids(self) -> list[str]:
        """The ids of the jobs created, in part order."""
        return [job.job_id for job in self.jobs if job.job_id is not None]

    @property
    def successes(self) -> list[dict[str, str]]:
        """Rows of ``successfulResults``: ``sf__Id``, ``sf__Created``, then your columns."""
        return [row for job in self.jobs for row in job.successes]

    @property
    def failures(self) -> list[dict[str, str]]:
        """Rows of ``failedResults``, which Salesforce rejected: ``sf__Id``, ``sf__Error``, then
        your columns."""
        return [row for job in self.jobs for row in job.failures]

    @property
    def unprocessed(self) -> list[dict[str, str]]:
        """Rows of ``unprocessedrecords`` (of a job that failed or was aborted)."""
        return [row for job in self.jobs for row in job.unprocessed]

    @property
    def not_sent(self) -> list[dict[str, str]]:
        """Input rows of parts Salesforce never processed: a step before processing failed."""
        return [row for job in self.jobs for row in job.not_sent]

    @property
    def unaccounted(self) -> int:
        """Rows whose fate is unknown."""
        return sum(job.unaccounted for job in self.jobs)

    def counts(self) -> dict[str, int]:
        """``rows``, ``successes``, ``failures``, ``unprocessed``, ``not_sent``, ``unaccounted``."""
        return {
            "rows": self.rows,
            "successes": sum(len(job.successes) for job in self.jobs),
            "failures": sum(len(job.failures) for job in self.jobs),
            "unprocessed": sum(len(job.unprocessed) for job in self.jobs),
            "not_sent": sum(len(job.not_sent) for job in self.jobs),
            "unaccounted": self.unaccounted,
        }

    def summary(self) -> str:
        """One paragraph: the counts per bucket, then every problem."""
        counts = self.counts()
        head = (
            f"{self.operation} of {counts['rows']} {self.object} rows in {len(self.jobs)} "
            f"job(s): {counts['successes']} succeeded, {counts['failures']} failed, "
            f"{counts['unprocessed']} unprocessed, {counts['not_sent']} not sent, "
            f"{counts['unaccounted']} unaccounted for"
        )
        if not self.problems:
            return head + "."
        return head + ". Problems: " + " ".join(self.problems)

    def raise_for_status(self) -> None:
        """Raise :class:`BulkLoadError` if anything is in :attr:`problems`."""
        if self.problems:
            raise BulkLoadError(self)


# ---- turning records into CSV parts --------------------------------------------------------------


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"records: the CSV is not UTF-8 (byte {exc.start})") from None
    return text[1:] if text.startswith("\ufeff") else text


def _csv_text(records: Any) -> Optional[str]:
    """The CSV text of ``records`` when they are CSV (text, bytes, file or path), else None."""
    if isinstance(records, str):
        return records[1:] if records.startswith("\ufeff") else records
    if isinstance(records, (bytes, bytearray)):
        return _decode(bytes(records))
    if isinstance(records, os.PathLike):
        with open(records, "rb") as handle:
            return _decode(handle.read())
    read = getattr(records, "read", None)
    if callable(read):
        data = read()
        if isinstance(data, (bytes, bytearray)):
            return _decode(bytes(data))
        if isinstance(data, str):
            return data[1:] if data.startswith("\ufeff") else data
        raise TypeError("records: the file returned neither text nor bytes")
    return None


def table(
    records: Records, *, fields: Optional[Sequence[str]], delimiter: str
) -> tuple[list[str], list[list[str]]]:
    """The header and rows of ``records`` as CSV cells.

    Raises:
        TypeError: records of an unsupported kind, a record that is not a mapping, a value that
            cannot be written.
        ValueError: no rows, an empty or repeated column name, a CSV row of the wrong length.
    """
    text = _csv_text(records)
    if text is not None:
        if fields is not None:
            raise ValueError("fields is only for records given as dicts; a CSV has its header")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = [row for row in reader if row]
        if not rows:
            raise ValueError("records: the CSV is empty")
        header, data = rows[0], rows[1:]
        for number, row in enumerate(data, start=2):
            if len(row) != len(header):
                raise ValueError(
                    f"records: CSV row {number} has {len(row)} values but the header has "
                    f"{len(header)} columns"
                )
    else:
        if isinstance(records, Mapping):
            raise TypeError("records must be an iterable of dicts (or CSV), not one dict")
        if not isinstance(records, Iterable):
            raise TypeError(
                "records must be an iterable of dicts, CSV text or bytes, a file or a path"
            )
        items: list[Mapping[str, Any]] = []
        for number, item in enumerate(records):
            if not isinstance(item, Mapping):
                raise TypeError(f"records[{number}] is a {type(item).__name__}, not a dict")
            items.append(item)
        if fields is not None:
            header = list(fields)
        else:
            seen: dict[str, None] = {}
            for item in items:
                for key in item:
                    seen.setdefault(key, None)
            header = list(seen)
        data = [
            [cell_text(item[name], name) if name in item else "" for name in header]
            for item in items
        ]
        for number, item in enumerate(items):
            extra = [key for key in item if key not in header]
            if extra:
                raise ValueError(f"records[{number}] has fields not in fields: {extra[:5]}")
    if not data:
        hint = ""
        if isinstance(records, str) and "\n" not in records.strip():
            hint = " (to load a file, pass a pathlib.Path or an open file, not its name)"
        raise ValueError(f"records: there are no rows to load{hint}")
    lowered = set()
    for name in header:
        if not isinstance(name, str) or not name.strip():
            raise ValueError("records: every column needs a name")
        if name.lower() in lowered:
            raise ValueError(f"records: the column {name} appears twice")
        lowered.add(name.lower())
    return header, data


@attrs.frozen
class Part:
    """A slice of the input that fits one upload."""

    index: int
    first_row: int
    rows: list[list[str]]
    csv: bytes


def split(
    header: Sequence[str],
    rows: Sequence[list[str]],
    *,
    delimiter: str,
    line_ending: str,
    max_bytes: int,
) -> list[Part]:
    """Cut the rows into CSV documents of at most ``max_bytes`` bytes, each with the header.

    Raises:
        ValueError: a single row (with the header) is larger than ``max_bytes``.
    """
    buffer = io.StringIO()
    # csv quotes a cell only for the characters of its own line terminator: writing "\r\n" makes
    # it quote every cell holding a CR or an LF (a lone CR would otherwise end the row in
    # Salesforce's parser); the job's line ending then replaces the terminator.
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")

    def encode(row: Sequence[str]) -> bytes:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        return (buffer.getvalue()[:-2] + line_ending).encode("utf-8")

    head = encode(header)
    parts: list[Part] = []
    chunks: list[bytes] = [head]
    size = len(head)
    first = 0
    for index, row in enumerate(rows):
        line = encode(row)
        if len(head) + len(line) > max_bytes:
            raise ValueError(
                f"records: row {index + 1} needs {len(head) + len(line)} bytes with the header, "
                f"more than max_bytes ({max_bytes})"
            )
        if size + len(line) > max_bytes:
            parts.append(Part(len(parts), first, list(rows[first:index]), b"".join(chunks)))
            chunks, size, first = [head], len(head), index
        chunks.append(line)
        size += len(line)
    parts.append(Part(len(parts), first, list(rows[first:]), b"".join(chunks)))
    return parts


# ---- running the parts ---------------------------------------------------------------------------


@attrs.define
class _Progress:
    part: Part
    header: list[str]
    job_id: Optional[str] = None
    steps: list[str] = attrs.field(factory=list)
    state: Optional[str] = None
    error_message: Optional[str] = None
    successes: list[dict[str, str]] = attrs.field(factory=list)
    failures: list[dict[str, str]] = attrs.field(factory=list)
    unprocessed: list[dict[str, str]] = attrs.field(factory=list)
    not_sent: list[dict[str, str]] = attrs.field(factory=list)
    problems: list[str] = attrs.field(factory=list)
    info: Any = None

    @property
    def label(self) -> str:
        rows = len(self.part.rows)
        span = f"rows {self.part.first_row + 1}-{self.part.first_row + rows}"
        job = f"job {self.job_id}" if self.job_id else "no job"
        return f"part {self.part.index + 1} ({span}, {job})"

    def give_up(self) -> None:
        """Mark every row of the part as not sent."""
        self.not_sent = [dict(zip(self.header, row)) for row in self.part.rows]

    def frozen(self) -> LoadJob:
        return LoadJob(
            part=self.part.index,
            job_id=self.job_id,
            first_row=self.part.first_row,
            rows=len(self.part.rows),
            steps=tuple(self.steps),
            state=self.state,
            error_message=self.error_message,
            successes=tuple(self.successes),
            failures=tuple(self.failures),
            unprocessed=tuple(self.unprocessed),
            not_sent=tuple(self.not_sent),
            problems=tuple(self.problems),
            info=self.info,
        )


def _state(body: Any) -> Optional[str]:
    """The ``state`` of a job-info answer; None when the answer is not a JSON object."""
    state = body.get("state") if isinstance(body, Mapping) else None
    return state if isinstance(state, str) else None


def _job_id(body: Any) -> Optional[str]:
    """The ``id`` of a job-info answer, when it is a Salesforce id."""
    value = body.get("id") if isinstance(body, Mapping) else None
    try:
        return record_id(value, "id")
    except (TypeError, ValueError):
        return None


def _describe(sent: Any) -> str:
    errors = getattr(sent, "exceptions", None) or []
    if errors:
        return str(errors[0])
    return f"HTTP {getattr(sent, 'status', '?')}"


class Loader:
    """Runs one load; see the module docstring."""

    def __init__(
        self,
        ingest: Ingest,
        job_resource: Mapping[str, Any],
        header: list[str],
        parts: list[Part],
        *,
        delimiter: str,
        max_wait: float,
        poll_interval: float,
        max_interval: float,
        call: Mapping[str, Any],
    ) -> None:
        self.ingest = ingest
        self.job_resource = dict(job_resource)
        self.header = header
        self.progress = [_Progress(part, header) for part in parts]
        self.delimiter = delimiter
        self.max_wait = max_wait
        self.poll_interval = poll_interval
        self.max_interval = max_interval
        self.call = dict(call)

    def run(self) -> list[LoadJob]:
        started = time.monotonic()
        stopped = False
        for item in self.progress:
            if stopped:
                item.give_up()
                item.problems.append(f"{item.label} was not sent because an earlier part failed.")
                continue
            if not self._send(item):
                stopped = True
        for item in self.progress:
            if "closed" in item.steps:
                remaining = self.max_wait - (time.monotonic() - started)
                self._finish(item, max(remaining, 0.001))
        return [item.frozen() for item in self.progress]

    # one part: create, upload, close ----------------------------------------------------------

    def _step(self, item: _Progress, what: str, action: Any) -> Optional[Any]:
        """Run one call; on failure note the problem and return None."""
        try:
            body, sent = action()
        except SalesforceError as exc:
            item.problems.append(f"{item.label}: {what} failed: {exc}")
            return None
        if not sent.ok:
            item.problems.append(f"{item.label}: {what} failed: {_describe(sent)}")
            return None
        return body if body is not None else {}

    def _send(self, item: _Progress) -> bool:
        ingest, call = self.ingest, self.call
        body = self._step(
            item, "creating the job", lambda: ingest.create(self.job_resource, **call)
        )
        if body is None:
            item.give_up()
            return False
        job_id = _job_id(body)
        if job_id is None:
            # A job may exist, but one nobody closes stays Open and is never processed.
            item.problems.append(
                f"{item.label}: creating the job answered without a job id; a job may have been "
                "created and left Open, which Salesforce does not process."
            )
            item.give_up()
            return False
        item.job_id = job_id
        item.state = _state(body)
        item.steps.append("created")
        if (
            self._step(item, "uploading", lambda: ingest.batches(job_id, item.part.csv, **call))
            is None
        ):
            self._abandon(item)
            return False
        item.steps.append("uploaded")
        for attempt in (1, 2):
            closed = self._step(
                item, "closing the job", lambda: ingest.update(job_id, "UploadComplete", **call)
            )
            if closed is not None:
                item.state = _state(closed)
                break
            # The close may have reached Salesforce even though its answer did not reach us (and
            # one without an answer may still arrive): the job's state says.
            info = self._step(item, "checking the job", lambda: ingest.get(job_id, **call))
            state = _state(info)
            if state is None:
                item.problems.append(
                    f"{item.label}: its state is unknown; check the job before loading its "
                    "rows again."
                )
                return False
            if state != "Open":
                item.problems.pop()  # the check says the job was closed after all
                item.state = state
                break
            if attempt == 2:
                self._abandon(item)
                return False
            # Still Open: close it once more. Closing twice cannot load a row twice (a close
            # arriving late is refused), while aborting could race a late close and stop a job
            # that had begun processing.
            item.problems.pop()
        item.steps.append("closed")
        return True

    def _abandon(self, item: _Progress) -> None:
        """Abort a job that is still Open: Salesforce processes none of its rows."""
        job_id = item.job_id
        if job_id is not None:
            aborted = self._step(
                item, "aborting the job", lambda: self.ingest.update(job_id, "Aborted", **self.call)
            )
            if aborted is not None:
                item.steps.append("aborted")
                item.state = _state(aborted)
            else:
                item.problems.append(
                    f"{item.label}: the job stays Open; Salesforce does not process an Open job."
                )
        item.give_up()

    # one part: wait, results, checks ----------------------------------------------------------

    def _finish(self, item: _Progress, max_wait: float) -> None:
        job_id = item.job_id
        assert job_id is not None
        try:
            info, sent = self.ingest.wait(
                job_id,
                max_wait=max_wait,
                poll_interval=self.poll_interval,
                max_interval=self.max_interval,
                **self.call,
            )
        except JobWaitTimeout as exc:
            item.state = exc.state
            item.info = exc.info
            item.problems.append(
                f"{item.label} was still {exc.state} when the wait ended; its "
                f"{len(item.part.rows)} rows are not accounted for yet."
            )
            return
        except SalesforceError as exc:
            item.problems.append(f"{item.label}: checking the job failed: {exc}")
            return
        item.info = info
        if not sent.ok:
            item.problems.append(f"{item.label}: checking the job failed: {_describe(sent)}")
            return
        item.state = info.get("state")
        item.error_message = info.get("errorMessage")
        item.steps.append("finished")
        fetched = True
        for flag, bucket in (
            ("successes", item.successes),
            ("failures", item.failures),
            ("unprocessed", item.unprocessed),
        ):
            flags = {name: name == flag for name in ("successes", "failures", "unprocessed")}
            text = self._step(
                item,
                f"fetching the {flag} CSV",
                lambda flags=flags: self.ingest.get(job_id, **flags, **self.call),
            )
            if text is None:
                fetched = False
                continue
            bucket.extend(read_csv(text if isinstance(text, str) else "", self.delimiter))
        if fetched:
            item.steps.append("results")
        if item.state == "Failed":
            item.problems.append(
                f"{item.label} failed: {item.error_message or 'no errorMessage'}; its rows are "
                "in unprocessed."
            )
        elif item.state == "Aborted":
            item.problems.append(f"{item.label} was aborted; rows not reached are in unprocessed.")
        if not fetched:
            return
        sent_rows = len(item.part.rows)
        if (
            item.state == "Failed"
            and not item.successes
            and not item.failures
            and len(item.unprocessed) != sent_rows
        ):
            # Nothing was processed, so every row sent is unprocessed, once. (A job that got its
            # data twice fails so, and its unprocessedrecords can hold both copies: sending them
            # again would load each row twice.)
            item.problems.append(
                f"{item.label}: the unprocessed CSV holds {len(item.unprocessed)} rows for the "
                f"{sent_rows} sent, none of them processed; unprocessed holds the rows sent."
            )
            item.unprocessed = [dict(zip(self.header, row)) for row in item.part.rows]
        back = len(item.successes) + len(item.failures) + len(item.unprocessed)
        if back != sent_rows:
            item.problems.append(
                f"{item.label}: {sent_rows} rows were sent but the results hold {back} "
                f"({len(item.successes)} successes, {len(item.failures)} failures, "
                f"{len(item.unprocessed)} unprocessed)."
            )
        processed = info.get("numberRecordsProcessed")
        if isinstance(processed, int) and processed != len(item.successes) + len(item.failures):
            item.problems.append(
                f"{item.label}: the job reports {processed} rows processed but the results hold "
                f"{len(item.successes) + len(item.failures)}."
            )


def run_load(
    ingest: Ingest,
    *,
    object_type: str,
    operation: str,
    records: Records,
    job_resource: Mapping[str, Any],
    fields: Optional[Sequence[str]],
    delimiter_name: str,
    line_ending_name: str,
    max_bytes: int,
    max_wait: float,
    poll_interval: float,
    max_interval: float,
    call: Mapping[str, Any],
) -> LoadResult:
    """Check and split the input, then run the load (see :meth:`Ingest.load`)."""
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError("max_bytes must be a positive integer")
    check_wait(max_wait, poll_interval, max_interval)
    delimiter = DELIMITER_CHARS[delimiter_name]
    header, rows = table(records, fields=fields, delimiter=delimiter)
    if operation in ("delete", "hardDelete") and [h.lower() for h in header] != ["id"]:
        raise ValueError(f"a {operation} load takes only an Id column, not {header[:5]}")
    key = job_resource.get("externalIdFieldName")
    if (
        operation == "upsert"
        and isinstance(key, str)
        and key.lower() not in (name.lower() for name in header)
    ):
        # Salesforce would fail the whole job (InvalidBatch) once it is uploaded and closed.
        raise ValueError(f"an upsert by {key} needs a {key} column, not only {header[:5]}")
    parts = split(
        header,
        rows,
        delimiter=delimiter,
        line_ending=LINE_ENDING_CHARS[line_ending_name],
        max_bytes=max_bytes,
    )
    started = time.monotonic()
    loader = Loader(
        ingest,
        job_resource,
        header,
        parts,
        delimiter=delimiter,
        max_wait=max_wait,
        poll_interval=poll_interval,
        max_interval=max_interval,
        call=call,
    )
    jobs = loader.run()
    problems = tuple(problem for job in jobs for problem in job.problems)
    result = LoadResult(
        object=object_type,
        operation=operation,
        jobs=tuple(jobs),
        rows=len(rows),
        problems=problems,
        elapsed=time.monotonic() - started,
    )
    if problems:
        logger.warning("bulk load incomplete: %s", result.summary())
    return result
