"""`make demo` must keep working: run the demo script as a newcomer would and read its output."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_demo_runs_every_step_against_the_fake_org():
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "run_demo.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # Every call line carries a 2xx status and no error report.
    calls = [
        line for line in lines if any(f" {m} " in line for m in ("GET", "POST", "PATCH", "DELETE"))
    ]
    assert len(calls) >= 12, result.stdout
    assert all(" 20" in line for line in calls), result.stdout
    assert not any("errors:" in line for line in calls), result.stdout
    assert "Fake org stopped (exit 0)" in result.stdout
