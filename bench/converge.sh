#!/usr/bin/env bash
# Benchmark: converge. Removes the lab hosts and creates them fresh, times site.yml on them
# (cold: everything installed and configured), then times site.yml again at once (the
# no-op re-run: every role, which must change nothing; the target is 60 s at most), and
# right after it the floor: as many empty tasks per host as the no-op run ran
# (bench/floor.yml), over the same connection. Prints the times with one line from each
# PLAY RECAP and where the no-op run spent its time, and appends a dated row to
# docs/BENCHMARKS.md. The lab's secrets and CA stay (.secrets/lab); its hosts' state does
# not. Always the lab inventory.
#
#   bench/converge.sh          (make bench runs it first)
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_CONFIG="$PWD/ansible.cfg"
readonly INVENTORY=inventories/lab LOGS=.cache/logs
mkdir -p "$LOGS"

# Runs a playbook ($2, site.yml by default) with its output in $1; prints the seconds it took.
timed_site() {
  local log=$1 playbook=${2:-site.yml} start
  shift $(($# < 2 ? $# : 2))
  start=$(date +%s%N)
  ansible-playbook -i "$INVENTORY" "$playbook" "$@" >"$log" 2>&1 || true
  local tenths=$((($(date +%s%N) - start) / 100000000))
  printf '%d.%d' $((tenths / 10)) $((tenths % 10))
}

echo "converge: removing and creating the lab hosts"
ansible-playbook -i "$INVENTORY" playbooks/lab.yml -e lab_state=absent >"$LOGS/bench-converge-hosts.log" 2>&1
ansible-playbook -i "$INVENTORY" playbooks/lab.yml >>"$LOGS/bench-converge-hosts.log" 2>&1

cold=$(timed_site "$LOGS/bench-converge-cold.log")
cold_recap=$(python scripts/recap.py "$LOGS/bench-converge-cold.log") || {
  echo "converge: the cold run failed: $cold_recap (see $LOGS/bench-converge-cold.log)" >&2
  exit 1
}
# The no-op re-run, timing each role (ansible.posix.profile_roles, at the end of its log).
noop=$(ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_roles timed_site "$LOGS/bench-converge-noop.log")
noop_recap=$(python scripts/recap.py "$LOGS/bench-converge-noop.log") || true
echo "converge: where the no-op run spent its time (seconds per role, all hosts of a play together):"
sed -n '/^=\{20,\}/,$p' "$LOGS/bench-converge-noop.log" | grep -E ' -+ [0-9.]+s$' | head -8 | sed 's/^/  /'

read -r runs hosts < <(python scripts/recap.py --task-runs "$LOGS/bench-converge-noop.log")
per_host=$(((runs + hosts - 1) / hosts))
floor=$(timed_site "$LOGS/bench-converge-floor.log" bench/floor.yml -e floor_tasks="$per_host")
floor_recap=$(python scripts/recap.py "$LOGS/bench-converge-floor.log") || {
  echo "converge: the floor run failed: $floor_recap (see $LOGS/bench-converge-floor.log)" >&2
  exit 1
}

figures="cold site.yml on fresh hosts $cold s ($cold_recap); no-op re-run (every role) $noop s ($noop_recap, \
$runs task runs on $hosts hosts); floor right after it: $per_host empty tasks per host $floor s; \
target: no-op at most 60 s"
echo "$figures"
python bench/runs.py --append docs/BENCHMARKS.md --bench "converge (bench/converge.sh)" "$figures"
[[ $noop_recap == *"(changed=0)" ]] || {
  echo "converge: the re-run changed something: $noop_recap (see $LOGS/bench-converge-noop.log)" >&2
  exit 1
}
