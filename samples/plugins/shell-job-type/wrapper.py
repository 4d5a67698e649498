"""HTTP wrapper of the shell job type: POST .../api/v1/perform runs the job's script with the
request body on stdin and answers with its stdout (JSON if it parses, else a JSON string)."""
import json
import os
import subprocess
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME = os.environ.get("JOB_NAME", "job")
SCRIPT = os.environ.get("JOB_SCRIPT") or "perform.sh"
PREFIX = "/pub/job/" + NAME + "/"


class Handler(BaseHTTPRequestHandler):
    def _send(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _path(self):
        path = self.path.split("?", 1)[0]
        if path.startswith(PREFIX):
            rest = path[len(PREFIX):]
            path = "/" + (rest.split("/", 1)[1] if "/" in rest else "")
        return path

    def do_GET(self):
        path = self._path()
        if path in ("/live", "/health"):
            self._send(200, {"live": True, "deployment_timestamp": int(os.environ.get("JOB_DEPLOYMENT_TIMESTAMP", "0"))})
        elif path == "/ready":
            self._send(200, {"ready": True})
        else:
            self._send(404, {"error": "not found: " + path})

    def do_POST(self):
        if self._path() != "/api/v1/perform":
            self._send(404, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        request = self.rfile.read(length)
        done = subprocess.run(["sh", SCRIPT], input=request, capture_output=True, timeout=60)
        if done.returncode != 0:
            self._send(500, {"error": done.stderr.decode(errors="replace")[-2000:]})
            return
        out = done.stdout.decode(errors="replace").strip()
        try:
            self._send(200, json.loads(out))
        except ValueError:
            self._send(200, out)


ThreadingHTTPServer(("0.0.0.0", 7000), Handler).serve_forever()
