"""What a resource builder needs from the client: the one funnel, and argument helpers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional, Protocol

from ..exceptions import SalesforceError
from ..options import Proxies, Timeout
from ..request import Request, Result, SentRequest

__all__ = ["Sender", "require_mapping", "require_text"]


class Sender(Protocol):
    """The client as builders see it."""

    def _send(
        self,
        request: Request,
        *,
        timeout: Optional[Timeout] = None,
        proxies: Optional[Proxies] = None,
        version: Optional[str] = None,
    ) -> Result:
        """Send ``request`` and return ``(body, request)``; see ``Client._send``."""
        ...

    def _record(self, sent: SentRequest, error: SalesforceError) -> None:
        """Add ``error`` to a call's errors (and raise it in strict mode)."""
        ...


def require_text(value: Any, name: str) -> str:
    """``value`` if it is a non-blank string.

    Raises:
        TypeError: not a string.
        ValueError: empty or blank.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value


def require_mapping(value: Any, name: str) -> Mapping[str, Any]:
    """``value`` if it is a mapping (a JSON object).

    Raises:
        TypeError: not a mapping.
    """
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict, not {type(value).__name__}")
    return value
