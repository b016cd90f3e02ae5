"""The bulk engine's pieces without HTTP: CSV reading, row application, the worker's pace."""

from __future__ import annotations

from typing import Any

import pytest

from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.bulk import BulkJobs, BulkSettings
from salesforcepy.fakeorg.bulk.csvio import CsvProblem, check_line_ending, decode, read_rows
from salesforcepy.fakeorg.bulk.jobs import IngestJob
from salesforcepy.fakeorg.bulk.rows import RowApplier, header_problem


@pytest.mark.parametrize(
    ("text", "setting", "ok"),
    [
        ("Name\nA\n", "LF", True),
        ("Name\r\nA\r\n", "CRLF", True),
        ("Name\r\nA\r\n", "LF", False),
        ("Name\nA\n", "CRLF", False),
        ('"Two\r\nlines",B\nA,B\n', "LF", True),
        ('"Two\nlines",B\r\nA,B\r\n', "CRLF", True),
        ("Name", "CRLF", True),
    ],
)
def test_the_header_rows_line_ending_is_checked(text: str, setting: str, ok: bool) -> None:
    if ok:
        check_line_ending(text, setting)
    else:
        with pytest.raises(CsvProblem, match=f"Current LineEnding setting is {setting}"):
            check_line_ending(text, setting)


def test_reading_skips_blank_lines_and_keeps_quoted_breaks() -> None:
    assert read_rows('A|B\n\n"x|y"|"1\n2"\n', "|") == [["A", "B"], ["x|y", "1\n2"]]


def test_reading_keeps_a_row_of_one_empty_quoted_cell() -> None:
    # "" is a row whose one value is empty (what csv writes for it), not a blank line.
    assert read_rows('Id\n\n""\n"x"\n', ",") == [["Id"], [""], ["x"]]


def test_decoding_drops_a_bom_and_refuses_other_encodings() -> None:
    assert decode("\ufeffName\n".encode()) == "Name\n"
    with pytest.raises(CsvProblem, match="UTF-8"):
        decode(b"Name\n\xe9\n")


def test_upsert_duplicates_ignore_case_and_blanks() -> None:
    records = [{"Key": "a"}, {"key": "A"}, {"Key": "b"}, {"Key": ""}, {"Key": ""}]
    assert RowApplier.find_duplicates(records, "KEY") == {"a"}


def test_header_problems(store: Any) -> None:
    account = store.object("Account")
    assert header_problem(account, ["Name", "Parent.Name"], "insert", None) is None
    assert header_problem(account, ["name", "NAME"], "insert", None) == (
        "InvalidBatch : Duplicate field name: NAME"
    )
    assert header_problem(account, ["Nope.Name"], "insert", None) == (
        "InvalidBatch : Field name not found : Nope.Name"
    )
    assert header_problem(account, ["id"], "hardDelete", None) is None


def test_a_chunk_keeps_the_good_rows_and_reports_the_bad(store: Any) -> None:
    applier = RowApplier(store, "Account", "insert", user_id=store.admin_user_id)
    before = store.count("Account")

    outcomes = applier.apply_chunk([{"Name": "Good"}, {"Name": ""}, None, {"Name": "Also"}])

    assert [o.ok for o in outcomes] == [True, False, False, True]
    assert outcomes[1].error is not None
    assert outcomes[1].error.error_code == "REQUIRED_FIELD_MISSING"
    assert outcomes[2].error is not None
    assert outcomes[2].error.error_code == "INVALID_FIELD"
    assert store.count("Account") == before + 2


def test_the_worker_stops_with_the_org() -> None:
    org = FakeOrg(bulk=BulkSettings(start_delay=30))
    org.start()
    try:
        jobs = BulkJobs.of(org.state)
        job = IngestJob(
            id=jobs.new_id("750"),
            object="Account",
            operation="insert",
            created_by=org.state.admin_user_id,
            created_date=jobs.now(),
            api_version="58.0",
            state="UploadComplete",
        )
        jobs.add(job)
        jobs.schedule(job)
        worker = jobs._thread
        assert worker is not None
        assert worker.is_alive()
    finally:
        org.stop()

    assert not worker.is_alive()
