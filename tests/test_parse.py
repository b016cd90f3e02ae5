"""parse_body(), errors_from_body() and read_response() on every body shape Salesforce sends."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import pytest

from salesforcepy.exceptions import (
    AuthError,
    BadRequest,
    HTTPError,
    InvalidSessionId,
    MultipleChoices,
    NotFound,
    ParseError,
    ServerError,
    ServiceUnavailable,
    UnableToLockRow,
)
from salesforcepy.parse import content_type, errors_from_body, parse_body, read_response


@attrs.frozen
class Response:
    status_code: int
    content: bytes
    headers: Mapping[str, str] = attrs.field(factory=dict)


JSON = {"Content-Type": "application/json;charset=UTF-8"}


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (Response(200, b'{"a": [1, null]}', JSON), {"a": [1, None]}),
        (Response(200, b"[]", JSON), []),
        (Response(200, b"null", JSON), None),
        (Response(200, b'"text"', JSON), "text"),
        (Response(200, b"", JSON), None),
        (Response(200, b"  \r\n", JSON), None),
        (Response(204, b"", {}), None),
        (Response(304, b"", {}), None),
        (
            Response(200, b'"a","b"\r\n"1","2"\r\n', {"Content-Type": "text/csv"}),
            '"a","b"\r\n"1","2"\r\n',
        ),
        (
            Response(
                200, "\u00e9".encode("latin-1"), {"Content-Type": "text/csv; charset=ISO-8859-1"}
            ),
            "\u00e9",
        ),
        (Response(200, b"<a/>", {"Content-Type": "text/xml; charset=UTF-8"}), "<a/>"),
        (Response(200, b"<a/>", {"Content-Type": "application/xml"}), "<a/>"),
        (
            Response(200, b"\x89PNG\r\n", {"Content-Type": "application/octet-stream"}),
            b"\x89PNG\r\n",
        ),
        (Response(200, b"%PDF", {"Content-Type": "application/pdf"}), b"%PDF"),
        (Response(200, b'{"x": 1}', {}), {"x": 1}),
        (Response(200, b"42", {}), 42),
        (Response(200, b"plain words", {}), "plain words"),
        (Response(200, b"\xff\xfe\x00", {}), b"\xff\xfe\x00"),
        (Response(200, b'{"x":1}', {"Content-Type": "application/vnd.x+json"}), {"x": 1}),
    ],
)
def test_parse_body(response: Response, expected: Any) -> None:
    assert parse_body(response) == expected


def test_raw_returns_bytes_whatever_the_type() -> None:
    assert parse_body(Response(200, b'{"a":1}', JSON), raw=True) == b'{"a":1}'


@pytest.mark.parametrize(
    "content", [b"{", b"<html><body>Service Unavailable</body></html>", b'{"a": 1}{', b"\xff"]
)
def test_garbage_json_raises_parse_error(content: bytes) -> None:
    with pytest.raises(ParseError) as info:
        parse_body(Response(200, content, JSON))
    assert info.value.status == 200
    assert info.value.content_type == "application/json"


def test_undecodable_text_raises_parse_error() -> None:
    with pytest.raises(ParseError, match="decoded"):
        parse_body(Response(200, b"\xff\xfe", {"Content-Type": "text/csv; charset=utf-8"}))


def test_content_type_header_parsing() -> None:
    assert content_type({"Content-Type": 'Text/CSV; Charset="utf-8"'}) == ("text/csv", "utf-8")
    assert content_type({}) == ("", None)


def test_error_array_gives_one_typed_error_per_item() -> None:
    body = [
        {
            "message": "Required fields are missing: [Name]",
            "errorCode": "REQUIRED_FIELD_MISSING",
            "fields": ["Name"],
        },
        {
            "message": "unable to obtain exclusive access",
            "errorCode": "UNABLE_TO_LOCK_ROW",
            "fields": [],
        },
    ]
    errors = errors_from_body(400, body)
    assert [type(e).__name__ for e in errors] == ["RequiredFieldMissing", "UnableToLockRow"]
    assert errors[0].fields == ["Name"]
    assert isinstance(errors[1], UnableToLockRow)
    assert all(e.body is body for e in errors)


def test_single_error_object() -> None:
    (error,) = errors_from_body(404, {"errorCode": "NOT_FOUND", "message": "nope"})
    assert isinstance(error, NotFound)
    assert error.message == "nope"


def test_status_code_key_of_collections_is_read() -> None:
    (error,) = errors_from_body(
        400, [{"statusCode": "INVALID_FIELD", "message": "m", "fields": ["X"]}]
    )
    assert error.error_code == "INVALID_FIELD"


def test_oauth_error_body() -> None:
    body = {"error": "invalid_grant", "error_description": "authentication failure"}
    (error,) = errors_from_body(400, body)
    assert isinstance(error, AuthError)
    assert (error.status, error.error_code, error.message) == (
        400,
        "invalid_grant",
        "authentication failure",
    )


def test_token_endpoint_rest_style_401_is_tolerated() -> None:
    body = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    (error,) = errors_from_body(401, body)
    assert isinstance(error, InvalidSessionId)


def test_300_array_of_urls() -> None:
    urls = [
        "/services/data/v58.0/sobjects/Account/001A",
        "/services/data/v58.0/sobjects/Account/001B",
    ]
    (error,) = errors_from_body(300, urls)
    assert isinstance(error, MultipleChoices)
    assert error.urls == urls
    assert "2 records" in str(error)


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (503, "<html>\n  <body>Service   Unavailable</body>\n</html>", ServiceUnavailable),
        (502, "Bad gateway", ServerError),
        (500, None, ServerError),
        (400, {"unexpected": "shape"}, BadRequest),
        (400, [], BadRequest),
        (400, ["just", "strings"], BadRequest),
        (400, [1, 2], BadRequest),
        (418, 42, HTTPError),
        (404, b"\x00\x01", NotFound),
        (400, [{"errorCode": None, "message": None, "fields": "Name"}], BadRequest),
        (400, [{"errorCode": 7}], BadRequest),
        (403, {"error": 5}, HTTPError),
    ],
)
def test_odd_error_bodies_never_crash(status: int, body: Any, cls: type) -> None:
    errors = errors_from_body(status, body)
    assert len(errors) == 1
    assert isinstance(errors[0], cls)
    assert errors[0].status == status
    str(errors[0])


def test_html_snippet_is_short_and_flat() -> None:
    html = "<html>\n<body>" + "x" * 1000 + "</body></html>"
    (error,) = errors_from_body(503, html)
    assert "\n" not in error.message
    assert len(error.message) < 250


def test_messages_are_redacted() -> None:
    body = [{"errorCode": "X", "message": "bad password hunter2"}]
    (error,) = errors_from_body(400, body, redact=lambda t: t.replace("hunter2", "[redacted]"))
    assert "hunter2" not in str(error)


def test_read_response_success_and_errors() -> None:
    assert read_response(Response(200, b'{"a":1}', JSON)) == ({"a": 1}, [])
    assert read_response(Response(204, b"", {})) == (None, [])
    body, errors = read_response(Response(200, b'{"totalSize": 1, "done": tr', JSON))
    assert body == '{"totalSize": 1, "done": tr'
    assert [type(e) for e in errors] == [ParseError]
    body, errors = read_response(Response(500, b"<html>oops", JSON))
    assert body == "<html>oops"
    assert [type(e) for e in errors] == [ServerError]
    body, errors = read_response(Response(400, b"null", JSON))
    assert body is None
    assert [type(e) for e in errors] == [BadRequest]


def test_read_response_not_modified_is_no_body_and_no_error() -> None:
    # 304 answers a conditional GET (If-Modified-Since): not an error, and never a body to parse,
    # even when a server labels the empty answer as JSON.
    assert read_response(Response(304, b"", JSON)) == (None, [])
    assert read_response(Response(304, b"", JSON), raw=True) == (None, [])


def test_read_response_stream_leaves_success_unread() -> None:
    assert read_response(Response(200, b"data", {}), stream=True) == (None, [])
    _, errors = read_response(Response(404, b'[{"errorCode": "NOT_FOUND"}]', JSON), stream=True)
    assert isinstance(errors[0], NotFound)


class TestJsonObject:
    def test_exact_key_wins_and_case_insensitive_fallback(self) -> None:
        from salesforcepy.parse import loads

        body = loads(
            b'{"id": "750A", "Name": "x", "nested": {"StageName": "Open"}, "list": [{"Id": 1}]}'
        )
        assert body.get("Id") == "750A"
        assert body["ID"] == "750A"
        assert "iD" in body
        assert body["nested"]["stagename"] == "Open"
        assert body["list"][0]["id"] == 1
        assert body.get("missing") is None
        assert "missing" not in body
        with pytest.raises(KeyError):
            body["missing"]
        # The dict itself is what came over the wire.
        assert list(body) == ["id", "Name", "nested", "list"]
        assert body == {
            "id": "750A",
            "Name": "x",
            "nested": {"StageName": "Open"},
            "list": [{"Id": 1}],
        }

    def test_exact_match_preferred_over_other_casing(self) -> None:
        from salesforcepy.parse import loads

        body = loads('{"name": "lower", "Name": "upper"}')
        assert body["Name"] == "upper"
        assert body["name"] == "lower"
        assert body.get("NAME") in ("lower", "upper")
