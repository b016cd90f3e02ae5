"""Fault injection: error responses, slow responses, dropped connections, truncated bodies.

A :class:`Fault` matches requests by a regular expression searched in the URL path (and optionally
the method) and fires ``times`` times. It has a *phase* — before the operation is applied, or after
(``after_commit``: the store has changed, the client just doesn't hear about it) — and a chain of
*effects* applied in order at that phase. Each effect takes the response so far (``None`` before the
operation) and the org's *stopping* event, and returns the response to continue with (``None``:
carry on with the real operation), or raises :class:`DropConnection` to make the server hang up.

Adding a fault kind means writing an :class:`Effect` subclass and a keyword for it in
:meth:`Fault.build` (and the JSON control interface, which passes keywords straight through).
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

# Messages for the error codes tests inject most; anything else gets a generic text.
_MESSAGES = {
    "INVALID_SESSION_ID": "Session expired or invalid",
    "REQUEST_LIMIT_EXCEEDED": "TotalRequests Limit exceeded.",
    "UNABLE_TO_LOCK_ROW": "unable to obtain exclusive access to this record or 1 records",
    "SERVER_UNAVAILABLE": "Server temporarily unavailable, please try again",
    "API_TEMPORARILY_UNAVAILABLE": "API temporarily unavailable, please try again",
    "NOT_FOUND": "The requested resource does not exist",
}
_DEFAULT_CODES = {
    400: "UNABLE_TO_LOCK_ROW",
    401: "INVALID_SESSION_ID",
    403: "REQUEST_LIMIT_EXCEEDED",
    404: "NOT_FOUND",
    429: "REQUEST_LIMIT_EXCEEDED",
    500: "UNKNOWN_EXCEPTION",
    502: "SERVER_UNAVAILABLE",
    503: "SERVER_UNAVAILABLE",
    504: "SERVER_UNAVAILABLE",
}


class DropConnection(Exception):
    """Tell the server to hang up without a (complete) response.

    ``partial``: a response of which only the first ``keep`` bytes (status line, headers and part of
    the body) are sent before the connection is reset; ``None`` sends nothing at all.
    """

    def __init__(self, partial: Response | None = None, keep: float = 0.5) -> None:
        super().__init__("connection dropped by an injected fault")
        self.partial = partial
        self.keep = keep


class Effect:
    """One thing a fault does to a request at its phase.

    ``decorates``: the effect changes the real response, so it runs after the operation whatever
    the fault's phase.
    """

    decorates = False

    def apply(self, response: Response | None, stopping: threading.Event) -> Response | None:
        """Do the effect; ``stopping`` is set when the org shuts down (end waits early)."""
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        raise NotImplementedError


@attrs.frozen
class Delay(Effect):
    """Sleep, then carry on (a slow response). A shutdown cuts the sleep short and hangs up."""

    seconds: float

    def apply(self, response: Response | None, stopping: threading.Event) -> Response | None:
        if stopping.wait(self.seconds):
            raise DropConnection()
        return response

    def describe(self) -> dict[str, Any]:
        return {"delay": self.seconds}


@attrs.frozen
class ErrorResponse(Effect):
    """Answer with a Salesforce error array instead of the real response."""

    status: int
    error_code: str
    message: str
    headers: tuple[tuple[str, str], ...] = ()

    def apply(self, response: Response | None, stopping: threading.Event) -> Response | None:
        from .api import json_response

        body = [{"message": self.message, "errorCode": self.error_code}]
        return json_response(body, status=self.status, headers=dict(self.headers))

    def describe(self) -> dict[str, Any]:
        return {"status": self.status, "error_code": self.error_code, "headers": dict(self.headers)}


@attrs.frozen
class AddHeaders(Effect):
    """Add headers to whatever response goes out (e.g. ``Retry-After`` on a real answer)."""

    headers: tuple[tuple[str, str], ...]
    decorates = True

    def apply(self, response: Response | None, stopping: threading.Event) -> Response | None:
        if response is not None:
            for name, value in self.headers:
                response.headers[name] = value
        return response

    def describe(self) -> dict[str, Any]:
        return {"headers": dict(self.headers)}


@attrs.frozen
class Reset(Effect):
    """Drop the connection (TCP reset) without answering."""

    def apply(self, response: Response | None, stopping: threading.Event) -> Response | None:
        raise DropConnection()

    def describe(self) -> dict[str, Any]:
        return {"reset": True}


@attrs.frozen
class Truncate(Effect):
    """Send the status line, headers (with the full ``Content-Length``) and part of the body, then
    reset. Before the operation there is no real response yet, so a stand-in JSON body is cut
    instead; after the commit the real response is (a response without a body, such as a 204,
    is cut in its headers)."""

    keep: float = 0.5

    def apply(self, response: Response | None, stopping: threading.Event) -> Response | None:
        if response is None:
            from .api import json_response

            response = json_response({"id": None, "success": True, "errors": []})
        raise DropConnection(partial=response, keep=self.keep)

    def describe(self) -> dict[str, Any]:
        return {"truncate": self.keep}


_ids = itertools.count(1)


@attrs.define
class Fault:
    """A fault waiting for matching requests."""

    path: re.Pattern[str]
    method: str | None
    effects: tuple[Effect, ...]
    after_commit: bool = False
    times: int | None = 1  # None: forever
    id: int = attrs.field(factory=lambda: next(_ids))
    fired: int = 0

    @classmethod
    def build(
        cls,
        path: str = ".*",
        method: str | None = None,
        status: int | None = None,
        error_code: str | None = None,
        times: int | None = 1,
        delay: float | None = None,
        reset: bool = False,
        after_commit: bool = False,
        headers: Mapping[str, str] | None = None,
        message: str | None = None,
        truncate: bool | float = False,
    ) -> Fault:
        """Check the keywords of ``FakeOrg.inject_fault`` and make the fault.

        ``delay`` combines with any other effect (the sleep comes first); ``status``/``error_code``,
        ``reset`` and ``truncate`` exclude each other. ``headers`` go on the error response, or on
        the real response when there is no error.
        """
        _check_types(
            path=(path, str),
            method=(method, (str, type(None))),
            status=(status, (int, type(None))),
            error_code=(error_code, (str, type(None))),
            reset=(reset, bool),
            after_commit=(after_commit, bool),
            headers=(headers, (Mapping, type(None))),
            message=(message, (str, type(None))),
            truncate=(truncate, (bool, int, float)),
        )
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ValueError("times must be a positive integer or None (forever)")
        kinds = [bool(status or error_code), bool(reset), bool(truncate)]
        if sum(kinds) > 1:
            raise ValueError("choose one of status/error_code, reset and truncate")
        if delay is not None and (
            not isinstance(delay, (int, float)) or not 0 <= delay <= threading.TIMEOUT_MAX
        ):
            raise ValueError(
                f"delay must be a number of seconds between 0 and {threading.TIMEOUT_MAX:.0f}"
            )
        header_items = tuple((str(k), str(v)) for k, v in (headers or {}).items())
        for name, value in header_items:
            if any(c in name + value for c in "\r\n"):
                raise ValueError("header names and values must not contain CR or LF")
        effects: list[Effect] = []
        if delay:
            effects.append(Delay(float(delay)))
        if status or error_code:
            code = error_code or _DEFAULT_CODES.get(status or 0, "UNKNOWN_EXCEPTION")
            if status is None:
                status = (
                    401 if code == "INVALID_SESSION_ID" else 503 if "UNAVAILABLE" in code else 400
                )
                if code == "REQUEST_LIMIT_EXCEEDED":
                    status = 403
                if code in ("NOT_FOUND", "ENTITY_IS_DELETED"):
                    status = 404
            if not 100 <= status <= 599:
                raise ValueError(f"not an HTTP status: {status}")
            text = message or _MESSAGES.get(code, f"Injected fault: {code}")
            effects.append(ErrorResponse(int(status), code, text, header_items))
        elif header_items:
            effects.append(AddHeaders(header_items))
        if reset:
            effects.append(Reset())
        if truncate:
            keep = 0.5 if truncate is True else float(truncate)
            if not 0 <= keep < 1:
                raise ValueError("truncate keeps a fraction of the response in [0, 1)")
            effects.append(Truncate(keep))
        if not effects:
            raise ValueError("a fault needs status, error_code, delay, reset, truncate or headers")
        try:
            pattern = re.compile(path)
        except re.error as exc:
            raise ValueError(f"path is not a regular expression: {exc}") from None
        return cls(
            path=pattern,
            method=method.upper() if method else None,
            effects=tuple(effects),
            after_commit=after_commit,
            times=times,
        )

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and self.path.search(path) is not None

    def before(self, stopping: threading.Event) -> Response | None:
        """Run the effects due before the operation; a response ends the request early."""
        response = None
        if not self.after_commit:
            for effect in self.effects:
                if not effect.decorates:
                    response = effect.apply(response, stopping)
        return response

    def after(self, response: Response, stopping: threading.Event) -> Response:
        """Run the effects due after the operation on its response."""
        for effect in self.effects:
            if self.after_commit or effect.decorates:
                response = effect.apply(response, stopping) or response
        return response

    def describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "id": self.id,
            "path": self.path.pattern,
            "method": self.method,
            "after_commit": self.after_commit,
            "times": self.times,
            "fired": self.fired,
        }
        for effect in self.effects:
            info.update(effect.describe())
        return info


def _check_types(**values: tuple[Any, type | tuple[type, ...]]) -> None:
    """TypeError naming the first keyword whose value is not of its type (the HTTP control
    interface passes JSON values straight through)."""
    for name, (value, kinds) in values.items():
        wanted = kinds if isinstance(kinds, tuple) else (kinds,)
        # bool is an int, but True is not a status code.
        if not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted):
            raise TypeError(f"{name} must be {' or '.join(k.__name__ for k in wanted)}")


class FaultSet:
    """The org's pending faults; a request takes at most one (the oldest that matches)."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self.fired = 0
        # Set when the org stops, so that injected delays end at once.
        self.stopping = threading.Event()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The first matching fault, counted as fired (and removed once used up)."""
        if not self._faults:  # the common case costs no lock
            return None
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.fired += 1
                    self.fired += 1
                    if fault.times is not None and fault.fired >= fault.times:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> Sequence[Fault]:
        with self._lock:
            return list(self._faults)
