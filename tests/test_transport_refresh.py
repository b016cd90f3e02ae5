"""Transport: the one-shot session refresh in the attempt loop (the client gives the refresher)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import pytest

from salesforcepy.exceptions import AuthError, SalesforceError
from salesforcepy.request import Base, Request
from salesforcepy.transport import Transport

INSTANCE = "https://acme.my.salesforce.com"
URL = f"{INSTANCE}/services/data/v58.0/sobjects/Account"
EXPIRED = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
BULK1_EXPIRED = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<error xmlns="http://www.force.com/2009/06/asyncapi/dataload">'
    "<exceptionCode>InvalidSessionId</exceptionCode>"
    "<exceptionMessage>Invalid session id</exceptionMessage></error>"
)


class Sessions:
    """A token holder with a refresher that swaps the token and records each call."""

    def __init__(self, error: Optional[SalesforceError] = None) -> None:
        self.token = "old-token"
        self.calls: list[dict[str, str]] = []
        self.error = error

    def resolve(self, request: Request) -> tuple[str, Mapping[str, str]]:
        url = request.url(login_url="https://login", instance_url=INSTANCE, version="58.0")
        if not request.authenticated:
            return url, {}
        return url, {"Authorization": f"Bearer {self.token}"}

    def refresh(self, stale: Mapping[str, str]) -> Optional[SalesforceError]:
        self.calls.append(dict(stale))
        if self.error is None:
            self.token = f"new-token-{len(self.calls)}"
        return self.error


def send(transport: Transport, sessions: Sessions, request: Optional[Request] = None) -> Any:
    return transport.send(
        request or Request.post("sobjects/Account", json={"Name": "A"}),
        resolve=sessions.resolve,
        timeout=(1, 1),
    )


def test_expired_session_is_refreshed_and_replayed_once(requests_mock: Any) -> None:
    requests_mock.post(
        URL,
        [
            {"status_code": 401, "json": EXPIRED},
            {"status_code": 201, "json": {"id": "001", "success": True, "errors": []}},
        ],
    )
    sessions = Sessions()
    exchange = send(Transport(refresh=sessions.refresh), sessions)

    assert sessions.calls == [{"Authorization": "Bearer old-token"}]
    sent = [h.headers["Authorization"] for h in requests_mock.request_history]
    assert sent == ["Bearer old-token", "Bearer new-token-1"]
    assert [h.json() for h in requests_mock.request_history] == [{"Name": "A"}, {"Name": "A"}]
    assert exchange.response.status_code == 201
    assert [(a.number, a.status, a.refreshed) for a in exchange.attempts] == [
        (1, 401, True),
        (2, 201, False),
    ]


def test_rejected_again_after_refresh_is_not_refreshed_again(requests_mock: Any) -> None:
    requests_mock.post(URL, status_code=401, json=EXPIRED)
    sessions = Sessions()
    exchange = send(Transport(refresh=sessions.refresh), sessions)

    assert len(sessions.calls) == 1
    assert requests_mock.call_count == 2
    assert exchange.response.status_code == 401
    assert [a.refreshed for a in exchange.attempts] == [True, False]


def test_failed_refresh_leaves_the_401_and_notes_why(requests_mock: Any) -> None:
    requests_mock.post(URL, status_code=401, json=EXPIRED)
    failure = AuthError(400, "invalid_grant", "expired access/refresh token")
    sessions = Sessions(error=failure)
    exchange = send(Transport(refresh=sessions.refresh), sessions)

    assert requests_mock.call_count == 1
    assert exchange.response.status_code == 401
    (attempt,) = exchange.attempts
    assert attempt.refreshed is False
    assert attempt.refresh_error is failure


def test_bulk_v1_invalid_session_is_refreshed(requests_mock: Any) -> None:
    url = f"{INSTANCE}/services/async/58.0/job"
    requests_mock.post(
        url,
        [
            {"status_code": 400, "text": BULK1_EXPIRED, "headers": {"Content-Type": "text/xml"}},
            {"status_code": 201, "text": "<jobInfo/>", "headers": {"Content-Type": "text/xml"}},
        ],
    )
    sessions = Sessions()
    request = Request.post("/services/async/58.0/job", base=Base.INSTANCE, data="<jobInfo/>")
    exchange = send(Transport(refresh=sessions.refresh), sessions, request)

    assert len(sessions.calls) == 1
    assert exchange.response.status_code == 201


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (401, [{"message": "nope", "errorCode": "SOMETHING_ELSE"}]),
        (401, "<html>proxy says no</html>"),
        (400, [{"message": "bad", "errorCode": "MALFORMED_QUERY"}]),
        (403, EXPIRED),
        (500, EXPIRED),
    ],
)
def test_other_errors_are_not_refreshed(requests_mock: Any, status: int, body: Any) -> None:
    if isinstance(body, str):
        requests_mock.post(URL, status_code=status, text=body)
    else:
        requests_mock.post(URL, status_code=status, json=body)
    sessions = Sessions()
    exchange = send(Transport(refresh=sessions.refresh), sessions)

    assert sessions.calls == []
    assert len(exchange.attempts) == 1


def test_unauthenticated_requests_are_not_refreshed(requests_mock: Any) -> None:
    requests_mock.post("https://login/services/oauth2/token", status_code=401, json=EXPIRED)
    sessions = Sessions()
    request = Request.post(
        "/services/oauth2/token", base=Base.LOGIN, form={"a": "b"}, authenticated=False
    )
    exchange = send(Transport(refresh=sessions.refresh), sessions, request)

    assert sessions.calls == []
    assert exchange.response.status_code == 401


def test_without_a_refresher_the_401_is_returned(requests_mock: Any) -> None:
    requests_mock.post(URL, status_code=401, json=EXPIRED)
    exchange = send(Transport(), Sessions())

    assert requests_mock.call_count == 1
    assert exchange.response.status_code == 401
