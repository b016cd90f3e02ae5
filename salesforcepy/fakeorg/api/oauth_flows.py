"""The token endpoint's other OAuth flows (``POST /services/oauth2/token``; see :mod:`.oauth`).

* ``grant_type=refresh_token`` — a refresh token for a new access token. The answer has no new
  refresh token unless the connected app rotates them (``ConnectedApp.rotate_refresh_tokens``);
  an unknown, revoked or rotated-away token is ``400 invalid_grant``.
* ``grant_type=client_credentials`` — the connected app logs in as its run-as user. Salesforce
  takes this flow only on the org's My Domain, never on login.salesforce.com. The fake org's My
  Domain is the host of its instance URL (``127.0.0.1``); a request that reaches the same server
  under any other name (``localhost`` — ``FakeOrg.generic_login_url``) is treated as the generic
  login host and answered ``400 invalid_grant: request not supported on this domain``.
* ``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`` — an RS256 assertion verified
  against the org's certificate (:class:`~salesforcepy.fakeorg.grants.JwtKeys`): ``iss`` a
  connected app's consumer key, ``aud`` the org's login URL, ``exp`` in the future and at most
  :data:`JWT_MAX_LIFETIME` seconds ahead, ``sub`` an active user's username.
* ``response_type=device_code`` then ``grant_type=device`` — the device flow
  (:class:`~salesforcepy.fakeorg.grants.DeviceFlows`); the approved answer carries a refresh
  token.

Refresh tokens are issued only by the device flow (and by a rotating refresh grant), as on
Salesforce, where the password, client-credentials and JWT flows never return one.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from werkzeug.wrappers import Response

from ..grants import DeviceFlows, InvalidAssertion, JwtKeys
from . import Context, json_response
from .oauth import OAuthError, authenticate_client, grant, response_type, token_response

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
JWT_MAX_LIFETIME = 300
"""How far in the future a JWT's ``exp`` may lie: Salesforce asks for 3 minutes; the fake org
allows two more for clock skew."""
REFRESH_SCOPE = "api refresh_token"

_POLL_ERRORS = {
    "authorization_pending": "authorization pending",
    "slow_down": "polling too frequently",
    "access_denied": "end-user denied authorization",
    "expired_token": "device code expired",
    "invalid_grant": "invalid device code",
}


def jwt_keys(ctx: Context) -> JwtKeys:
    return ctx.org.extension("jwt_keys", JwtKeys)


def device_flows(ctx: Context) -> DeviceFlows:
    return ctx.org.extension("device_flows", DeviceFlows)


def on_my_domain(ctx: Context) -> bool:
    """Whether the request arrived under the instance URL's host name (the org's My Domain)."""
    expected = urlsplit(ctx.org.instance_url).netloc.lower()
    return ctx.request.host.lower() == expected


# ---- refresh token -------------------------------------------------------------------------------


@grant("refresh_token")
def refresh_token_grant(ctx: Context, params: Mapping[str, str]) -> Response:
    """``grant_type=refresh_token``: a new access token for a live refresh token."""
    app = authenticate_client(ctx, params, require_secret=False)
    sessions = ctx.org.sessions
    value = params.get("refresh_token") or ""
    refresh = sessions.lookup_refresh_token(value) if value else None
    if refresh is None or refresh.client_id != app.client_id:
        raise OAuthError("invalid_grant", "expired access/refresh token")
    user = ctx.org.directory.user_by_id(refresh.user_id)
    if user is not None and not user.active:
        raise OAuthError("inactive_user", "user is inactive")
    if app.rotate_refresh_tokens:
        rotated = sessions.rotate_refresh_token(refresh.token)
        if rotated is None:  # revoked meanwhile
            raise OAuthError("invalid_grant", "expired access/refresh token")
        return token_response(
            ctx, app, refresh.user_id, refresh_token=rotated.token, scope=rotated.scope
        )
    return token_response(
        ctx,
        app,
        refresh.user_id,
        refresh_token=refresh.token,
        scope=refresh.scope,
        show_refresh_token=False,
    )


# ---- client credentials --------------------------------------------------------------------------


@grant("client_credentials")
def client_credentials_grant(ctx: Context, params: Mapping[str, str]) -> Response:
    """``grant_type=client_credentials``: the app's run-as user; My Domain only."""
    if not on_my_domain(ctx):
        raise OAuthError("invalid_grant", "request not supported on this domain")
    app = authenticate_client(ctx, params)
    return token_response(ctx, app, app.run_as_user_id or ctx.org.admin_user_id, scope="api")


# ---- JWT bearer ----------------------------------------------------------------------------------


def _audiences(ctx: Context) -> set[str]:
    login = ctx.org.login_url.rstrip("/")
    return {login, login + "/"}


@grant(JWT_BEARER)
def jwt_bearer_grant(ctx: Context, params: Mapping[str, str]) -> Response:
    """The JWT bearer grant: a signed assertion names the app (``iss``) and user (``sub``)."""
    assertion = params.get("assertion")
    if not assertion:
        raise OAuthError("invalid_request", "assertion is missing")
    try:
        claims = jwt_keys(ctx).verify(assertion)
    except InvalidAssertion:
        raise OAuthError("invalid_grant", "invalid assertion") from None
    issuer = claims.get("iss")
    app = ctx.org.directory.app(issuer) if isinstance(issuer, str) else None
    if app is None:
        raise OAuthError("invalid_client_id", "client identifier invalid")
    if claims.get("aud") not in _audiences(ctx):
        raise OAuthError("invalid_grant", "audience is invalid")
    expires = claims.get("exp")
    now = time.time()
    if isinstance(expires, bool) or not isinstance(expires, (int, float)) or expires <= now:
        raise OAuthError("invalid_grant", "expired authorization code")
    if expires > now + JWT_MAX_LIFETIME:
        raise OAuthError("invalid_grant", "invalid assertion: expiration too far in the future")
    subject = claims.get("sub")
    user = ctx.org.directory.user(subject) if isinstance(subject, str) else None
    if user is None or not user.active:
        raise OAuthError("invalid_grant", "user hasn't approved this consumer")
    return token_response(ctx, app, user.user_id, scope="api")


# ---- device flow ---------------------------------------------------------------------------------


@response_type("device_code")
def device_code_start(ctx: Context, params: Mapping[str, str]) -> Response:
    """``response_type=device_code``: a device code and a user code."""
    app = authenticate_client(ctx, params, require_secret=False)
    flows = device_flows(ctx)
    code = flows.issue(app.client_id, params.get("scope") or REFRESH_SCOPE)
    body: dict[str, Any] = {
        "device_code": code.device_code,
        "user_code": code.user_code,
        "verification_uri": f"{ctx.org.login_url}/setup/connect",
        "interval": _number(flows.interval),
    }
    return json_response(
        body, headers={"Cache-Control": "no-cache,must-revalidate,max-age=0,no-store,private"}
    )


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


@grant("device")
def device_grant(ctx: Context, params: Mapping[str, str]) -> Response:
    """``grant_type=device`` with ``code``: pending, slow down, denied, expired, or the tokens."""
    app = authenticate_client(ctx, params, require_secret=False)
    result = device_flows(ctx).poll(params.get("code") or "", app.client_id)
    if result.error is not None:
        raise OAuthError(result.error, _POLL_ERRORS[result.error])
    assert result.user_id is not None
    refresh_token = None
    if {"refresh_token", "offline_access"} & set(result.scope.split()):
        refresh = ctx.org.sessions.issue_refresh_token(result.user_id, app.client_id, result.scope)
        refresh_token = refresh.token
    return token_response(ctx, app, result.user_id, refresh_token=refresh_token, scope=result.scope)
