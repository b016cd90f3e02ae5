"""``make demo``: start the fake org with the demo data, run the tour against it, stop the org.

The fake org runs as its own process (``python -m salesforcepy.fakeorg --seed demo``), exactly as
you would start it for your own experiments; its one JSON line on stdout holds the credentials.
"""

from __future__ import annotations

import json
import pathlib
import runpy
import signal
import subprocess
import sys
import time


def main() -> int:
    started = time.monotonic()
    server = subprocess.Popen(
        [sys.executable, "-m", "salesforcepy.fakeorg", "--port", "0", "--seed", "demo"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if not line:
            print("the fake org did not start; see the error above", file=sys.stderr)
            return 1
        info = json.loads(line)
        print(f"Fake org running at {info['instance_url']} (org {info['org_id']})\n")
        credentials = {
            key: info[key]
            for key in ("username", "password", "security_token", "client_id", "client_secret")
        }
        credentials["login_url"] = info["login_url"]
        tour = runpy.run_path(str(pathlib.Path(__file__).with_name("tour.py")))
        tour["tour"](credentials)
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
    print(f"\nFake org stopped (exit {code}); demo took {time.monotonic() - started:.1f} s.")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
