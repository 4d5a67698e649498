#!/usr/bin/env bash
# Control plane at scale (issue 10): starts `./racetrack server` of a checkout with a fresh data
# directory, seeds its embedded PostgreSQL with 2,000 families x 5 versions = 10,000 jobs and
# 1,000,000 audit events (generated rows, SQL generate_series), calls each read path CALLS times
# with an admin token and prints p50, p95 and the answer size per path, the JVM's RSS (PostgreSQL is
# other processes and not counted) at idle and after the calls, and the supervisor's pass time.
# Before seeding it deploys BENCH_REAL_JOBS (default 10) python jobs on the local target, so that
# the supervisor's passes over the 10,000 rows also probe running jobs (the seeded rows run nowhere).
# Usage: bench/control-plane-at-scale.sh [CHECKOUT=.] [CALLS=20]   (needs curl, psql, python3)
# BENCH_DIAG_DIR=DIR also writes the JVM's heap, native memory (the JVM is started with
# -XX:NativeMemoryTracking=summary) and class histogram after the calls and after the idle time.
# Run it under the build lock on a shared machine: flock /tmp/rt-build.lock bench/...
set -euo pipefail
ROOT=$(cd "${1:-$(dirname "$0")/..}" && pwd)
CALLS=${2:-20}
BASE=${BENCH_PORT_BASE:-18400}
WORK=$(mktemp -d /tmp/rt-scale.XXXXXX)
DATA="$WORK/data"
LIFECYCLE="http://127.0.0.1:$((BASE + 2))"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "${BENCH_DIAG_DIR:-}" ] && [ -f "$WORK/server.log" ]; then
    mkdir -p "$BENCH_DIAG_DIR" && cp "$WORK/server.log" "$BENCH_DIAG_DIR/"
    cp "$DATA/logs/racetrack.log" "$BENCH_DIAG_DIR/" 2>/dev/null || true
  fi
  # deployed jobs outlive the platform: stop those running from this data directory
  for p in $(pgrep -f racetrack_job_wrapper || true); do
    case "$(readlink "/proc/$p/cwd" 2>/dev/null)" in "$WORK"/*) kill "$p" 2>/dev/null || true ;; esac
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in curl psql python3; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' is needed" >&2; exit 1; }
done

"$ROOT/racetrack" --version >/dev/null # builds the distribution when needed, outside the timing
(
  export RACETRACK_DATA_DIR="$DATA" RACETRACK_CONFIG="$WORK/config.yaml" RACETRACK_ADMIN_PASSWORD=bench-password
  export IMAGE_BUILDER_PORT=$((BASE + 1)) LIFECYCLE_PORT=$((BASE + 2)) DASHBOARD_PORT=$((BASE + 3)) PUB_PORT=$((BASE + 5))
  if [ -n "${BENCH_DIAG_DIR:-}" ]; then
    export RACETRACK_JAVA_OPTS="${RACETRACK_JAVA_OPTS:-} -XX:NativeMemoryTracking=summary"
  fi
  exec "$ROOT/racetrack" server >"$WORK/server.log" 2>&1
) &
SERVER_PID=$!
until curl -sf "$LIFECYCLE/ready" >/dev/null; do
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "bench: the server died:" >&2; tail -30 "$WORK/server.log" >&2; exit 1; }
  sleep 0.3
done
# The launcher execs java, but find the JVM by its data dir in case a wrapper stays in between.
JVM=$(pgrep -f "java.*RacetrackMain" | while read -r p; do
  tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "RACETRACK_DATA_DIR=$DATA" && echo "$p"; done | head -1)
TOKEN=$(curl -sf -H 'Content-Type: application/json' -d '{"username":"admin","password":"bench-password"}' \
  "$LIFECYCLE/api/v1/users/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

PGPORT=$(sed -n 4p "$DATA/postgres/postmaster.pid")
export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGDATABASE=postgres PGPASSWORD
PGPASSWORD=$(cat "$DATA/keys/postgres-password")
sql() { psql -X -q -v ON_ERROR_STOP=1 -c "SET search_path TO racetrack" "$@"; }
# the seed comes from this script's own directory (CHECKOUT may be an older export without it)
sql_seed() { psql -X -q -v ON_ERROR_STOP=1 -v families="$1" -v events="$2" -c "SET search_path TO racetrack" -f "$(dirname "$0")/seed-registry.sql"; }

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$JVM/status"; }
diag() { # when
  [ -n "${BENCH_DIAG_DIR:-}" ] || return 0
  mkdir -p "$BENCH_DIAG_DIR"
  local jcmd="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "/proc/$JVM/exe")")")}/bin/jcmd"
  [ -x "$jcmd" ] || jcmd="$(dirname "$(readlink -f "/proc/$JVM/exe")")/jcmd"
  {
    echo "== RSS $(rss_mb) MB"; grep -E 'VmRSS|RssAnon|RssFile|RssShmem|Threads' "/proc/$JVM/status"
    echo "== GC.heap_info"; "$jcmd" "$JVM" GC.heap_info
    echo "== VM.native_memory summary"; "$jcmd" "$JVM" VM.native_memory summary
    # -all: every object, unreachable ones too, without the full collection a histogram makes
    echo "== GC.class_histogram -all (top 30)"; "$jcmd" "$JVM" GC.class_histogram -all | head -33
  } >"$BENCH_DIAG_DIR/$1.txt" 2>&1 || true
}
IDLE_START=$(rss_mb)
diag start

REAL_JOBS=${BENCH_REAL_JOBS:-10}
if [ "$REAL_JOBS" -gt 0 ]; then
  echo "deploying $REAL_JOBS python jobs on the local target..." >&2
  export RACETRACK_CONFIG="$WORK/client.yaml"
  echo bench-password | "$ROOT/racetrack" login --username admin --remote "$LIFECYCLE" >/dev/null
  for ((j = 1; j <= REAL_JOBS; j++)); do
    job="$WORK/real-$j"
    mkdir -p "$job"
    sed -e "s/^name: python-adder/name: real-adder-$j/" \
      "$(dirname "$0")/../samples/python-adder/job.yaml" >"$job/job.yaml"
    cp "$(dirname "$0")/../samples/python-adder/adder.py" "$job/"
    "$ROOT/racetrack" deploy "$job" --remote "$LIFECYCLE" >"$job.log" 2>&1 ||
      { echo "bench: deploying $job failed:" >&2; tail -20 "$job.log" >&2; exit 1; }
  done
fi

echo "seeding 10,000 jobs and 1,000,000 audit events..." >&2
seed_start=$(date +%s.%N)
sql_seed 2000 1000000
seed_end=$(date +%s.%N)
echo "seeded in $(python3 -c "print(f'{$seed_end - $seed_start:.1f}')") s" >&2

# newer_versions is refreshed by every supervisor pass: wait for the first pass after seeding.
HAS_NEWER=$(sql -tA -c "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'racetrack' AND table_name = 'registry_job' AND column_name = 'newer_versions'" | tail -1)
if [ "$HAS_NEWER" = 1 ]; then
  until [ "$(sql -tA -c "SELECT count(*) FROM registry_job WHERE newer_versions > 0" | tail -1)" -gt 0 ]; do sleep 0.5; done
fi
IDLE_SEEDED=$(rss_mb)

# A cursor deep in the audit log (the 500,000th event): what a client has after following pages.
DEEP_AUDIT=$(sql -tA -c "SELECT (EXTRACT(EPOCH FROM timestamp) * 1000000)::bigint || ':' || id FROM registry_auditlogevent ORDER BY timestamp DESC, id DESC OFFSET 499999 LIMIT 1" | tail -1 | tr -d '\n' | base64 -w0 | tr '+/' '-_' | tr -d '=')

measure() { # label path [token]
  local label=$1 path=$2 token=${3:-$TOKEN} i out
  out="$WORK/times"
  : >"$out"
  for ((i = 0; i < CALLS; i++)); do
    curl -s -o /dev/null -H "X-Racetrack-Auth: $token" -w '%{time_total} %{size_download} %{http_code}\n' \
      "$LIFECYCLE$path" >>"$out"
  done
  python3 - "$label" "$out" <<'PY'
import statistics, sys
label, path = sys.argv[1], sys.argv[2]
rows = [line.split() for line in open(path)]
times = sorted(float(r[0]) * 1000 for r in rows)
codes = {r[2] for r in rows}
size = int(rows[-1][1])
def pct(p):
    k = (len(times) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(times) - 1)
    return times[lo] + (times[hi] - times[lo]) * (k - lo)
human = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} KB" if size >= 1e3 else f"{size} B"
status = "" if codes == {"200"} else f" (HTTP {','.join(sorted(codes))})"
print(f"| {label} | {pct(0.5):,.0f} ms | {pct(0.95):,.0f} ms | {human}{status} |")
PY
}

# An ordinary (non-staff) user with the default permissions (read_job on every job): the audit log and
# job pages restricted per row to what a reader may see.
READER=bench-reader@example.com
curl -sf -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"username\":\"$READER\",\"password\":\"Bench-Reader-Password-1\"}" "$LIFECYCLE/api/v1/users/register"
curl -sf -o /dev/null -X PUT -H 'Content-Type: application/json' -H "X-Racetrack-Auth: $TOKEN" \
  -d '{"is_active":true}' "$LIFECYCLE/api/v1/users/$READER"
READER_TOKEN=$(curl -sf -H 'Content-Type: application/json' \
  -d "{\"username\":\"$READER\",\"password\":\"Bench-Reader-Password-1\"}" "$LIFECYCLE/api/v1/users/login" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# A reader with rights on one family only (not staff, no global read_job): the audit log shows it
# that family's events (500 of the 1,000,000) and its own.
FAMILY_READER=bench-family-reader@example.com
curl -sf -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"username\":\"$FAMILY_READER\",\"password\":\"Bench-Reader-Password-1\"}" "$LIFECYCLE/api/v1/users/register"
curl -sf -o /dev/null -X PUT -H 'Content-Type: application/json' -H "X-Racetrack-Auth: $TOKEN" \
  -d '{"is_active":true}' "$LIFECYCLE/api/v1/users/$FAMILY_READER"
sql -c "DELETE FROM registry_authresourcepermission WHERE scope IN ('read_job', 'full_access')
  AND auth_subject_id = (SELECT s.id FROM registry_authsubject s JOIN auth_user u ON u.id = s.user_id
    WHERE u.username = '$FAMILY_READER')"
curl -sf -o /dev/null -H 'Content-Type: application/json' -H "X-Racetrack-Auth: $TOKEN" \
  -d "{\"subject_type\":\"user\",\"subject\":\"$FAMILY_READER\",\"scope\":\"read_job\",\"job_family\":\"bench-job-7\"}" \
  "$LIFECYCLE/api/v1/auth/permissions"
FAMILY_TOKEN=$(curl -sf -H 'Content-Type: application/json' \
  -d "{\"username\":\"$FAMILY_READER\",\"password\":\"Bench-Reader-Password-1\"}" "$LIFECYCLE/api/v1/users/login" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
FAMILY_CURSOR=$(curl -s -H "X-Racetrack-Auth: $FAMILY_TOKEN" "$LIFECYCLE/api/v1/audit/activity?limit=100" |
  python3 -c 'import json,sys; print(json.load(sys.stdin).get("next_cursor") or "")')

# The first unpaged answers after seeding, apart: the seeded rows were written by SQL, not by a
# deployment, so the first listing also parses their manifests (and stores them as JSON).
first_call() {
  curl -s -o /dev/null -H "X-Racetrack-Auth: $TOKEN" -w '%{time_total}' "$LIFECYCLE$1" |
    python3 -c 'import sys; print(f"{float(sys.stdin.read()) * 1000:,.0f} ms")'
}
echo "first calls after seeding: GET /api/v1/job $(first_call /api/v1/job)," \
  "GET /api/v1/job/portfolio $(first_call /api/v1/job/portfolio)"

FIRST_CURSOR=$(curl -s -H "X-Racetrack-Auth: $TOKEN" "$LIFECYCLE/api/v1/job?limit=100&sort=name" |
  python3 -c 'import json,sys; print(json.load(sys.stdin).get("next_cursor") or "")')

echo
echo "| read path | p50 | p95 | answer size |"
echo "|---|---|---|---|"
measure '`GET /api/v1/job` (unpaged, streamed)' '/api/v1/job'
measure '`GET /api/v1/job/portfolio` (unpaged, streamed)' '/api/v1/job/portfolio'
measure '`GET /api/v1/job/graph` (whole, streamed)' '/api/v1/job/graph'
measure '`GET /api/v1/audit/activity?offset=500000&limit=100`' '/api/v1/audit/activity?offset=500000&limit=100'
measure '`GET /api/v1/audit/activity` (newest 100)' '/api/v1/audit/activity'
measure '`GET /api/v1/job?limit=100` (newest)' '/api/v1/job?limit=100'
measure '`GET /api/v1/job?limit=100&sort=name&cursor=...` (2nd page)' "/api/v1/job?limit=100&sort=name&cursor=$FIRST_CURSOR"
measure '`GET /api/v1/job?limit=100&sort=status&name=*job-1&version=rgx:^[2-4]\.`' '/api/v1/job?limit=100&sort=status&name=*job-1&version=rgx:%5E%5B2-4%5D%5C.'
measure '`GET /api/v1/job?limit=100&q=job-1` (free text: the dashboard search box)' '/api/v1/job?limit=100&q=job-1'
measure '`GET /api/v1/job/portfolio?limit=100` (purge score)' '/api/v1/job/portfolio?limit=100'
measure '`GET /api/v1/job/portfolio?limit=100&purge_reasons=[nonempty]`' '/api/v1/job/portfolio?limit=100&purge_reasons=%5Bnonempty%5D'
measure '`GET /api/v1/job/portfolio?limit=100&sort=last_call&purge_score=>=10&status==LOST||=ERROR`' '/api/v1/job/portfolio?limit=100&sort=last_call&purge_score=%3E%3D10&status=%3DLOST%7C%7C%3DERROR'
measure '`GET /api/v1/job/graph?family=bench-job-7`' '/api/v1/job/graph?family=bench-job-7'
measure '`GET /api/v1/job/graph?node=job-family-bench-job-7&depth=2`' '/api/v1/job/graph?node=job-family-bench-job-7&depth=2'
measure '`GET /api/v1/audit/activity?limit=100&cursor=...` (after 500,000)' "/api/v1/audit/activity?limit=100&cursor=$DEEP_AUDIT"
measure '`GET /api/v1/audit/activity?related_to_me=true`' '/api/v1/audit/activity?related_to_me=true'
measure '`GET /api/v1/audit/activity?job_name=bench-job-7`' '/api/v1/audit/activity?job_name=bench-job-7'
measure '`GET /api/v1/audit/events/job/bench-job-7/3.0.0`' '/api/v1/audit/events/job/bench-job-7/3.0.0'
measure '`GET /api/v1/job?limit=100&sort=name` (non-staff reader)' '/api/v1/job?limit=100&sort=name' "$READER_TOKEN"
measure '`GET /api/v1/audit/activity` (non-staff reader, newest 100)' '/api/v1/audit/activity' "$READER_TOKEN"
measure '`GET /api/v1/audit/activity?cursor=...` (non-staff reader, after 500,000)' "/api/v1/audit/activity?limit=100&cursor=$DEEP_AUDIT" "$READER_TOKEN"
measure '`GET /api/v1/audit/activity` (one-family reader, newest 100)' '/api/v1/audit/activity' "$FAMILY_TOKEN"
measure '`GET /api/v1/audit/activity?cursor=...` (one-family reader, 2nd page)' "/api/v1/audit/activity?limit=100&cursor=$FAMILY_CURSOR" "$FAMILY_TOKEN"
measure '`GET /api/v1/audit/activity?cursor=...` (one-family reader, after 500,000)' "/api/v1/audit/activity?limit=100&cursor=$DEEP_AUDIT" "$FAMILY_TOKEN"
measure '`GET /api/v1/job?limit=100&sort=name` (one-family reader)' '/api/v1/job?limit=100&sort=name' "$FAMILY_TOKEN"
AFTER=$(rss_mb)
diag after-calls
sleep "${BENCH_IDLE_SECONDS:-60}"
IDLE_AFTER=$(rss_mb)
diag after-idle

METRICS=$(curl -s "$LIFECYCLE/metrics")
pass_stat() { echo "$METRICS" | awk -v m="supervisor_sync_pass_seconds_$1" '$1 == m {print $2}'; }
echo
echo "JVM RSS (without PostgreSQL): idle after start-up ${IDLE_START} MB; idle after seeding ${IDLE_SEEDED} MB;" \
  "after the calls ${AFTER} MB; after ${BENCH_IDLE_SECONDS:-60} s idle ${IDLE_AFTER} MB"
echo "JVM options: $(tr '\0' ' ' <"/proc/$JVM/cmdline" | grep -o -- '-X[^ ]*' | tr '\n' ' ')"
if [ -n "$(pass_stat count)" ]; then
  python3 - "$(pass_stat count)" "$(pass_stat sum)" "$(pass_stat max)" <<'PY'
import sys
count, total, peak = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"supervisor passes over 10,000 jobs: {count:.0f}, mean {total / count * 1000:.0f} ms, "
      f"max of the last minutes {peak * 1000:.0f} ms (default interval 5,000 ms)")
PY
fi
RUNNING=$(curl -sf -H "X-Racetrack-Auth: $TOKEN" "$LIFECYCLE/api/v1/job?limit=100&name=%7Breal-adder&status=%3Drunning" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "of them $RUNNING running on the local target, probed by every pass (the seeded rows run nowhere)"

