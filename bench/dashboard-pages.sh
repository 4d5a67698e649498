#!/usr/bin/env bash
# Dashboard page speed (issue 11): starts `./racetrack server` of a checkout with a fresh data
# directory, seeds its embedded PostgreSQL with 200 families x 5 versions = 1,000 jobs and 100,000
# audit events (the generated rows of bench/control-plane-at-scale.sh, scaled down), logs in to the
# dashboard as admin, and fetches the jobs, portfolio, audit and deployments pages CALLS times each (after
# WARMUP unmeasured calls), printing p50 and p95 of the full answer time (curl's time_total on
# loopback: the dashboard's calls to lifecycle, the SQL and the template rendering) and the size.
# Targets: jobs and portfolio <= 300 ms, audit <= 200 ms (deployments held to the jobs' 300 ms).
# Usage: bench/dashboard-pages.sh [CHECKOUT=.] [CALLS=20] [WARMUP=3]   (needs curl, psql, python3)
# Run it under the build lock on a shared machine: flock /tmp/rt-build.lock bench/dashboard-pages.sh
set -euo pipefail
ROOT=$(cd "${1:-$(dirname "$0")/..}" && pwd)
CALLS=${2:-20}
WARMUP=${3:-3}
BASE=${BENCH_PORT_BASE:-18500}
WORK=$(mktemp -d /tmp/rt-dash-bench.XXXXXX)
DATA="$WORK/data"
LIFECYCLE="http://127.0.0.1:$((BASE + 2))"
DASHBOARD="http://127.0.0.1:$((BASE + 3))/dashboard"
JAR="$WORK/cookies"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
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
  exec "$ROOT/racetrack" server >"$WORK/server.log" 2>&1
) &
SERVER_PID=$!
until curl -sf "$LIFECYCLE/ready" >/dev/null && curl -sf "$DASHBOARD/live" >/dev/null; do
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "bench: the server died:" >&2; tail -30 "$WORK/server.log" >&2; exit 1; }
  sleep 0.3
done

PGPORT=$(sed -n 4p "$DATA/postgres/postmaster.pid")
export PGHOST=127.0.0.1 PGPORT PGUSER=postgres PGDATABASE=postgres PGPASSWORD
PGPASSWORD=$(cat "$DATA/keys/postgres-password")
sql() { psql -X -q -v ON_ERROR_STOP=1 -c "SET search_path TO racetrack" "$@"; }
# the seed comes from this script's own directory (CHECKOUT may be an older export without it)
sql_seed() { psql -X -q -v ON_ERROR_STOP=1 -v families="$1" -v events="$2" -c "SET search_path TO racetrack" -f "$(dirname "$0")/seed-registry.sql"; }

echo "seeding 1,000 jobs and 100,000 audit events..." >&2
sql_seed 200 100000

echo "seeding 10,000 deployments (10 per job)..." >&2
sql -c "INSERT INTO registry_deployment (id, status, create_time, update_time, manifest, job_name, job_version, deployed_by, phase, infrastructure_target)
  SELECT md5('deployment-' || j.name || j.version || g)::uuid::text, 'done',
         now() - (g * interval '1 hour') - (row_number() OVER () * interval '1 second'),
         now() - (g * interval '1 hour') - (row_number() OVER () * interval '1 second'),
         'name: ' || j.name || E'\\nversion: ' || j.version || E'\\n', j.name, j.version, 'admin', NULL, 'local'
  FROM registry_job j CROSS JOIN generate_series(1, 10) g"

# newer_versions is refreshed by every supervisor pass: wait for the first pass after seeding.
HAS_NEWER=$(sql -tA -c "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'racetrack' AND table_name = 'registry_job' AND column_name = 'newer_versions'" | tail -1)
if [ "$HAS_NEWER" = 1 ]; then
  until [ "$(sql -tA -c "SELECT count(*) FROM registry_job WHERE newer_versions > 0" | tail -1)" -gt 0 ]; do sleep 0.5; done
fi

# Log in to the dashboard as a browser does: the login page's CSRF token, then the form post.
CSRF=$(curl -sf -c "$JAR" -b "$JAR" "$DASHBOARD/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -sf -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$CSRF" \
  --data-urlencode username=admin --data-urlencode password=bench-password "$DASHBOARD/login"
[ "$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" "$DASHBOARD/jobs")" = 200 ] ||
  { echo "bench: the dashboard login failed" >&2; exit 1; }

measure() { # label path target-ms
  local label=$1 path=$2 target=$3 i out="$WORK/times"
  for ((i = 0; i < WARMUP; i++)); do curl -s -o /dev/null -b "$JAR" "$DASHBOARD$path"; done
  : >"$out"
  for ((i = 0; i < CALLS; i++)); do
    curl -s -o /dev/null -b "$JAR" -w '%{time_total} %{size_download} %{http_code}\n' "$DASHBOARD$path" >>"$out"
  done
  python3 - "$label" "$out" "$target" <<'PY'
import sys
label, path, target = sys.argv[1], sys.argv[2], float(sys.argv[3])
rows = [line.split() for line in open(path)]
times = sorted(float(r[0]) * 1000 for r in rows)
codes = {r[2] for r in rows}
size = int(rows[-1][1])
def pct(p):
    k = (len(times) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(times) - 1)
    return times[lo] + (times[hi] - times[lo]) * (k - lo)
status = "" if codes == {"200"} else f" (HTTP {','.join(sorted(codes))})"
verdict = "met" if pct(0.95) <= target else "MISSED"
print(f"| {label} | {pct(0.5):,.0f} ms | {pct(0.95):,.0f} ms | {size / 1e3:.0f} KB{status} | <= {target:.0f} ms: {verdict} |")
PY
}

echo
echo "| page | p50 | p95 | page size | target (p95) |"
echo "|---|---|---|---|---|"
measure 'Jobs (`/dashboard/jobs`, 100 of 1,000 by name)' '/jobs' 300
measure 'Jobs filtered (`/dashboard/jobs?q=job-1&sort=newest`)' '/jobs?q=job-1&sort=newest' 300
measure 'Portfolio (`/dashboard/portfolio`, 100 by purge score)' '/portfolio' 300
measure 'Portfolio filtered (`?status=%3DLOST%7C%7C%3DERROR&purge_score=%3E%3D10`)' '/portfolio?status=%3DLOST%7C%7C%3DERROR&purge_score=%3E%3D10' 300
measure 'Audit (`/dashboard/audit`, newest 50 of 100,000)' '/audit' 200
measure 'Audit of a family (`/dashboard/audit?job=bench-job-7`)' '/audit?job=bench-job-7' 200
measure 'Audit related to me (`/dashboard/audit?mine=1`)' '/audit?mine=1' 200
measure 'Deployments (`/dashboard/deployments`, newest 100 of 10,000)' '/deployments' 300
OLDER=$(curl -sf -b "$JAR" "$DASHBOARD/deployments" | sed -n 's/.*<a href="\/dashboard\(\/deployments?cursor=[^"]*\)">Older deployments.*/\1/p' | head -1)
[ -n "$OLDER" ] || { echo "bench: the deployments page has no 'Older deployments' link" >&2; exit 1; }
measure 'Deployments, 2nd page (`/dashboard/deployments?cursor=...`)' "$OLDER" 300
