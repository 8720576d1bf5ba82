"""The server's log is rotated by logrotate without a restart and without losing the
lines written after the rotation."""

from __future__ import annotations

import time

from testinfra.host import Host

from amqp_client import ClientCert, connection
from conftest import APP_PASSWORD, APP_USER, APP_VHOST, NODES

testinfra_hosts = NODES


def test_logrotate_rotates_the_log_without_restarting_the_server(
    host: Host, address: str, name: str, ca_file: str, client_cert: ClientCert
) -> None:
    log = f"/var/log/rabbitmq/rabbit@{name}.log"
    pid = host.check_output("systemctl show --property MainPID --value rabbitmq-server")
    with host.sudo():
        host.check_output("logrotate --force /etc/logrotate.d/rabbitmq-server")
        assert host.file(f"{log}.1").exists
    # A connection after the rotation is logged in the current file (the server's logger
    # writes within a few seconds).
    with connection(address, name, ca_file, APP_USER, APP_PASSWORD, APP_VHOST, client=client_cert):
        pass
    deadline = time.monotonic() + 15
    with host.sudo():
        while "accepting AMQP connection" not in (current := host.file(log).content_string):
            assert time.monotonic() < deadline, f"nothing logged in {log} since the rotation: {current!r}"
            time.sleep(0.5)
    assert host.check_output("systemctl show --property MainPID --value rabbitmq-server") == pid
