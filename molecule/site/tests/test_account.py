"""The service account and its files: a system user that can run the code but not
change it, and secrets readable by its group only."""

from __future__ import annotations

import pytest
from testinfra.host import Host

from conftest import CONF_DIR, CURRENT, ENV_FILE, HOME, LOG_DIR, NAME, SECRETS, STATE_DIR, WORKER_UNIT, WORKERS

testinfra_hosts = WORKERS


def test_the_service_user_is_a_locked_system_account_without_a_shell(host: Host) -> None:
    user = host.user(NAME)
    assert user.uid < 1000
    assert user.shell == "/usr/sbin/nologin"
    with host.sudo():
        assert host.run(f"passwd --status {NAME}").stdout.split()[1] == "L"


def test_the_worker_processes_run_as_the_service_user(host: Host) -> None:
    pid = host.run(f"systemctl show --property MainPID --value {WORKER_UNIT}").stdout.strip()
    assert pid not in ("", "0")
    users = host.run(f"ps -o user= --ppid {pid} -p {pid}").stdout.split()
    assert len(users) >= 3  # the main process and its pool of 2
    assert set(users) == {NAME}


@pytest.mark.parametrize("path", [f"{CURRENT}/bin", f"{CURRENT}/lib", HOME, f"{HOME}/releases"])
def test_the_service_user_cannot_write_its_code(host: Host, path: str) -> None:
    with host.sudo():
        probe = host.run(f"runuser -u {NAME} -- touch {path}/.write-probe")
        host.run(f"rm -f {path}/.write-probe")
    assert probe.rc != 0
    assert "Permission denied" in probe.stderr


def test_no_file_of_the_releases_is_writable_by_anyone_but_root(host: Host) -> None:
    # Symbolic links (bin/python, lib64) always show mode 0777: only real files and
    # directories count.
    with host.sudo():
        result = host.run(f"find {HOME}/releases/ ! -type l \\( ! -user root -o -perm /022 \\) -print -quit")
    assert result.rc == 0, result.stderr
    assert result.stdout == ""


def test_the_code_is_hidden_from_other_users(host: Host) -> None:
    with host.sudo():
        assert host.run(f"runuser -u nobody -- ls {HOME}").rc != 0


@pytest.mark.parametrize(
    ("path", "owner", "mode"),
    [
        (HOME, "root", 0o750),
        (CONF_DIR, "root", 0o750),
        (ENV_FILE, "root", 0o640),
        (f"{CONF_DIR}/tls/client.key", "root", 0o640),
        (STATE_DIR, NAME, 0o750),
        (LOG_DIR, NAME, 0o750),
    ],
)
def test_files_have_their_exact_owner_and_mode(host: Host, path: str, owner: str, mode: int) -> None:
    with host.sudo():
        file = host.file(path)
        assert (file.user, file.group, file.mode) == (owner, NAME, mode)


def test_no_secret_is_on_a_command_line(host: Host) -> None:
    with host.sudo():
        command_lines = host.run("cat /proc/[0-9]*/cmdline | tr '\\0' ' '").stdout
    assert command_lines
    for secret in SECRETS:
        assert secret not in command_lines


def test_the_environment_file_holds_the_secrets_the_units_read(host: Host) -> None:
    with host.sudo():
        content = host.file(ENV_FILE).content_string
    assert any(secret in content for secret in SECRETS)
