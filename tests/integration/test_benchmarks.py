"""`make bench` must keep running: a small run of every case, checking the report it prints."""

import math
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_every_benchmark_case_runs_and_reports_a_ratio():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--rows", "300", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    # Budgets are for full runs on a quiet machine; here only the measuring itself is checked.
    assert result.returncode in (0, 1), result.stderr
    rows = re.findall(
        r"^(.+?)\s+(time|memory)\s+([\d.]+) (?:ms|MB)\s+([\d.]+) (?:ms|MB)\s+([\d.]+)\s+([\d.]+)",
        result.stdout,
        re.MULTILINE,
    )
    assert {name.strip() for name, *_ in rows} >= {
        "query_more 300 rows",
        "get one record x300",
        "parse one query page x20",
    }, result.stdout
    for _name, _measure, client, floor, ratio, _budget in rows:
        assert float(client) > 0
        assert float(floor) > 0
        if float(client) >= 10 and float(floor) >= 10:  # printed to 0.1: enough digits to check
            assert math.isclose(float(ratio), float(client) / float(floor), rel_tol=0.02)
