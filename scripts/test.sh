#!/usr/bin/env bash
# Run every test: static checks, unit tests, then each Molecule scenario.
# Each step's output goes to .cache/logs/<step>.log; a failed step prints its last lines.
# Ends with a summary line, and exits non-zero when any step failed.
#
#   scripts/test.sh [SCENARIO ...]     run only these Molecule scenarios (default: all)
set -uo pipefail

cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export ANSIBLE_FORCE_COLOR=false PY_COLORS=0 NO_COLOR=1
readonly LOGS=.cache/logs
mkdir -p "$LOGS"

passed=()
failed=()

step() {
  local name=$1
  shift
  local log="$LOGS/${name//[^a-zA-Z0-9_.-]/_}.log"
  local start=$SECONDS
  printf '==> %s\n' "$name"
  if "$@" >"$log" 2>&1; then
    passed+=("$name")
    printf '    passed in %d s\n' $((SECONDS - start))
  else
    failed+=("$name")
    printf '    FAILED in %d s; last lines of %s:\n' $((SECONDS - start)) "$log"
    tail -n 60 "$log" | sed 's/^/    | /'
  fi
}

syntax_check() {
  local inventory playbook
  for inventory in inventories/*/; do
    ansible-playbook -i "$inventory" site.yml --syntax-check || return 1
  done
  for playbook in playbooks/*.yml bench/*.yml; do
    ansible-playbook -i inventories/lab "$playbook" --syntax-check || return 1
  done
}

unit_tests() {
  (cd app && pytest)
}

scenarios=("$@")
if [ "${#scenarios[@]}" -eq 0 ]; then
  for file in molecule/*/molecule.yml; do
    scenarios+=("$(basename "$(dirname "$file")")")
  done
fi

# A scenario whose platforms take their image from LONGSHORE_SCENARIO_IMAGE lists the
# Debian releases to run it on in molecule/<scenario>/releases; it runs once per release.
# Checks that do not depend on the release (bad inventory input, refused before any host
# changes) run on the first release only: LONGSHORE_FIRST_RELEASE=0 on the others.
image_for_release() {
  local override="LONGSHORE_IMAGE_DEBIAN$1"
  printf '%s' "${!override:-longshore/debian:$1}"
}

molecule_scenario() {
  local scenario=$1 release
  if [ -f "molecule/$scenario/releases" ]; then
    local first=1
    for release in $(cat "molecule/$scenario/releases"); do
      step "molecule:$scenario@debian$release" \
        env LONGSHORE_SCENARIO_IMAGE="$(image_for_release "$release")" LONGSHORE_FIRST_RELEASE="$first" \
        molecule test --scenario-name "$scenario"
      first=0
    done
  else
    step "molecule:$scenario" molecule test --scenario-name "$scenario"
  fi
}

step ruff sh -c 'ruff check . && ruff format --check .'
step yamllint yamllint --strict .
step ansible-lint ansible-lint
step syntax syntax_check
step role-docs python scripts/role_docs.py --check
step unit unit_tests

step setup-hosts sh -c 'scripts/engine.sh && scripts/images.sh'
if [[ " ${failed[*]:-} " == *" setup-hosts "* ]]; then
  for scenario in "${scenarios[@]}"; do failed+=("molecule:$scenario (no hosts)"); done
else
  for scenario in "${scenarios[@]}"; do
    molecule_scenario "$scenario"
  done
fi

echo
echo "passed: ${passed[*]:-none}"
echo "failed: ${failed[*]:-none}"
echo "summary: ${#passed[@]} passed, ${#failed[@]} failed"
[ "${#failed[@]}" -eq 0 ]
