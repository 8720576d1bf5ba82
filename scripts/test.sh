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

log_of() {
  printf '%s/%s.log' "$LOGS" "${1//[^a-zA-Z0-9_.-]/_}"
}

# Runs one step. In a lane (LANE set), prints one line per step, prefixed with the lane,
# and records the outcome in $LOGS/lane-$LANE.results; the main shell prints failures.
step() {
  local name=$1
  shift
  local log
  log=$(log_of "$name")
  local start=$SECONDS prefix=${LANE:+[lane $LANE] }
  printf '%s==> %s\n' "$prefix" "$name"
  if "$@" >"$log" 2>&1; then
    passed+=("$name")
    printf '%s    passed %s in %d s\n' "$prefix" "$name" $((SECONDS - start))
    [ -z "${LANE:-}" ] || echo "passed $name" >>"$LOGS/lane-$LANE.results"
  else
    failed+=("$name")
    printf '%s    FAILED %s in %d s\n' "$prefix" "$name" $((SECONDS - start))
    if [ -z "${LANE:-}" ]; then
      show_failure "$name"
    else
      echo "failed $name" >>"$LOGS/lane-$LANE.results"
    fi
  fi
}

show_failure() {
  printf '    last lines of %s:\n' "$(log_of "$1")"
  tail -n 60 "$(log_of "$1")" | sed 's/^/    | /'
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
  (cd roles/celery/files/longshore-celery && pytest -q) && (cd app && pytest -q) &&
    python -m pytest -q scripts/tests roles/celery/tests
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
  # Scenarios run in LONGSHORE_LANES lanes at once (default 3; 1 runs them one after
  # another). A scenario and all its releases stay in one lane, so no two runs share a
  # scenario's containers. The lanes are balanced by measured durations (minutes per
  # run: site 12, rabbitmq 10-15, redis 10-17, base and pki 1-2; docs/BENCHMARKS.md):
  # base and rabbitmq, redis, site; with fewer lanes the later ones fold into the last.
  lanes=${LONGSHORE_LANES:-3}
  lane_of() {
    local wanted
    case $1 in
      redis) wanted=2 ;;
      site) wanted=3 ;;
      *) wanted=1 ;;
    esac
    echo $((wanted <= lanes ? wanted : lanes))
  }
  for lane in $(seq 1 "$lanes"); do
    rm -f "$LOGS/lane-$lane.results"
    (
      LANE=$lane
      for scenario in "${scenarios[@]}"; do
        [ "$(lane_of "$scenario")" = "$lane" ] && molecule_scenario "$scenario"
      done
      true
    ) &
  done
  wait
  for lane in $(seq 1 "$lanes"); do
    [ -f "$LOGS/lane-$lane.results" ] || continue
    while read -r outcome name; do
      if [ "$outcome" = passed ]; then
        passed+=("$name")
      else
        failed+=("$name")
        show_failure "$name"
      fi
    done <"$LOGS/lane-$lane.results"
  done
fi

echo
echo "passed: ${passed[*]:-none}"
echo "failed: ${failed[*]:-none}"
echo "summary: ${#passed[@]} passed, ${#failed[@]} failed"
[ "${#failed[@]}" -eq 0 ]
