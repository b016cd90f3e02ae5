"""OAuth 2.0 endpoints and the identity service.

* ``POST /services/oauth2/token`` — dispatches on ``grant_type`` (or ``response_type``, for the
  start of the device flow) to a registered handler. This module registers ``password``; other
  grants register from their own modules::

      from salesforcepy.fakeorg.api import oauth

      @oauth.grant("refresh_token")
      def refresh(ctx, params):          # params: the form fields (and query string) as a dict
          app = oauth.authenticate_client(ctx, params, require_secret=False)
          ...
          return oauth.token_response(ctx, app, user_id)

* ``POST``/``GET /services/oauth2/revoke`` — revoke an access or refresh token.
* ``GET /services/oauth2/userinfo`` and ``GET /id/{orgId}/{userId}`` — who the token belongs to.

Errors on the token and revoke endpoints are ``{"error": ..., "error_description": ...}`` objects
(:class:`OAuthError`); the identity endpoints answer a bad token with ``403 Bad_OAuth_Token``.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Mapping
from typing import Any, Callable

from werkzeug.wrappers import Response

from ..auth import ConnectedApp, Session, sign
from ..ids import normalize_id
from . import Context, HttpError, Routes, bearer_token, json_response

routes = Routes("oauth", auth="none", api_usage=False)

GrantHandler = Callable[[Context, Mapping[str, str]], Response]
_GRANTS: dict[str, GrantHandler] = {}
_RESPONSE_TYPES: dict[str, GrantHandler] = {}


class OAuthError(HttpError):
    """An OAuth error answer: ``{"error", "error_description"}`` with a status (400 by default)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def to_response(self, ctx: Context) -> Response:
        return json_response(
            {"error": self.error, "error_description": self.description},
            status=self.status,
            headers={"Cache-Control": "no-cache,must-revalidate,max-age=0,no-store,private"},
        )


class BadOAuthToken(HttpError):
    """What the identity endpoints answer for a missing or bad token."""

    def to_response(self, ctx: Context) -> Response:
        return Response(b"Bad_OAuth_Token", status=403, content_type="text/plain;charset=UTF-8")


def grant(name: str) -> Callable[[GrantHandler], GrantHandler]:
    """Register the token endpoint's handler for ``grant_type=name``."""

    def decorate(handler: GrantHandler) -> GrantHandler:
        _GRANTS[name] = handler
        return handler

    return decorate


def response_type(name: str) -> Callable[[GrantHandler], GrantHandler]:
    """Register the token endpoint's handler for ``response_type=name`` (device flow start)."""

    def decorate(handler: GrantHandler) -> GrantHandler:
        _RESPONSE_TYPES[name] = handler
        return handler

    return decorate


def form_params(ctx: Context) -> dict[str, str]:
    """The query string overlaid with the form body (Salesforce accepts both; the body wins)."""
    params = {key: value for key, value in ctx.request.args.items()}
    params.update(ctx.request.form.items())
    return params


def authenticate_client(
    ctx: Context, params: Mapping[str, str], *, require_secret: bool = True
) -> ConnectedApp:
    """The connected app named by ``client_id`` (form field or HTTP Basic), with its secret checked.

    Raises ``invalid_client_id`` for an unknown app, ``invalid_client`` for a wrong or (when
    ``require_secret``) missing secret.
    """
    client_id = params.get("client_id")
    secret = params.get("client_secret")
    basic = ctx.request.authorization
    if basic is not None and basic.type == "basic":
        client_id = client_id or basic.username
        secret = secret or basic.password
    if not client_id:
        raise OAuthError("invalid_client_id", "client identifier invalid")
    app = ctx.org.directory.app(client_id)
    if app is None:
        raise OAuthError("invalid_client_id", "client identifier invalid")
    if secret is None and not require_secret:
        return app
    if not secret or not hmac.compare_digest(
        secret.encode("utf-8"), app.client_secret.encode("utf-8")
    ):
        raise OAuthError("invalid_client", "invalid client credentials")
    return app


def token_response(
    ctx: Context,
    app: ConnectedApp,
    user_id: str,
    *,
    refresh_token: str | None = None,
    scope: str | None = None,
    extra: Mapping[str, Any] | None = None,
    session_scope: str = "api",
    show_refresh_token: bool = True,
) -> Response:
    """Issue an access token for ``user_id`` and answer with the token response (wire 1.2).

    ``refresh_token`` goes into the body (unless ``show_refresh_token`` is false, as for the
    refresh grant, which answers without one) and links the new session to it, so revoking the
    refresh token revokes this session; ``scope`` is included when given.
    """
    org = ctx.org
    session = org.sessions.issue(
        user_id, client_id=app.client_id, scope=session_scope, refresh_token=refresh_token
    )
    identity = org.identity_url(user_id)
    body: dict[str, Any] = {"access_token": session.token}
    if refresh_token and show_refresh_token:
        body["refresh_token"] = refresh_token
    body["instance_url"] = org.instance_url
    body["id"] = identity
    body["token_type"] = "Bearer"  # noqa: S105 - a token type, not a secret
    body["issued_at"] = session.issued_at
    body["signature"] = sign(app.client_secret, identity, session.issued_at)
    if scope:
        body["scope"] = scope
    if extra:
        body.update(extra)
    return json_response(
        body, headers={"Cache-Control": "no-cache,must-revalidate,max-age=0,no-store,private"}
    )


@routes.route("/services/oauth2/token", methods=["POST"])
def token(ctx: Context) -> Response:
    """POST /services/oauth2/token"""
    params = form_params(ctx)
    grant_type = params.get("grant_type")
    if grant_type:
        handler = _GRANTS.get(grant_type)
        if handler is None:
            raise OAuthError("unsupported_grant_type", "grant type not supported")
        return handler(ctx, params)
    kind = params.get("response_type")
    if kind:
        handler = _RESPONSE_TYPES.get(kind)
        if handler is None:
            raise OAuthError("unsupported_response_type", "response type not supported")
        return handler(ctx, params)
    raise OAuthError("unsupported_grant_type", "grant type not supported")


@grant("password")
def password_grant(ctx: Context, params: Mapping[str, str]) -> Response:
    """``grant_type=password``: username and password (+ security token unless on loopback)."""
    app = authenticate_client(ctx, params)
    username = params.get("username") or ""
    password = params.get("password") or ""
    user = ctx.org.directory.authenticate(username, password, trusted=ctx.is_loopback)
    if user is None:
        raise OAuthError("invalid_grant", "authentication failure")
    return token_response(ctx, app, user.user_id)


@routes.route("/services/oauth2/revoke", methods=["GET", "POST"])
def revoke(ctx: Context) -> Response:
    """POST /services/oauth2/revoke (also GET with ``?token=``)"""
    token_value = form_params(ctx).get("token")
    if not token_value:
        raise OAuthError("invalid_request", "token is missing")
    if not ctx.org.sessions.revoke(token_value):
        raise OAuthError("invalid_token", "invalid token")
    return ctx.empty(200)


# ---- identity ------------------------------------------------------------------------------------


def _identity_session(ctx: Context) -> Session:
    token_value = bearer_token(ctx.request) or ctx.request.args.get("oauth_token")
    session = ctx.org.sessions.lookup(token_value) if token_value else None
    if session is None:
        raise BadOAuthToken()
    return session


def _utc_offset_ms(zone: str | None) -> int:
    if not zone:
        return 0
    try:
        from zoneinfo import ZoneInfo

        offset = dt.datetime.now(ZoneInfo(zone)).utcoffset()
    except Exception:
        return 0
    return int(offset.total_seconds() * 1000) if offset else 0


def _urls(ctx: Context, user_id: str, version: str) -> dict[str, str]:
    base = ctx.org.instance_url
    org15 = ctx.org.org_id[:15]
    data = f"{base}/services/data/v{version}"
    return {
        "enterprise": f"{base}/services/Soap/c/{version}/{org15}",
        "metadata": f"{base}/services/Soap/m/{version}/{org15}",
        "partner": f"{base}/services/Soap/u/{version}/{org15}",
        "rest": f"{data}/",
        "sobjects": f"{data}/sobjects/",
        "search": f"{data}/search/",
        "query": f"{data}/query/",
        "recent": f"{data}/recent/",
        "tooling_soap": f"{base}/services/Soap/T/{version}/{org15}",
        "tooling_rest": f"{data}/tooling/",
        "profile": f"{base}/{user_id}",
        "feeds": f"{data}/chatter/feeds",
        "groups": f"{data}/chatter/groups",
        "users": f"{data}/chatter/users",
        "feed_items": f"{data}/chatter/feed-items",
        "feed_elements": f"{data}/chatter/feed-elements",
        "custom_domain": base,
    }


def _url_version(ctx: Context) -> str:
    wanted = ctx.request.args.get("version")
    if wanted == "latest":
        return ctx.org.latest_version
    if wanted and wanted in ctx.org.versions:
        return wanted
    return "{version}"


def _person(ctx: Context, user_id: str) -> dict[str, Any]:
    record = ctx.org.user_record(user_id)
    creds = ctx.org.directory.user_by_id(user_id)
    username = record.get("Username") or (creds.username if creds else "")
    first = record.get("FirstName")
    last = record.get("LastName") or username.split("@")[0]
    name = record.get("Name") or " ".join(p for p in (first, last) if p)
    return {
        "username": username,
        "nick_name": record.get("CommunityNickname")
        or record.get("Alias")
        or username.split("@")[0],
        "display_name": name,
        "email": record.get("Email") or username,
        "first_name": first,
        "last_name": last,
        "timezone": record.get("TimeZoneSidKey") or "America/Los_Angeles",
        "language": record.get("LanguageLocaleKey") or "en_US",
        "locale": record.get("LocaleSidKey") or "en_US",
        "active": bool(record.get("IsActive", True)),
        "user_type": str(record.get("UserType") or "Standard").upper(),
        "country": record.get("Country") or "US",
        "last_modified": record.get("LastModifiedDate"),
    }


def _iso_z(value: str | None) -> str | None:
    """``2024-05-20T20:49:32.000+0000`` -> ``2024-05-20T20:49:32Z`` (identity's format)."""
    if not value:
        return None
    return value[:19] + "Z"


@routes.route("/id/<org_id>/<user_id>")
def identity(ctx: Context) -> Response:
    """GET /id/{orgId}/{userId}"""
    session = _identity_session(ctx)
    org_id = normalize_id(ctx.args["org_id"])
    user_id = normalize_id(ctx.args["user_id"])
    if org_id != ctx.org.org_id or user_id is None or not ctx.org.user_record(user_id):
        return Response(b"Bad_Id", status=404, content_type="text/plain;charset=UTF-8")
    if user_id != session.user_id and session.user_id != ctx.org.admin_user_id:
        return Response(b"Bad_Id", status=403, content_type="text/plain;charset=UTF-8")
    person = _person(ctx, user_id)
    base = ctx.org.instance_url
    return ctx.json(
        {
            "id": ctx.org.identity_url(user_id),
            "asserted_user": user_id == session.user_id,
            "user_id": user_id,
            "organization_id": ctx.org.org_id,
            "username": person["username"],
            "nick_name": person["nick_name"],
            "display_name": person["display_name"],
            "email": person["email"],
            "email_verified": True,
            "first_name": person["first_name"],
            "last_name": person["last_name"],
            "timezone": person["timezone"],
            "photos": {
                "picture": f"{base}/profilephoto/005/F",
                "thumbnail": f"{base}/profilephoto/005/T",
            },
            "addr_street": None,
            "addr_city": None,
            "addr_state": None,
            "addr_country": person["country"],
            "addr_zip": None,
            "mobile_phone": None,
            "mobile_phone_verified": False,
            "is_lightning_login_user": False,
            "status": {"created_date": None, "body": None},
            "urls": _urls(ctx, user_id, _url_version(ctx)),
            "active": person["active"],
            "user_type": person["user_type"],
            "language": person["language"],
            "locale": person["locale"],
            "utcOffset": _utc_offset_ms(person["timezone"]),
            "last_modified_date": _iso_z(person["last_modified"]),
            "is_app_installed": True,
        }
    )


@routes.route("/services/oauth2/userinfo", methods=["GET", "POST"])
def userinfo(ctx: Context) -> Response:
    """GET /services/oauth2/userinfo"""
    session = _identity_session(ctx)
    user_id = session.user_id
    person = _person(ctx, user_id)
    base = ctx.org.instance_url
    return ctx.json(
        {
            "sub": ctx.org.identity_url(user_id),
            "user_id": user_id,
            "organization_id": ctx.org.org_id,
            "preferred_username": person["username"],
            "nickname": person["nick_name"],
            "name": person["display_name"],
            "email": person["email"],
            "email_verified": True,
            "given_name": person["first_name"],
            "family_name": person["last_name"],
            "zoneinfo": person["timezone"],
            "photos": {
                "picture": f"{base}/profilephoto/005/F",
                "thumbnail": f"{base}/profilephoto/005/T",
            },
            "profile": f"{base}/{user_id}",
            "picture": f"{base}/profilephoto/005/F",
            "address": {"country": person["country"]},
            "is_salesforce_integration_user": False,
            "urls": _urls(ctx, user_id, _url_version(ctx)),
            "active": person["active"],
            "user_type": person["user_type"],
            "language": person["language"],
            "locale": person["locale"],
            "utcOffset": _utc_offset_ms(person["timezone"]),
            "updated_at": _iso_z(person["last_modified"]),
            "is_app_installed": True,
        }
    )
