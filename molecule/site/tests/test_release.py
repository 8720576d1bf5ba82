"""Releases: installed from wheels with hashes required, `current` switched, earlier
releases kept. side_effect rolled 0.1.1 out to longshore-celery-w2 and back to 0.1.0."""

from __future__ import annotations

from testinfra.host import Host

from conftest import CURRENT, HOME, WORKER_UNIT, WORKERS, app_client

testinfra_hosts = WORKERS


def normalise(requirement: str) -> str:
    return requirement.lower().replace("_", "-")


def releases(host: Host) -> list[str]:
    with host.sudo():
        return sorted(host.run(f"ls {HOME}/releases").stdout.split())


def test_current_points_at_a_complete_release(host: Host) -> None:
    with host.sudo():
        target = host.check_output(f"readlink {CURRENT}")
        assert target.startswith(f"{HOME}/releases/0.1.0-")
        assert host.file(f"{target}/.longshore-release").exists


def test_the_release_was_installed_from_pinned_wheels_only(host: Host) -> None:
    with host.sudo():
        marker = host.file(f"{CURRENT}/.longshore-release").content_string
        installed = host.check_output(f"{CURRENT}/bin/pip list --format freeze --disable-pip-version-check")
    pinned = {normalise(line.split(" ")[0]) for line in marker.splitlines() if line}
    packages = {normalise(line) for line in installed.splitlines() if not line.lower().startswith("pip==")}
    assert packages == pinned


def test_the_uploaded_wheels_are_removed_after_the_install(host: Host) -> None:
    with host.sudo():
        assert not host.file(f"{HOME}/upload").exists


def test_rolled_back_host_keeps_the_newer_release_and_runs_the_earlier(host: Host) -> None:
    names = releases(host)
    if host.backend.get_hostname() != "longshore-celery-w2":
        assert len(names) == 1
        return
    assert [name.split("-")[0] for name in names] == ["0.1.0", "0.1.1"]
    with host.sudo():
        assert host.check_output(f"readlink {CURRENT}").endswith(names[0])
        version = host.check_output(f"{CURRENT}/bin/pip show longshore-app --disable-pip-version-check")
    assert "Version: 0.1.0" in version
    assert host.service(WORKER_UNIT).is_running
    rc, output = app_client(host, "ping")
    assert rc == 0, output
