"""Who may do what on the data nodes: the default user is off, the application user is
confined to its key prefix and kept from dangerous commands."""

from __future__ import annotations

import uuid

import pytest
from testinfra.host import Host

from conftest import ADMIN, APP, KEY_PREFIX, REDIS_PORT, Server, auth


def test_unauthenticated_client_gets_noauth(host: Host, server: Server, address: str) -> None:
    assert server.cli(host, address, REDIS_PORT, ["PING"])[0].startswith("NOAUTH")


def test_wrong_password_gets_wrongpass(host: Host, server: Server, address: str) -> None:
    reply = server.cli(host, address, REDIS_PORT, [f"AUTH {APP[0]} {APP[1]}x", "PING"])
    assert reply[0].startswith("WRONGPASS")
    assert reply[1].startswith("NOAUTH")


def test_default_user_is_off(host: Host, server: Server, address: str) -> None:
    assert server.cli(host, address, REDIS_PORT, ["AUTH default anything"])[0].startswith("WRONGPASS")


@pytest.mark.parametrize("command", ["CONFIG GET maxmemory", "FLUSHALL", "KEYS *", "SHUTDOWN", "ACL LIST"])
def test_app_user_is_refused_dangerous_commands(host: Host, server: Server, address: str, command: str) -> None:
    reply = server.cli(host, address, REDIS_PORT, [auth(APP), command])
    assert reply[0] == "OK"
    assert reply[1].startswith("NOPERM"), reply


@pytest.mark.parametrize("command", ["SET other:key 1", "GET other:key", "PUBLISH other:channel 1"])
def test_app_user_is_refused_outside_its_prefix(host: Host, server: Server, address: str, command: str) -> None:
    reply = server.cli(host, address, REDIS_PORT, [auth(APP), command])
    assert reply[1].startswith("NOPERM"), reply


def test_app_user_is_refused_debug(host: Host, server: Server, address: str) -> None:
    reply = server.cli(host, address, REDIS_PORT, [auth(APP), "DEBUG SLEEP 0"])
    assert reply[1].startswith("NOPERM") or "DEBUG command not allowed" in reply[1], reply


@pytest.mark.parametrize("command", ["DEBUG SLEEP 0", "MODULE LOAD /usr/lib/redis/none.so"])
def test_debug_and_module_commands_are_off_even_for_the_administrator(host: Host, server: Server, command: str) -> None:
    reply = server.cli(host, "127.0.0.1", REDIS_PORT, [auth(ADMIN), command])
    assert "command not allowed" in reply[1], reply


def test_app_user_works_inside_its_prefix(host: Host, server: Server, master_address: str) -> None:
    """Through the master, the application user writes and reads its own keys and channels."""
    address = master_address
    key = f"{KEY_PREFIX}test-{uuid.uuid4().hex[:8]}"
    reply = server.cli(
        host, address, REDIS_PORT, [auth(APP), f"SET {key} v", f"GET {key}", f"DEL {key}", f"PUBLISH {KEY_PREFIX}c 1"]
    )
    assert reply == ["OK", "OK", "v", "1", "0"]


@pytest.mark.parametrize(
    ("setting", "value"),
    [("maxmemory-policy", "noeviction"), ("appendonly", "yes"), ("appendfsync", "everysec"), ("protected-mode", "yes")],
)
def test_setting_is_in_force(host: Host, server: Server, setting: str, value: str) -> None:
    reply = server.cli(host, "127.0.0.1", REDIS_PORT, [auth(ADMIN), f"CONFIG GET {setting}"])
    assert reply[1:] == [setting, value]


def test_server_cannot_rewrite_its_configuration(host: Host, server: Server) -> None:
    """Even the administrator cannot make the server persist a change to its own file."""
    reply = server.cli(host, "127.0.0.1", REDIS_PORT, [auth(ADMIN), "CONFIG REWRITE"])
    assert reply[1].startswith("ERR"), reply
