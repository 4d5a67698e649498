#!/usr/bin/env bash
# Benchmark: the java adder job under JVM flag variants, one after the other in one session: for
# each variant the job starts on core 1, wrk -t1 -c32 on core 0 warms it up for WARMUP seconds, then
# measures DURATION seconds; then VmRSS/RssAnon/RssFile of the job, and NMT's committed metaspace
# when the variant asks for -XX:NativeMemoryTracking. The python adder runs once at the end, in the
# same session, as the yardstick (issue 9: java req/s >= python's, java RSS <= 60 MB). Each job's
# /metrics is scraped once before the warm-up and once after the measurement, as the platform's
# Prometheus does (SCRAPE=0: no scrapes, as this script did before 2026-12-04), and RSS is read
# after REST seconds without calls (default 3, as JobImagesBench does; REST=0: right after the load,
# as this script did before 2026-12-04).
# Usage: bench/java-job-flags.sh DIR DURATION WARMUP "NAME|FLAGS" ...
#   DIR holds classes/ (the adder compiled with --release 21 -parameters) and lib/ (the wrapper's jars, as the
#   java job type copies them: the javawrapper jar, Jackson, Netty); JAVA (default: java on PATH).
#   "BASE" in FLAGS stands for the java job type's JVM_FLAGS (read from JavaJobType.java).
#   FLAGS starting with "LIB=PATH " take the wrapper's jars from PATH instead of DIR/lib (to pair
#   two builds of the wrapper in one session).
# Run under the build lock: flock /tmp/rt-build.lock bench/java-job-flags.sh ...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR=$1 DURATION=$2 WARMUP=$3; shift 3
JAVA=${JAVA:-java}
PORT=17311 SECRET=bench-secret
WORK=$(mktemp -d /tmp/rt-bench-jflags.XXXXXX)
JOB_PID=""
cleanup() { [ -n "$JOB_PID" ] && kill "$JOB_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
BASE=$(python3 -c '
import re, sys
src = open(sys.argv[1]).read()
print(" ".join(re.findall(r"\"([^\"]+)\"", re.search(r"JVM_FLAGS\s*=\s*List\.of\((.*?)\);", src, re.S).group(1))))' \
  "$ROOT/plugins/java/src/main/java/dev/racetrack/java/JavaJobType.java")
cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"numbers": [40, 2]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Racetrack-Job-Secret"] = "$SECRET"
LUA
# the platform's Prometheus scrapes every job: what a scrape loads stays in the job's memory
scrape() { [ "${SCRAPE:-1}" = 0 ] || curl -sf -H "X-Racetrack-Job-Secret: $SECRET" "http://127.0.0.1:$PORT/metrics" >/dev/null \
  || echo "$name: the /metrics scrape failed" >&2; }
run() { # name dir cmd...
  local name=$1 dir=$2; shift 2
  (cd "$dir" && JOB_NAME=adder JOB_VERSION=0.0.1 JOB_HTTP_ADDR=127.0.0.1 JOB_HTTP_PORT=$PORT \
    RACETRACK_JOB_CALL_SECRET=$SECRET MALLOC_ARENA_MAX=1 \
    PYTHONPATH="$ROOT/plugins/python3/src/main/resources/dev/racetrack/python3/wrapper" \
    exec taskset -c 1 "$@" >"$WORK/job.log" 2>&1) &
  JOB_PID=$!
  local t0; t0=$(date +%s%N)
  until curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1; do
    kill -0 "$JOB_PID" 2>/dev/null || { echo "$name: job exited:"; cat "$WORK/job.log"; JOB_PID=""; return 0; }
    if (( $(date +%s%N) - t0 > 60000000000 )); then
      echo "$name: job not ready after 60 s:"; cat "$WORK/job.log"; kill "$JOB_PID"; wait "$JOB_PID" 2>/dev/null || true; JOB_PID=""; return 0
    fi
    sleep 0.005
  done
  local ready=$(( ($(date +%s%N) - t0) / 1000000 ))
  local url="http://127.0.0.1:$PORT/api/v1/perform" out rps p50 rss
  scrape
  taskset -c 0 wrk -t1 -c32 -d"${WARMUP}s" -s "$WORK/post.lua" "$url" >/dev/null
  out=$(taskset -c 0 wrk -t1 -c32 -d"${DURATION}s" --latency -s "$WORK/post.lua" "$url")
  scrape
  sleep "${REST:-3}" # what the job keeps after the load, as JobImagesBench reads it
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  grep -q "Non-2xx" <<<"$out" && rps="$rps (ERRORS)"
  rss=$(awk '/^(VmRSS|RssAnon|RssFile)/ {printf "%s %.1f ", $1, $2/1024}' "/proc/$JOB_PID/status")
  local nmt=""
  if grep -q NativeMemoryTracking <<<"$*"; then
    nmt=$(jcmd "$JOB_PID" VM.native_memory summary scale=KB 2>/dev/null \
      | awk '/^-/ && /committed=/ {n=$0; sub(/^- */,"",n); sub(/ *\(.*/,"",n); gsub(/ /,"",n); c=$0; sub(/.*committed=/,"",c); sub(/KB.*/,"",c); if (c > 512) printf "%s=%.1f ", n, c/1024}')
  fi
  kill "$JOB_PID"; wait "$JOB_PID" 2>/dev/null || true; JOB_PID=""
  echo "| $name | $rps | $p50 | $rss | ready ${ready} ms | $nmt"
}
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), Linux $(uname -r); $($JAVA -version 2>&1 | head -1); load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M) UTC"
for variant in "$@"; do
  name=${variant%%|*}; flags=${variant#*|}; flags=${flags//BASE/$BASE}; lib=$DIR/lib
  if [[ $flags == LIB=* ]]; then lib=${flags%% *}; lib=${lib#LIB=}; flags=${flags#* }; fi
  # shellcheck disable=SC2086
  run "$name" "$DIR" "$JAVA" $flags -cp "$DIR/classes:$lib/*" dev.racetrack.javawrapper.JobMain com.example.Adder
done
run "python adder" "$ROOT/samples/python-adder" python3 -u -m racetrack_job_wrapper run adder.py Adder
