"""API usage from the ``Sforce-Limit-Info`` response header.

Salesforce sends the header on almost every REST response, e.g.::

    Sforce-Limit-Info: api-usage=10018/100000; api-bursts=1/750
    Sforce-Limit-Info: api-usage=25/5000; per-app-api-usage=17/250(appName=sample-connected-app)

:func:`parse_limit_info` reads every ``;``-separated item (in any order, unknown names included);
:meth:`ApiUsage.merge` folds a newer reading into an older one. The transport keeps the latest
reading as ``client.api_usage``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Optional

import attrs

__all__ = ["API_USAGE", "PER_APP_API_USAGE", "ApiUsage", "Usage", "parse_limit_info"]

API_USAGE = "api-usage"
"""The org's rolling 24-hour API request count."""
PER_APP_API_USAGE = "per-app-api-usage"
"""A connected app's share of the allocation (sent with ``(appName=...)``)."""

_PAIR_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*(?:\((.*)\))?\s*$")
_EMPTY: Mapping[str, Usage] = MappingProxyType({})


def _frozen_map(value: Mapping[str, Usage]) -> Mapping[str, Usage]:
    return MappingProxyType(dict(value))


@attrs.frozen
class Usage:
    """One ``used/limit`` figure.

    Attributes:
        used: requests counted so far.
        limit: the allocation.
    """

    used: int
    limit: int

    @property
    def remaining(self) -> int:
        """``limit - used``, never below 0."""
        return max(0, self.limit - self.used)

    @property
    def fraction(self) -> float:
        """``used / limit`` (1.0 for a zero limit)."""
        return self.used / self.limit if self.limit else 1.0


@attrs.frozen(kw_only=True)
class ApiUsage:
    """The API usage Salesforce last reported.

    Attributes:
        items: every ``name=used/limit`` item by name (``"api-usage"``, ``"api-bursts"``, ...).
        per_app: ``per-app-api-usage`` items by connected-app name.
    """

    items: Mapping[str, Usage] = attrs.field(default=_EMPTY, converter=_frozen_map)
    per_app: Mapping[str, Usage] = attrs.field(default=_EMPTY, converter=_frozen_map)

    @property
    def api(self) -> Optional[Usage]:
        """The org's ``api-usage`` figure, if reported."""
        return self.items.get(API_USAGE)

    @property
    def used(self) -> Optional[int]:
        """Requests used in the rolling 24 hours (``api-usage``), if reported."""
        return self.api.used if self.api else None

    @property
    def limit(self) -> Optional[int]:
        """The 24-hour allocation (``api-usage``), if reported."""
        return self.api.limit if self.api else None

    @property
    def remaining(self) -> Optional[int]:
        """Requests left in the allocation, if reported."""
        return self.api.remaining if self.api else None

    def __bool__(self) -> bool:
        return bool(self.items or self.per_app)

    def merge(self, newer: ApiUsage) -> ApiUsage:
        """This reading updated with every item of ``newer`` (newer values win)."""
        if not newer:
            return self
        return ApiUsage(
            items={**self.items, **newer.items}, per_app={**self.per_app, **newer.per_app}
        )


def parse_limit_info(header: Optional[str]) -> ApiUsage:
    """Parse a ``Sforce-Limit-Info`` header value; malformed items are skipped, never raised.

    Items are separated by ``;`` (``"; "`` in practice); each is ``name=used/limit``, and the
    per-app item carries an ``(appName=...)`` suffix naming the connected app.
    """
    items: dict[str, Usage] = {}
    per_app: dict[str, Usage] = {}
    for item in (header or "").split(";"):
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        if not sep or not name:
            continue
        match = _PAIR_RE.match(value)
        if match is None:
            continue
        usage = Usage(int(match.group(1)), int(match.group(2)))
        suffix = match.group(3)
        if suffix is not None:
            key, _, app = suffix.partition("=")
            if key.strip().lower() == "appname" and app.strip():
                per_app[app.strip()] = usage
            continue
        items[name] = usage
    return ApiUsage(items=items, per_app=per_app)
