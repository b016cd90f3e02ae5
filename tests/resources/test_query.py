"""query(), query_more() and search(): encoding, paging, and errors."""

from __future__ import annotations

import re
from typing import Any

import pytest

import salesforcepy
from salesforcepy.exceptions import BadRequest, InvalidSessionId, MalformedQuery, ParseError
from salesforcepy.request import Base
from salesforcepy.resources.query import next_page_request, query_request, search_request

from ..conftest import DATA, INSTANCE_URL, assert_request, query_pairs

CURSOR = "01g5g00000WSKTzAAP"


def test_query_request_is_pure_and_relative() -> None:
    request = query_request("SELECT Id FROM Account")
    assert (request.method, request.base, request.path) == ("GET", Base.DATA, "query")
    assert request.params == (("q", "SELECT Id FROM Account"),)


@pytest.mark.parametrize("soql", ["", "   ", None, 42])
def test_query_rejects_empty_or_non_text_before_sending(
    sf: salesforcepy.Client, requests_mock: Any, soql: Any
) -> None:
    with pytest.raises((TypeError, ValueError), match="soql"):
        sf.query(soql)
    assert not requests_mock.called


def test_soql_special_characters_are_percent_encoded(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    soql = "SELECT Id FROM Account WHERE Name = 'A&B + C #1 100% é/x' AND Id != null"
    requests_mock.get(f"{DATA}/query", json={"totalSize": 0, "done": True, "records": []})

    sf.query(soql)

    raw_value = requests_mock.last_request.url.split("?q=", 1)[1]
    for char in "&+#'/ ":
        # Every reserved character of the SOQL is escaped, so it cannot end or split the value.
        assert char not in raw_value
    for encoded in ("%26", "%2B", "%23", "%27", "100%25", "%C3%A9", "%2F", "%20"):
        assert encoded in raw_value
    assert query_pairs(requests_mock.last_request.url) == [("q", soql)]


def test_malformed_query_is_reported_through_the_request(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    errors = [{"message": "unexpected token: FORM", "errorCode": "MALFORMED_QUERY"}]
    requests_mock.get(f"{DATA}/query", json=errors, status_code=400)

    body, request = sf.query("SELECT Id FORM Account")

    assert body == errors
    assert request.status == 400
    assert len(request.exceptions) == 1
    error = request.exceptions[0]
    assert isinstance(error, MalformedQuery)
    assert isinstance(error, BadRequest)
    assert (error.status, error.error_code, error.message) == (
        400,
        "MALFORMED_QUERY",
        "unexpected token: FORM",
    )
    assert error.request is request
    with pytest.raises(MalformedQuery):
        request.raise_for_status()


def test_invalid_session_is_typed(sf: salesforcepy.Client, requests_mock: Any) -> None:
    errors = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    requests_mock.get(f"{DATA}/query", json=errors, status_code=401)

    body, request = sf.query("SELECT Id FROM Account")

    assert body == errors
    assert request.status == 401
    assert [type(e) for e in request.exceptions] == [InvalidSessionId]


def _page(offset: int, total: int, size: int) -> dict[str, Any]:
    records = [{"Id": f"rec{n}"} for n in range(offset, min(offset + size, total))]
    page: dict[str, Any] = {"totalSize": total, "done": offset + size >= total, "records": records}
    if not page["done"]:
        page["nextRecordsUrl"] = f"/services/data/v58.0/query/{CURSOR}-{offset + size}"
    return page


def test_query_more_follows_1200_pages_iteratively(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    pages, size = 1200, 2
    total = pages * size
    requests_mock.get(f"{DATA}/query", json=_page(0, total, size))

    def next_page(request: Any, context: Any) -> dict[str, Any]:
        offset = int(request.path.rsplit("-", 1)[1])
        return _page(offset, total, size)

    requests_mock.get(re.compile(rf"{re.escape(DATA)}/query/{CURSOR}-\d+$"), json=next_page)

    result, request = sf.query_more("SELECT Id FROM Account")

    assert len(result) == pages
    ids = [r["Id"] for page in result for r in page["records"]]
    assert ids == [f"rec{n}" for n in range(total)]
    assert requests_mock.call_count == pages
    assert request.ok
    assert request.url == f"{DATA}/query/{CURSOR}-{total - size}"
    assert all(
        h.headers["Authorization"].startswith("Bearer ") for h in requests_mock.request_history
    )


def test_query_more_stops_at_an_error_page_and_reports_it(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    total, size = 10, 2
    requests_mock.get(f"{DATA}/query", json=_page(0, total, size))
    requests_mock.get(f"{DATA}/query/{CURSOR}-2", json=_page(2, total, size))
    error = [{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}]
    requests_mock.get(f"{DATA}/query/{CURSOR}-4", json=error, status_code=400)
    later = requests_mock.get(f"{DATA}/query/{CURSOR}-6", json=_page(6, total, size))

    result, request = sf.query_more("SELECT Id FROM Account")

    assert result == [_page(0, total, size), _page(2, total, size)]
    assert request.status == 400
    assert request.url == f"{DATA}/query/{CURSOR}-4"
    assert [(type(e), e.error_code) for e in request.exceptions] == [
        (BadRequest, "INVALID_QUERY_LOCATOR")
    ]
    assert not later.called


def test_query_more_first_page_error_returns_no_pages(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    errors = [{"message": "bad", "errorCode": "MALFORMED_QUERY"}]
    requests_mock.get(f"{DATA}/query", json=errors, status_code=400)

    result, request = sf.query_more("SELECT")

    assert result == []
    assert isinstance(request.exceptions[0], MalformedQuery)


def test_query_more_garbage_page_is_a_parse_error_not_an_attribute_error(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    requests_mock.get(f"{DATA}/query", json=_page(0, 6, 2))
    requests_mock.get(
        f"{DATA}/query/{CURSOR}-2",
        text='{"totalSize": 6, "done": fal',
        headers={"Content-Type": "application/json"},
    )

    result, request = sf.query_more("SELECT Id FROM Account")

    assert result == [_page(0, 6, 2)]
    assert request.status == 200
    assert [type(e) for e in request.exceptions] == [ParseError]


def test_query_more_null_page_is_reported(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{DATA}/query", json=_page(0, 6, 2))
    requests_mock.get(
        f"{DATA}/query/{CURSOR}-2", text="null", headers={"Content-Type": "application/json"}
    )

    result, request = sf.query_more("SELECT Id FROM Account")

    assert result == [_page(0, 6, 2)]
    assert [type(e) for e in request.exceptions] == [ParseError]


def test_query_more_never_follows_a_next_url_to_another_host(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    page = {**_page(0, 4, 2), "nextRecordsUrl": "https://evil.example/services/data/v58.0/x"}
    requests_mock.get(f"{DATA}/query", json=page)

    result, request = sf.query_more("SELECT Id FROM Account")

    assert result == [page]
    assert requests_mock.call_count == 1
    assert [type(e) for e in request.exceptions] == [ParseError]


def test_query_more_missing_next_url_while_not_done_is_reported(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    page = {"totalSize": 4, "done": False, "records": []}
    requests_mock.get(f"{DATA}/query", json=page)

    result, request = sf.query_more("SELECT Id FROM Account")

    assert result == [page]
    assert [type(e) for e in request.exceptions] == [ParseError]


def test_query_more_applies_overrides_to_every_page(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    requests_mock.get(
        f"{INSTANCE_URL}/services/data/v60.0/query",
        json={**_page(0, 4, 2), "nextRecordsUrl": f"/services/data/v60.0/query/{CURSOR}-2"},
    )
    requests_mock.get(f"{INSTANCE_URL}/services/data/v60.0/query/{CURSOR}-2", json=_page(2, 4, 2))
    proxies = {"https": "http://proxy.example:3128"}

    result, request = sf.query_more(
        "SELECT Id FROM Account", timeout=(1.5, 7), proxies=proxies, version="60.0"
    )

    assert len(result) == 2
    assert request.ok
    for sent in requests_mock.request_history:
        assert sent.timeout == (1.5, 7.0)
        assert sent.proxies["https"] == "http://proxy.example:3128"


def test_next_page_request_rejects_paths_outside_the_data_api() -> None:
    assert next_page_request("/services/data/v58.0/query/01g-2000").base is Base.INSTANCE
    for bad in (
        None,
        "",
        "https://x/services/data/",
        "/services/apexrest/x",
        "/services/data/../x",
    ):
        with pytest.raises(ParseError):
            next_page_request(bad)


def test_include_deleted_asks_query_all(sf: salesforcepy.Client, requests_mock: Any) -> None:
    page = {"totalSize": 1, "done": True, "records": [{"Id": "rec0", "IsDeleted": True}]}
    requests_mock.get(f"{DATA}/queryAll", json=page)

    body, request = sf.query("SELECT Id, IsDeleted FROM Account", include_deleted=True)

    assert body == page
    assert request.method == "GET"
    assert request.url.split("?")[0] == f"{DATA}/queryAll"
    assert query_pairs(request.url) == [("q", "SELECT Id, IsDeleted FROM Account")]


def test_query_more_with_include_deleted_starts_at_query_all_then_follows_the_cursor(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    first = {
        "totalSize": 2,
        "done": False,
        "records": [{"Id": "rec0"}],
        "nextRecordsUrl": f"/services/data/v58.0/queryAll/{CURSOR}-1",
    }
    second = {"totalSize": 2, "done": True, "records": [{"Id": "rec1"}]}
    requests_mock.get(f"{DATA}/queryAll", json=first)
    requests_mock.get(f"{DATA}/queryAll/{CURSOR}-1", json=second)
    plain = requests_mock.get(f"{DATA}/query", json=second)

    pages, request = sf.query_more("SELECT Id FROM Account", include_deleted=True)

    assert pages == [first, second]
    assert request.url == f"{DATA}/queryAll/{CURSOR}-1"
    assert not plain.called


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_include_deleted_must_be_a_bool(
    sf: salesforcepy.Client, requests_mock: Any, value: Any
) -> None:
    with pytest.raises(TypeError, match="include_deleted"):
        sf.query("SELECT Id FROM Account", include_deleted=value)
    with pytest.raises(TypeError, match="include_deleted"):
        sf.query_more("SELECT Id FROM Account", include_deleted=value)
    assert not requests_mock.called


def test_search(sf: salesforcepy.Client, requests_mock: Any) -> None:
    found = {"searchRecords": [{"attributes": {"type": "Account"}, "Id": "001", "Name": "Acme"}]}
    requests_mock.get(f"{DATA}/search/", json=found)
    sosl = "FIND {Acme} IN ALL FIELDS RETURNING Account(Id, Name)"

    body, request = sf.search(sosl)

    assert_request(requests_mock.last_request, "GET", f"{DATA}/search/", query=[("q", sosl)])
    assert "%7BAcme%7D" in requests_mock.last_request.url
    assert body == found
    assert request.ok


def test_search_request_rejects_empty() -> None:
    with pytest.raises(ValueError, match="sosl"):
        search_request("")
