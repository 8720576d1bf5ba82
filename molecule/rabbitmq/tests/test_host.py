"""Files, limits, unit sandbox and logs of every node."""

from __future__ import annotations

import re

import pytest
from testinfra.host import Host

from conftest import NODES
from probes import denied_calls_in_journal, exposure_score

testinfra_hosts = NODES


@pytest.mark.parametrize(
    ("path", "owner", "group", "mode"),
    [
        ("/var/lib/rabbitmq/.erlang.cookie", "rabbitmq", "rabbitmq", 0o400),
        ("/etc/rabbitmq/tls/server.key", "root", "rabbitmq", 0o640),
        ("/etc/longshore/pki/private/host.key", "root", "root", 0o600),
        ("/etc/rabbitmq/rabbitmq.conf", "root", "rabbitmq", 0o640),
    ],
)
def test_secret_file_modes(host: Host, path: str, owner: str, group: str, mode: int) -> None:
    with host.sudo():
        secret = host.file(path)
        assert (secret.user, secret.group, secret.mode) == (owner, group, mode)


def test_unit_exposure_is_within_the_bar(host: Host) -> None:
    assert exposure_score(host, "rabbitmq-server.service") <= 2.5


def test_no_operation_was_refused_by_the_sandbox(host: Host) -> None:
    assert denied_calls_in_journal(host, "rabbitmq-server.service", "epmd.service") == []


def hard_open_files(limits: str) -> int:
    match = re.search(r"^Max open files\s+\S+\s+(\S+)", limits, re.MULTILINE)
    assert match, limits
    return 1 << 62 if match.group(1) == "unlimited" else int(match.group(1))


def test_server_gets_the_open_files_limit(host: Host) -> None:
    """The server runs with rabbitmq_open_files (65536), or with the most the host allows
    when that is less (some container hosts cap the hard limit lower)."""
    assert host.check_output("systemctl show --property LimitNOFILE --value rabbitmq-server") == "65536"
    pid = host.check_output("systemctl show --property MainPID --value rabbitmq-server")
    ceiling = hard_open_files(host.file("/proc/1/limits").content_string)
    assert hard_open_files(host.file(f"/proc/{pid}/limits").content_string) == min(65536, ceiling)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("consumer_timeout", "{ok,7200000}"),
        ("disk_free_limit", '{ok,"500MB"}'),
        ("vm_memory_high_watermark", "{ok,0.4}"),
    ],
)
def test_resource_settings_are_in_force(host: Host, key: str, value: str) -> None:
    out = host.check_output(f"rabbitmqctl --quiet eval 'application:get_env(rabbit, {key}).'")
    assert out.replace(" ", "") == value


def test_logrotate_config_is_valid(host: Host) -> None:
    assert host.run("logrotate --debug /etc/logrotate.d/rabbitmq-server").rc == 0
