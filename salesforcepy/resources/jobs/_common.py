"""What the Bulk job families share: CSV dialects, reading result CSVs, waiting for a job.

Waiting polls the job's info with a growing interval (``poll_interval`` times ``backoff`` after each
poll, at most ``max_interval``) until the job reaches a final state or ``max_wait`` seconds have
passed. Every poll is an ordinary call through the client's funnel.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Collection
from typing import Any, Callable, Optional

from ...exceptions import SalesforceError
from ...request import Result

__all__ = [
    "DELIMITER_CHARS",
    "LINE_ENDING_CHARS",
    "JobWaitTimeout",
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


def _check_wait(max_wait: float, poll_interval: float, max_interval: float, backoff: float) -> None:
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
    _check_wait(max_wait, poll_interval, max_interval, backoff)
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


def read_csv(text: Optional[str], delimiter: str = ",") -> list[dict[str, str]]:
    """Rows of a CSV text as dicts keyed by its header (an empty list for no text)."""
    if not text:
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [dict(row) for row in reader]
