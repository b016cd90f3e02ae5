"""Session value and helpers."""

from __future__ import annotations

from datetime import datetime, timezone

from salesforcepy.session import Session, data_path, parse_issued_at


def test_data_path_quotes_segments() -> None:
    assert data_path("58.0", "sobjects", "Account") == "/services/data/v58.0/sobjects/Account"
    assert data_path("58.0") == "/services/data/v58.0/"
    assert data_path("58.0", "sobjects", "A/B") == "/services/data/v58.0/sobjects/A%2FB"


def test_issued_at_is_milliseconds() -> None:
    assert parse_issued_at("1716212345678") == datetime(
        2024, 5, 20, 13, 39, 5, 678000, timezone.utc
    )
    assert parse_issued_at(None) is None
    assert parse_issued_at("soon") is None


def test_repr_hides_the_token() -> None:
    session = Session(
        instance_url="https://acme.my.salesforce.com",
        access_token="00D!SECRET-TOKEN",
        api_version="58.0",
    )
    assert "SECRET-TOKEN" not in repr(session)
    assert "acme.my.salesforce.com" in repr(session)
