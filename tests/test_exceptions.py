"""The error tree: class choice by errorCode, then status; messages; hierarchy."""

from __future__ import annotations

import pytest

from salesforcepy import exceptions as ex


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "MALFORMED_QUERY", ex.MalformedQuery),
        (400, "INVALID_FIELD", ex.InvalidField),
        (400, "INVALID_TYPE", ex.InvalidType),
        (400, "REQUIRED_FIELD_MISSING", ex.RequiredFieldMissing),
        (400, "DUPLICATE_VALUE", ex.DuplicateValue),
        (400, "DUPLICATES_DETECTED", ex.DuplicatesDetected),
        (400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", ex.InvalidOrNullForRestrictedPicklist),
        (400, "UNABLE_TO_LOCK_ROW", ex.UnableToLockRow),
        (400, "ALL_OR_NONE_OPERATION_ROLLED_BACK", ex.RolledBack),
        (400, "PROCESSING_HALTED", ex.ProcessingHalted),
        (401, "INVALID_SESSION_ID", ex.InvalidSessionId),
        (403, "REQUEST_LIMIT_EXCEEDED", ex.RequestLimitExceeded),
        (404, "NOT_FOUND", ex.NotFound),
        (404, "ENTITY_IS_DELETED", ex.EntityIsDeleted),
        (400, "ENTITY_IS_DELETED", ex.EntityIsDeleted),
        (400, "SOMETHING_NEW", ex.BadRequest),
        (401, None, ex.Unauthorized),
        (403, "INSUFFICIENT_ACCESS", ex.Forbidden),
        (404, None, ex.NotFound),
        (405, "METHOD_NOT_ALLOWED", ex.MethodNotAllowed),
        (409, None, ex.Conflict),
        (410, None, ex.Gone),
        (412, None, ex.PreconditionFailed),
        (429, None, ex.TooManyRequests),
        (500, "APEX_ERROR", ex.ServerError),
        (502, None, ex.ServerError),
        (503, None, ex.ServiceUnavailable),
        (418, None, ex.HTTPError),
        # The code decides even when Salesforce sends it with an unusual status.
        (500, "UNABLE_TO_LOCK_ROW", ex.UnableToLockRow),
    ],
)
def test_http_error_picks_the_most_specific_class(status: int, code: str, cls: type) -> None:
    error = ex.http_error(status, code, "msg", ["F"])
    assert type(error) is cls
    assert (error.status, error.error_code, error.message, error.fields) == (
        status,
        code,
        "msg",
        ["F"],
    )


def test_hierarchy_matches_the_docstring() -> None:
    assert issubclass(ex.TransportTimeout, ex.TransportError)
    for cls in (ex.TransportError, ex.ParseError, ex.HTTPError, ex.NotLoggedIn):
        assert issubclass(cls, ex.SalesforceError)
    for cls in (
        ex.MalformedQuery,
        ex.InvalidField,
        ex.InvalidType,
        ex.RequiredFieldMissing,
        ex.DuplicateValue,
        ex.DuplicatesDetected,
        ex.InvalidOrNullForRestrictedPicklist,
        ex.UnableToLockRow,
        ex.NotApplied,
    ):
        assert issubclass(cls, ex.BadRequest)
    assert issubclass(ex.RolledBack, ex.NotApplied)
    assert issubclass(ex.ProcessingHalted, ex.NotApplied)
    assert issubclass(ex.InvalidSessionId, ex.Unauthorized)
    assert issubclass(ex.RequestLimitExceeded, ex.Forbidden)
    assert issubclass(ex.ServiceUnavailable, ex.ServerError)
    assert issubclass(ex.AuthError, ex.HTTPError)
    assert issubclass(ex.MultipleChoices, ex.HTTPError)
    assert not issubclass(ex.EntityIsDeleted, ex.NotFound)
    assert set(ex.__all__) >= {c.__name__ for c in ex.ERROR_CODE_CLASSES.values()}


def test_message_format() -> None:
    assert str(ex.http_error(400, "INVALID_FIELD", "No such column", ["Foo"])) == (
        "HTTP 400 INVALID_FIELD: No such column (fields: Foo)"
    )
    assert str(ex.http_error(502)) == "HTTP 502"
    assert ex.http_error(404).response is None
