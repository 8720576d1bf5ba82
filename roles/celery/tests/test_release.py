"""files/release.py: locks for every host Python, releases with each host's wheels, and
the refusals (no pyproject.toml, a stale lock, a dependency without a wheel). These fetch
from PyPI, as a real lock and build do."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROLE = Path(__file__).resolve().parents[1]
TOOL = ROLE / "files" / "release.py"
CLIENT = ROLE / "files" / "longshore-celery"
TARGETS = ["3.13:x86_64:2.41@debian13-host", "3.11:x86_64:2.36@debian12-host"]


def release(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=300, check=False)


def project(tmp_path: Path, dependencies: str) -> Path:
    """A small project of one module depending on ``dependencies``."""
    root = tmp_path / "project"
    (root / "src" / "small").mkdir(parents=True)
    (root / "src" / "small" / "__init__.py").write_text("from celery import Celery\napp = Celery('small')\n")
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=69"]\nbuild-backend = "setuptools.build_meta"\n'
        f'[project]\nname = "small"\nversion = "1.0"\nrequires-python = ">=3.11"\ndependencies = [{dependencies}]\n'
        '[tool.setuptools.packages.find]\nwhere = ["src"]\n'
    )
    return root


@pytest.fixture(scope="module")
def locked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = project(tmp_path_factory.mktemp("locked"), '"celery>=5.6,<6", "pydantic>=2"')
    result = release("lock", str(root), str(CLIENT))
    assert result.returncode == 0, result.stderr
    return root


def test_the_lock_pins_every_file_of_each_dependency_and_leaves_no_build_files(locked: Path) -> None:
    lock = (locked / "requirements.lock").read_text()
    block = lock.split("pydantic-core==", 1)[1].split("\n", 1)[1].split("\n\n", 1)[0]
    # Wheels for every Python and platform: far more than one hash.
    assert block.count("--hash=sha256:") > 20
    assert sorted(path.name for path in locked.iterdir()) == ["pyproject.toml", "requirements.lock", "src"]
    assert not list(locked.rglob("*.egg-info"))


def test_a_release_holds_the_compiled_wheels_of_each_host_python(locked: Path, tmp_path: Path) -> None:
    result = release("build", str(locked), str(CLIENT), str(tmp_path), *(f"--target={t}" for t in TARGETS))
    assert result.returncode == 0, result.stderr
    built = json.loads(result.stdout)
    wheels = sorted(path.name for path in (Path(built["path"]) / "wheels").glob("pydantic_core-*.whl"))
    assert [name.split("-")[2] for name in wheels] == ["cp311", "cp313"]
    with tarfile.open(Path(built["path"]) / "release.tar") as archive:
        assert "requirements.txt" in archive.getnames()
    again = release("build", str(locked), str(CLIENT), str(tmp_path), *(f"--target={t}" for t in TARGETS))
    again = json.loads(again.stdout)
    assert (again["release"], again["created"]) == (built["release"], False)


def test_a_lock_that_no_longer_matches_the_project_is_refused(locked: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed"
    shutil.copytree(locked, changed)
    pyproject = changed / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"pydantic>=2"', '"pydantic>=2", "attrs"'))
    result = release("build", str(changed), str(CLIENT), str(tmp_path / "out"), f"--target={TARGETS[0]}")
    assert result.returncode == 1
    assert "does not match the dependencies of" in result.stderr


def test_a_dependency_without_a_wheel_for_a_host_is_named_with_the_hosts(tmp_path: Path) -> None:
    # PyYAML 5.3.1 has a source archive and Windows wheels only.
    root = project(tmp_path, '"celery>=5.6,<6", "PyYAML==5.3.1"')
    assert release("lock", str(root), str(CLIENT)).returncode == 0
    result = release("build", str(root), str(CLIENT), str(tmp_path / "out"), f"--target={TARGETS[1]}")
    assert result.returncode == 1
    assert "no wheel for Python 3.11 on x86_64, glibc 2.36 (hosts debian12-host)" in result.stderr
    assert "pyyaml" in result.stderr.lower()


def test_a_project_without_a_pyproject_is_refused(tmp_path: Path) -> None:
    result = release("lock", str(tmp_path), str(CLIENT))
    assert result.returncode == 1
    assert "has no pyproject.toml" in result.stderr
