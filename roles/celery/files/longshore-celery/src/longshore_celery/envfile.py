"""Read an environment file as systemd's EnvironmentFile= reads the ones Longshore writes.

Lines are KEY=VALUE or KEY="VALUE" (backslash escapes \\" and \\\\ inside quotes);
blank lines and lines starting with # are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not KEY.match(key):
            raise ValueError(f"line {number}: not KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        values[key] = value
    return values


def read(path: Path) -> dict[str, str]:
    return parse(path.read_text(encoding="utf-8"))
