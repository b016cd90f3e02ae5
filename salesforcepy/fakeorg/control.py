"""The control interface over HTTP, under ``/__fakeorg__/`` (loopback callers only).

For tests that drive a fake org running in another process (``python -m salesforcepy.fakeorg``):

===========================================  =====================================================
``POST /__fakeorg__/faults``                 JSON object with ``FakeOrg.inject_fault`` keywords;
                                             ``201 {"id": ..., ...}``
``GET /__fakeorg__/faults``                  pending faults
``DELETE /__fakeorg__/faults``               clear every fault; ``204``
``POST /__fakeorg__/expire-sessions``        end every access token; ``200 {"expired": n}``
``GET /__fakeorg__/stats``                   ``FakeOrg.stats()``
``DELETE /__fakeorg__/stats``                zero the counters; ``204``
``POST /__fakeorg__/clock``                  ``{"now": "2024-05-20T00:00:00Z", "frozen": false}``
``DELETE /__fakeorg__/clock``                back to real time; ``204``
===========================================  =====================================================

These routes take no session, are never hit by injected faults and do not count as API usage.
Errors use the REST error array.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from .api import Context, Routes
from .errors import SalesforceError
from .schema import parse_datetime

routes = Routes("control", auth="loopback", api_usage=False, faults=False)

_FAULT_KEYS = frozenset(
    {
        "path",
        "method",
        "status",
        "error_code",
        "times",
        "delay",
        "reset",
        "after_commit",
        "headers",
        "message",
        "truncate",
    }
)


def _loopback_only(ctx: Context) -> None:
    if not ctx.is_loopback:
        raise SalesforceError(
            403, "FORBIDDEN", "The control interface answers loopback callers only"
        )


def _register() -> None:
    from .api import register_authenticator

    register_authenticator("loopback", lambda ctx: _loopback_only(ctx))


_register()


@routes.route("/__fakeorg__/faults", methods=["POST"])
def add_fault(ctx: Context) -> Response:
    """POST /__fakeorg__/faults"""
    spec: dict[str, Any] = ctx.json_body()
    unknown = sorted(set(spec) - _FAULT_KEYS)
    if unknown:
        raise SalesforceError(
            400, "INVALID_FIELD", f"Unknown fault keys: {', '.join(unknown)}", unknown
        )
    try:
        fault = ctx.org.inject_fault(**spec)
    except (TypeError, ValueError) as exc:
        raise SalesforceError(400, "INVALID_FIELD", f"Bad fault: {exc}") from None
    return ctx.json(fault.describe(), status=201)


@routes.route("/__fakeorg__/faults", methods=["GET"])
def list_faults(ctx: Context) -> Response:
    """GET /__fakeorg__/faults"""
    return ctx.json([fault.describe() for fault in ctx.org.faults.pending()])


@routes.route("/__fakeorg__/faults", methods=["DELETE"])
def clear_faults(ctx: Context) -> Response:
    """DELETE /__fakeorg__/faults"""
    ctx.org.faults.clear()
    return ctx.empty()


@routes.route("/__fakeorg__/expire-sessions", methods=["POST"])
def expire_sessions(ctx: Context) -> Response:
    """POST /__fakeorg__/expire-sessions"""
    return ctx.json({"expired": ctx.org.sessions.expire_all()})


@routes.route("/__fakeorg__/stats", methods=["GET"])
def stats(ctx: Context) -> Response:
    """GET /__fakeorg__/stats"""
    return ctx.json(ctx.org.stats())


@routes.route("/__fakeorg__/stats", methods=["DELETE"])
def reset_stats(ctx: Context) -> Response:
    """DELETE /__fakeorg__/stats"""
    ctx.org.stats_counter.reset()
    return ctx.empty()


@routes.route("/__fakeorg__/clock", methods=["POST"])
def set_clock(ctx: Context) -> Response:
    """POST /__fakeorg__/clock"""
    body = ctx.json_body()
    clock = ctx.org.clock
    if clock is None:
        raise SalesforceError(404, "NOT_FOUND", "This org has no settable clock")
    try:
        when = parse_datetime(str(body["now"]))
    except (KeyError, ValueError):
        raise SalesforceError(
            400, "INVALID_FIELD", "Give 'now' as an ISO 8601 date-time", ["now"]
        ) from None
    clock.set(when, frozen=bool(body.get("frozen", False)))
    return ctx.json({"now": clock().isoformat()})


@routes.route("/__fakeorg__/clock", methods=["DELETE"])
def reset_clock(ctx: Context) -> Response:
    """DELETE /__fakeorg__/clock"""
    if ctx.org.clock is not None:
        ctx.org.clock.reset()
    return ctx.empty()
