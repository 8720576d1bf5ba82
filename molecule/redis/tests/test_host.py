"""Files, listeners, unit sandbox and logs of every node."""

from __future__ import annotations

import pytest
from testinfra.host import Host

from conftest import ADMIN, NODES, REDIS_PORT, SENTINEL_PORT, Server, auth
from probes import denied_calls_in_journal, exposure_score, listening_addresses

testinfra_hosts = [f"ansible://{node}" for node in NODES]

WILDCARDS = {"0.0.0.0", "*", "[::]"}


@pytest.mark.parametrize(
    ("path", "owner", "group", "mode"),
    [
        ("{conf}", "root", "{user}", 0o750),
        ("{conf}/{flavour}.conf", "root", "{user}", 0o640),
        ("{conf}/users.acl", "root", "{user}", 0o640),
        ("{conf}/sentinel", "{user}", "{user}", 0o700),
        ("{conf}/sentinel/sentinel.conf", "{user}", "{user}", 0o600),
        ("/var/lib/{flavour}", "{user}", "{user}", 0o750),
        ("/var/lib/{flavour}/runtime.conf", "{user}", "{user}", 0o640),
        ("{conf}/admin.auth", "root", "root", 0o600),
        ("{conf}/sentinel-admin.auth", "root", "root", 0o600),
        ("/usr/local/sbin/longshore-redis-cli", "root", "root", 0o700),
        ("/usr/local/sbin/longshore-sentinel-cli", "root", "root", 0o700),
    ],
)
def test_file_modes(host: Host, server: Server, path: str, owner: str, group: str, mode: int) -> None:
    names = {"conf": server.conf_dir, "flavour": server.flavour, "user": server.flavour}
    with host.sudo():
        entry = host.file(path.format(**names))
        assert (entry.user, entry.group, entry.mode) == (owner.format(**names), group.format(**names), mode)


def test_acl_file_holds_no_clear_password(host: Host, server: Server) -> None:
    with host.sudo():
        acl = host.file(f"{server.conf_dir}/users.acl").content_string
    assert ADMIN[1] not in acl
    assert f"user {ADMIN[0]} on #" in acl


@pytest.mark.parametrize("port", [REDIS_PORT, SENTINEL_PORT])
def test_listens_on_loopback_and_its_address_only(host: Host, address: str, port: int) -> None:
    addresses = set(listening_addresses(host, port))
    assert addresses == {"127.0.0.1", address}
    assert not WILDCARDS & addresses


@pytest.mark.parametrize("unit", ["server", "sentinel"])
def test_unit_exposure_is_within_the_bar(host: Host, server: Server, unit: str) -> None:
    assert exposure_score(host, f"{server.flavour}-{unit}.service") <= 1.5


def test_no_operation_was_refused_by_the_sandbox(host: Host, server: Server) -> None:
    assert denied_calls_in_journal(host, server.service, server.sentinel_service) == []


@pytest.mark.parametrize("unit", ["server", "sentinel"])
def test_logrotate_config_is_valid(host: Host, server: Server, unit: str) -> None:
    with host.sudo():
        assert host.run(f"logrotate --debug /etc/logrotate.d/{server.flavour}-{unit}").rc == 0


def test_log_is_rotated_and_written_again(host: Host, server: Server) -> None:
    log = f"/var/log/{server.flavour}/{server.flavour}-server.log"
    with host.sudo():
        host.check_output(f"logrotate --force /etc/logrotate.d/{server.flavour}-server")
        assert host.file(f"{log}.1").exists
    # A background save logs a line: the server writes to the new file.
    assert server.cli(host, "127.0.0.1", REDIS_PORT, [auth(ADMIN), "BGSAVE"])[1].startswith("Background saving")
    with host.sudo():
        host.run(f"for i in $(seq 20); do grep -q 'Background saving' {log} && break; sleep 0.5; done")
        assert "Background saving" in host.file(log).content_string
