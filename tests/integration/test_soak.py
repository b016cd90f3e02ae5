"""A short run (200 operations) of the randomized soak (``make soak`` runs the long one): no
record lost, none duplicated, every query_more result complete."""

from __future__ import annotations

import importlib.util
import pathlib
import re
from typing import Any

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SOAK = pathlib.Path(__file__).resolve().parents[2] / "benchmarks" / "soak.py"


def _load() -> Any:
    spec = importlib.util.spec_from_file_location("soak", SOAK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def figure(output: str, label: str) -> int:
    match = re.search(rf"^{re.escape(label)}: (\d+)", output, re.MULTILINE)
    assert match, f"no {label!r} line in:\n{output}"
    return int(match.group(1))


def test_short_soak(capsys: pytest.CaptureFixture[str]) -> None:
    status = _load().main(
        ["--operations", "200", "--seconds", "120", "--seed", "20260601", "--fault-rate", "0.5"]
    )

    output = capsys.readouterr().out
    assert status == 0, output
    assert figure(output, "records lost") == 0
    assert figure(output, "duplicates") == 0
    assert ", 200 operations (" in output
    assert figure(output, "faults injected") > 50
    assert figure(output, "faults survived (call succeeded)") > 0
    assert "query_more results checked" in output
    assert output.rstrip().endswith("OK")
