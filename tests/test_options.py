"""ClientOptions / CallOptions validation, and salesforcepy.client() argument handling."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import salesforcepy
from salesforcepy.options import (
    DEFAULT_TIMEOUT,
    CallOptions,
    ClientOptions,
    is_loopback_host,
    normalize_login_url,
    normalize_timeout,
    normalize_version,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("login.salesforce.com", "https://login.salesforce.com"),
        ("test.salesforce.com", "https://test.salesforce.com"),
        ("acme.my.salesforce.com:8443", "https://acme.my.salesforce.com:8443"),
        ("https://acme.my.salesforce.com/", "https://acme.my.salesforce.com"),
        ("https://acme.my.site.com/partners", "https://acme.my.site.com/partners"),
        ("  login.salesforce.com  ", "https://login.salesforce.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.3.4.5", "http://127.3.4.5"),
        ("http://localhost:5000/", "http://localhost:5000"),
        ("http://LOCALHOST:5000", "http://LOCALHOST:5000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_login_url_forms(given: str, expected: str) -> None:
    assert normalize_login_url(given) == expected
    assert ClientOptions(login_url=given).login_url == expected


@pytest.mark.parametrize(
    ("given", "word"),
    [
        ("http://login.salesforce.com", "loopback"),
        ("http://10.0.0.1:8080", "loopback"),
        ("http://128.0.0.1", "loopback"),
        ("http://localhost.evil.example", "loopback"),
        ("http://[::2]", "loopback"),
        ("ftp://login.salesforce.com", "scheme"),
        ("https://user:pw@login.salesforce.com", "credentials"),
        ("https://login.salesforce.com/?x=1", "query"),
        ("https://login.salesforce.com:99999", "port"),
        ("https://", "host"),
        ("", "empty"),
    ],
)
def test_login_url_rejected_before_any_request(requests_mock: Any, given: str, word: str) -> None:
    with pytest.raises(ValueError, match="login_url") as info:
        salesforcepy.client("u", "p", "id", "secret", login_url=given)
    assert word in str(info.value)
    assert not requests_mock.called


def test_login_url_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="login_url"):
        ClientOptions(login_url=None)  # type: ignore[arg-type]


def test_loopback_hosts() -> None:
    assert is_loopback_host("127.0.0.1")
    assert is_loopback_host("127.255.255.254")
    assert is_loopback_host("::1")
    assert is_loopback_host("[::1]")
    assert is_loopback_host("localhost")
    assert not is_loopback_host("0.0.0.0")  # noqa: S104 - the point of the test
    assert not is_loopback_host("example.com")
    assert not is_loopback_host("192.168.1.1")


@pytest.mark.parametrize(
    ("given", "expected"), [("58.0", "58.0"), ("v58.0", "58.0"), ("58", "58.0"), (66, "66.0")]
)
def test_version_forms(given: Any, expected: str) -> None:
    assert normalize_version(given) == expected
    assert ClientOptions(version=given).version == expected


@pytest.mark.parametrize("given", ["latest", "58.5", "5.8.0", "", "0.0", "v", "1000.0"])
def test_bad_version_is_value_error(given: str) -> None:
    with pytest.raises(ValueError, match="version"):
        salesforcepy.client(version=given)


@pytest.mark.parametrize("given", [58.0, True, ["58.0"]])
def test_version_of_wrong_type_is_type_error(given: Any) -> None:
    with pytest.raises(TypeError, match="version"):
        ClientOptions(version=given)


def test_timeout_forms() -> None:
    assert normalize_timeout(5) == (5.0, 5.0)
    assert normalize_timeout((3, 30.5)) == (3.0, 30.5)
    assert normalize_timeout([1, 2]) == (1.0, 2.0)
    assert ClientOptions().timeout == DEFAULT_TIMEOUT


@pytest.mark.parametrize(
    ("given", "exc"),
    [
        (0, ValueError),
        (-1, ValueError),
        (float("inf"), ValueError),
        (float("nan"), ValueError),
        ((1, 2, 3), ValueError),
        (None, TypeError),
        ("10", TypeError),
        ((1, "2"), TypeError),
        (True, TypeError),
    ],
)
def test_bad_timeout(given: Any, exc: type[Exception]) -> None:
    with pytest.raises(exc, match="timeout"):
        salesforcepy.client(timeout=given)


def test_misspelt_option_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        salesforcepy.client(usernme="x")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        ClientOptions(login_uri="x")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        CallOptions(timeuot=3)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("kwargs", "exc", "word"),
    [
        ({"username": 5}, TypeError, "username"),
        ({"password": b"pw"}, TypeError, "password"),
        ({"proxies": "http://proxy"}, TypeError, "proxies"),
        ({"proxies": {"https": 3}}, TypeError, "proxies"),
        ({"verify": "/no/such/ca-bundle.pem"}, ValueError, "verify"),
        ({"verify": 1}, TypeError, "verify"),
        ({"org_id": "001000000000001"}, ValueError, "org_id"),
        ({"client_name": "my app"}, ValueError, "client_name"),
        ({"client_name": "a;defaultNamespace=x"}, ValueError, "client_name"),
        ({"client_name": "a\r\nX-Injected: 1"}, ValueError, "client_name"),
        ({"strict": "yes"}, TypeError, "strict"),
    ],
)
def test_bad_values_name_the_option(
    kwargs: dict[str, Any], exc: type[Exception], word: str
) -> None:
    with pytest.raises(exc, match=word):
        salesforcepy.client(**kwargs)


def test_session_must_be_a_requests_session() -> None:
    with pytest.raises(TypeError, match="session"):
        salesforcepy.client(session=object())  # type: ignore[arg-type]


def test_fake_org_credentials_shape_is_accepted(tmp_path: Any) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    credentials = {
        "username": "admin@fake.example",
        "password": "pw",
        "security_token": "tok",
        "client_id": "id",
        "client_secret": "secret",
        "login_url": "https://127.0.0.1:8443",
        "verify": str(ca),
    }
    client = salesforcepy.client(**credentials)
    assert client.options.verify == str(ca)
    assert client.options.login_password == "pwtok"


def test_options_are_frozen_and_copy_proxies() -> None:
    proxies = {"https": "http://proxy:3128"}
    options = ClientOptions(proxies=proxies)
    proxies["https"] = "http://other:1"
    assert options.proxies == {"https": "http://proxy:3128"}
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        options.strict = True  # type: ignore[misc]


def test_repr_hides_secrets() -> None:
    options = ClientOptions(
        username="dev@example.com",
        password="Pa55word!",
        client_secret="consumer-secret",
        security_token="SecTok123",
    )
    text = repr(options)
    assert "dev@example.com" in text
    for secret in ("Pa55word!", "consumer-secret", "SecTok123"):
        assert secret not in text


def test_call_options_validate_like_client_options() -> None:
    assert CallOptions(timeout=3, version="v60.0").timeout == (3.0, 3.0)
    assert CallOptions(version="v60.0").version == "60.0"
    with pytest.raises(ValueError, match="version"):
        CallOptions(version="sixty")
    with pytest.raises(ValueError, match="timeout"):
        CallOptions(timeout=-2)
