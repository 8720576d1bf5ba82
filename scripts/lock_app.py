#!/usr/bin/env python3
"""Write PROJECT/requirements.lock: every dependency of the application (and of its
extras), at the versions pip resolves today, each with the SHA-256 of its wheel.

    scripts/lock_app.py [PROJECT]      (default: app)

Hosts install only what the lock names, with hashes required (scripts/build_app.py).
Wheels only: a dependency without a wheel for this platform stops the lock.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename


def main() -> int:
    project = Path(sys.argv[1] if len(sys.argv) > 1 else "app").resolve()
    meta = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    extras = ",".join(sorted(meta.get("optional-dependencies", {})))
    target = f"{project}[{extras}]" if extras else str(project)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary", ":all:", "--dest", tmp, target],
            check=True,
        )
        lines = []
        for wheel in sorted(Path(tmp).glob("*.whl")):
            name, version, _, _ = parse_wheel_filename(wheel.name)
            if name == canonicalize_name(meta["name"]):
                continue
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            lines.append(f"{name}=={version} --hash=sha256:{digest}")
    header = (
        f"# Dependencies of {meta['name']} (and its extras: {extras or 'none'}), pinned with the\n"
        "# hashes of their wheels. Written by scripts/lock_app.py; do not edit by hand.\n"
    )
    (project / "requirements.lock").write_text(header + "\n".join(lines) + "\n")
    print(f"{project / 'requirements.lock'}: {len(lines)} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
