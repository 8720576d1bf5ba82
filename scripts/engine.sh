#!/usr/bin/env bash
# Make sure a Docker engine answers.
#
# Does nothing when one already answers. On a Debian or Ubuntu host without one, it
# installs docker.io from the distribution's archive and starts dockerd in the
# background (no systemd needed), then waits until the engine answers. Anywhere
# else it stops with one line naming what to install.
set -euo pipefail

readonly WAIT_SECONDS=${LONGSHORE_ENGINE_WAIT:-60}
readonly LOG=/var/log/longshore-dockerd.log

die() { printf 'engine: %s\n' "$*" >&2; exit 1; }
answers() { docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && answers; then
  echo "engine: a Docker engine already answers"
  exit 0
fi

. /etc/os-release 2>/dev/null || true
case " ${ID:-} ${ID_LIKE:-} " in
  *" debian "* | *" ubuntu "*) ;;
  *) die "no Docker engine answers; install and start Docker (https://docs.docker.com/engine/install/) and run again" ;;
esac

[ "$(id -u)" -eq 0 ] || die "no Docker engine answers and installing one needs root: run as root, or start Docker yourself"

if ! command -v dockerd >/dev/null 2>&1; then
  echo "engine: installing docker.io from the distribution archive"
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3; do
    if apt-get update -qq && apt-get install -y -qq --no-install-recommends docker.io >/dev/null; then
      break
    fi
    [ "$attempt" -lt 3 ] || die "apt-get could not install docker.io (see the apt output above)"
    sleep 5
  done
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "engine: starting dockerd in the background (log: $LOG)"
  nohup dockerd >"$LOG" 2>&1 </dev/null &
fi

for _ in $(seq "$WAIT_SECONDS"); do
  if answers; then
    echo "engine: Docker engine answers"
    exit 0
  fi
  sleep 1
done
die "dockerd started but does not answer after ${WAIT_SECONDS}s; last lines of $LOG: $(tail -n 3 "$LOG" 2>/dev/null | tr '\n' ' ')"
