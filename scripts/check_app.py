#!/usr/bin/env python3
"""Check that a release's application imports, from the release's own wheels only.

    scripts/check_app.py RELEASE_DIR APP

Builds RELEASE_DIR/.check-venv once (no index, hashes required: the same install the
hosts make), then loads APP as `celery --app` would. The application's settings are not
read (they come from the hosts' environment). Prints "created" when it built the venv.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

PROBE = """
import sys
from celery import Celery
from celery.app.utils import find_app
try:
    app = find_app(sys.argv[1])
except Exception as error:
    sys.exit(f"check_app: {sys.argv[1]} does not import: {type(error).__name__}: {error}")
if not isinstance(app, Celery):
    sys.exit(f"check_app: {sys.argv[1]} is not a Celery application")
"""


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    release, app = Path(sys.argv[1]), sys.argv[2]
    environment = release / ".check-venv"
    python = environment / "bin" / "python"
    if not python.exists():
        venv.create(environment, with_pip=True, clear=True)
        wheels, requirements = str(release / "wheels"), str(release / "requirements.txt")
        install = ["install", "--quiet", "--no-index", "--no-deps", "--require-hashes", "--find-links", wheels]
        subprocess.run([str(python), "-m", "pip", *install, "-r", requirements], check=True, stdout=sys.stderr)
        print("created")
    result = subprocess.run([str(python), "-c", PROBE, app], check=False, capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "check_app: failed", file=sys.stderr)
        return 1
    print(f"{app} imports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
