"""Login flows: the requests they send and how their answers become a :class:`Session`. No I/O.

Covered:

- ``POST {login_url}/services/oauth2/token`` — the OAuth 2.0 flows: username-password
  (``grant_type=password``), refresh token (``refresh_token``), client credentials
  (``client_credentials``), JWT bearer (``urn:ietf:params:oauth:grant-type:jwt-bearer``) and the
  device flow (``response_type=device_code``, then polling with ``grant_type=device``).
- ``POST {login_url}/services/Soap/u/{version}`` — SOAP ``login()`` (partner WSDL).
- ``POST {login_url}/services/oauth2/revoke`` — token revocation (logout).
- ``GET {instance_url}/services/data/`` — the API versions the org offers.

The JWT assertion is signed with PyJWT (``pip install 'salesforcepy[jwt]'``), imported only when
a JWT login is made.

SOAP ``login()`` does not exist in API 65.0 and later, so the SOAP endpoint version is the
configured version when that is 64.0 or older, and
:data:`~salesforcepy.options.SOAP_LOGIN_MAX_VERSION` (64.0) otherwise — whatever version the
REST calls then use. The envelope is built with lxml, so ``&``, ``<``, ``>`` and quotes in
credentials are escaped; responses are parsed without DTDs, entity expansion or network access,
and read by local element name, so both the partner and the enterprise namespace work.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Callable, Optional, Union
from urllib.parse import urlsplit

import attrs
from lxml import etree  # type: ignore[import-untyped]

from .exceptions import AuthError, ParseError, SalesforceError, http_error
from .options import (
    SOAP_LOGIN_MAX_VERSION,
    ClientOptions,
    check_url,
    normalize_version,
    version_key,
)
from .parse import XML_PARSER, scrub, snippet
from .request import Base, Request, is_token
from .session import parse_issued_at

__all__ = [
    "JWT_BEARER_GRANT",
    "JWT_LIFETIME_SECONDS",
    "REDACTED",
    "TOKEN_PATH",
    "DeviceAuthorization",
    "LoginGrant",
    "PrivateKey",
    "SoapLogin",
    "client_credentials_request",
    "default_audience",
    "device_authorization",
    "device_code_request",
    "device_token_request",
    "grant_from_oauth",
    "jwt_assertion",
    "jwt_request",
    "load_private_key",
    "newest_version",
    "password_request",
    "read_soap_login",
    "redact_tokens",
    "refresh_token_request",
    "revoke_request",
    "soap_login_request",
    "soap_login_version",
    "versions_request",
]

TOKEN_PATH = "/services/oauth2/token"  # noqa: S105 - a URL path, not a password
REVOKE_PATH = "/services/oauth2/revoke"
SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
PARTNER_NS = "urn:partner.soap.sforce.com"
REDACTED = "[redacted]"
"""What token values in login bodies are replaced with (the session keeps the real ones)."""

JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
JWT_LIFETIME_SECONDS = 180
"""Seconds from now to a JWT assertion's ``exp``: Salesforce wants at most about 3 minutes."""

_TOKEN_KEYS = frozenset({"access_token", "refresh_token", "id_token", "sessionId", "device_code"})
# The value is not quoted: it is a credential.
_NOT_A_HEADER_VALUE = (
    "the login response's {} cannot be sent in an HTTP header (spaces, line breaks or non-ASCII)"
)
# Where the generic login hosts live; client credentials are refused there (wire reference 1.5).
_GENERIC_LOGIN_HOSTS = frozenset({"login.salesforce.com", "test.salesforce.com"})

PrivateKey = Union[str, bytes, "os.PathLike[str]"]
"""A private key: PEM text or bytes, or the path of a PEM file."""


@attrs.frozen(kw_only=True)
class LoginGrant:
    """What a successful login yields, before the API version is settled."""

    instance_url: str
    access_token: str = attrs.field(repr=False)
    issued_at: Any = None
    identity_url: Optional[str] = None
    refresh_token: Optional[str] = attrs.field(default=None, repr=False)


def _token_request(form: Mapping[str, str]) -> Request:
    return Request.post(
        TOKEN_PATH,
        base=Base.LOGIN,
        form=form,
        headers={"Accept": "application/json"},
        authenticated=False,
        # A replayed token request only issues another token: safe to retry.
        idempotent=True,
    )


def password_request(options: ClientOptions) -> Request:
    """``POST {login_url}/services/oauth2/token`` with ``grant_type=password``.

    The security token, when configured, is appended to the password.

    Raises:
        ValueError: an option the flow needs is missing.
    """
    missing = [
        name
        for name in ("username", "password", "client_id", "client_secret")
        if getattr(options, name) is None
    ]
    if missing:
        raise ValueError(f"login() needs {', '.join(missing)}")
    form = {
        "grant_type": "password",
        "client_id": options.client_id or "",
        "client_secret": options.client_secret or "",
        "username": options.username or "",
        "password": options.login_password or "",
    }
    return _token_request(form)


def refresh_token_request(options: ClientOptions, refresh_token: str) -> Request:
    """``POST {login_url}/services/oauth2/token`` with ``grant_type=refresh_token``.

    ``client_secret`` is sent when configured (connected apps may require it for this flow).

    Raises:
        ValueError: no ``client_id``, or an empty refresh token.
    """
    if not options.client_id:
        raise ValueError("login_via_refresh_token() needs client_id")
    if not isinstance(refresh_token, str) or not refresh_token:
        raise ValueError("refresh_token must be a non-empty string")
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": options.client_id,
    }
    if options.client_secret:
        form["client_secret"] = options.client_secret
    return _token_request(form)


def client_credentials_request(options: ClientOptions) -> Request:
    """``POST {login_url}/services/oauth2/token`` with ``grant_type=client_credentials``.

    Raises:
        ValueError: ``client_id`` or ``client_secret`` missing, or ``login_url`` is
            login.salesforce.com or test.salesforce.com, which refuse this flow (it must go to
            the org's My Domain).
    """
    missing = [name for name in ("client_id", "client_secret") if not getattr(options, name)]
    if missing:
        raise ValueError(f"login_via_client_credentials() needs {', '.join(missing)}")
    host = urlsplit(options.login_url).hostname or ""
    if host in _GENERIC_LOGIN_HOSTS:
        raise ValueError(
            f"login_via_client_credentials() must be sent to your org's My Domain "
            f"(login_url='yourdomain.my.salesforce.com'): {host} refuses this flow"
        )
    form = {
        "grant_type": "client_credentials",
        "client_id": options.client_id or "",
        "client_secret": options.client_secret or "",
    }
    return _token_request(form)


def default_audience(login_url: str) -> str:
    """The JWT ``aud`` for a login URL.

    ``https://test.salesforce.com`` for test.salesforce.com and sandbox My Domains (a ``--`` in
    the first label, or ``*.sandbox.my.salesforce.com``); ``https://login.salesforce.com`` for
    login.salesforce.com and production My Domains; the login URL itself for any other host
    (an Experience Cloud site, or a fake org).
    """
    host = (urlsplit(login_url).hostname or "").lower()
    if host.endswith(".salesforce.com"):
        sandbox = (
            host == "test.salesforce.com"
            or host.endswith(".sandbox.my.salesforce.com")
            or (host.endswith(".my.salesforce.com") and "--" in host.split(".", 1)[0])
        )
        if sandbox:
            return "https://test.salesforce.com"
        if host == "login.salesforce.com" or host.endswith(".my.salesforce.com"):
            return "https://login.salesforce.com"
    return login_url


def load_private_key(private_key: PrivateKey) -> bytes:
    """The PEM bytes of ``private_key``: PEM text/bytes as they are, or a file's contents.

    Raises:
        TypeError: not a string, bytes or path.
        ValueError: a file that cannot be read, or a value that is neither PEM nor a file (the
            message never contains key material).
    """
    if isinstance(private_key, bytes):
        if b"-----BEGIN" not in private_key:
            raise ValueError("private_key bytes are not a PEM key (no '-----BEGIN' line)")
        return private_key
    if isinstance(private_key, str) and "-----BEGIN" in private_key:
        return private_key.encode("utf-8")
    if not isinstance(private_key, (str, os.PathLike)):
        raise TypeError("private_key must be PEM text or bytes, or the path of a PEM file")
    path = os.fspath(private_key)
    try:
        with open(path, "rb") as handle:
            content = handle.read()
    except OSError as exc:
        raise ValueError(
            f"private_key file {path!r} cannot be read ({type(exc).__name__})"
        ) from None
    if b"-----BEGIN" not in content:
        raise ValueError(f"private_key file {path!r} is not a PEM key")
    return content


def _pyjwt() -> Any:
    try:
        import jwt
        from jwt.algorithms import has_crypto
    except ImportError:
        raise ImportError(
            "login_via_jwt() needs PyJWT with its crypto extra: pip install 'salesforcepy[jwt]'"
        ) from None
    if not has_crypto:
        raise ImportError(
            "login_via_jwt() needs the cryptography package for RS256: "
            "pip install 'salesforcepy[jwt]'"
        )
    return jwt


def jwt_assertion(
    private_key: bytes, *, client_id: str, username: str, audience: str, now: float
) -> str:
    """A JWT bearer assertion signed with RS256: ``iss`` = ``client_id``, ``sub`` = ``username``,
    ``aud`` = ``audience``, ``exp`` = ``now`` + :data:`JWT_LIFETIME_SECONDS`.

    Raises:
        ImportError: PyJWT or cryptography is not installed.
        ValueError: ``private_key`` is not a usable RSA private key.
    """
    jwt = _pyjwt()
    claims = {
        "iss": client_id,
        "sub": username,
        "aud": audience,
        "exp": int(now) + JWT_LIFETIME_SECONDS,
    }
    try:
        token = jwt.encode(claims, private_key, algorithm="RS256")
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        # The underlying message may describe the key; ours names the problem only.
        raise ValueError(
            f"private_key is not a usable RSA private key in PEM format ({type(exc).__name__})"
        ) from None
    return str(token)


def jwt_request(assertion: str) -> Request:
    """``POST {login_url}/services/oauth2/token`` with the JWT bearer grant and ``assertion``."""
    return _token_request({"grant_type": JWT_BEARER_GRANT, "assertion": assertion})


@attrs.frozen(kw_only=True)
class DeviceAuthorization:
    """The start of a device flow: what the person must do, and how often to poll.

    Attributes:
        user_code: the code the person enters at ``verification_uri``.
        verification_uri: where the person logs in and enters the code.
        interval: seconds to wait between polls.
        expires_in: seconds the codes stay valid, when Salesforce says.
        device_code: the code the client polls with (a secret: not in ``repr``).
    """

    user_code: str
    verification_uri: str
    interval: float
    expires_in: Optional[float] = None
    device_code: str = attrs.field(repr=False)


def device_code_request(options: ClientOptions, scope: Optional[str] = None) -> Request:
    """``POST {login_url}/services/oauth2/token`` with ``response_type=device_code``.

    Raises:
        ValueError: no ``client_id``.
    """
    if not options.client_id:
        raise ValueError("login_via_device_flow() needs client_id")
    form = {"response_type": "device_code", "client_id": options.client_id}
    if scope:
        form["scope"] = scope
    return _token_request(form)


def _positive_number(value: Any) -> Optional[float]:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < float("inf") else None


def device_authorization(body: Any, *, default_interval: float = 5.0) -> DeviceAuthorization:
    """Read the answer to :func:`device_code_request`.

    Raises:
        ParseError: ``device_code``, ``user_code`` or ``verification_uri`` missing.
    """
    if not isinstance(body, Mapping):
        raise ParseError("the device authorization response is not a JSON object")
    values = [body.get(key) for key in ("device_code", "user_code", "verification_uri")]
    if not all(isinstance(value, str) and value for value in values):
        raise ParseError(
            "the device authorization response lacks device_code, user_code or verification_uri"
        )
    device_code, user_code, uri = (str(value) for value in values)
    return DeviceAuthorization(
        device_code=device_code,
        user_code=user_code,
        verification_uri=uri,
        interval=_positive_number(body.get("interval")) or default_interval,
        expires_in=_positive_number(body.get("expires_in")),
    )


def device_token_request(options: ClientOptions, device_code: str) -> Request:
    """``POST {login_url}/services/oauth2/token`` with ``grant_type=device`` and ``code``.

    Salesforce names the grant ``device`` (not RFC 8628's URN) and the parameter ``code``.
    ``client_secret`` is sent when configured.
    """
    form = {"grant_type": "device", "client_id": options.client_id or "", "code": device_code}
    if options.client_secret:
        form["client_secret"] = options.client_secret
    return _token_request(form)


def grant_from_oauth(body: Any) -> LoginGrant:
    """Read a token endpoint success body.

    Raises:
        ParseError: ``access_token`` or ``instance_url`` missing, or an instance URL that is not
            https (plain http is accepted only for loopback hosts).
    """
    if not isinstance(body, Mapping):
        raise ParseError("the token response is not a JSON object")
    token = body.get("access_token")
    instance_url = body.get("instance_url")
    if not isinstance(token, str) or not token or not isinstance(instance_url, str):
        raise ParseError("the token response lacks access_token or instance_url")
    if not is_token(token):
        raise ParseError(_NOT_A_HEADER_VALUE.format("access_token"))
    identity = body.get("id")
    refresh = body.get("refresh_token")
    return LoginGrant(
        instance_url=_instance_url(instance_url),
        access_token=token,
        issued_at=parse_issued_at(body.get("issued_at")),
        identity_url=identity if isinstance(identity, str) else None,
        refresh_token=refresh if isinstance(refresh, str) and refresh else None,
    )


def _instance_url(url: str) -> str:
    try:
        return check_url(url, "instance_url")
    except ValueError as exc:
        raise ParseError(f"login returned an unusable instance URL: {exc}") from None


def redact_tokens(body: Any) -> Any:
    """A copy of a login body with token values replaced by :data:`REDACTED`.

    Login bodies are returned to the caller, who may print them; the tokens stay in
    ``client.session``, whose ``repr`` hides them.
    """
    if not isinstance(body, Mapping):
        return body
    return {
        key: (REDACTED if key in _TOKEN_KEYS and value else redact_tokens(value))
        for key, value in body.items()
    }


def soap_login_version(version: Optional[str]) -> str:
    """The API version of the SOAP login endpoint: ``version`` if <= 64.0, else 64.0."""
    if version is not None and version_key(version) <= version_key(SOAP_LOGIN_MAX_VERSION):
        return normalize_version(version)
    return SOAP_LOGIN_MAX_VERSION


def soap_login_request(options: ClientOptions) -> Request:
    """``POST {login_url}/services/Soap/u/{version}`` with a partner ``login`` envelope.

    The password has the security token appended; ``org_id`` goes in a ``LoginScopeHeader``.

    Raises:
        ValueError: username or password missing, or a value XML cannot carry (control characters).
    """
    if options.username is None or options.password is None:
        raise ValueError("login_via_soap() needs username and password")
    nsmap = {"env": SOAP_ENV_NS, "n1": PARTNER_NS}
    envelope = etree.Element(f"{{{SOAP_ENV_NS}}}Envelope", nsmap=nsmap)
    if options.org_id:
        header = etree.SubElement(envelope, f"{{{SOAP_ENV_NS}}}Header")
        scope = etree.SubElement(header, f"{{{PARTNER_NS}}}LoginScopeHeader")
        etree.SubElement(scope, f"{{{PARTNER_NS}}}organizationId").text = options.org_id
    body = etree.SubElement(envelope, f"{{{SOAP_ENV_NS}}}Body")
    login = etree.SubElement(body, f"{{{PARTNER_NS}}}login")
    for name, value in (("username", options.username), ("password", options.login_password)):
        try:
            etree.SubElement(login, f"{{{PARTNER_NS}}}{name}").text = value
        except ValueError:
            # lxml's message would quote the value; ours names the field only.
            raise ValueError(f"{name} contains characters XML cannot carry") from None
    content = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
    return Request.post(
        f"/services/Soap/u/{soap_login_version(options.version)}",
        base=Base.LOGIN,
        data=content,
        content_type="text/xml; charset=UTF-8",
        headers={"SOAPAction": "login"},
        authenticated=False,
        idempotent=True,
    )


@attrs.frozen(kw_only=True)
class SoapLogin:
    """A SOAP login response read by :func:`read_soap_login`.

    Attributes:
        body: the ``result`` element as a dict (session id redacted), the fault as a dict, or the
            response text when it is not XML.
        grant: set on success.
        error: set on failure (:class:`AuthError` for a fault).
    """

    body: Any
    grant: Optional[LoginGrant] = None
    error: Optional[SalesforceError] = None


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _find(root: Any, name: str) -> Any:
    for element in root.iter():
        if _local(element.tag) == name:
            return element
    return None


def _text(element: Any) -> str:
    return (element.text or "").strip() if element is not None else ""


def _to_dict(element: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for child in element:
        name = _local(child.tag)
        if not name:
            continue
        if len(child):
            result[name] = _to_dict(child)
        elif child.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true":
            result[name] = None
        else:
            result[name] = child.text or ""
    return result


def read_soap_login(status: int, content: bytes, *, redact: Callable[[str], str]) -> SoapLogin:
    """Read a SOAP login response (success, fault, or something else) without raising.

    Args:
        status: HTTP status.
        content: response body.
        redact: applied to every text of a failure (messages and bodies).
    """
    try:
        root = etree.fromstring(content, XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        # The server may echo the envelope, password included.
        text = redact(content.decode("utf-8", errors="replace"))
        if 200 <= status < 300:
            return SoapLogin(body=text, error=ParseError("the SOAP login response is not XML"))
        return SoapLogin(body=text, error=http_error(status, None, snippet(text), body=text))
    fault = _find(root, "Fault")
    if fault is not None:
        code = _find(fault, "faultcode")
        fault_code = _text(code).rpartition(":")[2]
        body = scrub(
            {
                "faultcode": fault_code,
                "faultstring": _text(_find(fault, "faultstring")),
                "exceptionCode": _text(_find(fault, "exceptionCode")) or None,
                "exceptionMessage": _text(_find(fault, "exceptionMessage")) or None,
            },
            redact,
        )
        error_code = body["exceptionCode"] or fault_code or None
        message = body["exceptionMessage"] or body["faultstring"] or ""
        return SoapLogin(body=body, error=AuthError(status, error_code, message, body=body))
    result = _find(root, "result")
    session_id = _find(result, "sessionId") if result is not None else None
    server_url = _find(result, "serverUrl") if result is not None else None
    if session_id is None or server_url is None or not session_id.text or not server_url.text:
        error: SalesforceError = (
            ParseError("the SOAP login response lacks sessionId or serverUrl")
            if 200 <= status < 300
            else http_error(status, None, "unexpected SOAP response")
        )
        return SoapLogin(body=scrub(redact_tokens(_to_dict(root)), redact), error=error)
    body = redact_tokens(_to_dict(result))
    if not 200 <= status < 300:
        return SoapLogin(body=body, error=http_error(status, None, "", body=body))
    if not is_token(session_id.text):
        return SoapLogin(body=body, error=ParseError(_NOT_A_HEADER_VALUE.format("sessionId")))
    parts = urlsplit(server_url.text)
    try:
        instance_url = _instance_url(f"{parts.scheme}://{parts.netloc}")
    except ParseError as exc:
        return SoapLogin(body=body, error=exc)
    grant = LoginGrant(instance_url=instance_url, access_token=session_id.text)
    return SoapLogin(body=body, grant=grant)


def revoke_request(token: str) -> Request:
    """``POST {login_url}/services/oauth2/revoke`` with the token in the form body."""
    return Request.post(REVOKE_PATH, base=Base.LOGIN, form={"token": token}, authenticated=False)


def versions_request(instance_url: str) -> Request:
    """``GET {instance_url}/services/data/`` — needs no authentication."""
    return Request.get(
        f"{instance_url}/services/data/",
        base=Base.ABSOLUTE,
        headers={"Accept": "application/json"},
        authenticated=False,
    )


def newest_version(body: Any) -> Optional[str]:
    """The highest ``version`` in a versions list, compared numerically (``"100.0" > "9.0"``).

    Entries that are not objects or carry no valid version are ignored; ``None`` if none is left.
    """
    if not isinstance(body, list):
        return None
    versions = []
    for entry in body:
        if isinstance(entry, Mapping):
            try:
                versions.append(normalize_version(entry.get("version")))
            except (TypeError, ValueError):
                continue
    return max(versions, key=version_key) if versions else None
