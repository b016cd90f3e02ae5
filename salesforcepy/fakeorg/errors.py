"""The one exception type every part of the fake org raises for a Salesforce-shaped error.

The HTTP layer turns it into the REST error array ``[{"message", "errorCode", "fields"}]`` with
``status``; other wire formats (OAuth, SOAP faults, Bulk 1.0 XML, collections' ``statusCode``)
render the same object their own way.
"""

from __future__ import annotations

from collections.abc import Sequence


class SalesforceError(Exception):
    """An error as Salesforce would report it: HTTP status, ``errorCode``, message, fields."""

    def __init__(
        self,
        status: int,
        error_code: str,
        message: str,
        fields: Sequence[str] = (),
    ) -> None:
        super().__init__(f"{error_code}: {message}")
        self.status = status
        self.error_code = error_code
        self.message = message
        self.fields = list(fields)

    def as_json(self) -> list[dict[str, object]]:
        """The REST error array for this error."""
        item: dict[str, object] = {"message": self.message, "errorCode": self.error_code}
        if self.fields:
            item["fields"] = list(self.fields)
        return [item]

    def as_status_code_error(self) -> dict[str, object]:
        """The per-record error shape used by sObject Collections and Tree (``statusCode``)."""
        return {"statusCode": self.error_code, "message": self.message, "fields": list(self.fields)}

    def as_bulk_error(self) -> str:
        """The ``sf__Error`` cell of Bulk 2.0 results: ``CODE:message:field1,field2 --``."""
        return f"{self.error_code}:{self.message}:{','.join(self.fields)} --"


class MultipleMatches(SalesforceError):
    """An external id matched several records: HTTP 300 with a JSON array of record URL paths."""

    def __init__(self, object_name: str, ids: Sequence[str]) -> None:
        super().__init__(300, "MULTIPLE_CHOICES", "More than one record found for external id")
        self.object_name = object_name
        self.ids = list(ids)


def not_found(message: str = "The requested resource does not exist") -> SalesforceError:
    return SalesforceError(404, "NOT_FOUND", message)


def required_missing(names: Sequence[str]) -> SalesforceError:
    return SalesforceError(
        400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(names)}]", names
    )


def invalid_field(field: str, object_name: str) -> SalesforceError:
    return SalesforceError(
        400, "INVALID_FIELD", f"No such column '{field}' on sobject of type {object_name}", [field]
    )
