"""Sessions, connected apps and user credentials of the fake org.

Tokens exist only in server memory: they are never logged and never part of a ``repr``. An
access token looks like Salesforce's, ``{15-char org id}!{opaque}``; a SOAP ``sessionId`` is the
same kind of token, so either works as ``Authorization: Bearer``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Iterable

import attrs

# How long an access token lives without use (Salesforce's default session timeout is two hours).
DEFAULT_SESSION_SECONDS = 7200
_FIRST_SWEEP = 1024


def sign(client_secret: str, identity_url: str, issued_at: str) -> str:
    """The token ``signature``: base64 HMAC-SHA256 of ``id + issued_at`` keyed by the secret."""
    digest = hmac.new(
        client_secret.encode("utf-8"), (identity_url + issued_at).encode("utf-8"), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def new_token(org_id: str) -> str:
    """A fresh token: the 15-char org id, ``!``, and an unguessable tail."""
    return f"{org_id[:15]}!AQ{secrets.token_urlsafe(72)}"


@attrs.define
class Session:
    """One access token and who it belongs to.

    ``expires_at`` is on the monotonic clock: moving the org's clock in tests logs nobody out.
    """

    token: str = attrs.field(repr=False)
    user_id: str
    client_id: str | None
    issued_at: str  # milliseconds since the epoch, as the token response shows it
    expires_at: float
    refresh_token: str | None = attrs.field(default=None, repr=False)
    scope: str = "api"
    source: str = "oauth"  # "oauth" or "soap"


@attrs.define
class RefreshToken:
    token: str = attrs.field(repr=False)
    user_id: str
    client_id: str
    scope: str = "api refresh_token"


class SessionStore:
    """Thread-safe table of live access (and refresh) tokens."""

    def __init__(self, org_id: str, seconds_valid: int = DEFAULT_SESSION_SECONDS) -> None:
        self.org_id = org_id
        self.seconds_valid = seconds_valid
        self._sessions: dict[str, Session] = {}
        self._refresh: dict[str, RefreshToken] = {}
        self._lock = threading.Lock()
        # Expired tokens nobody presents again are swept when the table has doubled.
        self._sweep_at = _FIRST_SWEEP

    def __repr__(self) -> str:
        return f"<SessionStore {len(self._sessions)} sessions>"

    def issue(
        self,
        user_id: str,
        *,
        client_id: str | None = None,
        scope: str = "api",
        source: str = "oauth",
        refresh_token: str | None = None,
    ) -> Session:
        """Create a new access token for ``user_id``."""
        session = Session(
            token=new_token(self.org_id),
            user_id=user_id,
            client_id=client_id,
            issued_at=str(int(time.time() * 1000)),
            expires_at=time.monotonic() + self.seconds_valid,
            refresh_token=refresh_token,
            scope=scope,
            source=source,
        )
        with self._lock:
            self._sessions[session.token] = session
            if len(self._sessions) >= self._sweep_at:
                now = time.monotonic()
                for token in [t for t, s in self._sessions.items() if s.expires_at <= now]:
                    del self._sessions[token]
                self._sweep_at = max(_FIRST_SWEEP, 2 * len(self._sessions))
        return session

    def lookup(self, token: str) -> Session | None:
        """The live session for ``token`` (its expiry slides forward on use), or None."""
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            now = time.monotonic()
            if session.expires_at <= now:
                del self._sessions[token]
                return None
            session.expires_at = now + self.seconds_valid
            return session

    def issue_refresh_token(
        self, user_id: str, client_id: str, scope: str = "api refresh_token"
    ) -> RefreshToken:
        refresh = RefreshToken(f"5Aep{secrets.token_urlsafe(60)}", user_id, client_id, scope)
        with self._lock:
            self._refresh[refresh.token] = refresh
        return refresh

    def lookup_refresh_token(self, token: str) -> RefreshToken | None:
        with self._lock:
            return self._refresh.get(token)

    def rotate_refresh_token(self, token: str) -> RefreshToken | None:
        """Replace a refresh token by a new one for the same user, app and scope.

        The old token stops working; access tokens issued from it now belong to the new one (so
        revoking the new one revokes them). Returns None when ``token`` is unknown.
        """
        with self._lock:
            old = self._refresh.pop(token, None)
            if old is None:
                return None
            new = RefreshToken(
                f"5Aep{secrets.token_urlsafe(60)}", old.user_id, old.client_id, old.scope
            )
            self._refresh[new.token] = new
            for session in self._sessions.values():
                if session.refresh_token == token:
                    session.refresh_token = new.token
            return new

    def revoke(self, token: str) -> bool:
        """Revoke an access token, or a refresh token and every access token issued from it.

        Returns False when the token is unknown.
        """
        with self._lock:
            if self._sessions.pop(token, None) is not None:
                return True
            if self._refresh.pop(token, None) is not None:
                for key in [k for k, s in self._sessions.items() if s.refresh_token == token]:
                    del self._sessions[key]
                return True
            return False

    def expire_all(self) -> int:
        """End every access token (refresh tokens stay valid, as after a real timeout)."""
        with self._lock:
            count = len(self._sessions)
            self._sessions.clear()
            return count

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)


@attrs.define
class ConnectedApp:
    """A connected app: the consumer key and secret a client logs in with."""

    client_id: str
    client_secret: str = attrs.field(repr=False)
    name: str = "salesforcepy fake org"
    # The user that client-credentials logins run as (None: the admin).
    run_as_user_id: str | None = None
    # Refresh token rotation: the refresh grant answers with a new refresh token and retires
    # the one it was given (off by default, as for Salesforce connected apps).
    rotate_refresh_tokens: bool = False


@attrs.define
class UserCredentials:
    """A user's login: password and security token (neither ever shown in a repr)."""

    username: str
    user_id: str
    password: str = attrs.field(repr=False)
    security_token: str = attrs.field(repr=False)
    active: bool = True

    def check(self, password: str, *, trusted: bool) -> bool:
        """True for ``password + security token``, or the bare password from a trusted address."""
        with_token = self.password + self.security_token
        if hmac.compare_digest(password.encode("utf-8"), with_token.encode("utf-8")):
            return True
        return trusted and hmac.compare_digest(
            password.encode("utf-8"), self.password.encode("utf-8")
        )


class Directory:
    """Users' credentials and connected apps, looked up case-insensitively by username."""

    def __init__(
        self, users: Iterable[UserCredentials] = (), apps: Iterable[ConnectedApp] = ()
    ) -> None:
        self._users = {u.username.lower(): u for u in users}
        self._apps = {a.client_id: a for a in apps}
        self._lock = threading.Lock()

    def add_user(self, user: UserCredentials) -> None:
        with self._lock:
            self._users[user.username.lower()] = user

    def user(self, username: str) -> UserCredentials | None:
        return self._users.get(username.strip().lower())

    def user_by_id(self, user_id: str) -> UserCredentials | None:
        with self._lock:  # a user added meanwhile must not change the dict under the loop
            users = list(self._users.values())
        for user in users:
            if user.user_id == user_id:
                return user
        return None

    def add_app(self, app: ConnectedApp) -> None:
        with self._lock:
            self._apps[app.client_id] = app

    def app(self, client_id: str) -> ConnectedApp | None:
        return self._apps.get(client_id)

    def authenticate(
        self, username: str, password: str, *, trusted: bool
    ) -> UserCredentials | None:
        """The user whose password (with or without security token, see ``trusted``) matches."""
        user = self.user(username)
        if user is None or not user.active or not user.check(password, trusted=trusted):
            return None
        return user


def random_password() -> str:
    return "Fo" + secrets.token_urlsafe(12) + "1!"


def random_security_token() -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(24))


def random_app() -> ConnectedApp:
    """A connected app with Salesforce-shaped consumer key (``3MVG9…``) and numeric secret."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
    client_id = "3MVG9" + "".join(secrets.choice(alphabet) for _ in range(80))
    client_secret = "".join(secrets.choice("0123456789") for _ in range(19))
    return ConnectedApp(client_id, client_secret)
