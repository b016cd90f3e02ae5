"""jobs.query: request building, result paging by Sforce-Locator, waiting; and jobs.ingest's list,
wait and gzip upload."""

from __future__ import annotations

import gzip
from typing import Any

import pytest

import salesforcepy
from salesforcepy.exceptions import NotFound, ParseError, PreconditionFailed
from salesforcepy.resources.jobs import JobWaitTimeout
from salesforcepy.resources.jobs.ingest import ColumnDelimiter, LineEnding
from salesforcepy.resources.jobs.query import QueryOperation, locator_of, record_count_of

from ...conftest import DATA, INSTANCE_URL, assert_request

JOB_ID = "7505g00000Xyz12AAB"
RESULTS = f"{DATA}/jobs/query/{JOB_ID}/results"


def csv_page(requests_mock: Any, text: str, locator: str, count: int, **match: Any) -> None:
    requests_mock.get(
        RESULTS,
        text=text,
        headers={
            "Content-Type": "text/csv",
            "Sforce-Locator": locator,
            "Sforce-NumberOfRecords": str(count),
        },
        **match,
    )


# ---- create, get, list, abort, delete ------------------------------------------------------------


def test_create_sends_the_query_job(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.post(f"{DATA}/jobs/query", json={"id": JOB_ID, "state": "UploadComplete"})

    body, request = sf.jobs.query.create(
        "SELECT Id FROM Account",
        QueryOperation.QUERY_ALL,
        column_delimiter=ColumnDelimiter.TAB,
        line_ending=LineEnding.CRLF,
    )

    assert_request(
        requests_mock.last_request,
        "POST",
        f"{DATA}/jobs/query",
        json={
            "operation": "queryAll",
            "query": "SELECT Id FROM Account",
            "contentType": "CSV",
            "columnDelimiter": "TAB",
            "lineEnding": "CRLF",
        },
    )
    assert body["id"] == JOB_ID
    assert request.status == 200


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "word"),
    [
        (("",), {}, ValueError, "query"),
        ((None,), {}, TypeError, "query"),
        (("SELECT Id FROM Account", "select"), {}, ValueError, "operation"),
        (("SELECT Id FROM Account",), {"column_delimiter": ","}, ValueError, "column_delimiter"),
        (("SELECT Id FROM Account",), {"line_ending": "CR"}, ValueError, "line_ending"),
    ],
)
def test_create_validates_before_sending(
    sf: salesforcepy.Client,
    requests_mock: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    error: type,
    word: str,
) -> None:
    with pytest.raises(error, match=word):
        sf.jobs.query.create(*args, **kwargs)
    assert not requests_mock.called


def test_get_abort_delete(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{DATA}/jobs/query/{JOB_ID}", json={"state": "InProgress"})
    requests_mock.patch(f"{DATA}/jobs/query/{JOB_ID}", json={"state": "Aborted"})
    requests_mock.delete(f"{DATA}/jobs/query/{JOB_ID}", status_code=204)

    info, _ = sf.jobs.query.get(JOB_ID)
    assert_request(requests_mock.last_request, "GET", f"{DATA}/jobs/query/{JOB_ID}")
    aborted, _ = sf.jobs.query.abort(JOB_ID)
    assert requests_mock.last_request.json() == {"state": "Aborted"}
    gone, request = sf.jobs.query.delete(JOB_ID)

    assert info["state"] == "InProgress"
    assert aborted["state"] == "Aborted"
    assert (gone, request.status, request.method) == (None, 204, "DELETE")
    with pytest.raises(ValueError, match="job_id"):
        sf.jobs.query.abort("../x")


def test_list_with_filters(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{DATA}/jobs/query", json={"done": True, "records": []})

    sf.jobs.query.list(job_type="V2Query", concurrency_mode="parallel", query_locator="abc")

    assert_request(
        requests_mock.last_request,
        "GET",
        f"{DATA}/jobs/query",
        query=[("jobType", "V2Query"), ("concurrencyMode", "parallel"), ("queryLocator", "abc")],
    )
    with pytest.raises(ValueError, match="job_type"):
        sf.jobs.query.list(job_type="Everything")
    with pytest.raises(ValueError, match="concurrency_mode"):
        sf.jobs.query.list(concurrency_mode="fast")


def test_list_pages_follow_next_records_url(sf: salesforcepy.Client, requests_mock: Any) -> None:
    second = "/services/data/v58.0/jobs/ingest?queryLocator=b2Zmc2V0"
    requests_mock.get(
        f"{DATA}/jobs/ingest",
        [
            {"json": {"done": False, "records": [{"id": "1"}], "nextRecordsUrl": second}},
            {"json": {"done": True, "records": [{"id": "2"}], "nextRecordsUrl": None}},
        ],
    )

    pages = list(sf.jobs.ingest.list_pages(job_type="V2Ingest"))

    assert [page["records"][0]["id"] for page, _ in pages] == ["1", "2"]
    assert requests_mock.request_history[0].qs == {"jobtype": ["v2ingest"]}
    assert requests_mock.last_request.url == INSTANCE_URL + second


def test_list_pages_stop_after_an_error(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(
        f"{DATA}/jobs/query",
        [
            {"json": {"done": False, "records": [], "nextRecordsUrl": "/services/data/v58.0/x"}},
            {"status_code": 404, "json": [{"errorCode": "NOT_FOUND", "message": "gone"}]},
        ],
    )
    requests_mock.get(f"{DATA}/x", status_code=404, json=[{"errorCode": "NOT_FOUND"}])

    pages = list(sf.jobs.query.list_pages())

    assert len(pages) == 2
    assert isinstance(pages[-1][1].exceptions[0], NotFound)


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/services/data/v58.0/jobs/ingest", "/services/apexrest/x", 7, [1], None],
)
def test_list_pages_do_not_follow_a_next_records_url_elsewhere(
    sf: salesforcepy.Client, requests_mock: Any, next_url: Any
) -> None:
    # The URL comes from the server: an unusable one is an error of that page, not a crash of
    # the iteration.
    first = {"done": False, "records": [{"id": "1"}], "nextRecordsUrl": next_url}
    requests_mock.get(f"{DATA}/jobs/ingest", json=first)

    pages = list(sf.jobs.ingest.list_pages())

    assert len(pages) == 1
    assert [type(e) for e in pages[0][1].exceptions] == [ParseError]
    assert requests_mock.call_count == 1


def test_list_pages_stop_when_next_records_url_repeats(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    again = "/services/data/v58.0/jobs/ingest?queryLocator=c2FtZQ"
    page = {"done": False, "records": [], "nextRecordsUrl": again}
    requests_mock.get(f"{DATA}/jobs/ingest", json=page)

    pages = list(sf.jobs.ingest.list_pages())

    assert len(pages) == 2
    assert pages[0][1].ok
    assert [type(e) for e in pages[1][1].exceptions] == [ParseError]


# ---- results and paging --------------------------------------------------------------------------


def test_results_request_and_headers(sf: salesforcepy.Client, requests_mock: Any) -> None:
    csv_page(requests_mock, '"Id"\n"001"\n', "MTAwMDA", 1)

    body, request = sf.jobs.query.results(JOB_ID, locator="MA", max_records=10000)

    assert_request(
        requests_mock.last_request,
        "GET",
        RESULTS,
        query=[("locator", "MA"), ("maxRecords", "10000")],
        headers={"Accept": "text/csv"},
    )
    assert body == '"Id"\n"001"\n'
    assert locator_of(request) == "MTAwMDA"
    assert record_count_of(request) == 1


def test_the_last_page_has_no_locator(sf: salesforcepy.Client, requests_mock: Any) -> None:
    csv_page(requests_mock, '"Id"\n', "null", 0)
    _, request = sf.jobs.query.results(JOB_ID)
    assert locator_of(request) is None
    assert record_count_of(request) == 0


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"locator": "null"}, "locator"),
        ({"locator": ""}, "locator"),
        ({"max_records": 0}, "max_records"),
        ({"max_records": True}, "max_records"),
    ],
)
def test_results_arguments_are_checked(
    sf: salesforcepy.Client, requests_mock: Any, kwargs: dict[str, Any], word: str
) -> None:
    with pytest.raises(ValueError, match=word):
        sf.jobs.query.results(JOB_ID, **kwargs)
    assert not requests_mock.called


def test_pages_follow_the_locator_until_null(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(
        RESULTS + "?maxRecords=2",
        text='"Id"\n"1"\n"2"\n',
        headers={"Content-Type": "text/csv", "Sforce-Locator": "Mg", "Sforce-NumberOfRecords": "2"},
        complete_qs=True,
    )
    requests_mock.get(
        RESULTS + "?locator=Mg&maxRecords=2",
        text='"Id"\n"3"\n',
        headers={
            "Content-Type": "text/csv",
            "Sforce-Locator": "null",
            "Sforce-NumberOfRecords": "1",
        },
        complete_qs=True,
    )

    rows = list(sf.jobs.query.rows(JOB_ID, max_records=2))
    pages = list(sf.jobs.query.pages(JOB_ID, max_records=2))

    assert rows == [{"Id": "1"}, {"Id": "2"}, {"Id": "3"}]
    assert [record_count_of(request) for _, request in pages] == [2, 1]


def test_pages_stop_on_an_error_and_rows_raise_it(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    requests_mock.get(
        RESULTS,
        status_code=412,
        json=[{"errorCode": "JOB_NOT_COMPLETE", "message": "not yet"}],
    )

    pages = list(sf.jobs.query.pages(JOB_ID))

    assert len(pages) == 1
    assert isinstance(pages[0][1].exceptions[0], PreconditionFailed)
    with pytest.raises(PreconditionFailed):
        list(sf.jobs.query.rows(JOB_ID))


def test_a_repeating_locator_ends_the_pages(sf: salesforcepy.Client, requests_mock: Any) -> None:
    csv_page(requests_mock, '"Id"\n"1"\n', "Mg", 1)

    pages = list(sf.jobs.query.pages(JOB_ID))

    assert len(pages) == 2
    assert isinstance(pages[-1][1].exceptions[0], ParseError)


def test_rows_read_the_jobs_delimiter(sf: salesforcepy.Client, requests_mock: Any) -> None:
    csv_page(requests_mock, '"Id"|"Name"\n"1"|"a,b"\n', "null", 1)
    assert list(sf.jobs.query.rows(JOB_ID, column_delimiter="PIPE")) == [{"Id": "1", "Name": "a,b"}]


def test_result_pages_request(sf: salesforcepy.Client, requests_mock: Any) -> None:
    listing = {"resultPages": [{"resultUrl": "/x"}], "nextRecordsUrl": None, "done": True}
    requests_mock.get(f"{DATA}/jobs/query/{JOB_ID}/resultPages", json=listing)

    body, _ = sf.jobs.query.result_pages(JOB_ID, max_records=5)

    assert body == listing
    assert requests_mock.last_request.qs == {"maxrecords": ["5"]}


def test_result_page_fetches_a_result_url(sf: salesforcepy.Client, requests_mock: Any) -> None:
    url = f"/services/data/v58.0/jobs/query/{JOB_ID}/results?locator=MA&maxRecords=10"
    csv_page(requests_mock, '"Id"\n"1"\n', "MTA", 1)

    body, request = sf.jobs.query.result_page(url)

    assert requests_mock.last_request.url == INSTANCE_URL + url
    assert body == '"Id"\n"1"\n'
    assert locator_of(request) == "MTA"
    for bad in ("https://evil.example/x", "/services/data/v58.0/sobjects/Account", None):
        with pytest.raises(ValueError, match="result_url"):
            sf.jobs.query.result_page(bad)  # type: ignore[arg-type]


# ---- waiting -------------------------------------------------------------------------------------


def test_wait_polls_until_the_job_is_finished(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(
        f"{DATA}/jobs/query/{JOB_ID}",
        [
            {"json": {"state": "UploadComplete"}},
            {"json": {"state": "InProgress"}},
            {"json": {"state": "JobComplete", "numberRecordsProcessed": 3}},
        ],
    )

    body, request = sf.jobs.query.wait(JOB_ID, poll_interval=0.001, max_interval=0.002)

    assert body["state"] == "JobComplete"
    assert requests_mock.call_count == 3
    assert request.status == 200


def test_wait_returns_an_error_at_once(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(
        f"{DATA}/jobs/ingest/{JOB_ID}", status_code=404, json=[{"errorCode": "NOT_FOUND"}]
    )

    _, request = sf.jobs.ingest.wait(JOB_ID, poll_interval=0.001)

    assert requests_mock.call_count == 1
    assert isinstance(request.exceptions[0], NotFound)


def test_wait_gives_up_after_max_wait(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{DATA}/jobs/ingest/{JOB_ID}", json={"state": "InProgress"})

    with pytest.raises(JobWaitTimeout) as caught:
        sf.jobs.ingest.wait(JOB_ID, max_wait=0.02, poll_interval=0.005, max_interval=0.005)

    assert caught.value.job_id == JOB_ID
    assert caught.value.state == "InProgress"
    assert requests_mock.call_count >= 2


@pytest.mark.parametrize(
    "kwargs",
    [{"max_wait": 0}, {"poll_interval": -1}, {"max_interval": 0}, {"backoff": 0.5}],
)
def test_wait_checks_its_arguments(
    sf: salesforcepy.Client, requests_mock: Any, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        sf.jobs.ingest.wait(JOB_ID, **kwargs)
    assert not requests_mock.called


# ---- ingest extras -------------------------------------------------------------------------------


def test_ingest_list_filters(sf: salesforcepy.Client, requests_mock: Any) -> None:
    requests_mock.get(f"{DATA}/jobs/ingest", json={"done": True, "records": []})

    sf.jobs.ingest.list(job_type="Classic", is_pk_chunking_enabled=False)

    assert_request(
        requests_mock.last_request,
        "GET",
        f"{DATA}/jobs/ingest",
        query=[("jobType", "Classic"), ("isPkChunkingEnabled", "false")],
    )
    with pytest.raises(TypeError, match="is_pk_chunking_enabled"):
        sf.jobs.ingest.list(is_pk_chunking_enabled="yes")  # type: ignore[arg-type]


def test_gzip_upload(requests_mock: Any, sf: salesforcepy.Client) -> None:
    requests_mock.put(f"{DATA}/jobs/ingest/{JOB_ID}/batches", status_code=201)

    _, request = sf.jobs.ingest.batches(JOB_ID, "Name\nZip\n", gzip=True)

    sent = requests_mock.last_request
    assert sent.headers["Content-Encoding"] == "gzip"
    assert sent.headers["Content-Type"] == "text/csv"
    assert gzip.decompress(sent.body) == b"Name\nZip\n"
    assert request.status == 201


def test_rows_check_each_page_against_its_record_count(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    csv_page(requests_mock, '"Id"\n"1"\n"2"\n', "MQ", 2, complete_qs=False)
    # The second page says 3 rows but holds 2: cut short somewhere on the way.
    requests_mock.get(
        f"{RESULTS}?locator=MQ",
        text='"Id"\n"3"\n"4"\n',
        headers={"Sforce-Locator": "null", "Sforce-NumberOfRecords": "3"},
    )

    rows = sf.jobs.query.rows(JOB_ID)
    assert [next(rows), next(rows)] == [{"Id": "1"}, {"Id": "2"}]
    with pytest.raises(ParseError, match="page 2 holds 2 rows but Sforce-NumberOfRecords says 3"):
        next(rows)


def test_rows_refuse_a_record_count_that_is_not_a_number(
    sf: salesforcepy.Client, requests_mock: Any
) -> None:
    requests_mock.get(
        RESULTS,
        text='"Id"\n"1"\n',
        headers={"Sforce-Locator": "null", "Sforce-NumberOfRecords": "many"},
    )

    with pytest.raises(ParseError, match="not a number"):
        list(sf.jobs.query.rows(JOB_ID))


def test_rows_raise_when_the_locator_repeats(sf: salesforcepy.Client, requests_mock: Any) -> None:
    csv_page(requests_mock, '"Id"\n"1"\n', "Mg", 1)

    with pytest.raises(ParseError):
        list(sf.jobs.query.rows(JOB_ID))
