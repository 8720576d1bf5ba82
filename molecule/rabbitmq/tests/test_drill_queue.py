"""The messages published before the rolling restart are all there after it (drained once,
from the first node)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from testinfra.host import Host

from amqp_client import ClientCert
from conftest import APP_PASSWORD, APP_USER, APP_VHOST

testinfra_hosts = ["ansible://longshore-mq1"]

LOAD_SCRIPT = Path(__file__).resolve().parents[2] / "resources" / "amqp_load.py"


def test_rolling_restart_lost_no_message(
    host: Host, address: str, name: str, ca_file: str, client_cert: ClientCert
) -> None:
    command = [sys.executable, str(LOAD_SCRIPT), "count", f"--address={address}", f"--name={name}"]
    command += [f"--ca-file={ca_file}", f"--user={APP_USER}", f"--vhost={APP_VHOST}", "--queue=drill-rolling-restart"]
    command += [f"--cert-file={client_cert.cert}", f"--key-file={client_cert.key}"]
    result = subprocess.run(
        command,
        input=APP_PASSWORD + "\n",
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(result.stdout) == {"counted": 200, "bodies_in_order": True}
