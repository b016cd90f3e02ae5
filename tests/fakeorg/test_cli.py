"""``python -m salesforcepy.fakeorg`` in a subprocess: one JSON line, then serve until a signal."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
import requests

pytestmark = pytest.mark.integration

TIMEOUT = 10
KEYS = {
    "instance_url",
    "login_url",
    "username",
    "password",
    "security_token",
    "client_id",
    "client_secret",
    "org_id",
    "jwt_private_key_path",
}


def start(*args: str) -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen(
        [sys.executable, "-m", "salesforcepy.fakeorg", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    try:
        return process, json.loads(line)
    except ValueError:
        # Not left running (or holding its pipes) when the test fails here.
        process.kill()
        _, err = process.communicate()
        pytest.fail(f"the fake org printed {line!r}, not its JSON line: {err}")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> tuple[str, str]:
    process.send_signal(sig)
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    assert process.returncode == 0, err
    return out, err


def login(info: dict, verify=True) -> requests.Response:
    return requests.post(
        info["login_url"] + "/services/oauth2/token",
        data={
            "grant_type": "password",
            "client_id": info["client_id"],
            "client_secret": info["client_secret"],
            "username": info["username"],
            "password": info["password"] + info["security_token"],
        },
        verify=verify,
        timeout=TIMEOUT,
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_prints_one_json_line_serves_and_exits_on_signal(sig):
    process, info = start("--port", "0")
    try:
        assert set(info) == KEYS
        assert info["instance_url"].startswith("http://127.0.0.1:")
        response = login(info)
        assert response.status_code == 200
        assert response.json()["id"].split("/")[-2] == info["org_id"]
    finally:
        out, _ = stop(process, sig)
    assert out == ""  # nothing after the JSON line


def test_tls_adds_the_ca_bundle():
    process, info = start("--tls")
    try:
        assert set(info) == KEYS | {"ca_bundle"}
        assert info["instance_url"].startswith("https://")
        assert os.path.isfile(info["ca_bundle"])
        assert login(info, verify=info["ca_bundle"]).status_code == 200
    finally:
        stop(process)
    assert not os.path.exists(info["ca_bundle"])


def test_db_file_keeps_records_between_runs(tmp_path):
    db = str(tmp_path / "org.sqlite")
    process, info = start("--db", db)
    try:
        token = login(info).json()["access_token"]
        created = requests.post(
            info["instance_url"] + "/services/data/v58.0/sobjects/Account",
            json={"Name": "Persisted"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=TIMEOUT,
        )
        assert created.status_code == 201
    finally:
        stop(process)
    process, info2 = start("--db", db)
    try:
        assert info2["org_id"] == info["org_id"]
        token = login(info2).json()["access_token"]
        record = requests.get(
            info2["instance_url"] + "/services/data/v58.0/sobjects/Account/" + created.json()["id"],
            headers={"Authorization": f"Bearer {token}"},
            timeout=TIMEOUT,
        )
        assert record.status_code == 200
        assert record.json()["Name"] == "Persisted"
    finally:
        stop(process)


def test_fixed_port_in_use_fails_cleanly():
    process, info = start()
    try:
        port = info["instance_url"].rsplit(":", 1)[1]
        second = subprocess.run(
            [sys.executable, "-m", "salesforcepy.fakeorg", "--port", port],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert second.returncode == 1
        assert second.stdout == ""
        assert "cannot serve" in second.stderr
    finally:
        stop(process)


def test_bad_arguments():
    result = subprocess.run(
        [sys.executable, "-m", "salesforcepy.fakeorg", "--seed", "nope"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 2
    assert result.stdout == ""


def test_jwt_private_key_path_signs_logins_and_is_removed_on_exit():
    import salesforcepy

    process, info = start("--device-interval", "0.05")
    try:
        assert os.path.isfile(info["jwt_private_key_path"])
        client = salesforcepy.client(
            username=info["username"], client_id=info["client_id"], login_url=info["login_url"]
        )
        _, request = client.login_via_jwt(info["jwt_private_key_path"])
        assert request.ok, request.exceptions
        _, request = client.login_via_device_flow(on_authorize=lambda a: None, timeout=30)
        assert request.ok, request.exceptions
    finally:
        stop(process)
    assert not os.path.exists(info["jwt_private_key_path"])


def test_device_interval_must_be_positive():
    result = subprocess.run(
        [sys.executable, "-m", "salesforcepy.fakeorg", "--device-interval", "0"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 2
    assert "--device-interval" in result.stderr
