"""``python -m salesforcepy.fakeorg``: run a fake org until SIGINT or SIGTERM.

Prints exactly one JSON line on stdout once the server accepts connections — ``instance_url``,
``login_url``, ``username``, ``password``, ``security_token``, ``client_id``, ``client_secret``,
``org_id``, ``jwt_private_key_path`` (the key JWT bearer logins sign with) and, with ``--tls``,
``ca_bundle`` — and nothing else; logs go to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m salesforcepy.fakeorg",
        description="Run a local fake Salesforce org until SIGINT or SIGTERM.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a throwaway CA")
    parser.add_argument("--db", metavar="PATH", help="SQLite database file (default: in memory)")
    parser.add_argument("--seed", choices=["demo"], help="load a dataset into a new database")
    parser.add_argument(
        "--gzip", action="store_true", help="gzip responses for clients that accept it"
    )
    parser.add_argument(
        "--device-interval",
        type=float,
        metavar="SECONDS",
        help="seconds between device-flow polls the org asks for (default 5)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log requests to stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 0 <= args.port <= 65535:
        print(f"error: --port must be between 0 and 65535, not {args.port}", file=sys.stderr)
        return 2
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from .org import FakeOrg

    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    org = FakeOrg(
        tls=args.tls,
        db=args.db,
        seed=args.seed,
        host=args.host,
        port=args.port,
        compress=args.gzip,
    )
    if args.device_interval is not None and not args.device_interval > 0:
        print("error: --device-interval must be positive", file=sys.stderr)
        return 2
    try:
        org.start()
    except OSError as exc:
        print(f"error: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    try:
        if args.device_interval is not None:
            org.configure_device_flow(interval=args.device_interval)
        info: dict[str, Any] = {
            "instance_url": org.instance_url,
            "login_url": org.login_url,
            "username": org.username,
            "password": org.password,
            "security_token": org.security_token,
            "client_id": org.client_id,
            "client_secret": org.client_secret,
            "org_id": org.org_id,
            "jwt_private_key_path": org.jwt_private_key_path,
        }
        if args.tls:
            info["ca_bundle"] = org.ca_bundle
        sys.stdout.write(json.dumps(info) + "\n")
        sys.stdout.flush()
        # Waiting in short slices keeps the main thread responsive to signals on every platform.
        while not stop.wait(0.5):
            pass
    finally:
        org.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
