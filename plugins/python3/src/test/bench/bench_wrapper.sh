#!/usr/bin/env bash
# Benchmark of the python3 job wrapper on a trivial job (sum of two numbers).
#
#   bash plugins/python3/src/test/bench/bench_wrapper.sh
#
# - time-to-ready: median over READY_RUNS spawns of the time from process spawn to the first
#   200 from /ready (polled every millisecond by a raw-socket client);
# - throughput: wrk -t1 -c32 -d10s POST /api/v1/perform, RUNS times, median req/s;
#   server pinned to CPU $SERVER_CPU, wrk to CPU $CLIENT_CPU (taskset);
# - memory: VmRSS of the server process after the load.
#
# Needs wrk (apt-get install -y wrk) and taskset (util-linux). Everything runs on 127.0.0.1.
# Tunables (environment): PYTHON, PORT, DURATION, CONNECTIONS, RUNS, READY_RUNS, SERVER_CPU, CLIENT_CPU.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WRAPPER_DIR="$(cd "$HERE/../../main/resources/dev/racetrack/python3/wrapper" && pwd)"
PYTHON="${PYTHON:-python3}"
# Resolve shims (e.g. pyenv's bash wrapper, which adds ~50 ms per start) to the real interpreter.
PYTHON="$("$PYTHON" -c 'import sys; print(sys.executable)')"
PORT="${PORT:-7391}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
RUNS="${RUNS:-3}"
READY_RUNS="${READY_RUNS:-5}"
SERVER_CPU="${SERVER_CPU:-1}"
CLIENT_CPU="${CLIENT_CPU:-0}"

for tool in wrk taskset; do
    command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install -y wrk util-linux)" >&2; exit 1; }
done

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------- trivial job, wrk script, ready probe
mkdir -p "$WORK/job"
cat > "$WORK/job/adder.py" <<'EOF'
class JobEntrypoint:
    def perform(self, numbers: list[float]) -> float:
        """Add numbers."""
        return sum(numbers)

    def docs_input_example(self) -> dict:
        return {"numbers": [40, 2]}
EOF

cat > "$WORK/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = '{"numbers": [40, 2]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Racetrack-Job-Secret"] = "bench-secret"
EOF

# Spawns the server (pinned with taskset) and polls /ready every millisecond.
# Prints "<pid> <ms from spawn to first 200 from /ready>"; leaves the server running.
cat > "$WORK/spawn_ready.py" <<'EOF'
import os, socket, subprocess, sys, time
python, cpu, port, log_path = sys.argv[1:5]
request = b'GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
log = open(log_path, 'ab')
started = time.perf_counter()
process = subprocess.Popen(
    ['taskset', '-c', cpu, python, '-u', '-m', 'racetrack_job_wrapper', 'run', 'adder.py'],
    stdout=log, stderr=log, start_new_session=True,
)
deadline = started + 10
while time.perf_counter() < deadline:
    try:
        with socket.create_connection(('127.0.0.1', int(port)), timeout=1) as s:
            s.sendall(request)
            if s.recv(64).startswith(b'HTTP/1.1 200'):
                print(process.pid, round((time.perf_counter() - started) * 1000, 1))
                sys.exit(0)
    except OSError:
        pass
    if process.poll() is not None:
        sys.exit(f'server exited with {process.returncode}, see {log_path}')
    time.sleep(0.001)
process.kill()
sys.exit('server not ready within 10 s')
EOF

export PYTHONPATH="$WRAPPER_DIR${PYTHONPATH:+:$PYTHONPATH}"
export JOB_NAME=adder JOB_VERSION=0.0.1 JOB_HTTP_ADDR=127.0.0.1 JOB_HTTP_PORT="$PORT"
export RACETRACK_JOB_CALL_SECRET=bench-secret  # presented as PUB does (see post.lua)
cd "$WORK/job"

stop_server() {
    kill -TERM "$SERVER_PID"
    while kill -0 "$SERVER_PID" 2>/dev/null; do sleep 0.01; done
    SERVER_PID=""
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "machine: $(nproc) CPUs, $(lscpu | grep 'Model name' | sed 's/Model name: *//')"
echo "python:  $("$PYTHON" --version 2>&1) ($PYTHON)"
echo "wrk:     $(wrk --version 2>&1 | head -1)"
echo

# ---------------------------------------------------------------- time to ready
READY_TIMES=()
for i in $(seq "$READY_RUNS"); do
    read -r SERVER_PID READY_MS < <(taskset -c "$CLIENT_CPU" "$PYTHON" "$WORK/spawn_ready.py" \
        "$PYTHON" "$SERVER_CPU" "$PORT" "$WORK/server.log")
    READY_TIMES+=("$READY_MS")
    stop_server
done
READY_MEDIAN="$(printf '%s\n' "${READY_TIMES[@]}" | median)"
echo "time to ready (ms): ${READY_TIMES[*]} -> median $READY_MEDIAN"

# ---------------------------------------------------------------- throughput
read -r SERVER_PID READY_MS < <(taskset -c "$CLIENT_CPU" "$PYTHON" "$WORK/spawn_ready.py" \
    "$PYTHON" "$SERVER_CPU" "$PORT" "$WORK/server.log")
RSS_BEFORE="$(awk '/VmRSS/ { print $2 }' "/proc/$SERVER_PID/status")"
URL="http://127.0.0.1:$PORT/api/v1/perform"

# Sanity check of the response before measuring.
taskset -c "$CLIENT_CPU" "$PYTHON" - "$PORT" <<'EOF'
import http.client, sys
conn = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]), timeout=5)
conn.request('POST', '/api/v1/perform', body=b'{"numbers": [40, 2]}', headers={'Content-Type': 'application/json', 'X-Racetrack-Job-Secret': 'bench-secret'})
response = conn.getresponse()
body = response.read()
assert response.status == 200 and body == b'42', (response.status, body)
EOF

# Short warm-up, then the measured runs.
taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d2s -s "$WORK/post.lua" "$URL" >/dev/null
RESULTS=()
for i in $(seq "$RUNS"); do
    OUT="$(taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/post.lua" "$URL")"
    RPS="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$OUT")"
    P50="$(awk '$1 == "50%" { print $2 }' <<<"$OUT")"
    P99="$(awk '$1 == "99%" { print $2 }' <<<"$OUT")"
    ERRORS="$(grep -E 'Non-2xx|Socket errors' <<<"$OUT" || true)"
    echo "run $i: $RPS req/s (latency p50 $P50, p99 $P99)${ERRORS:+ [$ERRORS]}"
    RESULTS+=("$RPS")
done
RSS_AFTER="$(awk '/VmRSS/ { print $2 }' "/proc/$SERVER_PID/status")"
RPS_MEDIAN="$(printf '%s\n' "${RESULTS[@]}" | median)"
stop_server

echo
echo "median throughput: $RPS_MEDIAN req/s (wrk -t1 -c$CONNECTIONS -d$DURATION, POST /api/v1/perform)"
echo "RSS: $((RSS_BEFORE / 1024)) MiB before load, $((RSS_AFTER / 1024)) MiB after load ($RSS_AFTER kB)"
echo "time to ready: $READY_MEDIAN ms (median of $READY_RUNS)"
