"""sobjects(): CRUD, upsert by external id, blobs, describe, basic info, updated/deleted ranges,
validation."""

from __future__ import annotations

import datetime as dt
import json
import struct
import zlib
from typing import Any
from urllib.parse import urlsplit

import pytest

import salesforcepy
from salesforcepy.exceptions import (
    EntityIsDeleted,
    MultipleChoices,
    NotFound,
    ParseError,
    RequiredFieldMissing,
)
from salesforcepy.resources.sobjects import multipart_body

from ..conftest import DATA, FilePart, assert_request, login, parse_multipart

ACCOUNT_ID = "0015g00000ABCDEAA5"
NOT_FOUND = [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]


def _png() -> bytes:
    """A real 2x2 PNG; its bytes include NUL, CR, LF and high bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"\x00\xff\x00\r\n\x00\n\r\x00--\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _parse_multipart(request: Any) -> tuple[dict[str, str], dict[str, FilePart]]:
    return parse_multipart(request.body, request.headers["Content-Type"])


# -- CRUD --------------------------------------------------------------------------------------


def test_insert_error_is_typed(sf: salesforcepy.Client, requests_mock: Any) -> None:
    errors = [
        {
            "message": "Required fields are missing: [Name]",
            "errorCode": "REQUIRED_FIELD_MISSING",
            "fields": ["Name"],
        }
    ]
    requests_mock.post(f"{DATA}/sobjects/Account/", json=errors, status_code=400)

    body, request = sf.sobjects(object_type="Account").insert({"Industry": "Banking"})

    assert body == errors
    error = request.exceptions[0]
    assert isinstance(error, RequiredFieldMissing)
    assert error.fields == ["Name"]
    assert "Name" in str(error)


def test_get_row_not_found(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{DATA}/sobjects/Account/{ACCOUNT_ID}", json=NOT_FOUND, status_code=404)

    body, request = sf.sobjects(object_type="Account", id=ACCOUNT_ID).query()

    assert body == NOT_FOUND
    assert request.status == 404
    assert [type(e) for e in request.exceptions] == [NotFound]
    assert request.exceptions[0].error_code == "NOT_FOUND"


def test_get_row_with_selected_fields(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{DATA}/sobjects/Account/{ACCOUNT_ID}", json={"Name": "Acme"})

    sf.sobjects(object_type="Account", id=ACCOUNT_ID).query(["Name", "Industry"])

    assert_request(
        requests_mock.last_request,
        "GET",
        f"{DATA}/sobjects/Account/{ACCOUNT_ID}",
        query=[("fields", "Name,Industry")],
    )


def test_delete_of_deleted_record(sf: salesforcepy.Client, requests_mock: Any) -> None:
    deleted = [{"errorCode": "ENTITY_IS_DELETED", "message": "entity is deleted"}]
    requests_mock.delete(f"{DATA}/sobjects/Account/{ACCOUNT_ID}", json=deleted, status_code=404)

    _, request = sf.sobjects(object_type="Account", id=ACCOUNT_ID).delete()

    assert [type(e) for e in request.exceptions] == [EntityIsDeleted]
    assert request.exceptions[0].status == 404


def test_update_sends_null_to_clear_a_field(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.patch(f"{DATA}/sobjects/Account/{ACCOUNT_ID}", status_code=204)

    body, request = sf.sobjects(object_type="Account", id=ACCOUNT_ID).update({"Phone": None})

    assert requests_mock.last_request.body == b'{"Phone":null}'
    assert body is None
    assert request.status == 204


def test_fifteen_char_ids_are_accepted(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{DATA}/sobjects/Account/0015g00000ABCDE", json={})
    _, request = sf.sobjects(object_type="Account", id="0015g00000ABCDE").query()
    assert request.ok


# -- upsert by external id ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (201, {"id": "0015g00000pPvHAAA0", "success": True, "errors": [], "created": True}),
        (200, {"id": "0015g00000pPvHAAA0", "success": True, "errors": [], "created": False}),
        (204, None),
    ],
)
def test_upsert_by_external_id(
    sf: salesforcepy.Client, requests_mock: Any, status: int, answer: Any
) -> None:
    url = f"{DATA}/sobjects/Account/External_Id__c/EXT-1"
    if answer is None:
        requests_mock.patch(url, status_code=status)
    else:
        requests_mock.patch(url, json=answer, status_code=status)

    body, request = sf.sobjects(
        object_type="Account", external_id="External_Id__c", id="EXT-1"
    ).upsert({"Name": "Acme"})

    assert_request(requests_mock.last_request, "PATCH", url, json={"Name": "Acme"})
    assert body == answer
    assert request.status == status
    assert request.ok


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("a/b", "a%2Fb"),
        ("x y", "x%20y"),
        ("100%", "100%25"),
        ("dev@example.inc", "dev%40example.inc"),
        ("caf\u00e9?#&", "caf%C3%A9%3F%23%26"),
        ("../admin", "..%2Fadmin"),
    ],
)
def test_external_id_value_is_one_quoted_segment(
    sf: salesforcepy.Client, requests_mock: Any, value: str, encoded: str
) -> None:
    requests_mock.patch(f"{DATA}/sobjects/Account/Ext__c/{encoded}", status_code=204)

    sf.sobjects(object_type="Account", external_id="Ext__c", id=value).upsert({"Name": "A"})

    sent_path = urlsplit(requests_mock.last_request.url).path
    assert sent_path.split("/")[4:] == ["sobjects", "Account", "Ext__c", encoded]


def test_upsert_multiple_matches_is_reported_not_crashed(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    urls = [
        "/services/data/v58.0/sobjects/Account/0015g00000ABCDEAA5",
        "/services/data/v58.0/sobjects/Account/0015g00000ABCDFAA5",
    ]
    requests_mock.patch(f"{DATA}/sobjects/Account/Ext__c/dup", json=urls, status_code=300)

    body, request = sf.sobjects(object_type="Account", external_id="Ext__c", id="dup").upsert(
        {"Name": "A"}
    )

    assert body == urls
    assert request.status == 300
    error = request.exceptions[0]
    assert isinstance(error, MultipleChoices)
    assert error.urls == urls


def test_get_and_delete_by_external_id(sf: salesforcepy.Client, requests_mock: Any) -> None:
    url = f"{DATA}/sobjects/Account/Ext__c/E%2F1"
    requests_mock.get(url, json={"Id": ACCOUNT_ID})
    requests_mock.delete(url, status_code=204)
    builder = sf.sobjects(object_type="Account", external_id="Ext__c", id="E/1")

    assert builder.query()[0] == {"Id": ACCOUNT_ID}
    assert requests_mock.last_request.method == "GET"
    assert builder.delete()[1].status == 204
    assert requests_mock.last_request.method == "DELETE"


# -- blobs -------------------------------------------------------------------------------------


def test_binary_insert_preserves_png_bytes(sf: salesforcepy.Client, requests_mock: Any) -> None:
    png = _png()
    requests_mock.post(
        f"{DATA}/sobjects/ContentVersion/",
        json={"id": "0685g00000AbCdEAAV", "success": True, "errors": []},
        status_code=201,
    )

    body, request = sf.sobjects(object_type="ContentVersion", binary_field="VersionData").insert(
        {"PathOnClient": "pixel.png", "Title": "Pixel"},
        binary=("pixel.png", png, "image/png"),
    )

    form, files = _parse_multipart(requests_mock.last_request)
    assert json.loads(form["entity_content"]) == {"PathOnClient": "pixel.png", "Title": "Pixel"}
    assert files["VersionData"].filename == "pixel.png"
    assert files["VersionData"].content_type == "image/png"
    assert files["VersionData"].content == png
    assert requests_mock.last_request.headers["Authorization"].startswith("Bearer ")
    assert body["id"] == "0685g00000AbCdEAAV"
    assert request.status == 201


def test_binary_str_content_is_utf8(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(f"{DATA}/sobjects/Document/", json={"id": "015"}, status_code=201)
    text = "h\u00e9llo \u2713 \u65e5\u672c"

    sf.sobjects(object_type="Document", binary_field="Body").insert(
        {"Name": "n", "FolderId": "00l5g0000018RgsAAE"}, binary=("n.txt", text, "text/plain")
    )

    form, files = _parse_multipart(requests_mock.last_request)
    assert "entity_document" in form
    assert files["Body"].content == text.encode("utf-8")


def test_multipart_boundary_is_random_and_absent_from_content() -> None:
    content = b"--salesforcepy-" * 10
    first, first_type = multipart_body("Attachment", {"Name": "a"}, "Body", ("a", content, "x/y"))
    _, second_type = multipart_body("Attachment", {"Name": "a"}, "Body", ("a", content, "x/y"))
    boundaries = {first_type.split("boundary=")[1], second_type.split("boundary=")[1]}
    assert len(boundaries) == 2
    for boundary in boundaries:
        assert boundary.encode() not in content
    assert first.endswith(b"--\r\n")


def test_binary_update_is_multipart_patch(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.patch(f"{DATA}/sobjects/Attachment/00P5g00000AbCdEAAV", status_code=204)

    sf.sobjects(object_type="Attachment", id="00P5g00000AbCdEAAV", binary_field="Body").update(
        {"Name": "v2"}, binary=("v2.bin", b"\x00\x01", "application/octet-stream")
    )

    form, files = _parse_multipart(requests_mock.last_request)
    assert json.loads(form["entity_attachment"]) == {"Name": "v2"}
    assert files["Body"].content == b"\x00\x01"


def test_blob_query_returns_bytes(sf: salesforcepy.Client, requests_mock: Any) -> None:
    png = _png()
    requests_mock.get(
        f"{DATA}/sobjects/Attachment/00P5g00000AbCdEAAV/Body",
        content=png,
        headers={"Content-Type": "application/octet-stream"},
    )

    body, request = sf.sobjects(
        object_type="Attachment", id="00P5g00000AbCdEAAV", binary_field="Body"
    ).query()

    assert_request(
        requests_mock.last_request, "GET", f"{DATA}/sobjects/Attachment/00P5g00000AbCdEAAV/Body"
    )
    assert body == png
    assert request.ok


def test_blob_query_of_text_blob_still_returns_bytes(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    requests_mock.get(
        f"{DATA}/sobjects/Attachment/00P5g00000AbCdEAAV/Body",
        text='{"looks": "like json"}',
        headers={"Content-Type": "application/json"},
    )
    body, _ = sf.sobjects(
        object_type="Attachment", id="00P5g00000AbCdEAAV", binary_field="Body"
    ).query()
    assert body == b'{"looks": "like json"}'


def test_blob_query_error_is_parsed(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(
        f"{DATA}/sobjects/Attachment/00P5g00000AbCdEAAV/Body", json=NOT_FOUND, status_code=404
    )
    body, request = sf.sobjects(
        object_type="Attachment", id="00P5g00000AbCdEAAV", binary_field="Body"
    ).query()
    assert body == NOT_FOUND
    assert isinstance(request.exceptions[0], NotFound)


def test_garbage_success_body_is_a_parse_error(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(
        f"{DATA}/sobjects/Account/describe/",
        text="<html>oops</html>",
        headers={"Content-Type": "application/json"},
    )

    body, request = sf.sobjects(object_type="Account").describe()

    assert body == "<html>oops</html>"
    assert request.status == 200
    assert [type(e) for e in request.exceptions] == [ParseError]
    with pytest.raises(ParseError):
        request.raise_for_status()


# -- basic info, updated/deleted ranges, conditional describe ------------------------------------

UTC = dt.timezone.utc
PARIS_WINTER = dt.timezone(dt.timedelta(hours=1))


def test_basic_info(sf: salesforcepy.Client, requests_mock: Any) -> None:
    answer = {
        "objectDescribe": {"name": "Account", "keyPrefix": "001"},
        "recentItems": [{"attributes": {"type": "Account"}, "Id": ACCOUNT_ID, "Name": "Acme"}],
    }
    requests_mock.get(f"{DATA}/sobjects/Account/", json=answer)

    body, request = sf.sobjects(object_type="Account").basic_info()

    assert_request(requests_mock.last_request, "GET", f"{DATA}/sobjects/Account/")
    assert body == answer
    assert request.status == 200
    assert request.exceptions == []


def test_basic_info_of_unknown_object_is_not_found(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    requests_mock.get(f"{DATA}/sobjects/Nope__c/", json=NOT_FOUND, status_code=404)

    body, request = sf.sobjects(object_type="Nope__c").basic_info()

    assert body == NOT_FOUND
    assert [type(e) for e in request.exceptions] == [NotFound]


def test_updated_sends_the_window_in_utc(sf: salesforcepy.Client, requests_mock: Any) -> None:
    answer = {"ids": [ACCOUNT_ID], "latestDateCovered": "2026-01-01T00:00:00.000+0000"}
    requests_mock.get(f"{DATA}/sobjects/Account/updated/", json=answer)

    body, request = sf.sobjects(object_type="Account").updated(
        dt.datetime(2025, 12, 31, 23, 0, tzinfo=UTC),
        # 01:00 in UTC+1 is midnight UTC; the microseconds are not sent.
        dt.datetime(2026, 1, 1, 1, 0, 0, 999_999, tzinfo=PARIS_WINTER),
    )

    assert_request(
        requests_mock.last_request,
        "GET",
        f"{DATA}/sobjects/Account/updated/",
        query=[("start", "2025-12-31T23:00:00+00:00"), ("end", "2026-01-01T00:00:00+00:00")],
    )
    # ":" and "+" are percent-encoded: a bare "+" would be read as a space.
    assert requests_mock.last_request.url.endswith(
        "?start=2025-12-31T23%3A00%3A00%2B00%3A00&end=2026-01-01T00%3A00%3A00%2B00%3A00"
    )
    assert body == answer
    assert request.status == 200
    assert request.exceptions == []


def test_deleted_sends_the_window_in_utc(sf: salesforcepy.Client, requests_mock: Any) -> None:
    answer = {
        "deletedRecords": [{"id": ACCOUNT_ID, "deletedDate": "2026-01-01T10:07:19.000+0000"}],
        "earliestDateAvailable": "2025-12-20T15:57:00.000+0000",
        "latestDateCovered": "2026-01-02T00:00:00.000+0000",
    }
    data_v60 = DATA.replace("/v58.0", "/v60.0")
    requests_mock.get(f"{data_v60}/sobjects/Contact/deleted/", json=answer)

    body, request = sf.sobjects(object_type="Contact").deleted(
        dt.datetime(2026, 1, 1, tzinfo=UTC),
        dt.datetime(2026, 1, 1, 19, 30, tzinfo=dt.timezone(dt.timedelta(hours=-4, minutes=-30))),
        version="60.0",
    )

    assert_request(
        requests_mock.last_request,
        "GET",
        f"{data_v60}/sobjects/Contact/deleted/",
        query=[("start", "2026-01-01T00:00:00+00:00"), ("end", "2026-01-02T00:00:00+00:00")],
    )
    assert body == answer
    assert request.exceptions == []


def test_range_error_is_typed(sf: salesforcepy.Client, requests_mock: Any) -> None:
    errors = [
        {
            "errorCode": "INVALID_REPLICATION_DATE",
            "message": "startDate cannot be more than 30 days ago",
        }
    ]
    requests_mock.get(f"{DATA}/sobjects/Account/updated/", json=errors, status_code=400)

    body, request = sf.sobjects(object_type="Account").updated(
        dt.datetime(2020, 1, 1, tzinfo=UTC), dt.datetime(2020, 1, 2, tzinfo=UTC)
    )

    assert body == errors
    assert request.status == 400
    assert [e.error_code for e in request.exceptions] == ["INVALID_REPLICATION_DATE"]


def test_describe_if_modified_since_sends_an_http_date(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    requests_mock.get(f"{DATA}/sobjects/Account/describe/", json={"name": "Account"})

    body, request = sf.sobjects(object_type="Account").describe(
        dt.datetime(2015, 3, 23, 9, 5, 7, 123_456, tzinfo=PARIS_WINTER)
    )

    assert_request(
        requests_mock.last_request,
        "GET",
        f"{DATA}/sobjects/Account/describe/",
        headers={"If-Modified-Since": "Mon, 23 Mar 2015 08:05:07 GMT"},
    )
    assert body == {"name": "Account"}
    assert request.status == 200


def test_describe_without_if_modified_since_sends_no_such_header(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    requests_mock.get(f"{DATA}/sobjects/Account/describe/", json={"name": "Account"})

    sf.sobjects(object_type="Account").describe()

    assert "If-Modified-Since" not in requests_mock.last_request.headers


@pytest.mark.parametrize("strict", [False, True])
def test_not_modified_is_none_and_no_error(requests_mock: Any, strict: bool) -> None:
    client = login(requests_mock, strict=strict)
    requests_mock.get(
        f"{DATA}/sobjects/Account/describe/",
        status_code=304,
        headers={"Content-Type": "application/json;charset=UTF-8"},
    )

    body, request = client.sobjects(object_type="Account").describe(
        dt.datetime(2026, 1, 1, tzinfo=UTC)
    )

    assert body is None
    assert request.status == 304
    assert request.exceptions == []
    assert request.ok
    request.raise_for_status()
    assert len(request.attempts) == 1


def test_describe_global_if_modified_since(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{DATA}/sobjects/", status_code=304)

    body, request = sf.sobjects().describe_global(dt.datetime(2026, 1, 1, tzinfo=UTC))

    assert_request(
        requests_mock.last_request,
        "GET",
        f"{DATA}/sobjects/",
        headers={"If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT"},
    )
    assert body is None
    assert request.status == 304
    assert request.exceptions == []


_START = dt.datetime(2026, 1, 1, tzinfo=UTC)
_END = dt.datetime(2026, 1, 2, tzinfo=UTC)


@pytest.mark.parametrize("action", ["updated", "deleted"])
@pytest.mark.parametrize(
    ("kwargs", "start", "end", "exc", "word"),
    [
        ({"object_type": "Account"}, dt.datetime(2026, 1, 1), _END, ValueError, "start"),
        ({"object_type": "Account"}, _START, dt.datetime(2026, 1, 2), ValueError, "end"),
        ({"object_type": "Account"}, "2026-01-01T00:00:00Z", _END, TypeError, "start"),
        ({"object_type": "Account"}, _START, dt.date(2026, 1, 2), TypeError, "end"),
        ({"object_type": "Account"}, _START, None, TypeError, "end"),
        ({"object_type": "Account"}, _END, _START, ValueError, "before"),
        ({"object_type": "Account"}, _START, _START, ValueError, "before"),
        # The same instant in two zones is still not a window.
        (
            {"object_type": "Account"},
            _START,
            _START.astimezone(PARIS_WINTER),
            ValueError,
            "before",
        ),
        ({}, _START, _END, ValueError, "object_type"),
        ({"object_type": "../x"}, _START, _END, ValueError, "object_type"),
        ({"object_type": "Account", "id": ACCOUNT_ID}, _START, _END, ValueError, "id"),
        (
            {"object_type": "Account", "external_id": "Ext__c", "id": "E1"},
            _START,
            _END,
            ValueError,
            "external_id",
        ),
    ],
)
def test_bad_ranges_raise_before_sending(
    sf: salesforcepy.Client,
    requests_mock: Any,
    action: str,
    kwargs: dict[str, Any],
    start: Any,
    end: Any,
    exc: type[Exception],
    word: str,
) -> None:
    with pytest.raises(exc, match=word):
        getattr(sf.sobjects(**kwargs), action)(start, end)
    assert not requests_mock.called


@pytest.mark.parametrize("action", ["describe", "describe_global"])
@pytest.mark.parametrize(
    ("value", "exc"),
    [
        (dt.datetime(2026, 1, 1), ValueError),
        ("Thu, 01 Jan 2026 00:00:00 GMT", TypeError),
        (dt.date(2026, 1, 1), TypeError),
        (1767225600, TypeError),
    ],
)
def test_bad_if_modified_since_raises_before_sending(
    sf: salesforcepy.Client, requests_mock: Any, action: str, value: Any, exc: type[Exception]
) -> None:
    with pytest.raises(exc, match="if_modified_since"):
        getattr(sf.sobjects(object_type="Account"), action)(value)
    assert not requests_mock.called


# -- validation before sending -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "action", "exc", "word"),
    [
        ({"object_type": "../x"}, "describe", ValueError, "object_type"),
        ({"object_type": "Account/x"}, "describe", ValueError, "object_type"),
        ({"object_type": "Acc ount"}, "describe", ValueError, "object_type"),
        ({"object_type": 5}, "describe", TypeError, "object_type"),
        ({"object_type": "Account"}, "update", ValueError, "id"),
        ({"object_type": "Account"}, "delete", ValueError, "id"),
        ({"object_type": "Account"}, "query", ValueError, "id"),
        ({"object_type": "Account"}, "upsert", ValueError, "external_id"),
        (
            {"object_type": "Account", "id": "0015g00000ABCDEAA5"},
            "upsert",
            ValueError,
            "external_id",
        ),
        ({"object_type": "Account", "id": "001/../x"}, "query", ValueError, "id"),
        ({"object_type": "Account", "id": "0015g00000ABCDEAA"}, "query", ValueError, "id"),
        ({"object_type": "Account", "id": "0015g00000ABCDEAA5"}, "insert", ValueError, "id"),
        (
            {"object_type": "Account", "external_id": "x/y", "id": "1"},
            "upsert",
            ValueError,
            "external_id",
        ),
        (
            {"object_type": "Account", "external_id": "Ext__c", "id": ".."},
            "upsert",
            ValueError,
            "id",
        ),
        ({"object_type": "Account", "external_id": "Ext__c", "id": ""}, "upsert", ValueError, "id"),
        (
            {"object_type": "Account", "external_id": "Ext__c", "id": "E1"},
            "update",
            ValueError,
            "upsert",
        ),
        ({"id": "0015g00000ABCDEAA5"}, "query", ValueError, "object_type"),
        (
            {"object_type": "Account", "binary_field": "Bo dy"},
            "describe",
            ValueError,
            "binary_field",
        ),
        ({}, "describe", ValueError, "object_type"),
        ({}, "insert", ValueError, "object_type"),
        ({}, "basic_info", ValueError, "object_type"),
        ({"object_type": "../x"}, "basic_info", ValueError, "object_type"),
        ({"object_type": "Account", "id": "0015g00000ABCDEAA5"}, "basic_info", ValueError, "id"),
    ],
)
def test_bad_arguments_raise_before_sending(
    sf: salesforcepy.Client,
    requests_mock: Any,
    kwargs: dict[str, Any],
    action: str,
    exc: type[Exception],
    word: str,
) -> None:
    def call() -> None:
        method = getattr(sf.sobjects(**kwargs), action)
        if action in ("insert", "update", "upsert"):
            method({"Name": "x"})
        else:
            method()

    with pytest.raises(exc, match=word):
        call()
    assert not requests_mock.called


@pytest.mark.parametrize(
    ("binary", "exc", "word"),
    [
        (("a.txt", "x"), TypeError, "tuple"),
        (("", "x", "text/plain"), ValueError, "filename"),
        (('a".txt', "x", "text/plain"), ValueError, "filename"),
        (("a\r\nX: y", "x", "text/plain"), ValueError, "filename"),
        (("a.txt", "x", "text/plain\r\nX: y"), ValueError, "content_type"),
        (("a.txt", 12, "text/plain"), TypeError, "content"),
    ],
)
def test_bad_binary_raises_before_sending(
    sf: salesforcepy.Client, requests_mock: Any, binary: Any, exc: type[Exception], word: str
) -> None:
    with pytest.raises(exc, match=word):
        sf.sobjects(object_type="Attachment", binary_field="Body").insert(
            {"Name": "a"}, binary=binary
        )
    assert not requests_mock.called


def test_binary_without_binary_field_raises(sf: salesforcepy.Client, requests_mock: Any) -> None:
    with pytest.raises(ValueError, match="binary_field"):
        sf.sobjects(object_type="Attachment").insert({"Name": "a"}, binary=("a", b"x", "x/y"))
    assert not requests_mock.called


def test_blob_by_external_id_is_rejected(sf: salesforcepy.Client) -> None:
    with pytest.raises(ValueError, match="external id"):
        sf.sobjects(
            object_type="Attachment", external_id="Ext__c", id="e", binary_field="Body"
        ).query()


def test_non_json_fields_are_rejected(sf: salesforcepy.Client, requests_mock: Any) -> None:
    with pytest.raises(ValueError, match="JSON"):
        sf.sobjects(object_type="Account").insert({"AnnualRevenue": float("nan")})
    with pytest.raises(TypeError, match="fields"):
        sf.sobjects(object_type="Account").insert(["Name"])  # type: ignore[arg-type]
    assert not requests_mock.called
