#!/usr/bin/env bash
# Benchmark: a trivial python job called directly, through nginx (proxy_pass with upstream
# keep-alive, no auth) and through PUB (with auth: token checked by lifecycle, answer cached).
# The platform (PUB), nginx and the job share core 1; wrk runs on core 0.
# Also measures `racetrack deploy` of a python job without requirements to its first 200 via PUB.
# Throughput: wrk -t1 -c32 (median of RUNS runs); latency added by the hop: p50 with one
# connection (-c1), PUB minus direct. The JVM is warmed up for WARMUP seconds first (the JIT
# compiles on the same core as everything else), nginx and the job for a few seconds.
# Also p99 at 32 connections, errors (socket errors + non-2xx) and CPU per request: utime+stime
# of the proxy's processes (nginx master+worker; the platform JVM for PUB, without the jobs it
# started; for the job directly, the job's process tree: the sandbox launcher and the python
# process under it) over the -c32 runs divided by the requests served.
# Usage: bench/pub-vs-nginx.sh [DURATION_SECONDS] [RUNS] [WARMUP]  (needs wrk, nginx, python3)
# PUB_BENCH_JFR=FILE also records the platform JVM with Java Flight Recorder (profile settings)
# during PUB's runs and writes the recording to FILE (read it with `jfr print`/`jfr summary`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION=${1:-10}
RUNS=${2:-3}
WARMUP=${3:-60}
WORK=$(mktemp -d /tmp/rt-bench.XXXXXX)
export RACETRACK_DATA_DIR="$WORK/data" RACETRACK_CONFIG="$WORK/config.yaml" RACETRACK_ADMIN_PASSWORD=bench-password
export LIFECYCLE_PORT=17202 PUB_PORT=17205 IMAGE_BUILDER_PORT=17201 DASHBOARD_PORT=17203 SUPERVISOR_INTERVAL_SECONDS=30
NGINX_PORT=17290
cleanup() {
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  if [ -n "${SERVER_PID:-}" ]; then
    "$ROOT/racetrack" delete bench-adder --version 0.0.1 >/dev/null 2>&1 || true
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$ROOT/racetrack" --version >/dev/null   # builds the distribution if needed
taskset -c 1 "$ROOT/racetrack" server >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
until curl -sf "http://127.0.0.1:$PUB_PORT/pub/ready" >/dev/null && curl -sf "http://127.0.0.1:$LIFECYCLE_PORT/ready" >/dev/null; do sleep 0.2; done
echo "$RACETRACK_ADMIN_PASSWORD" | "$ROOT/racetrack" login --username admin --remote "http://127.0.0.1:$LIFECYCLE_PORT" >/dev/null
"$ROOT/racetrack" set remote "http://127.0.0.1:$LIFECYCLE_PORT" >/dev/null
TOKEN=$("$ROOT/racetrack" get auth-token)

# A python job without requirements, named for this benchmark.
JOB="$WORK/job"; mkdir -p "$JOB"
sed 's/^name: python-adder/name: bench-adder/' "$ROOT/samples/python-adder/job.yaml" >"$JOB/job.yaml"
cp "$ROOT/samples/python-adder/adder.py" "$JOB/"
start=$(date +%s.%N)
"$ROOT/racetrack" deploy "$JOB" >"$WORK/deploy.log"
until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Racetrack-Auth: $TOKEN" -d '{"numbers":[40,2]}' "http://127.0.0.1:$PUB_PORT/pub/job/bench-adder/latest/api/v1/perform")" = 200 ]; do sleep 0.01; done
end=$(date +%s.%N)
DEPLOY_SECONDS=$(python3 -c "print(f'{$end - $start:.2f}')")

INTERNAL=$(curl -s -H "X-Racetrack-Auth: $TOKEN" "http://127.0.0.1:$LIFECYCLE_PORT/api/v1/job/bench-adder/latest" | python3 -c 'import json,sys; print(json.load(sys.stdin)["internal_name"])')
# The state file names the process the platform started: with the sandbox that is the launcher
# (bwrap, which forks the job in its own PID namespace), so the job is that process and its
# descendants. Measured and pinned as a tree.
JOB_PID=$(python3 -c "import json; print(json.load(open('$RACETRACK_DATA_DIR/infrastructure/local/jobs/job-bench-adder-v-0-0-1/state.json'))['pid'])")
descendants() { # pid -> that process and all its descendants
  local p
  echo "$1"
  for p in $(pgrep -P "$1"); do descendants "$p"; done
}
for p in $(descendants "$JOB_PID"); do taskset -a -p -c 1 "$p" >/dev/null; done

cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  upstream job { server $INTERNAL; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://job; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
taskset -c 1 nginx -c "$WORK/nginx.conf"

cat >"$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"numbers": [40, 2]}'
wrk.headers["Content-Type"] = "application/json"
LUA
TOKEN_LUA="$WORK/post-token.lua"
{ cat "$WORK/post.lua"; echo "wrk.headers[\"X-Racetrack-Auth\"] = \"$TOKEN\""; } >"$TOKEN_LUA"
# Direct and nginx calls present the job's call secret, as PUB does (the job refuses calls without it).
JOB_SECRET=$(python3 -c '
import base64, hashlib, hmac, sys
key = open(sys.argv[1]).read().strip().encode()
mac = hmac.new(key, b"bench-adder\0" + b"0.0.1", hashlib.sha256).digest()
print(base64.urlsafe_b64encode(mac).rstrip(b"=").decode())' "$RACETRACK_DATA_DIR/keys/job_call_key")
echo "wrk.headers[\"X-Racetrack-Job-Secret\"] = \"$JOB_SECRET\"" >>"$WORK/post.lua"

declare -A RPS P50 P50_1 P99 ERRORS CPU
NGINX_MASTER=$(cat "$WORK/nginx.pid")
ms() { # a wrk latency (e.g. 1.2ms, 830.00us) -> ms
  python3 -c '
import sys
v=sys.argv[1].strip()
for unit,f in (("us",0.001),("ms",1),("s",1000)):
    if v.endswith(unit): print(f"{float(v[:-len(unit)])*f:.3f}"); break' "$1"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cpu_ticks() { # "utime stime" (clock ticks) of the given processes together
  local user=0 sys=0 p u s
  for p in "$@"; do
    read -r u s < <(awk '{print $14, $15}' "/proc/$p/stat")
    user=$((user + u)) sys=$((sys + s))
  done
  echo "$user $sys"
}
proxy_pids() { # name -> the processes doing the work measured
  case $1 in
    nginx) descendants "$NGINX_MASTER" ;;
    # the JVM alone (racetrack execs it): its children are the jobs it started, not PUB
    pub) echo "$SERVER_PID" ;;
    *) descendants "$JOB_PID" ;;
  esac
}
run() { # name url script warmup-seconds
  local name=$1 url=$2 script=$3 warmup=$4 out all_rps=() all_p50=() all_p99=() errors=0 requests=0 u0 s0 u1 s1
  taskset -c 0 wrk -t1 -c32 -d"${warmup}s" -s "$script" "$url" >/dev/null
  P50_1[$name]=$(ms "$(taskset -c 0 wrk -t1 -c1 -d"${DURATION}s" --latency -s "$script" "$url" | awk '$1=="50%" {print $2}')")
  for _ in $(seq "$RUNS"); do
    read -r u0 s0 < <(cpu_ticks $(proxy_pids "$name"))
    out=$(taskset -c 0 wrk -t1 -c32 -d"${DURATION}s" --latency -s "$script" "$url")
    read -r u1 s1 < <(cpu_ticks $(proxy_pids "$name"))
    all_rps+=("$(awk '/Requests\/sec/ {print $2}' <<<"$out")")
    all_p50+=("$(ms "$(awk '$1=="50%" {print $2}' <<<"$out")")")
    all_p99+=("$(ms "$(awk '$1=="99%" {print $2}' <<<"$out")")")
    errors=$((errors + $(awk '/Socket errors/ {gsub(",", ""); s += $4 + $6 + $8 + $10} /Non-2xx/ {s += $5} END {print s + 0}' <<<"$out")))
    requests=$((requests + $(awk '/requests in/ {print $1}' <<<"$out")))
    CPU_USER[$name]=$(( ${CPU_USER[$name]:-0} + u1 - u0 ))
    CPU_SYS[$name]=$(( ${CPU_SYS[$name]:-0} + s1 - s0 ))
  done
  RPS[$name]=$(printf '%s\n' "${all_rps[@]}" | median)
  P50[$name]=$(printf '%s\n' "${all_p50[@]}" | median)
  P99[$name]=$(printf '%s\n' "${all_p99[@]}" | median)
  ERRORS[$name]=$errors
  CPU[$name]=$(python3 -c "
u, s = ${CPU_USER[$name]} * 1e6 / $(getconf CLK_TCK) / $requests, ${CPU_SYS[$name]} * 1e6 / $(getconf CLK_TCK) / $requests
print(f'{u + s:.1f} us ({u:.1f} user + {s:.1f} kernel)')")
  echo "$name: ${RPS[$name]} req/s (runs: ${all_rps[*]}), p50 ${P50[$name]} ms (runs: ${all_p50[*]}), p99 ${P99[$name]} ms (runs: ${all_p99[*]}), errors $errors, CPU ${CPU[$name]} per request" >&2
}
declare -A CPU_USER CPU_SYS
run direct "http://$INTERNAL/pub/job/bench-adder/0.0.1/api/v1/perform" "$WORK/post.lua" 5
run nginx "http://127.0.0.1:$NGINX_PORT/pub/job/bench-adder/0.0.1/api/v1/perform" "$WORK/post.lua" 5
if [ -n "${PUB_BENCH_JFR:-}" ]; then
  "$JAVA_HOME/bin/jcmd" "$SERVER_PID" JFR.start name=pubbench settings=profile >/dev/null
fi
run pub "http://127.0.0.1:$PUB_PORT/pub/job/bench-adder/latest/api/v1/perform" "$TOKEN_LUA" "$WARMUP"
if [ -n "${PUB_BENCH_JFR:-}" ]; then
  "$JAVA_HOME/bin/jcmd" "$SERVER_PID" JFR.dump name=pubbench filename="$PUB_BENCH_JFR" >/dev/null
fi

ADDED=$(python3 -c "print(f'{${P50_1[pub]} - ${P50_1[direct]}:.3f}')")
NGINX_ADDED=$(python3 -c "print(f'{${P50_1[nginx]} - ${P50_1[direct]}:.3f}')")
RATIO=$(python3 -c "print(f'{${RPS[pub]} / ${RPS[nginx]}:.2f}')")
cat <<REPORT
machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GB, Linux $(uname -r); $(. "$ROOT/scripts/find-jdk.sh" >/dev/null 2>&1; rt_find_jdk >/dev/null 2>&1; "${JAVA_HOME:-/nonexistent}/bin/java" -version 2>&1 | head -1 || true); $(nginx -v 2>&1); $(python3 --version)
command: bench/pub-vs-nginx.sh $DURATION $RUNS $WARMUP  (wrk on core 0; job, nginx and the platform on core 1; throughput -t1 -c32 -d${DURATION}s, median of $RUNS runs; latency -c1; CPU = utime+stime of the proxy's processes over the -c32 runs / requests served)
| path | req/s (32 connections) | p50 (32) | p99 (32) | p50 (1 connection) | p50 added (1) | errors | CPU per request |
|---|---|---|---|---|---|---|---|
| job directly | ${RPS[direct]} | ${P50[direct]} ms | ${P99[direct]} ms | ${P50_1[direct]} ms | — | ${ERRORS[direct]} | ${CPU[direct]} (job) |
| nginx proxy_pass, upstream keep-alive, no auth | ${RPS[nginx]} | ${P50[nginx]} ms | ${P99[nginx]} ms | ${P50_1[nginx]} ms | ${NGINX_ADDED} ms | ${ERRORS[nginx]} | ${CPU[nginx]} |
| PUB with auth | ${RPS[pub]} | ${P50[pub]} ms | ${P99[pub]} ms | ${P50_1[pub]} ms | ${ADDED} ms | ${ERRORS[pub]} | ${CPU[pub]} (platform JVM) |
PUB / nginx throughput: ${RATIO}
racetrack deploy (python, no requirements) to first 200 through PUB: ${DEPLOY_SECONDS} s
REPORT
