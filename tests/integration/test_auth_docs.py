"""The examples of docs/guides/authentication.rst run as written against the fake org."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "authentication.rst"
_BLOCK = re.compile(r"^\.\. code-block:: python\n\n((?:(?:   .*)?\n)+)", re.MULTILINE)


def examples() -> list[str]:
    return [textwrap.dedent(match.group(1)) for match in _BLOCK.finditer(GUIDE.read_text())]


def test_the_guide_has_an_example_per_flow() -> None:
    code = "\n".join(examples())
    for call in (
        "login()",
        "login_via_soap()",
        "login_via_refresh_token(",
        "login_via_client_credentials()",
        "login_via_jwt(",
        "login_via_device_flow(",
        "session_id=",
        "expire_sessions()",
    ):
        assert call in code, call


EXAMPLES = examples()


@pytest.mark.parametrize("code", EXAMPLES, ids=[f"example-{i + 1}" for i in range(len(EXAMPLES))])
def test_example_runs(code: str) -> None:
    exec(compile(code, str(GUIDE), "exec"), {"__name__": "example"})  # noqa: S102 - our own docs
