#!/usr/bin/env bash
# Benchmark: building a release on the controller (the celery role's files/release.py) of
# examples/django-shop (Django, pydantic with compiled wheels), with empty uv and pip
# caches: the lock, then releases for one kind of host (Debian 13: Python 3.13) and for
# both (Debian 12 and 13: 3.11 and 3.13), then the same build again (found, not rebuilt).
# Prints the times and appends a dated row to docs/BENCHMARKS.md. Needs PyPI, not the lab.
#
#   bench/release-build.sh
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
readonly TOOL=roles/celery/files/release.py CLIENT=roles/celery/files/longshore-celery
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r examples/django-shop "$scratch/project"
export UV_CACHE_DIR="$scratch/uv-cache" PIP_CACHE_DIR="$scratch/pip-cache"

# Runs the tool; prints the seconds it took.
timed() {
  local start=$(date +%s%N)
  python "$TOOL" "$@" >"$scratch/last.json"
  local tenths=$((($(date +%s%N) - start) / 100000000))
  printf '%d.%d' $((tenths / 10)) $((tenths % 10))
}

lock=$(timed lock "$scratch/project" "$CLIENT")
one=$(timed build "$scratch/project" "$CLIENT" "$scratch/one" --target 3.13:x86_64:2.41)
both=$(timed build "$scratch/project" "$CLIENT" "$scratch/both" --target 3.13:x86_64:2.41 --target 3.11:x86_64:2.36)
again=$(timed build "$scratch/project" "$CLIENT" "$scratch/both" --target 3.13:x86_64:2.41 --target 3.11:x86_64:2.36)
wheels=$(find "$scratch/both" -name '*.whl' | wc -l)
size=$(du -sh "$scratch/both"/*/release.tar | cut -f1)

figures="examples/django-shop, empty caches: lock $lock s; release for Python 3.13 $one s; \
for 3.11 and 3.13 $both s ($wheels wheels, release.tar $size); the same build again $again s (found)"
echo "$figures"
python bench/runs.py --append docs/BENCHMARKS.md --bench "release build (bench/release-build.sh)" "$figures"
