"""Fixtures and a redis-cli helper for the Redis and Sentinel scenario."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

import pytest
from testinfra.host import Host

# Test values only (molecule.yml); real inventories take these from the vault.
ADMIN = ("admin", "redis-admin-password-for-tests-01")
APP = ("celery", "redis-celery-password-for-tests-02")
SENTINEL_ADMIN = ("admin", "sentinel-admin-password-for-tests-05")
SENTINEL_CLIENT = ("celery", "sentinel-celery-password-for-tests-06")
KEY_PREFIX = "celery:"
MASTER_NAME = "longshore"
REDIS_PORT = 6379
SENTINEL_PORT = 26379
NODES = ["longshore-redis1", "longshore-redis2", "longshore-redis3"]


@dataclass(frozen=True)
class Server:
    """What differs between the scenario's two runs: Redis with ACL users (Debian 12)
    and Valkey in TLS-only mode (Debian 13)."""

    flavour: str
    tls: bool

    @property
    def conf_dir(self) -> str:
        return f"/etc/{self.flavour}"

    @property
    def service(self) -> str:
        return f"{self.flavour}-server.service"

    @property
    def sentinel_service(self) -> str:
        return f"{self.flavour}-sentinel.service"

    def cli(self, host: Host, address: str, port: int, lines: list[str]) -> list[str]:
        """Send ``lines`` (one command each) to ``address:port`` with redis-cli on ``host``
        and return its non-empty reply lines (redis-cli exits 0 on NOAUTH/NOPERM: read the text)."""
        args = [f"{self.flavour}-cli", "-h", address, "-p", str(port)]
        if self.tls:
            tls = f"{self.conf_dir}/tls"
            args += ["--tls", "--cacert", f"{tls}/ca.crt", "--cert", f"{tls}/server.crt", "--key", f"{tls}/server.key"]
        script = "".join(line + "\n" for line in lines)
        with host.sudo():
            result = host.run(f"printf %s {shlex.quote(script)} | {shlex.join(args)}")
        assert result.rc == 0, result.stderr
        # redis-cli follows an error reply with an empty line.
        return [line for line in result.stdout.splitlines() if line]


@pytest.fixture(scope="module")
def server(host: Host) -> Server:
    flavour = "valkey" if host.file("/etc/valkey").exists else "redis"
    with host.sudo():
        tls = host.file(f"/etc/{flavour}/{flavour}.conf").contains("^tls-port")
    return Server(flavour, tls)


def auth(user: tuple[str, str]) -> str:
    return f"AUTH {user[0]} {user[1]}"


def sentinel_master(server: Server, host: Host) -> str:
    """The master's address, as the Sentinel on ``host`` names it."""
    reply = server.cli(
        host,
        "127.0.0.1",
        SENTINEL_PORT,
        [auth(SENTINEL_ADMIN), f"SENTINEL GET-MASTER-ADDR-BY-NAME {MASTER_NAME}"],
    )
    assert reply[0] == "OK", reply
    assert len(reply) == 3, reply
    return reply[1]


@pytest.fixture
def master_address(host: Host, server: Server) -> str:
    return sentinel_master(server, host)


def info(server: Server, host: Host, section: str) -> dict[str, str]:
    """INFO ``section`` of the local data node, as a dict."""
    reply = server.cli(host, "127.0.0.1", REDIS_PORT, [auth(ADMIN), f"INFO {section}"])
    return dict(line.split(":", 1) for line in reply[1:] if ":" in line and not line.startswith("#"))
