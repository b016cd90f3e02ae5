"""Typed, validated options: :class:`ClientOptions` and per-call overrides (:class:`CallOptions`).

Options are frozen attrs values: a misspelt option is a :class:`TypeError` (attrs rejects unknown
keywords), a bad value a :class:`ValueError` naming the option — both before anything is sent.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from typing import Any, Optional, Union
from urllib.parse import SplitResult, unquote, urlsplit

import attrs

from .retry import RateLimiter, RetryPolicy, to_limiter, to_policy

__all__ = [
    "DEFAULT_API_VERSION",
    "DEFAULT_TIMEOUT",
    "SOAP_LOGIN_MAX_VERSION",
    "CallOptions",
    "ClientOptions",
    "Proxies",
    "Timeout",
    "is_loopback_host",
    "normalize_login_url",
    "normalize_timeout",
    "normalize_version",
]

DEFAULT_API_VERSION = "66.0"
"""API version used when none is configured and ``GET /services/data/`` gives none (Spring '26)."""

SOAP_LOGIN_MAX_VERSION = "64.0"
"""Newest API version whose SOAP endpoint still has ``login()`` (it is absent from 65.0 on)."""

DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 120.0)
"""Default (connect, read) timeout in seconds, applied to every request."""

Timeout = Union[float, int, tuple[float, float]]
"""A timeout in seconds: one number for both phases, or a ``(connect, read)`` pair."""

Proxies = Mapping[str, str]
"""A requests-style proxy map, e.g. ``{"https": "http://proxy.example:3128"}``."""

_VERSION_RE = re.compile(r"^v?(\d{1,3})(?:\.0)?$")
_ORG_ID_RE = re.compile(r"^00D[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?$")
# Sforce-Call-Options is a ";"/","-separated header: the client name must not break it (or the
# request line, through CR/LF).
_CLIENT_NAME_RE = re.compile(r"^[\x21-\x7e]{1,100}$")
_PROXY_SCHEMES = frozenset({"http", "https", "socks4", "socks4a", "socks5", "socks5h"})


def normalize_version(value: Any, name: str = "version") -> str:
    """Return an API version as ``"NN.0"``.

    Args:
        value: ``"58.0"``, ``"v58.0"``, ``"58"`` or ``58``.
        name: the option name for error messages.

    Raises:
        TypeError: not a string or integer.
        ValueError: not a version number.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"{name} must be a string such as '58.0', not {type(value).__name__}")
    match = _VERSION_RE.match(str(value).strip())
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"{name} must look like '58.0', got {str(value)[:20]!r}")
    return f"{int(match.group(1))}.0"


def version_key(version: str) -> tuple[int, ...]:
    """Numeric sort key of a version string: ``"100.0"`` sorts after ``"9.0"``."""
    return tuple(int(part) for part in version.split("."))


def normalize_timeout(value: Any, name: str = "timeout") -> tuple[float, float]:
    """Return a timeout as a ``(connect, read)`` pair of positive seconds.

    Raises:
        TypeError: not a number or pair of numbers.
        ValueError: a number that is not positive and finite.
    """
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be a number or a (connect, read) pair")
        pair = (value[0], value[1])
    else:
        pair = (value, value)
    for item in pair:
        if isinstance(item, bool) or not isinstance(item, (int, float)):
            raise TypeError(f"{name} must be a number of seconds or a (connect, read) pair")
        if not 0 < item < float("inf"):
            raise ValueError(f"{name} must be positive and finite, got {item!r}")
    return (float(pair[0]), float(pair[1]))


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` is ``localhost``, in 127.0.0.0/8, or ``::1``."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, name: str) -> str:
    """Validate an absolute http(s) URL: https anywhere, plain http only to loopback hosts.

    Returns:
        ``url`` without a trailing slash.

    Raises:
        ValueError: wrong scheme, no host, credentials, query or fragment, or plain http to a
            non-loopback host.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise ValueError(f"{name} must be an https URL or a host name, got scheme {parts.scheme!r}")
    if not parts.hostname:
        raise ValueError(f"{name} has no host")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{name} must not carry credentials")
    if parts.query or parts.fragment:
        raise ValueError(f"{name} must not have a query string or fragment")
    try:
        parts.port  # noqa: B018 - urlsplit validates the port lazily
    except ValueError:
        raise ValueError(f"{name} has an invalid port") from None
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ValueError(
            f"{name} uses plain http to {parts.hostname!r}: http is only allowed for loopback hosts"
            " (127.0.0.0/8, ::1, localhost); use https"
        )
    return url.rstrip("/")


def normalize_login_url(value: Any, name: str = "login_url") -> str:
    """Return the login URL as ``scheme://host[:port][/path]`` without a trailing slash.

    A bare host (``"login.salesforce.com"``, ``"acme.my.salesforce.com:8443"``) implies https.

    Raises:
        TypeError: not a string.
        ValueError: see :func:`check_url`.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    value = value.strip()
    if not value:
        raise ValueError(f"{name} must not be empty")
    if "://" not in value:
        value = "https://" + value
    return check_url(value, name)


def _optional_str(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{attribute.name} must be a string, not {type(value).__name__}")


def _proxy_parts(url: str) -> SplitResult:
    # requests takes "host:port" as an http proxy.
    return urlsplit(url if "://" in url else "http://" + url)


def _check_proxies(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise TypeError(f"{attribute.name} must be a mapping of scheme to proxy URL strings")
    for key, url in value.items():
        if not url:
            continue  # requests: no proxy for this scheme
        # The messages never quote the URL: it may carry the proxy's password.
        problem = f"{attribute.name}[{key!r}] is not a proxy URL such as 'http://proxy:3128'"
        try:
            parts = _proxy_parts(url)
            parts.port  # noqa: B018 - urlsplit validates the port lazily
        except ValueError:
            raise ValueError(problem) from None
        if parts.scheme not in _PROXY_SCHEMES or not parts.hostname:
            raise ValueError(problem)


def _proxy_password(url: str) -> Optional[str]:
    try:
        return _proxy_parts(url).password or None
    except ValueError:
        return None


def _masked_proxies(value: Optional[Mapping[str, str]]) -> str:
    """The repr of a proxy map with the password of every proxy URL replaced by ``***``."""
    if value is None:
        return "None"
    masked = {}
    for key, url in value.items():
        password = _proxy_password(url)
        masked[key] = url.replace(f":{password}@", ":***@") if password else url
    return repr(masked)


def _to_proxies(value: Any) -> Any:
    # Frozen options must not share a dict the caller can still mutate.
    return dict(value) if isinstance(value, Mapping) else value


def _check_verify(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool):
        return
    if not isinstance(value, str):
        raise TypeError("verify must be True, False or the path of a CA bundle")
    if not os.path.exists(value):
        raise ValueError(f"verify: CA bundle {value!r} does not exist")


def _check_org_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _optional_str(instance, attribute, value)
    if value is not None and not _ORG_ID_RE.match(value):
        raise ValueError("org_id must be a 15- or 18-character organization id starting with 00D")


def _check_client_name(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _optional_str(instance, attribute, value)
    if value is not None and (not _CLIENT_NAME_RE.match(value) or ";" in value or "," in value):
        raise ValueError(
            "client_name must be 1-100 printable ASCII characters without spaces, ';' or ','"
        )


def _optional_version(value: Any) -> Optional[str]:
    return None if value is None else normalize_version(value)


def _optional_timeout(value: Any) -> Optional[tuple[float, float]]:
    return None if value is None else normalize_timeout(value)


def _check_bool(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{attribute.name} must be True or False")


@attrs.frozen(kw_only=True)
class ClientOptions:
    """Everything a :class:`~salesforcepy.client.Client` is configured with.

    Secrets (``password``, ``security_token``, ``client_secret``, the passwords of proxy URLs)
    are left out of ``repr``.

    Attributes:
        username: Salesforce username.
        password: the user's password, without the security token.
        client_id: connected app consumer key.
        client_secret: connected app consumer secret.
        security_token: appended to the password at login when given.
        login_url: login host; a bare host implies https, plain http only for loopback hosts.
        version: API version (``"58.0"``); ``None`` means the newest the org offers.
        proxies: requests-style proxy map for every call.
        timeout: (connect, read) seconds for every request.
        org_id: organization id sent in the SOAP ``LoginScopeHeader``.
        verify: TLS verification: True, False, or a CA bundle path.
        client_name: sent as ``Sforce-Call-Options: client=<name>``.
        strict: raise the first typed error of every failed call instead of only recording it.
        retry: the :class:`~salesforcepy.retry.RetryPolicy` (``True``: the default policy,
            ``False``/``None``: no retries, an int: that many attempts).
        rate_limit: requests per second across all of this client's calls, or a
            :class:`~salesforcepy.retry.RateLimiter` shared with other clients; ``None``: no limit.
    """

    username: Optional[str] = attrs.field(default=None, validator=_optional_str)
    password: Optional[str] = attrs.field(default=None, validator=_optional_str, repr=False)
    client_id: Optional[str] = attrs.field(default=None, validator=_optional_str)
    client_secret: Optional[str] = attrs.field(default=None, validator=_optional_str, repr=False)
    security_token: Optional[str] = attrs.field(default=None, validator=_optional_str, repr=False)
    login_url: str = attrs.field(default="login.salesforce.com", converter=normalize_login_url)
    version: Optional[str] = attrs.field(default=None, converter=_optional_version)
    proxies: Optional[Mapping[str, str]] = attrs.field(
        default=None, converter=_to_proxies, validator=_check_proxies, repr=_masked_proxies
    )
    timeout: tuple[float, float] = attrs.field(default=DEFAULT_TIMEOUT, converter=normalize_timeout)
    org_id: Optional[str] = attrs.field(default=None, validator=_check_org_id)
    verify: Union[bool, str] = attrs.field(default=True, validator=_check_verify)
    client_name: Optional[str] = attrs.field(default=None, validator=_check_client_name)
    strict: bool = attrs.field(default=False, validator=_check_bool)
    retry: RetryPolicy = attrs.field(factory=RetryPolicy, converter=to_policy)
    rate_limit: Optional[RateLimiter] = attrs.field(default=None, converter=to_limiter)

    @property
    def login_password(self) -> Optional[str]:
        """The password with the security token appended, as OAuth and SOAP login expect."""
        if self.password is None:
            return None
        return self.password + (self.security_token or "")

    def secrets(self) -> list[str]:
        """The secret values of these options (proxy passwords included), for redaction."""
        values = [self.password, self.security_token, self.client_secret, self.login_password]
        for url in (self.proxies or {}).values():
            password = _proxy_password(url)
            if password:
                values += [password, unquote(password)]
        return [v for v in values if v]


@attrs.frozen(kw_only=True)
class CallOptions:
    """Per-call overrides accepted by every action (``timeout=``, ``proxies=``, ``version=``).

    ``None`` means "use the client's setting".
    """

    timeout: Optional[tuple[float, float]] = attrs.field(default=None, converter=_optional_timeout)
    proxies: Optional[Mapping[str, str]] = attrs.field(
        default=None, converter=_to_proxies, validator=_check_proxies, repr=_masked_proxies
    )
    version: Optional[str] = attrs.field(default=None, converter=_optional_version)
