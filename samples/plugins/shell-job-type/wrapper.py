"""HTTP wrapper of the shell job type: POST .../api/v1/perform runs the job's script with the
request body on stdin and answers with its stdout (JSON if it parses, else a JSON string).

It speaks the job contract: it listens on JOB_HTTP_ADDR:PORT (the platform sets both; 0.0.0.0:7000
otherwise), answers the probes /live, /ready and /health, and performs only for the gateway, which
presents the job's call secret (RACETRACK_JOB_CALL_SECRET) in X-Racetrack-Job-Secret. The gateway
forwards /pub/job/NAME/VERSION/PATH unchanged, so every route is also served under that prefix.
"""
import hmac
import json
import os
import re
import subprocess
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCRIPT = os.environ.get("JOB_SCRIPT") or "perform.sh"
CALL_SECRET = os.environ.get("RACETRACK_JOB_CALL_SECRET", "")
DEPLOYMENT_TIMESTAMP = int(os.environ.get("JOB_DEPLOYMENT_TIMESTAMP", "0"))
PREFIX = re.compile(r"^/pub/job/[^/]+/[^/]+")
# the script gets the job's environment without the platform's secrets
SCRIPT_ENV = {k: v for k, v in os.environ.items() if k not in ("RACETRACK_JOB_CALL_SECRET", "AUTH_TOKEN")}


class Handler(BaseHTTPRequestHandler):
    def _send(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _path(self):
        return PREFIX.sub("", self.path.split("?", 1)[0]) or "/"

    def do_GET(self):
        path = self._path()
        if path in ("/live", "/health"):
            self._send(200, {"live": True, "deployment_timestamp": DEPLOYMENT_TIMESTAMP})
        elif path == "/ready":
            self._send(200, {"ready": True})
        else:
            self._send(404, {"error": "not found: " + path})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        request = self.rfile.read(length)  # read it all before answering, even a refusal
        given = self.headers.get("X-Racetrack-Job-Secret", "")
        if not CALL_SECRET or not hmac.compare_digest(given.encode(), CALL_SECRET.encode()):
            self._send(401, {"error": "jobs answer only calls through PUB", "type": "unauthorized"})
            return
        if self._path() != "/api/v1/perform":
            self._send(404, {"error": "not found"})
            return
        done = subprocess.run(["sh", SCRIPT], input=request, capture_output=True, timeout=60, env=SCRIPT_ENV)
        if done.returncode != 0:
            self._send(500, {"error": done.stderr.decode(errors="replace")[-2000:]})
            return
        out = done.stdout.decode(errors="replace").strip()
        try:
            self._send(200, json.loads(out))
        except ValueError:
            self._send(200, out)


address = (os.environ.get("JOB_HTTP_ADDR", "0.0.0.0"), int(os.environ.get("PORT", "7000")))
print("shell job listening on %s:%d" % address, flush=True)
ThreadingHTTPServer(address, Handler).serve_forever()
