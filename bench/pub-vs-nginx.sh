#!/usr/bin/env bash
# Benchmark: a trivial python job called directly, through nginx (proxy_pass with upstream
# keep-alive, no auth) and through PUB (with auth: token checked by lifecycle, answer cached).
# The platform (PUB), nginx and the job share core 1; wrk runs on core 0.
# Also measures `racetrack deploy` of a python job without requirements to its first 200 via PUB.
# Throughput: wrk -t1 -c32, RUNS interleaved rounds (each round runs direct, nginx and PUB one
# after the other, the order alternating between rounds, so the machine's drift hits both proxies
# alike); the PUB/nginx ratio is the median of the rounds' ratios. Latency added by the hop: p50
# with one connection (-c1), PUB minus direct. The JVM is warmed up for WARMUP seconds first (the JIT
# compiles on the same core as everything else), nginx and the job for a few seconds.
# Also p99 at 32 connections, errors (socket errors + non-2xx) and CPU per request: utime+stime
# of the proxy's processes (nginx master+worker; the platform JVM for PUB, without the jobs it
# started; for the job directly, the job's process tree: the sandbox launcher and the python
# process under it) over the -c32 runs divided by the requests served; and the job's own CPU per
# request (its process tree) behind each path, since the job shares the proxies' core; and the
# proxy's context switches per request (all its threads, which live as long as the proxy; the
# involuntary ones are preemptions, e.g. by the job thread its write woke on the shared core).
# Usage: bench/pub-vs-nginx.sh [DURATION_SECONDS] [RUNS] [WARMUP]  (needs wrk, nginx, python3)
# The platform takes its settings from the environment, e.g. PUB_TRANSPORT=io_uring to measure PUB on
# another transport, RACETRACK_JAVA_OPTS for JVM options.
# PUB_BENCH_JFR=FILE also records the platform JVM with Java Flight Recorder (profile settings)
# from PUB's warm-up to the end of the rounds and writes the recording to FILE (read it with `jfr print`/`jfr summary`).
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
# (A platform from before the call secrets has no key: then there is nothing to present.)
if [ -f "$RACETRACK_DATA_DIR/keys/job_call_key" ]; then
  JOB_SECRET=$(python3 -c '
import base64, hashlib, hmac, sys
key = open(sys.argv[1]).read().strip().encode()
mac = hmac.new(key, b"bench-adder\0" + b"0.0.1", hashlib.sha256).digest()
print(base64.urlsafe_b64encode(mac).rstrip(b"=").decode())' "$RACETRACK_DATA_DIR/keys/job_call_key")
  echo "wrk.headers[\"X-Racetrack-Job-Secret\"] = \"$JOB_SECRET\"" >>"$WORK/post.lua"
fi

declare -A RPS P50 P50_1 P99 ERRORS CPU
NGINX_MASTER=$(cat "$WORK/nginx.pid")
ms() { # a wrk latency (e.g. 1.2ms, 830.00us) -> ms
  python3 -c '
import sys
v=sys.argv[1].strip()
for unit,f in (("us",0.001),("ms",1),("s",1000)):
    if v.endswith(unit): print(f"{float(v[:-len(unit)])*f:.3f}"); break' "$1"
}
switches() { # "voluntary involuntary" context switches of all threads of the given processes
  cat $(for p in "$@"; do echo /proc/"$p"/task/*/status; done) 2>/dev/null |
    awk '/^voluntary_ctxt_switches/ {v += $2} /^nonvoluntary_ctxt_switches/ {n += $2} END {print v + 0, n + 0}'
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
URL_direct="http://$INTERNAL/pub/job/bench-adder/0.0.1/api/v1/perform"; LUA_direct="$WORK/post.lua"
URL_nginx="http://127.0.0.1:$NGINX_PORT/pub/job/bench-adder/0.0.1/api/v1/perform"; LUA_nginx="$WORK/post.lua"
URL_pub="http://127.0.0.1:$PUB_PORT/pub/job/bench-adder/latest/api/v1/perform"; LUA_pub="$TOKEN_LUA"
url() { local v="URL_$1"; echo "${!v}"; }
lua() { local v="LUA_$1"; echo "${!v}"; }
declare -A ALL_RPS ALL_P50 ALL_P99 ERRORS REQUESTS CPU_USER CPU_SYS JOB_TICKS SW_VOL SW_INVOL
warm() { # name seconds
  taskset -c 0 wrk -t1 -c32 -d"$2s" -s "$(lua "$1")" "$(url "$1")" >/dev/null
}
measure() { # name: one -c32 run, its figures added to the name's lists
  local name=$1 out u0 s0 u1 s1 j0 j1 js v0 n0 v1 n1
  read -r u0 s0 < <(cpu_ticks $(proxy_pids "$name"))
  read -r v0 n0 < <(switches $(proxy_pids "$name"))
  read -r j0 js < <(cpu_ticks $(descendants "$JOB_PID")); j0=$((j0 + js))
  out=$(taskset -c 0 wrk -t1 -c32 -d"${DURATION}s" --latency -s "$(lua "$name")" "$(url "$name")")
  read -r u1 s1 < <(cpu_ticks $(proxy_pids "$name"))
  read -r v1 n1 < <(switches $(proxy_pids "$name"))
  read -r j1 js < <(cpu_ticks $(descendants "$JOB_PID")); j1=$((j1 + js))
  ALL_RPS[$name]+="$(awk '/Requests\/sec/ {print $2}' <<<"$out") "
  ALL_P50[$name]+="$(ms "$(awk '$1=="50%" {print $2}' <<<"$out")") "
  ALL_P99[$name]+="$(ms "$(awk '$1=="99%" {print $2}' <<<"$out")") "
  ERRORS[$name]=$(( ${ERRORS[$name]:-0} + $(awk '/Socket errors/ {gsub(",", ""); s += $4 + $6 + $8 + $10} /Non-2xx/ {s += $5} END {print s + 0}' <<<"$out") ))
  REQUESTS[$name]=$(( ${REQUESTS[$name]:-0} + $(awk '/requests in/ {print $1}' <<<"$out") ))
  CPU_USER[$name]=$(( ${CPU_USER[$name]:-0} + u1 - u0 ))
  CPU_SYS[$name]=$(( ${CPU_SYS[$name]:-0} + s1 - s0 ))
  JOB_TICKS[$name]=$(( ${JOB_TICKS[$name]:-0} + j1 - j0 ))
  SW_VOL[$name]=$(( ${SW_VOL[$name]:-0} + v1 - v0 ))
  SW_INVOL[$name]=$(( ${SW_INVOL[$name]:-0} + n1 - n0 ))
}
per_request() { # ticks requests -> microseconds per request
  python3 -c "print(f'{$1 * 1e6 / $(getconf CLK_TCK) / $2:.1f}')"
}

# Warm-up: the job and nginx for a few seconds, PUB's JVM for WARMUP seconds (the JIT compiles on
# the same core as everything else).
warm direct 5; warm nginx 5
if [ -n "${PUB_BENCH_JFR:-}" ]; then
  "$JAVA_HOME/bin/jcmd" "$SERVER_PID" JFR.start name=pubbench settings=profile >/dev/null
fi
warm pub "$WARMUP"
declare -A P50_1
for name in direct nginx pub; do
  P50_1[$name]=$(ms "$(taskset -c 0 wrk -t1 -c1 -d"${DURATION}s" --latency -s "$(lua "$name")" "$(url "$name")" | awk '$1=="50%" {print $2}')")
done
# Interleaved rounds: the machine's drift (other tenants of the host, frequency) hits nginx and
# PUB alike; each round gives its own PUB/nginx ratio. The order alternates between rounds.
ROUND_RATIOS=()
for r in $(seq "$RUNS"); do
  if [ $((r % 2)) = 1 ]; then order="direct nginx pub"; else order="pub nginx direct"; fi
  for name in $order; do measure "$name"; done
  read -r -a n <<<"${ALL_RPS[nginx]}"; read -r -a q <<<"${ALL_RPS[pub]}"
  ROUND_RATIOS+=("$(python3 -c "print(f'{${q[-1]} / ${n[-1]}:.2f}')")")
  echo "round $r ($order): nginx ${n[-1]} req/s, PUB ${q[-1]} req/s, PUB/nginx ${ROUND_RATIOS[-1]}" >&2
done
if [ -n "${PUB_BENCH_JFR:-}" ]; then
  "$JAVA_HOME/bin/jcmd" "$SERVER_PID" JFR.dump name=pubbench filename="$PUB_BENCH_JFR" >/dev/null
fi
declare -A RPS P50 P99 CPU JOB_CPU SWITCHES
for name in direct nginx pub; do
  RPS[$name]=$(tr ' ' '\n' <<<"${ALL_RPS[$name]}" | grep . | median)
  P50[$name]=$(tr ' ' '\n' <<<"${ALL_P50[$name]}" | grep . | median)
  P99[$name]=$(tr ' ' '\n' <<<"${ALL_P99[$name]}" | grep . | median)
  u=$(per_request "${CPU_USER[$name]}" "${REQUESTS[$name]}"); k=$(per_request "${CPU_SYS[$name]}" "${REQUESTS[$name]}")
  CPU[$name]="$(python3 -c "print(f'{$u + $k:.1f}')") us ($u user + $k kernel)"
  JOB_CPU[$name]="$(per_request "${JOB_TICKS[$name]}" "${REQUESTS[$name]}") us"
  # Not for the job: its wrapper serves each connection on a thread of its own, and the counts of
  # the threads that ended between the two readings are gone from /proc.
  SWITCHES[$name]="—"
  if [ "$name" != direct ]; then
    SWITCHES[$name]=$(python3 -c "print(f'{${SW_VOL[$name]} / ${REQUESTS[$name]}:.2f} + {${SW_INVOL[$name]} / ${REQUESTS[$name]}:.2f}')")
  fi
  echo "$name: ${RPS[$name]} req/s (runs: ${ALL_RPS[$name]}), p50 ${P50[$name]} ms, p99 ${P99[$name]} ms (runs: ${ALL_P99[$name]}), errors ${ERRORS[$name]}, CPU ${CPU[$name]} per request, job ${JOB_CPU[$name]} per request, context switches per request ${SWITCHES[$name]} (voluntary + involuntary)" >&2
done
CPU[direct]="—"

ADDED=$(python3 -c "print(f'{${P50_1[pub]} - ${P50_1[direct]}:.3f}')")
NGINX_ADDED=$(python3 -c "print(f'{${P50_1[nginx]} - ${P50_1[direct]}:.3f}')")
RATIO=$(printf '%s\n' "${ROUND_RATIOS[@]}" | median)
cat <<REPORT
machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GB, Linux $(uname -r); $(. "$ROOT/scripts/find-jdk.sh" >/dev/null 2>&1; rt_find_jdk >/dev/null 2>&1; "${JAVA_HOME:-/nonexistent}/bin/java" -version 2>&1 | head -1 || true); $(nginx -v 2>&1); $(python3 --version)
command: bench/pub-vs-nginx.sh $DURATION $RUNS $WARMUP  (wrk on core 0; job, nginx and the platform on core 1; throughput -t1 -c32 -d${DURATION}s, $RUNS interleaved rounds, medians; latency -c1; CPU = utime+stime of the proxy's processes, and of the job's process tree, over the -c32 runs / requests served; context switches of all the proxy's threads over the same runs / requests served)
| path | req/s (32 connections) | p50 (32) | p99 (32) | p50 (1 connection) | p50 added (1) | errors | proxy CPU per request | job CPU per request | proxy context switches per request (voluntary + involuntary) |
|---|---|---|---|---|---|---|---|---|---|
| job directly | ${RPS[direct]} | ${P50[direct]} ms | ${P99[direct]} ms | ${P50_1[direct]} ms | — | ${ERRORS[direct]} | — | ${JOB_CPU[direct]} | — |
| nginx proxy_pass, upstream keep-alive, no auth | ${RPS[nginx]} | ${P50[nginx]} ms | ${P99[nginx]} ms | ${P50_1[nginx]} ms | ${NGINX_ADDED} ms | ${ERRORS[nginx]} | ${CPU[nginx]} | ${JOB_CPU[nginx]} | ${SWITCHES[nginx]} |
| PUB with auth | ${RPS[pub]} | ${P50[pub]} ms | ${P99[pub]} ms | ${P50_1[pub]} ms | ${ADDED} ms | ${ERRORS[pub]} | ${CPU[pub]} (platform JVM) | ${JOB_CPU[pub]} | ${SWITCHES[pub]} (platform JVM) |
PUB / nginx throughput: ${RATIO} (median of the rounds' ratios: ${ROUND_RATIOS[*]}; ratio of the medians: $(python3 -c "print(f'{${RPS[pub]} / ${RPS[nginx]}:.2f}')"))
racetrack deploy (python, no requirements) to first 200 through PUB: ${DEPLOY_SECONDS} s
REPORT
