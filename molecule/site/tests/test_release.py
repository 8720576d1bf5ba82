"""Releases: built once on the controller for both hosts' Pythons (3.13 and 3.11), installed
from wheels with hashes required, `current` switched, earlier releases kept. side_effect
rolled the shop's 1.0.1 out to both worker hosts (rolling restart), then rolled
longshore-site-w2 back to 1.0.0."""

from __future__ import annotations

from testinfra.host import Host

from conftest import CURRENT, HOME, PYTHON_OF, WORKER_UNIT, WORKERS, client

testinfra_hosts = WORKERS


def normalise(requirement: str) -> str:
    return requirement.lower().replace("_", "-")


def releases(host: Host) -> list[str]:
    with host.sudo():
        return sorted(host.run(f"ls {HOME}/releases").stdout.split())


# The release each host runs after side_effect.
RUNNING = {"longshore-site-w1": "1.0.1", "longshore-site-w2": "1.0.0"}


def test_current_points_at_a_complete_release(host: Host) -> None:
    with host.sudo():
        target = host.check_output(f"readlink {CURRENT}")
        assert target.startswith(f"{HOME}/releases/{RUNNING[host.backend.get_hostname()]}-")
        assert host.file(f"{target}/.longshore-release").exists


def test_the_release_was_installed_from_pinned_wheels_only(host: Host) -> None:
    with host.sudo():
        marker = host.file(f"{CURRENT}/.longshore-release").content_string
        installed = host.check_output(f"{CURRENT}/bin/pip list --format freeze --disable-pip-version-check")
    pinned = {normalise(line.split(" ")[0]): ";" in line for line in marker.splitlines() if line}
    packages = {normalise(line) for line in installed.splitlines() if not line.lower().startswith("pip==")}
    # Everything installed is pinned; every pin is installed but those whose environment
    # marker leaves them out on this host's Python (async-timeout below 3.11.3).
    assert packages <= set(pinned)
    assert {pin for pin, has_marker in pinned.items() if not has_marker} <= packages


def test_the_uploaded_wheels_are_removed_after_the_install(host: Host) -> None:
    with host.sudo():
        assert not host.file(f"{HOME}/upload").exists


def test_each_host_keeps_both_releases_and_runs_its_own(host: Host) -> None:
    names = releases(host)
    assert [name.split("-")[0] for name in names] == ["1.0.0", "1.0.1"]
    running = RUNNING[host.backend.get_hostname()]
    with host.sudo():
        assert host.check_output(f"readlink {CURRENT}").endswith(next(n for n in names if n.startswith(running)))
        version = host.check_output(f"{CURRENT}/bin/pip show django-shop --disable-pip-version-check")
    assert f"Version: {running}" in version
    assert host.service(WORKER_UNIT).is_running
    rc, output = client(host, "ping")
    assert rc == 0, output


def test_the_release_runs_on_the_hosts_own_python_with_its_compiled_wheels(host: Host) -> None:
    # pydantic-core has compiled wheels only: the release holds one for each host's Python.
    probe = "import sys, pydantic_core; print('%d.%d' % sys.version_info[:2], pydantic_core.__file__)"
    with host.sudo():
        shown = host.check_output(f'{CURRENT}/bin/python -c "{probe}"')
    version, location = shown.split()
    assert version == PYTHON_OF[host.backend.get_hostname()]
    assert location.startswith(f"{HOME}/")
