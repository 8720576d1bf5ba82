#!/usr/bin/env python3
"""Build a release of the application on the controller: its wheel and the wheels of
its locked dependencies, with a requirements file that pins every one of them by hash.

    scripts/build_app.py PROJECT OUT

The release is named <version>-<first 12 hex digits of the requirements file's SHA-256>,
so any change to the application or to a dependency makes a new release, and building
the same sources again gives the same name (the wheel is built with a fixed timestamp).
OUT/<release>/ holds wheels/ and requirements.txt; an existing release is left as it is.
Prints one JSON object: {"release": ..., "path": ..., "created": true|false}.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename

# Timestamps inside the application's wheel (1980-01-01, the earliest a zip can hold).
SOURCE_DATE_EPOCH = "315532800"


def pip(*arguments: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--quiet", *arguments], check=True, env=env, stdout=sys.stderr)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    project, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    lock = project / "requirements.lock"
    if not lock.is_file():
        print(f"build_app: {lock} is missing: run scripts/lock_app.py {project}", file=sys.stderr)
        return 1
    meta = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=out))
    try:
        wheels = staging / "wheels"
        pip("download", "--no-deps", "--only-binary", ":all:", "--require-hashes", "-r", str(lock), "-d", str(wheels))
        with tempfile.TemporaryDirectory() as build:
            # Build from a copy, so the source tree gets no build/ or egg-info folders.
            source = Path(build) / "src"
            shutil.copytree(project, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
            pip(
                "wheel",
                "--no-deps",
                "-w",
                str(wheels),
                str(source),
                env={**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH},
            )
        name = canonicalize_name(meta["name"])
        app_wheels = [w for w in wheels.glob("*.whl") if parse_wheel_filename(w.name)[0] == name]
        if len(app_wheels) != 1:
            raise SystemExit(f"build_app: expected one wheel of {name}, found {len(app_wheels)}")
        digest = hashlib.sha256(app_wheels[0].read_bytes()).hexdigest()
        pins = [line for line in lock.read_text().splitlines() if line and not line.startswith("#")]
        requirements = "\n".join(sorted([*pins, f"{name}=={meta['version']} --hash=sha256:{digest}"])) + "\n"
        (staging / "requirements.txt").write_text(requirements)
        release = f"{meta['version']}-{hashlib.sha256(requirements.encode()).hexdigest()[:12]}"
        target = out / release
        created = not target.exists()
        if created:
            staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(json.dumps({"release": release, "path": str(target), "created": created}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
