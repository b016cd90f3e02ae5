"""Bad input becomes a clear error before anything is sent: header injection, unencodable JSON,
hostile path segments, and hosts/schemes the client must not talk to (mocked HTTP)."""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import unquote, urlsplit

import pytest

import salesforcepy
from salesforcepy.exceptions import ParseError
from salesforcepy.request import Request

from .conftest import CREDENTIALS, DATA, INSTANCE_URL, LOGIN_URL, TOKEN_RESPONSE

TOKEN_URL = f"{LOGIN_URL}/services/oauth2/token"

# -- headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "match"),
    [
        ("X-A", "1\r\nX-Injected: 2", "line break"),
        ("X-A", "1\rX", "line break"),
        ("X-A", "1\nX", "line break"),
        ("X-A", "1\r\n 2", "line break"),  # even an obsolete folded continuation
        ("X-A", "a\0b", "NUL"),
        ("X-A\r\n", "1", "line break"),
        ("X A", "1", "token"),
        ("X-A:", "1", "token"),
        ("", "1", "token"),
        ("X-\u00e9", "1", "token"),
        ("X-A", "\x01", "cannot be sent"),
        ("X-A", "\x7f", "cannot be sent"),
        ("X-A", "\u2028", "cannot be sent"),
        ("X-A", "snow \u2603", "cannot be sent"),
    ],
)
def test_bad_headers_are_rejected(name: str, value: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Request.get("x", headers={name: value})


@pytest.mark.parametrize("value", ["plain", "a\tb", "caf\u00e9", "", "x=1; y=2"])
def test_good_headers_pass(value: str) -> None:
    assert Request.get("x", headers={"X-A": value}).headers["X-A"] == value


@pytest.mark.parametrize("headers", [{"X-A": 1}, {1: "a"}, {"X-A": b"bytes"}, {"X-A": None}])
def test_non_string_headers_are_type_errors(headers: Any) -> None:
    with pytest.raises(TypeError, match="strings"):
        Request.get("x", headers=headers)


@pytest.mark.parametrize("name", ["app\r\nX-Evil: 1", "my app", "a;b", "a,b", "", "x" * 101])
def test_client_name_cannot_break_the_call_options_header(name: str) -> None:
    with pytest.raises(ValueError, match="client_name"):
        salesforcepy.client(client_name=name)


# -- JSON bodies -------------------------------------------------------------------------------

NAN_BODIES = [
    {"AnnualRevenue": float("nan")},
    {"AnnualRevenue": float("inf")},
    {"AnnualRevenue": -float("inf")},
    {"nested": {"deeper": [1, 2, {"x": float("nan")}]}},
]


@pytest.mark.parametrize("body", NAN_BODIES)
def test_nan_and_infinity_never_leave_the_client(
    sf: salesforcepy.Client, requests_mock: Any, body: dict[str, Any]
) -> None:
    record = sf.sobjects("Account", id="001000000000001AAA")
    calls: list[Callable[[], Any]] = [
        lambda: sf.sobjects("Account").insert(body),
        lambda: record.update(body),
        lambda: sf.sobjects("Account", id="k", external_id="Ext__c").upsert(body),
        lambda: sf.approvals({"requests": [{"actionType": "Submit", **body}]}),
        lambda: sf.chatter.feed_item(body),
        lambda: sf.apexrest("x", "POST", request_body=body),
        lambda: sf.sobjects("Document", binary_field="Body").insert(
            body, binary=("a.txt", b"x", "text/plain")
        ),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="JSON"):
            call()
    assert not requests_mock.called


def test_json_error_does_not_echo_the_body(sf: salesforcepy.Client) -> None:
    with pytest.raises(ValueError, match="JSON") as info:
        sf.sobjects("Account").insert({"Secret__c": "hunter2", "N": float("nan")})
    assert "hunter2" not in str(info.value)


# -- path segments -----------------------------------------------------------------------------

HOSTILE = [
    "a/b",
    "../../limits",
    "..%2F..",
    "x?q=SELECT",
    "x#frag",
    "100% & more",
    "caf\u00e9 \u2603",
    "semi;colon",
    "back\\slash",
    " leading and trailing ",
    "a+b=c",
    "...",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_external_id_values_are_one_segment(
    sf: salesforcepy.Client, requests_mock: Any, value: str
) -> None:
    requests_mock.register_uri("PATCH", requests_mock_any(), status_code=204)
    requests_mock.register_uri("GET", requests_mock_any(), json={})
    requests_mock.register_uri("DELETE", requests_mock_any(), status_code=204)
    record = sf.sobjects("Account", id=value, external_id="Ext__c")

    record.upsert({"Name": "x"})
    record.query()
    record.delete()

    for sent in requests_mock.request_history:
        parts = urlsplit(sent.url)
        assert parts.netloc == urlsplit(INSTANCE_URL).netloc
        assert parts.query == ""
        assert parts.fragment == ""
        segments = parts.path.split("/")
        assert segments[:-1] == ["", "services", "data", "v58.0", "sobjects", "Account", "Ext__c"]
        assert unquote(segments[-1]) == value


@pytest.mark.parametrize("value", ["", ".", ".."])
def test_dot_segments_are_refused(sf: salesforcepy.Client, value: str) -> None:
    with pytest.raises(ValueError, match=r"segment|id"):
        sf.sobjects("Account", id=value, external_id="Ext__c")


@pytest.mark.parametrize("segment", ["a?b", "c#d", "e f", "g%h", "caf\u00e9"])
def test_apexrest_segments_are_quoted(
    sf: salesforcepy.Client, requests_mock: Any, segment: str
) -> None:
    requests_mock.get(requests_mock_any(), json={})
    sf.apexrest(f"accounts/{segment}", "GET", request_params={"q": "x&y"})
    parts = urlsplit(requests_mock.last_request.url)
    assert parts.path.split("/")[:4] == ["", "services", "apexrest", "accounts"]
    assert unquote(parts.path.split("/")[4]) == segment
    assert parts.query == "q=x%26y"


@pytest.mark.parametrize(
    "call",
    [
        lambda sf: sf.sobjects("../Account"),
        lambda sf: sf.sobjects("Account", id="001/../../x"),
        lambda sf: sf.sobjects("Account", id="x", external_id="Ext__c/x"),
        lambda sf: sf.sobjects("Account", binary_field="Body/x"),
        lambda sf: sf.wave.dataset("ds/../x"),
        lambda sf: sf.chatter.feed_comment("0D5/../x", {"body": {}}),
        lambda sf: sf.apexrest("a/../b", "GET"),
        lambda sf: sf.jobs.ingest.get("750/../x"),
    ],
)
def test_names_and_ids_are_validated_before_sending(
    sf: salesforcepy.Client, requests_mock: Any, call: Callable[[Any], Any]
) -> None:
    with pytest.raises(ValueError, match=r"must|segment"):
        call(sf)
    assert not requests_mock.called


def requests_mock_any() -> Any:
    import re

    return re.compile(".*")


# -- hosts and schemes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "instance_url",
    ["http://evil.example", "http://10.0.0.1", "ftp://acme.my.salesforce.com", "acme", ""],
)
def test_instance_url_must_be_https_or_loopback(requests_mock: Any, instance_url: str) -> None:
    requests_mock.post(TOKEN_URL, json={**TOKEN_RESPONSE, "instance_url": instance_url})
    client = salesforcepy.client(**CREDENTIALS, version="58.0")

    _, sent = client.login()

    assert any(isinstance(e, ParseError) for e in sent.exceptions)
    assert not client.logged_in
    assert requests_mock.call_count == 1


# A token goes into a header as it is: one that cannot (a line break, a space, non-ASCII) would
# fail inside requests, whose error message quotes the whole header value.
BAD_TOKENS = ["00D5g!AQ\nX-Injected: 1", "00D5g!AQ tok", "00D5g!AQ\u2019tok", "00D5g!AQ\ttok"]


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_a_session_id_that_cannot_go_into_a_header_is_refused(
    requests_mock: Any, token: str
) -> None:
    with pytest.raises(ValueError, match="session_id") as info:
        salesforcepy.client(session_id=token, instance_url=INSTANCE_URL)
    assert "00D5g" not in str(info.value)


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_a_token_that_cannot_go_into_a_header_is_not_used(requests_mock: Any, token: str) -> None:
    requests_mock.post(TOKEN_URL, json={**TOKEN_RESPONSE, "access_token": token})
    soap = (
        '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><loginResponse>'
        f"<result><serverUrl>{INSTANCE_URL}/services/Soap/u/58.0</serverUrl>"
        f"<sessionId>{token.replace(chr(10), '&#10;').replace(chr(9), '&#9;')}</sessionId>"
        "</result></loginResponse></e:Body></e:Envelope>"
    )
    requests_mock.post(f"{LOGIN_URL}/services/Soap/u/58.0", text=soap)
    client = salesforcepy.client(**CREDENTIALS, version="58.0")

    for login in (client.login, client.login_via_soap):
        _, sent = login()

        assert [type(e) for e in sent.exceptions] == [ParseError]
        assert "00D5g" not in str(sent.exceptions[0])
        assert not client.logged_in


def test_loopback_instance_url_may_be_http(requests_mock: Any) -> None:
    requests_mock.post(TOKEN_URL, json={**TOKEN_RESPONSE, "instance_url": "http://127.0.0.1:9"})
    client = salesforcepy.client(**CREDENTIALS, version="58.0")
    _, sent = client.login()
    assert sent.ok
    assert client.session is not None
    assert client.session.instance_url == "http://127.0.0.1:9"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/services/data/v58.0/query/01g-2",
        "//evil.example/services/data/v58.0/query/01g-2",
        "/services/data//evil.example/x",
        "/services/data/v58.0/../../../x",
        "services/data/v58.0/query/01g-2",
        "/services/apexrest/steal",
        42,
    ],
)
def test_next_records_url_elsewhere_is_not_followed(
    sf: salesforcepy.Client, requests_mock: Any, next_url: Any
) -> None:
    first = {"totalSize": 2, "done": False, "records": [{"Id": "1"}], "nextRecordsUrl": next_url}
    requests_mock.get(f"{DATA}/query", json=first)

    pages, sent = sf.query_more("SELECT Id FROM Account")

    assert requests_mock.call_count == 1
    assert pages == [first]
    assert [type(e) for e in sent.exceptions] == [ParseError]


def test_strict_mode_raises_a_next_records_url_elsewhere(requests_mock: Any) -> None:
    from .conftest import login

    sf = login(requests_mock, strict=True)
    first = {"done": False, "records": [], "nextRecordsUrl": "https://evil.example/x"}
    requests_mock.get(f"{DATA}/query", json=first)
    with pytest.raises(ParseError, match="nextRecordsUrl"):
        sf.query_more("SELECT Id FROM Account")
    assert requests_mock.call_count == 1


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_to_other_hosts_or_plain_http_are_returned(
    sf: salesforcepy.Client, requests_mock: Any, status: int
) -> None:
    requests_mock.post(
        f"{DATA}/sobjects/Account/",
        status_code=status,
        headers={"Location": "http://evil.example/services/data/v58.0/sobjects/Account/"},
    )
    requests_mock.post("http://evil.example/services/data/v58.0/sobjects/Account/", status_code=201)

    _, sent = sf.sobjects("Account").insert({"Name": "x"})

    assert sent.status == status
    assert requests_mock.call_count == 1
    assert sent.exceptions
