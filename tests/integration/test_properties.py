"""Property tests (hypothesis) for quoting and escaping, end to end through the fake org.

- SOQL literals: a record inserted with an arbitrary Name is found by
  ``format_soql("... WHERE Name = {}", name)``, and only it.
- LIKE patterns: ``{:like}`` makes ``%`` and ``_`` match themselves, not anything.
- Path segments: an arbitrary external-id value round-trips through upsert and
  get-by-external-id.
- XML: SOAP login works with an arbitrary password; a password XML cannot carry is refused
  before anything is sent.
- CSV: records the Bulk 2.0 load helper writes (with the csv module, in every delimiter and line
  ending) read back as the same values, by Python's csv module and by the org after a load.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import salesforcepy
from salesforcepy.fakeorg import FakeOrg
from salesforcepy.fakeorg.bulk import BulkSettings
from salesforcepy.resources.jobs._common import DELIMITER_CHARS, LINE_ENDING_CHARS
from salesforcepy.resources.jobs.load import split, table

from .faultkit import EXT_FIELD, make_client, org_fixture, rows

pytestmark = pytest.mark.integration

PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Every character except surrogates (not encodable as UTF-8 on their own).
ANY_TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=60)
# Text that stresses the escapes: quotes, backslashes, wildcards, control and non-ASCII.
TRICKY_TEXT = st.text(
    st.sampled_from(list("'\"\\%_ \t\n\r\b\f{}()&+#?/;:=*\x00\x7fa\u00e9\u20ac\U0001f600")),
    min_size=1,
    max_size=40,
)
# Values every run tries, besides the generated ones.
NASTY = [
    "\\",
    "'",
    "\\'",
    "a\\nb",
    "x' OR Name != '",
    "\\\\'",
    "%_",
    "\x00",
    " ",
    "\u2028",
    "\U0001f600",
    "tab\there\r\n",
    "<a>&amp;</a>",
    "]]>",
]


def nasty_examples(argname: str, keep: Callable[[str], bool] = lambda value: True) -> Any:
    """Make a hypothesis test also run with each of :data:`NASTY` as ``argname``."""

    def apply(test: Any) -> Any:
        for value in NASTY:
            if keep(value):
                test = example(**{argname: value})(test)
        return test

    return apply


TEXT = st.one_of(ANY_TEXT, TRICKY_TEXT)
_serial = itertools.count(1)


@pytest.fixture(scope="module")
def org() -> Iterator[FakeOrg]:
    yield from org_fixture()


@pytest.fixture(scope="module")
def sf(org: FakeOrg) -> salesforcepy.Client:
    return make_client(org)


def _unique(text: str) -> str:
    # A prefix keeps examples apart; the property is about the arbitrary part after it.
    return f"p{next(_serial)}:{text}"


@PROPERTY_SETTINGS
@nasty_examples("text")
@given(text=TEXT)
def test_soql_literal_round_trip(sf: salesforcepy.Client, text: str) -> None:
    name = _unique(text)
    created, sent = sf.sobjects("Account").insert({"Name": name})
    assert sent.status == 201, sent.exceptions

    body, sent = sf.query(
        salesforcepy.format_soql("SELECT Id, Name FROM Account WHERE Name = {}", name)
    )

    assert sent.ok, sent.exceptions
    assert [(r["Id"], r["Name"]) for r in body["records"]] == [(created["id"], name)]


@PROPERTY_SETTINGS
@given(text=TEXT, values=st.lists(TEXT, min_size=1, max_size=4))
def test_soql_lists_round_trip(sf: salesforcepy.Client, text: str, values: list[str]) -> None:
    names = [_unique(v) for v in [text, *values]]
    ids = {sf.sobjects("Account").insert({"Name": n})[0]["id"] for n in names}

    body, sent = sf.query(
        salesforcepy.format_soql("SELECT Id FROM Account WHERE Name IN {names}", names=names)
    )

    assert sent.ok, sent.exceptions
    assert {r["Id"] for r in body["records"]} == ids


WILDCARDY = st.text(st.sampled_from(list("%_ab'\\")), min_size=1, max_size=12)


@PROPERTY_SETTINGS
@example(text="%")
@example(text="_")
@example(text="a%b_c\\%")
@given(text=WILDCARDY)
def test_like_patterns_match_wildcards_literally(
    org: FakeOrg, sf: salesforcepy.Client, text: str
) -> None:
    name = _unique(text)
    # A decoy that the pattern would match if % and _ were still wildcards.
    decoy = name.replace("%", "zz").replace("_", "y")
    assume(decoy != name)
    wanted = sf.sobjects("Account").insert({"Name": name})[0]["id"]
    sf.sobjects("Account").insert({"Name": decoy})

    exact, sent = sf.query(
        salesforcepy.format_soql("SELECT Id FROM Account WHERE Name LIKE '{:like}'", name)
    )
    prefix, _ = sf.query(
        salesforcepy.format_soql("SELECT Id FROM Account WHERE Name LIKE '{:like}%'", name[:-1])
    )

    assert sent.ok, sent.exceptions
    assert [r["Id"] for r in exact["records"]] == [wanted]
    assert wanted in {r["Id"] for r in prefix["records"]}
    assert [r["Id"] for r in rows(org, "SELECT Id FROM Account WHERE Name = {}", decoy)] != [wanted]


SEGMENT_TEXT = TEXT.filter(lambda v: v not in ("", ".", ".."))


@PROPERTY_SETTINGS
@nasty_examples("value")
@given(value=SEGMENT_TEXT)
def test_external_id_values_round_trip_as_path_segments(
    sf: salesforcepy.Client, value: str
) -> None:
    key = _unique(value)
    record = sf.sobjects("Account", id=key, external_id=EXT_FIELD)

    created, sent = record.upsert({"Name": "ext"})
    assert sent.status == 201, sent.exceptions
    again, sent = record.upsert({"Description": "second"})
    assert (sent.status, again["created"]) == (200, False)
    row, sent = record.query()

    assert sent.ok, sent.exceptions
    assert row["Id"] == created["id"]
    assert row[EXT_FIELD] == key
    assert row["Description"] == "second"


# XML 1.0 can carry tab, LF, CR and everything from U+0020 on (except surrogates, U+FFFE/FFFF).
XML_CHARS = st.characters(
    blacklist_categories=["Cs"],
    blacklist_characters=[chr(c) for c in range(0x20) if c not in (9, 10, 13)]
    + ["\ufffe", "\uffff"],
)
PASSWORDS = st.one_of(
    st.text(XML_CHARS, min_size=1, max_size=40),
    st.text(st.sampled_from(list("<>&'\"]]>\r\n\t ;=%!--")), min_size=1, max_size=20),
)


@PROPERTY_SETTINGS
@nasty_examples("password", keep=lambda v: "\x00" not in v)
@given(password=PASSWORDS)
def test_soap_login_with_arbitrary_passwords(org: FakeOrg, password: str) -> None:
    username = f"user{next(_serial)}@example.com"
    user = org.add_user(username, last_name="Prop", password=password)
    good = salesforcepy.client(
        username, password, login_url=org.login_url, security_token=user.security_token
    )
    bad = salesforcepy.client(
        username, password + "x", login_url=org.login_url, security_token=user.security_token
    )

    _, ok = good.login_via_soap()
    _, refused = bad.login_via_soap()

    assert ok.ok, ok.exceptions
    assert good.logged_in
    assert refused.exceptions[0].error_code == "INVALID_LOGIN"


@PROPERTY_SETTINGS
@given(
    head=st.text(XML_CHARS, max_size=5),
    bad=st.sampled_from([chr(c) for c in range(0x20) if c not in (9, 10, 13)] + ["\ufffe"]),
)
def test_passwords_xml_cannot_carry_are_refused_before_sending(
    org: FakeOrg, head: str, bad: str
) -> None:
    before = org.stats()["total_requests"]
    client = salesforcepy.client("someone@example.com", head + bad, login_url=org.login_url)

    with pytest.raises(ValueError, match="password") as info:
        client.login_via_soap()

    assert head + bad not in str(info.value) or not (head + bad).strip()
    assert org.stats()["total_requests"] == before


# -- CSV ---------------------------------------------------------------------------------------

# Any text but "#N/A" (Bulk's null) and values Salesforce would treat as "leave the field alone".
CELL = st.one_of(
    st.text(
        st.sampled_from(list(",;|^`\t\"'\r\n \\#Na\u00e9\u20ac\U0001f600")), min_size=1, max_size=20
    ),
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters=["\x00"]), min_size=1),
).filter(lambda v: v != "#N/A")
DELIMITERS = st.sampled_from(sorted(DELIMITER_CHARS))
LINE_ENDINGS = st.sampled_from(sorted(LINE_ENDING_CHARS))


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.tuples(CELL, CELL), min_size=1, max_size=8),
    delimiter=DELIMITERS,
    line_ending=LINE_ENDINGS,
    max_bytes=st.integers(min_value=200, max_value=2000),
)
def test_csv_written_by_the_load_helper_reads_back(
    values: list[tuple[str, str]], delimiter: str, line_ending: str, max_bytes: int
) -> None:
    records = [{"Name": a, "Description": b} for a, b in values]
    char = DELIMITER_CHARS[delimiter]
    header, data = table(records, fields=None, delimiter=char)
    try:
        parts = split(
            header,
            data,
            delimiter=char,
            line_ending=LINE_ENDING_CHARS[line_ending],
            max_bytes=max_bytes,
        )
    except ValueError:
        assume(False)  # one row larger than the part size: refused, nothing to read back

    read: list[tuple[str, str]] = []
    for part in parts:
        assert len(part.csv) <= max_bytes
        rows = list(csv.reader(io.StringIO(part.csv.decode("utf-8"), newline=""), delimiter=char))
        assert rows[0] == ["Name", "Description"]
        read.extend((name, description) for name, description in rows[1:])
    assert read == values


@pytest.fixture(scope="module")
def bulk_org() -> Iterator[FakeOrg]:
    yield from org_fixture(bulk=BulkSettings.fast())


@PROPERTY_SETTINGS
@given(
    values=st.lists(st.tuples(CELL, CELL), min_size=1, max_size=5),
    delimiter=DELIMITERS,
    line_ending=LINE_ENDINGS,
)
def test_csv_round_trips_through_a_bulk_load(
    bulk_org: FakeOrg, values: list[tuple[str, str]], delimiter: str, line_ending: str
) -> None:
    sf = make_client(bulk_org)
    records = [{"Name": _unique(a), "Description": b} for a, b in values]

    result = sf.jobs.ingest.load(
        "Account",
        "insert",
        records,
        column_delimiter=delimiter,
        line_ending=line_ending,
        poll_interval=0.01,
        max_interval=0.05,
    )

    assert result.ok, result.summary()
    assert result.failures == []
    ids = [row["sf__Id"] for row in result.successes]
    stored = {
        r["Id"]: (r["Name"], r["Description"])
        for r in rows(bulk_org, "SELECT Id, Name, Description FROM Account WHERE Id IN {}", ids)
    }
    assert sorted(stored.values()) == sorted((r["Name"], r["Description"]) for r in records)
    # The result CSVs carry the values back too.
    assert sorted(row["Name"] for row in result.successes) == sorted(r["Name"] for r in records)
