"""Behaviour of the base role on every host of the scenario."""

from __future__ import annotations

import pytest
from testinfra.host import Host

SERVICE_ACCOUNT = "longshore-probe"


def test_systemd_services_get_no_core_dumps(host: Host) -> None:
    """A service started by systemd has a hard core size limit of 0 (DefaultLimitCORE)."""
    out = host.check_output("systemd-run --quiet --wait --pipe --collect sh -c 'ulimit -Hc'")
    assert out.strip() == "0"


def test_login_sessions_get_no_core_dumps(host: Host) -> None:
    """pam_limits gives login sessions a hard core size limit of 0."""
    limits = host.file("/etc/security/limits.d/90-longshore-coredumps.conf")
    assert limits.mode == 0o644
    assert "*    hard    core    0" in limits.content_string


def test_systemd_coredump_keeps_nothing(host: Host) -> None:
    out = host.check_output("systemd-analyze cat-config systemd/coredump.conf")
    assert "Storage=none" in out.splitlines()


@pytest.mark.parametrize(
    ("name", "value"),
    [("fs.suid_dumpable", "0"), ("kernel.dmesg_restrict", "1"), ("fs.protected_symlinks", "1")],
)
def test_kernel_parameters_are_written(host: Host, name: str, value: str) -> None:
    """The parameters are in /etc/sysctl.d, so the host's boot applies them."""
    lines = host.file("/etc/sysctl.d/90-longshore.conf").content_string.splitlines()
    assert f"{name}={value}" in [line.replace(" ", "") for line in lines]


@pytest.mark.parametrize(
    ("key", "value"),
    [("APT::Install-Recommends", "false"), ("Acquire::Retries", "3")],
)
def test_apt_policy_is_in_force(host: Host, key: str, value: str) -> None:
    out = host.check_output(f"apt-config dump {key}")
    assert f'{key} "{value}";' in out.splitlines()


@pytest.mark.parametrize("package", ["acl", "ca-certificates", "logrotate", "openssl", "less"])
def test_baseline_packages_are_installed(host: Host, package: str) -> None:
    assert host.package(package).is_installed


def test_var_log_is_not_writable_by_others(host: Host) -> None:
    log_dir = host.file("/var/log")
    assert (log_dir.user, log_dir.group, log_dir.mode) == ("root", "root", 0o755)


def test_log_files_are_not_readable_by_others(host: Host) -> None:
    """dpkg and apt write world-readable logs; the role takes other users' access away."""
    assert host.file("/var/log/dpkg.log").exists
    readable = host.check_output(
        "find /var/log -path /var/log/journal -prune -o -name '*.log' ! -name history.log -type f -perm -o=r -print"
    )
    assert readable == ""


def test_service_account_is_a_system_account(host: Host) -> None:
    user = host.user(SERVICE_ACCOUNT)
    assert user.exists
    assert user.uid < 1000
    assert user.group == SERVICE_ACCOUNT
    assert user.shell == "/usr/sbin/nologin"
    assert not host.file(user.home).exists


def test_service_account_password_is_locked(host: Host) -> None:
    with host.sudo():
        shadow = host.check_output(f"getent shadow {SERVICE_ACCOUNT}")
    assert shadow.split(":")[1].startswith("!")


def test_service_account_cannot_log_in(host: Host) -> None:
    result = host.run(f"su {SERVICE_ACCOUNT} -c true")
    assert result.rc != 0
    assert "not available" in result.stdout + result.stderr
