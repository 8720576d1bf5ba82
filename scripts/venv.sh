#!/usr/bin/env bash
# Build the controller toolchain in .venv from requirements.txt (exact pins).
set -euo pipefail

readonly VENV=${VENV:-.venv}
# The interpreter to build from must not be the one inside the venv being rebuilt.
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$(pwd)/$VENV/bin" | paste -sd: -)
export PATH
unset VIRTUAL_ENV
readonly PYTHON=${PYTHON:-python3}
readonly CLIENT=roles/celery/files/longshore-celery

die() { printf 'venv: %s\n' "$*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found: install Python 3.11 or newer"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "$("$PYTHON" -V 2>&1) is too old: Python 3.11 or newer is needed"

if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "venv: installing python3-venv"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; } \
      || die "apt-get could not install python3-venv"
  else
    die "the Python venv module is missing: install python3-venv"
  fi
fi

echo "venv: building $VENV from requirements.txt"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -qq --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install -qq --disable-pip-version-check --requirement requirements.txt \
  || die "pip could not install requirements.txt (see above)"
# The platform's client library (its records and settings serve the tests and benches),
# from its source in the celery role: its dependencies are pinned above.
"$VENV/bin/python" -m pip install -qq --disable-pip-version-check --no-deps --editable "$CLIENT" \
  || die "pip could not install the client library from $CLIENT"
cp requirements.txt "$VENV/.installed"
echo "venv: ready ($("$VENV/bin/ansible" --version | head -n 1))"
