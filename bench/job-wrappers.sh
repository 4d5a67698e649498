#!/usr/bin/env bash
# Benchmark: the java and the python job wrappers serving the adder samples, called directly (as
# PUB calls them: POST /api/v1/perform with the job call secret).
# The job runs on core 1, wrk on core 0 (-t1 -c32, median of RUNS runs after WARMUP seconds of
# load). Reports req/s, p50, the job's RSS after the runs (VmRSS) and its ready time (process start
# to the first 200 of /ready, median of 3 starts).
# The java job is started with the JVM flags and malloc setting the java job type uses (read from
# plugins/java JavaJobType's JVM_FLAGS; JAVA_JOB_FLAGS overrides them, e.g. to measure old flags).
# Usage: bench/job-wrappers.sh [DURATION_SECONDS] [RUNS] [WARMUP]   (needs wrk, curl, python3, a JDK >= 21)
# Builds javawrapper with Maven: on a shared machine run it under the build lock, e.g.
#   flock /tmp/rt-build.lock bench/job-wrappers.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION=${1:-10}
RUNS=${2:-3}
WARMUP=${3:-20}
PORT_JAVA=17301
PORT_PYTHON=17302
SECRET=bench-secret
WORK=$(mktemp -d /tmp/rt-bench-wrappers.XXXXXX)
JOB_PID=""
cleanup() {
  [ -n "$JOB_PID" ] && kill "$JOB_PID" 2>/dev/null && wait "$JOB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=../scripts/find-jdk.sh
. "$ROOT/scripts/find-jdk.sh"
rt_find_jdk

(cd "$ROOT" && ./mvnw -B -q -o -pl javawrapper -am package -DskipTests -Dspotless.check.skip=true \
  && ./mvnw -B -q -o -pl javawrapper org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=runtime) >"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log"; exit 1; }
CP="$ROOT/javawrapper/target/classes:$(cat "$WORK/cp.txt")"
mkdir -p "$WORK/classes"
javac -parameters -proc:none -d "$WORK/classes" -cp "$CP" "$ROOT/samples/java-adder/src/main/java/com/example/Adder.java"

# The flags JavaJobType puts on a job's command line (no memory_max in the adder's manifest).
JAVA_FLAGS=(${JAVA_JOB_FLAGS:-$(python3 -c '
import re, sys
src = open(sys.argv[1]).read()
print(" ".join(re.findall(r"\"([^\"]+)\"", re.search(r"JVM_FLAGS\s*=\s*List\.of\((.*?)\);", src, re.S).group(1))))' \
  "$ROOT/plugins/java/src/main/java/dev/racetrack/java/JavaJobType.java")})
[ -z "${JAVA_JOB_FLAGS:-}" ] && [ "$(rt_java_major "$JAVA_HOME")" -ge 22 ] && JAVA_FLAGS+=(-XX:TrimNativeHeapInterval=1000)
JAVA_CMD=(env MALLOC_ARENA_MAX=${JAVA_JOB_MALLOC_ARENA_MAX:-1} java "${JAVA_FLAGS[@]}" -cp "$WORK/classes:$CP" dev.racetrack.javawrapper.JobMain com.example.Adder)
PYTHON_CMD=(python3 -u -m racetrack_job_wrapper run adder.py Adder)

start_job() { # port dir cmd... ; sets JOB_PID and READY_MS (process start to the first 200 of /ready)
  local port=$1 dir=$2; shift 2
  local t0 t1
  t0=$(date +%s%N)
  (cd "$dir" && JOB_NAME=adder JOB_VERSION=0.0.1 JOB_HTTP_ADDR=127.0.0.1 JOB_HTTP_PORT=$port \
    RACETRACK_JOB_CALL_SECRET=$SECRET PYTHONPATH="$ROOT/plugins/python3/src/main/resources/dev/racetrack/python3/wrapper" \
    exec taskset -c 1 "$@" >"$WORK/job-$port.log" 2>&1) &
  JOB_PID=$!
  until curl -sf "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do
    kill -0 "$JOB_PID" 2>/dev/null || { echo "job on port $port exited:" >&2; cat "$WORK/job-$port.log" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(date +%s%N)
  READY_MS=$(( (t1 - t0) / 1000000 ))
}
stop_job() { kill "$JOB_PID" 2>/dev/null || true; wait "$JOB_PID" 2>/dev/null || true; JOB_PID=""; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"numbers": [40, 2]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Racetrack-Job-Secret"] = "$SECRET"
LUA

declare -A RPS RSS READY P50 ALL
bench() { # name port dir cmd...
  local name=$1 port=$2 dir=$3; shift 3
  local readies=() rpss=() p50s=() out
  for _ in 1 2 3; do start_job "$port" "$dir" "$@"; readies+=("$READY_MS"); stop_job; done
  start_job "$port" "$dir" "$@"
  local url="http://127.0.0.1:$port/api/v1/perform"
  [ "$(curl -s -H "X-Racetrack-Job-Secret: $SECRET" -d '{"numbers":[40,2]}' "$url")" = "42.0" ] \
    || [ "$(curl -s -H "X-Racetrack-Job-Secret: $SECRET" -d '{"numbers":[40,2]}' "$url")" = "42" ] \
    || { echo "$name: perform does not answer 42" >&2; exit 1; }
  taskset -c 0 wrk -t1 -c32 -d"${WARMUP}s" -s "$WORK/post.lua" "$url" >/dev/null
  for _ in $(seq "$RUNS"); do
    out=$(taskset -c 0 wrk -t1 -c32 -d"${DURATION}s" --latency -s "$WORK/post.lua" "$url")
    grep -q "Non-2xx" <<<"$out" && { echo "$name: errors: $out" >&2; exit 1; }
    rpss+=("$(awk '/Requests\/sec/ {print $2}' <<<"$out")")
    p50s+=("$(awk '$1=="50%" {print $2}' <<<"$out")")
  done
  RSS[$name]=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$JOB_PID/status")
  stop_job
  RPS[$name]=$(printf '%s\n' "${rpss[@]}" | median)
  READY[$name]=$(printf '%s\n' "${readies[@]}" | median)
  P50[$name]=${p50s[$(( (RUNS - 1) / 2 ))]}
  ALL[$name]="req/s runs: ${rpss[*]}; p50 runs: ${p50s[*]}; ready ms: ${readies[*]}"
  echo "$name: ${RPS[$name]} req/s, RSS ${RSS[$name]} MB, ready ${READY[$name]} ms (${ALL[$name]})" >&2
}
bench java "$PORT_JAVA" "$WORK" "${JAVA_CMD[@]}"
bench python "$PORT_PYTHON" "$ROOT/samples/python-adder" "${PYTHON_CMD[@]}"

cat <<REPORT
machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GB, Linux $(uname -r); $(java -version 2>&1 | head -1); $(python3 --version)
command: bench/job-wrappers.sh $DURATION $RUNS $WARMUP  (job on core 1, wrk -t1 -c32 -d${DURATION}s on core 0, median of $RUNS runs after ${WARMUP}s warm-up)
java flags: ${JAVA_FLAGS[*]}
| wrapper | req/s (32 connections) | p50 | RSS after the runs | ready time (median of 3) |
|---|---|---|---|---|
| java (adder) | ${RPS[java]} | ${P50[java]} | ${RSS[java]} MB | ${READY[java]} ms |
| python (adder) | ${RPS[python]} | ${P50[python]} | ${RSS[python]} MB | ${READY[python]} ms |
java / python throughput: $(python3 -c "print(f'{${RPS[java]} / ${RPS[python]}:.2f}')")
all runs: java: ${ALL[java]}; python: ${ALL[python]}
REPORT
