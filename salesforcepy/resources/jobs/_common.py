"""What the Bulk job families share: CSV dialects, enum checks, record values as text, reading
result CSVs, waiting for a job.

Waiting polls the job's info with a growing interval (``poll_interval`` times ``backoff`` after each
poll, at most ``max_interval``) until the job reaches a final state or ``max_wait`` seconds have
passed. Every poll is an ordinary call through the client's funnel.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import enum
import io
import math
import time
from collections.abc import Collection
from typing import Any, Callable, Optional

from ...exceptions import SalesforceError
from ...request import Result

__all__ = [
    "DELIMITER_CHARS",
    "LINE_ENDING_CHARS",
    "JobWaitTimeout",
    "cell_text",
    "check_wait",
    "enum_value",
    "poll",
    "read_csv",
    "state_in",
]

DELIMITER_CHARS = {
    "COMMA": ",",
    "TAB": "\t",
    "PIPE": "|",
    "SEMICOLON": ";",
    "CARET": "^",
    "BACKQUOTE": "`",
}
LINE_ENDING_CHARS = {"LF": "\n", "CRLF": "\r\n"}


class JobWaitTimeout(SalesforceError):
    """A bulk job was still running when the wait's timeout expired.

    The job itself is left alone: it keeps running on Salesforce.

    Attributes:
        job_id: the job waited for.
        state: its state at the last poll.
        info: the job info of the last poll.
        max_wait: how long the wait was, in seconds.
    """

    def __init__(self, job_id: str, state: Optional[str], info: Any, max_wait: float) -> None:
        super().__init__(
            f"bulk job {job_id} is still {state or 'unknown'} after {max_wait:g} s of waiting"
        )
        self.job_id = job_id
        self.state = state
        self.info = info
        self.max_wait = max_wait


def enum_value(value: Any, kind: type[enum.Enum], name: str) -> str:
    """The string value of ``value``: a member of ``kind`` or one of its values.

    Raises:
        ValueError: anything else (the message names ``name`` and the allowed values).
    """
    raw = value.value if isinstance(value, kind) else value
    allowed = [str(m.value) for m in kind]
    if raw not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {str(raw)[:40]!r}")
    return str(raw)


def check_wait(
    max_wait: float, poll_interval: float, max_interval: float, backoff: float = 1.0
) -> None:
    """Check the arguments of a wait (see :func:`poll`).

    Raises:
        ValueError: a non-positive wait or interval, or a backoff below 1.
    """
    for name, value in (
        ("max_wait", max_wait),
        ("poll_interval", poll_interval),
        ("max_interval", max_interval),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValueError(f"{name} must be a positive number of seconds")
    if isinstance(backoff, bool) or not isinstance(backoff, (int, float)) or backoff < 1:
        raise ValueError("backoff must be a number of at least 1")


def poll(
    fetch: Callable[[], Result],
    *,
    job_id: str,
    done: Callable[[Any], bool],
    max_wait: float,
    poll_interval: float,
    max_interval: float,
    backoff: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Result:
    """Call ``fetch`` until ``done(body)`` holds; return that call's ``(body, request)``.

    A call that comes back with an error is returned at once (its ``request.exceptions`` say
    why); waiting on would only repeat it.

    Raises:
        JobWaitTimeout: ``max_wait`` seconds passed first.
        ValueError: a non-positive wait or interval, or a backoff below 1.
    """
    check_wait(max_wait, poll_interval, max_interval, backoff)
    deadline = clock() + max_wait
    interval = float(poll_interval)
    while True:
        body, sent = fetch()
        if not sent.ok or done(body):
            return body, sent
        remaining = deadline - clock()
        if remaining <= 0:
            state = body.get("state") if hasattr(body, "get") else None
            raise JobWaitTimeout(job_id, state, body, max_wait)
        sleep(min(interval, remaining))
        interval = min(interval * backoff, max_interval)


def state_in(states: Collection[str]) -> Callable[[Any], bool]:
    """A ``done`` test for :func:`poll`: the body's ``state`` is one of ``states``."""

    def done(body: Any) -> bool:
        return hasattr(body, "get") and body.get("state") in states

    return done


def cell_text(value: Any, field: str) -> str:
    """The Bulk API text of one record value (a CSV cell or an XML element): ``#N/A`` for None
    (Bulk's null), ``true``/``false``, numbers without exponent loss, ISO dates, aware datetimes
    in UTC with milliseconds.

    Raises:
        TypeError: a value of another type.
        ValueError: NaN or infinity, a naive datetime.
    """
    if value is None:
        return "#N/A"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"records: {field} is {value}, which Salesforce cannot store")
        return repr(value)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"records: {field} is {value}, which Salesforce cannot store")
        return format(value, "f")
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError(f"records: {field} is a datetime without a time zone")
        utc = value.astimezone(dt.timezone.utc)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"records: {field} has a {type(value).__name__}, which cannot be sent")


def read_csv(text: Optional[str], delimiter: str = ",") -> list[dict[str, str]]:
    """Rows of a CSV text as dicts keyed by its header (an empty list for no text)."""
    if not text:
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [dict(row) for row in reader]
