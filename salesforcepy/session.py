"""The logged-in state of a client: :class:`Session`, and the data-API path helper.

A session is a frozen value; logging in again (or, later, refreshing) replaces it as a whole, so a
call in flight always sees one consistent instance URL, token and version.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

import attrs

from .request import path

__all__ = ["Session", "data_path", "parse_issued_at"]


def data_path(version: str, *segments: str) -> str:
    """The absolute data-API path for ``segments``, each one URL-quoted.

    >>> data_path("58.0", "sobjects", "Account")
    '/services/data/v58.0/sobjects/Account'
    """
    return f"/services/data/v{version}/" + path(*segments)


def parse_issued_at(value: Any) -> Optional[datetime]:
    """Read OAuth ``issued_at`` (milliseconds since the epoch, as a string) as an aware datetime."""
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


@attrs.frozen(kw_only=True)
class Session:
    """An authenticated session. The token is left out of ``repr``.

    Attributes:
        instance_url: base URL for API calls, e.g. ``https://acme.my.salesforce.com``.
        access_token: the OAuth access token or SOAP session id (sent as ``Bearer``).
        api_version: the API version calls use, e.g. ``"66.0"``.
        issued_at: when the token was issued, if Salesforce said.
        identity_url: the identity URL (``id`` in OAuth responses), if any.
        flow: how the token was obtained: ``"password"``, ``"soap"``, ``"client_credentials"``,
            ``"jwt"``, ``"device"``, ``"refresh_token"`` or ``"session_id"`` (given to
            :func:`~salesforcepy.client`).
        refresh_token: the refresh token the client holds, if any (left out of ``repr``).
    """

    instance_url: str
    access_token: str = attrs.field(repr=False)
    api_version: str
    issued_at: Optional[datetime] = None
    identity_url: Optional[str] = None
    flow: str = "password"
    refresh_token: Optional[str] = attrs.field(default=None, repr=False)
