"""A job that brings its own HTTP server: adds numbers on POST /api/v1/perform.

It speaks the job contract by itself (no Racetrack wrapper): it listens on PORT, answers the
probes /live and /ready, and performs only for the gateway, which presents the job's call secret
(RACETRACK_JOB_CALL_SECRET) in X-Racetrack-Job-Secret. The gateway forwards
/pub/job/NAME/VERSION/PATH unchanged, so every route is also served under that prefix.
"""
import hmac
import json
import os
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CALL_SECRET = os.environ.get("RACETRACK_JOB_CALL_SECRET", "")
DEPLOYMENT_TIMESTAMP = int(os.environ.get("JOB_DEPLOYMENT_TIMESTAMP", "0"))
PREFIX = re.compile(r"^/pub/job/[^/]+/[^/]+")


class Handler(BaseHTTPRequestHandler):
    def route(self):
        return PREFIX.sub("", self.path.split("?", 1)[0]) or "/"

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        route = self.route()
        if route == "/live":
            return self.answer(200, {"live": True, "deployment_timestamp": DEPLOYMENT_TIMESTAMP})
        if route == "/ready":
            return self.answer(200, {"ready": True})
        if route == "/health":
            return self.answer(200, {"service": "job", "live": True, "ready": True, "status": "pass"})
        self.answer(404, {"error": "no such route: " + route})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)  # read it all before answering, even a refusal
        given = self.headers.get("X-Racetrack-Job-Secret", "")
        if not CALL_SECRET or not hmac.compare_digest(given.encode(), CALL_SECRET.encode()):
            return self.answer(401, {"error": "jobs answer only calls through PUB", "type": "unauthorized"})
        if self.route() != "/api/v1/perform":
            return self.answer(404, {"error": "no such route"})
        try:
            numbers = json.loads(body or b"{}").get("numbers", [])
            return self.answer(200, sum(numbers))
        except (ValueError, TypeError, AttributeError) as e:
            return self.answer(400, {"error": "expected {\"numbers\": [...]}: " + str(e)})


if __name__ == "__main__":
    address = (os.environ.get("JOB_HTTP_ADDR", "0.0.0.0"), int(os.environ.get("PORT", "7000")))
    print("dockerfile-job listening on %s:%d" % address, flush=True)
    ThreadingHTTPServer(address, Handler).serve_forever()
