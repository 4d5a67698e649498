#!/usr/bin/env bash
# Paired benchmark of `racetrack deploy` (python job without requirements) to its first 200
# through PUB, for two checkouts of this repository (e.g. before and after a change) on the same
# machine at the same time: both platforms run side by side (own ports and data dirs) and deploys
# alternate A B A B ..., so drift of a noisy machine hits both alike. Prints every pair and the
# median ratio B/A. Each checkout's distribution is built by its own launcher on first use.
# Usage: bench/deploy-ab.sh CHECKOUT_A CHECKOUT_B [PAIRS]   (needs curl, python3)
set -euo pipefail
A=$(cd "${1:?checkout A}" && pwd)
B=$(cd "${2:?checkout B}" && pwd)
PAIRS=${3:-10}
WORK=$(mktemp -d /tmp/rt-deploy-ab.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  # Jobs outlive the platform by design: stop the ones this benchmark started, found by their
  # working directory (a sandboxed job's command line does not name it; the launcher's does).
  local p
  for p in $(pgrep -f "$WORK/|racetrack_job_wrapper|javawrapper" || true); do
    case "$(readlink "/proc/$p/cwd" 2>/dev/null)" in "$WORK"/*) kill -9 "$p" 2>/dev/null || true ;; esac
  done
  pkill -9 -f "$WORK/" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

start() { # name checkout port-base
  local name=$1 root=$2 base=$3 dir="$WORK/$1"
  mkdir -p "$dir"
  (
    export RACETRACK_DATA_DIR="$dir/data" RACETRACK_CONFIG="$dir/config.yaml" RACETRACK_ADMIN_PASSWORD=bench-password
    export IMAGE_BUILDER_PORT=$((base + 1)) LIFECYCLE_PORT=$((base + 2)) DASHBOARD_PORT=$((base + 3)) PUB_PORT=$((base + 5))
    exec "$root/racetrack" server >"$dir/server.log" 2>&1
  ) &
  PIDS+=($!)
}
login() { # name checkout port-base
  local dir="$WORK/$1" root=$2 base=$3
  until curl -sf "http://127.0.0.1:$((base + 5))/pub/ready" >/dev/null \
    && curl -sf "http://127.0.0.1:$((base + 2))/ready" >/dev/null; do sleep 0.2; done
  export RACETRACK_CONFIG="$dir/config.yaml"
  echo bench-password | "$root/racetrack" login --username admin --remote "http://127.0.0.1:$((base + 2))" >/dev/null
  "$root/racetrack" set remote "http://127.0.0.1:$((base + 2))" >/dev/null
  "$root/racetrack" get auth-token >"$dir/token"
}
deploy() { # name checkout port-base version -> seconds to the first 200
  local dir="$WORK/$1" root=$2 base=$3 version=$4 job="$WORK/$1/job-$4" start end token
  token=$(cat "$dir/token")
  mkdir -p "$job"
  sed -e 's/^name: python-adder/name: ab-adder/' -e "s/^version: .*/version: $version/" \
    "$(dirname "$0")/../samples/python-adder/job.yaml" >"$job/job.yaml"
  cp "$(dirname "$0")/../samples/python-adder/adder.py" "$job/"
  start=$(date +%s.%N)
  RACETRACK_CONFIG="$dir/config.yaml" "$root/racetrack" deploy "$job" >"$job.log" 2>&1
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Racetrack-Auth: $token" -d '{"numbers":[40,2]}' \
    "http://127.0.0.1:$((base + 5))/pub/job/ab-adder/$version/api/v1/perform")" = 200 ]; do sleep 0.01; done
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.3f}')"
}

"$A/racetrack" --version >/dev/null
"$B/racetrack" --version >/dev/null
start a "$A" 18200
start b "$B" 18300
login a "$A" 18200
login b "$B" 18300
deploy a "$A" 18200 0.0.0 >/dev/null   # warm-up: first deployments load classes
deploy b "$B" 18300 0.0.0 >/dev/null
ratios=()
for i in $(seq "$PAIRS"); do
  ta=$(deploy a "$A" 18200 "0.0.$i")
  tb=$(deploy b "$B" 18300 "0.0.$i")
  ratio=$(python3 -c "print(f'{$tb / $ta:.3f}')")
  ratios+=("$ratio")
  echo "pair $i: A ${ta} s, B ${tb} s, B/A ${ratio}"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "A: $A ($(git -C "$A" rev-parse --short HEAD)), B: $B ($(git -C "$B" rev-parse --short HEAD))"
echo "median B/A over $PAIRS pairs: $median"
