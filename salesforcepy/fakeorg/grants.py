"""State behind the fake org's OAuth flows beyond the password grant.

* :class:`JwtKeys` — the RSA key pair and self-signed certificate JWT bearer assertions are
  verified against. They are made on first use (RSA key generation takes a moment, and most orgs
  never see a JWT) and written to a private temporary directory that is removed when the org
  stops; :attr:`JwtKeys.private_key_path` is what a client signs with.
* :class:`DeviceFlows` — device codes of the device flow: issued by ``response_type=device_code``,
  polled with ``grant_type=device``, approved automatically after a number of polls (or by
  :meth:`DeviceFlows.approve`), denied by :meth:`DeviceFlows.deny`, expired after a lifetime.

Both are per-org extension state (``org.extension("jwt_keys", JwtKeys)``). Neither ever puts a
key, device code or token in a ``repr`` or log line.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import os
import secrets
import shutil
import tempfile
import threading
import time
from typing import TYPE_CHECKING, Any

import attrs

from .json_input import parse_json

if TYPE_CHECKING:
    from .org import OrgState

DEFAULT_DEVICE_INTERVAL = 5.0
"""Seconds between device-flow polls that the fake org asks for (Salesforce's samples say 5)."""
DEFAULT_DEVICE_LIFETIME = 600.0
"""Seconds a device code stays valid."""
DEFAULT_APPROVE_AFTER = 2
"""Polls answered ``authorization_pending`` before a device code is approved automatically."""
# Clock jitter between the client's sleep and the server's reading of the time.
_SLOW_DOWN_TOLERANCE = 0.01
_USER_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class InvalidAssertion(Exception):
    """A JWT that is malformed, not RS256, or whose signature does not verify."""


def _b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidAssertion("not base64url") from None


class JwtKeys:
    """The fake org's JWT signing key pair and certificate, created on first use."""

    def __init__(self, org: OrgState | None = None) -> None:
        self._lock = threading.Lock()
        self._directory: str | None = None
        self._public_key: Any = None
        if org is not None:
            org.on_close(self.cleanup)

    def __repr__(self) -> str:
        return f"<JwtKeys {'ready' if self._directory else 'not made yet'}>"

    def _ensure(self) -> str:
        with self._lock:
            if self._directory is None:
                self._directory = self._make()
            return self._directory

    def _make(self) -> str:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "salesforcepy fake org JWT")])
        now = dt.datetime.now(dt.timezone.utc)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .sign(key, hashes.SHA256())
        )
        directory = tempfile.mkdtemp(prefix="fakeorg-jwt-")
        private = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Owner-only, like any private key file.
        fd = os.open(
            os.path.join(directory, "jwt.key"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600
        )
        with os.fdopen(fd, "wb") as handle:
            handle.write(private)
        with open(os.path.join(directory, "jwt.crt"), "wb") as handle:
            handle.write(certificate.public_bytes(serialization.Encoding.PEM))
        self._public_key = certificate.public_key()
        return directory

    @property
    def private_key_path(self) -> str:
        """The PEM file of the private key (PKCS#8, unencrypted) a client signs assertions with."""
        return os.path.join(self._ensure(), "jwt.key")

    @property
    def certificate_path(self) -> str:
        """The PEM file of the self-signed certificate the org verifies assertions against."""
        return os.path.join(self._ensure(), "jwt.crt")

    def verify(self, assertion: str) -> dict[str, Any]:
        """The claims of an RS256 JWT signed with the org's key.

        Raises:
            InvalidAssertion: malformed, another algorithm, or a signature that does not verify.
        """
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        self._ensure()
        parts = assertion.split(".")
        if len(parts) != 3:
            raise InvalidAssertion("not a JWS compact serialization")
        try:
            header = parse_json(_b64url_decode(parts[0]))
            claims = parse_json(_b64url_decode(parts[1]))
        except ValueError:
            raise InvalidAssertion("header or claims are not JSON") from None
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise InvalidAssertion("header or claims are not JSON objects")
        if header.get("alg") != "RS256":
            raise InvalidAssertion("the algorithm is not RS256")
        try:
            self._public_key.verify(
                _b64url_decode(parts[2]),
                f"{parts[0]}.{parts[1]}".encode("ascii"),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (InvalidSignature, UnicodeEncodeError):
            raise InvalidAssertion("the signature does not verify") from None
        return claims

    def cleanup(self) -> None:
        """Delete the key files."""
        with self._lock:
            if self._directory is not None:
                shutil.rmtree(self._directory, ignore_errors=True)
                self._directory = None


@attrs.define
class DeviceCode:
    """One device authorization. ``device_code`` is a secret: never in a ``repr``."""

    device_code: str = attrs.field(repr=False)
    user_code: str
    client_id: str
    scope: str
    created: float  # time.monotonic()
    last_poll: float
    polls: int = 0
    denied: bool = False
    approved_user_id: str | None = None


@attrs.frozen
class PollResult:
    """What a poll found: ``error`` (an OAuth error code), or the approving user's id."""

    error: str | None = None
    user_id: str | None = None
    client_id: str = ""
    scope: str = ""


class DeviceFlows:
    """The device codes of one org, and the flow's settings.

    Attributes:
        interval: seconds between polls the org asks for (polling faster gets ``slow_down``).
        lifetime: seconds a device code stays valid (``expired_token`` afterwards).
        approve_after: polls answered ``authorization_pending`` before the code is approved
            automatically as the admin; ``None`` waits for :meth:`approve` or :meth:`deny`.
    """

    def __init__(self, org: OrgState | None = None) -> None:
        self._lock = threading.Lock()
        self._codes: dict[str, DeviceCode] = {}
        self._admin_user_id = org.admin_user_id if org is not None else ""
        self.interval: float = DEFAULT_DEVICE_INTERVAL
        self.lifetime: float = DEFAULT_DEVICE_LIFETIME
        self.approve_after: int | None = DEFAULT_APPROVE_AFTER

    def __repr__(self) -> str:
        return f"<DeviceFlows {len(self._codes)} pending>"

    def issue(self, client_id: str, scope: str) -> DeviceCode:
        """A new device code for ``client_id``."""
        now = time.monotonic()
        with self._lock:
            while True:
                user_code = "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(8))
                if all(code.user_code != user_code for code in self._codes.values()):
                    break
            code = DeviceCode(
                device_code=secrets.token_urlsafe(48),
                user_code=user_code,
                client_id=client_id,
                scope=scope,
                created=now,
                last_poll=now,
            )
            self._codes[code.device_code] = code
        return code

    def _by_user_code(self, user_code: str) -> DeviceCode:
        wanted = user_code.strip().upper()
        for code in self._codes.values():
            if code.user_code == wanted:
                return code
        raise LookupError(f"no pending device code with user code {user_code!r}")

    def deny(self, user_code: str) -> None:
        """The person refuses: the next poll gets ``access_denied``.

        Raises:
            LookupError: no pending code has this user code.
        """
        with self._lock:
            self._by_user_code(user_code).denied = True

    def approve(self, user_code: str, user_id: str) -> None:
        """The person (``user_id``) approves: the next poll gets the tokens.

        Raises:
            LookupError: no pending code has this user code.
        """
        with self._lock:
            self._by_user_code(user_code).approved_user_id = user_id

    def poll(self, device_code: str, client_id: str) -> PollResult:
        """One ``grant_type=device`` poll; an approved, denied or expired code is used up."""
        now = time.monotonic()
        with self._lock:
            code = self._codes.get(device_code)
            if code is None or code.client_id != client_id:
                return PollResult(error="invalid_grant")
            if now - code.created > self.lifetime:
                del self._codes[device_code]
                return PollResult(error="expired_token")
            if code.denied:
                del self._codes[device_code]
                return PollResult(error="access_denied")
            if now - code.last_poll < self.interval - _SLOW_DOWN_TOLERANCE:
                code.last_poll = now
                return PollResult(error="slow_down")
            code.last_poll = now
            code.polls += 1
            if code.approved_user_id is None and (
                self.approve_after is not None and code.polls > self.approve_after
            ):
                code.approved_user_id = self._admin_user_id
            if code.approved_user_id is None:
                return PollResult(error="authorization_pending")
            del self._codes[device_code]
            return PollResult(user_id=code.approved_user_id, client_id=client_id, scope=code.scope)
