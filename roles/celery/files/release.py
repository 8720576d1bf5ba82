#!/usr/bin/env python3
"""Lock and build releases of a Celery application, on the controller, for the hosts.

    release.py lock  PROJECT CLIENT [--python 3.11]
    release.py build PROJECT CLIENT OUT --target PYTHON:MACHINE:GLIBC [--target ...]

``lock`` writes PROJECT/requirements.lock: every dependency of the project and of the
platform's client library (CLIENT, with its Flower extra), resolved once for every
Python from ``--python`` up and every platform (``uv pip compile --universal``), each
pinned with the SHA-256 of every file PyPI has for it. The project is read from a
temporary copy, so its tree gets no build files. The lock's first line records a digest
of what it was made from; ``build`` refuses a lock that no longer matches.

``build`` makes a release: for each target (the hosts' Python, machine and glibc, e.g.
``3.13:x86_64:2.41``), uv selects the locked packages that apply and checks each has a
wheel for it (a package without one stops the build, named with the target); pip fetches
those wheels with their hashes checked. The project's and the client's own wheels are
built from copies. OUT/<release>/ then holds wheels/ and requirements.txt (every
package pinned by hash); the release is named <version>-<12 hex digits of the SHA-256 of
that file>, so any change makes a new release and the same sources the same one. An
existing release is kept as it is. Prints one JSON object: release, path, created.

Needs uv and pip on the controller (the controller's toolchain, requirements.txt).
Exit status 1 with one line on standard error for any refusal.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename

LOCK_NAME = "requirements.lock"
DIGEST_LINE = re.compile(r"^# longshore-lock: ([0-9a-f]{64})$")
# Timestamps inside the wheels built here (1980-01-01, the earliest a zip can hold).
SOURCE_DATE_EPOCH = "315532800"
# The newest manylinux tag uv knows; a newer glibc still runs wheels made for it.
UV_MAX_GLIBC_MINOR = 40
COPY_IGNORE = shutil.ignore_patterns(
    "build", "dist", "*.egg-info", "__pycache__", ".venv", ".git", ".tox", ".mypy_cache", ".ruff_cache"
)


class Refused(Exception):
    """A refusal, told to the operator in one line."""


@dataclass(frozen=True)
class Target:
    """The hosts' interpreter: Python ``major.minor``, machine (uname -m), glibc ``2.N``,
    and the names of the hosts that run it (for messages only)."""

    python: str
    machine: str
    glibc: str
    hosts: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def parse(cls, text: str) -> Target:
        """Parse ``PYTHON:MACHINE:GLIBC[@host,host]``, e.g. ``3.13:x86_64:2.41@worker1``."""
        match = re.fullmatch(r"(3\.\d+):(x86_64|aarch64):2\.(\d+)(?:@([^@]+))?", text)
        if not match:
            raise Refused(f"target {text!r} is not PYTHON:MACHINE:GLIBC[@HOSTS], e.g. 3.13:x86_64:2.41@worker1")
        return cls(match[1], match[2], f"2.{match[3]}", tuple((match[4] or "").split(",")) if match[4] else ())

    def __str__(self) -> str:
        where = f" (hosts {', '.join(self.hosts)})" if self.hosts else ""
        return f"Python {self.python} on {self.machine}, glibc {self.glibc}{where}"

    @property
    def glibc_minor(self) -> int:
        return int(self.glibc.split(".")[1])

    def marker(self) -> str:
        """File name recording that a release has this target's wheels."""
        return f"{self.python}-{self.machine}-glibc{self.glibc}"

    def uv_platform(self) -> str:
        return f"{self.machine}-manylinux_2_{min(self.glibc_minor, UV_MAX_GLIBC_MINOR)}"

    def pip_arguments(self) -> list[str]:
        """pip's --platform takes exact tags: every manylinux tag this glibc runs."""
        tags = [f"manylinux_2_{minor}_{self.machine}" for minor in range(self.glibc_minor, 4, -1)]
        tags += [f"manylinux2014_{self.machine}"]
        if self.machine == "x86_64":
            tags += ["manylinux2010_x86_64", "manylinux1_x86_64"]
        abi = "cp" + self.python.replace(".", "")
        arguments = ["--python-version", self.python, "--implementation", "cp", "--abi", abi]
        for tag in tags:
            arguments += ["--platform", tag]
        return arguments


def run(command: list[str], *, what: str, env: dict[str, str] | None = None) -> str:
    """Run ``command``; on failure raise Refused with ``what`` and the tool's last error line."""
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        # The tool's error, on one line: its message wraps and carries tree drawings.
        lines = [line.strip(" ╰─▶│") for line in result.stderr.splitlines()]
        kept = [line for line in lines if line and not line.lower().startswith(("warning", "hint", "cause: request"))]
        message = re.sub(r"\s+", " ", " ".join(kept)).replace("error: ", "").strip()
        raise Refused(f"{what}: {message[-600:] or 'failed'}")
    return result.stdout


def tool_env() -> dict[str, str]:
    # uv must never try to download a Python: the hosts' interpreters are described, not run.
    return {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def project_meta(project: Path) -> dict[str, object]:
    pyproject = project / "pyproject.toml"
    if not pyproject.is_file():
        raise Refused(f"{project} has no pyproject.toml: a project declares its name, version and dependencies there")
    meta = tomllib.loads(pyproject.read_text()).get("project", {})
    for key in ("name", "version"):
        if not isinstance(meta.get(key), str):
            raise Refused(f"{pyproject}: [project] {key} is missing (a static value is needed)")
    return meta


def lock_digest(project: Path, client: Path, python: str) -> str:
    """Digest of what a lock is made from: the dependencies both projects declare (not
    their versions or code) and the lowest Python."""
    declared = [python]
    for path in (project, client):
        meta = project_meta(path)
        declared.append(
            {key: meta.get(key) for key in ("name", "dependencies", "optional-dependencies", "requires-python")}
        )
    return hashlib.sha256(json.dumps(declared, sort_keys=True).encode()).hexdigest()


def copy_project(project: Path, into: Path) -> Path:
    """A copy of ``project`` to read or build from, so its own tree gets no build files."""
    target = into / project.name
    shutil.copytree(project, target, ignore=COPY_IGNORE)
    return target


def lock(project: Path, client: Path, python: str) -> dict[str, object]:
    project_meta(project)
    client_name = project_meta(client)["name"]
    with tempfile.TemporaryDirectory(prefix="longshore-lock-") as tmp:
        source, library = copy_project(project, Path(tmp)), copy_project(client, Path(tmp) / "client")
        inputs = Path(tmp) / "inputs.txt"
        # The project, and the client library with its Flower extra (the Flower unit).
        inputs.write_text(f"{source}\n{library}[flower]\n")
        output = run(
            [
                sys.executable,
                "-m",
                "uv",
                "pip",
                "compile",
                str(inputs),
                "--universal",
                "--python-version",
                python,
                "--generate-hashes",
                "--no-header",
                "--no-annotate",
                "--quiet",
            ],
            what=f"uv could not lock {project}",
            env=tool_env(),
        )
    # The project and the client (given as paths) are built at release time, not taken
    # from an index.
    kept = "\n".join(block for block in requirement_blocks(output) if re.match(r"[A-Za-z0-9]", block))
    header = (
        f"# longshore-lock: {lock_digest(project, client, python)}\n"
        f"# Every dependency of {project_meta(project)['name']} and of {client_name}[flower], for Python\n"
        f"# {python} and newer on every platform, pinned with the hashes of their files. Written by\n"
        "# the celery role's release.py lock (ansible-playbook playbooks/lock.yml); do not edit by hand.\n"
    )
    path, text = project / LOCK_NAME, header + kept + "\n"
    changed = not path.is_file() or path.read_text() != text
    if changed:
        path.write_text(text)
    return {"lock": str(path), "changed": changed}


def requirement_blocks(text: str) -> list[str]:
    """Split uv's output into one block per requirement (a line and its hash lines)."""
    blocks: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith((" ", "\t")) and blocks:
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return blocks


def checked_lock(project: Path, client: Path, python: str) -> Path:
    path = project / LOCK_NAME
    if not path.is_file():
        raise Refused(f"{path} is missing: lock the project first (ansible-playbook playbooks/lock.yml)")
    first = path.read_text().splitlines()[:1]
    match = DIGEST_LINE.match(first[0]) if first else None
    if not match or match[1] != lock_digest(project, client, python):
        raise Refused(
            f"{path} does not match the dependencies of {project / 'pyproject.toml'} (or of the client library):"
            " lock the project again (ansible-playbook playbooks/lock.yml)"
        )
    return path


def build_wheel(project: Path, into: Path, wheels: Path) -> Path:
    """A wheel of ``project``, built from a copy by its own build backend (uv build)."""
    source = copy_project(project, into)
    run(
        [sys.executable, "-m", "uv", "build", "--wheel", "--quiet", "--out-dir", str(wheels), str(source)],
        what=f"could not build a wheel of {project}",
        env={**tool_env(), "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH},
    )
    name = canonicalize_name(str(project_meta(project)["name"]))
    built = [wheel for wheel in wheels.glob("*.whl") if parse_wheel_filename(wheel.name)[0] == name]
    if len(built) != 1:
        raise Refused(f"building {project} gave {len(built)} wheels of {name}, not one")
    tags = parse_wheel_filename(built[0].name)[3]
    if any(tag.platform != "any" for tag in tags):
        raise Refused(
            f"{built[0].name} is built for this controller only: the project's own code must be pure Python"
            " (compiled code belongs in a dependency with wheels on PyPI)"
        )
    return built[0]


def fetch_wheels(lock_file: Path, target: Target, wheels: Path, scratch: Path) -> list[str]:
    """The locked wheels ``target`` needs, hashes checked, into ``wheels``; returns their
    file names. Refuses a package without a wheel for the target, naming both."""
    selected = scratch / f"{target.python}-{target.machine}-{target.glibc}.txt"
    run(
        [
            sys.executable,
            "-m",
            "uv",
            "pip",
            "compile",
            str(lock_file),
            "--no-deps",
            "--only-binary",
            ":all:",
            "--python-version",
            target.python,
            "--python-platform",
            target.uv_platform(),
            "--generate-hashes",
            "--no-header",
            "--no-annotate",
            "--quiet",
            "-o",
            str(selected),
        ],
        what=f"no wheel for {target}",
        env=tool_env(),
    )
    fetched = scratch / target.marker()
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--require-hashes",
            *target.pip_arguments(),
            "-r",
            str(selected),
            "-d",
            str(fetched),
        ],
        what=f"pip could not fetch the wheels for {target}",
        env=tool_env(),
    )
    wheels.mkdir(exist_ok=True)
    names = sorted(wheel.name for wheel in fetched.glob("*.whl"))
    for name in names:
        if not (wheels / name).exists():
            shutil.copy2(fetched / name, wheels / name)
    return names


def tree_digest(root: Path) -> str:
    """SHA-256 over the paths and contents of the files a build copies from ``root``."""
    digest = hashlib.sha256()
    for directory, names, files in os.walk(root):
        ignored = COPY_IGNORE(directory, names + files)
        names[:] = sorted(name for name in names if name not in ignored)
        for name in sorted(name for name in files if name not in ignored):
            path = Path(directory) / name
            digest.update(f"{path.relative_to(root)}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build(project: Path, client: Path, out: Path, targets: list[Target], python: str) -> dict[str, object]:
    """Build (or complete) the release of ``project``; its name comes from its sources:
    the lock, the project's files and the client library's files."""
    if not targets:
        raise Refused("no target: name the hosts' Python, machine and glibc with --target")
    meta, client_meta = project_meta(project), project_meta(client)
    lock_file = checked_lock(project, client, python)
    key = hashlib.sha256((lock_file.read_text() + tree_digest(project) + tree_digest(client)).encode()).hexdigest()
    release = f"{meta['version']}-{key[:12]}"
    target_dir = out / release
    done = target_dir / "targets"
    missing = [target for target in targets if not (done / target.marker()).is_file()]
    if (target_dir / "requirements.txt").is_file() and not missing:
        return {"release": release, "path": str(target_dir), "created": False}
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=out))
    try:
        wheels = staging / "wheels"
        with tempfile.TemporaryDirectory(prefix="longshore-build-") as tmp:
            fetched = {target: fetch_wheels(lock_file, target, wheels, Path(tmp)) for target in missing}
            own = [build_wheel(path, Path(tmp) / label, wheels) for path, label in ((project, "p"), (client, "c"))]
        pins = [" ".join(block.replace("\\", " ").split()) for block in requirement_blocks(lock_file.read_text())]
        for wheel, version in zip(own, (meta["version"], client_meta["version"]), strict=True):
            name = parse_wheel_filename(wheel.name)[0]
            pins.append(f"{name}=={version} --hash=sha256:{hashlib.sha256(wheel.read_bytes()).hexdigest()}")
        (staging / "requirements.txt").write_text("\n".join(sorted(pins)) + "\n")
        if not (target_dir / "requirements.txt").is_file():
            shutil.rmtree(target_dir, ignore_errors=True)
            (staging / "targets").mkdir()
            staging.rename(target_dir)
        else:
            # A target first seen now (a new kind of host): its wheels join the release.
            for wheel in wheels.glob("*.whl"):
                if not (target_dir / "wheels" / wheel.name).exists():
                    shutil.copy2(wheel, target_dir / "wheels" / wheel.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # Each target's marker lists the wheels its hosts install (the import check reads it).
    for target, names in fetched.items():
        (done / target.marker()).write_text("\n".join(sorted([*names, *(wheel.name for wheel in own)])) + "\n")
    with tarfile.open(target_dir / "release.tar", "w") as archive:
        for part in ("requirements.txt", "wheels", "targets"):
            archive.add(target_dir / part, arcname=part)
    return {"release": release, "path": str(target_dir), "created": True}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("lock", "build"):
        command = commands.add_parser(name)
        command.add_argument("project", type=Path)
        command.add_argument("client", type=Path)
        command.add_argument("--python", default="3.11", help="the lowest Python of the hosts (default 3.11)")
        if name == "build":
            command.add_argument("out", type=Path)
            command.add_argument("--target", action="append", default=[], help="PYTHON:MACHINE:GLIBC")
    arguments = parser.parse_args(argv)
    project, client = arguments.project.resolve(), arguments.client.resolve()
    try:
        if arguments.command == "lock":
            print(json.dumps(lock(project, client, arguments.python)))
        else:
            targets = sorted({Target.parse(text) for text in arguments.target}, key=str)
            print(json.dumps(build(project, client, arguments.out.resolve(), targets, arguments.python)))
    except Refused as refusal:
        print(f"release.py: {refusal}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
