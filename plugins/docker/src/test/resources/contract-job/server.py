# A few-line job speaking the job contract for DockerTargetIT: /live, /ready, the job call secret.
import hmac, json, os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ.get("RACETRACK_JOB_CALL_SECRET", "")
if os.environ.get("CRASH_AT_START") == "1":
    print("crashing as asked", flush=True)
    sys.exit(3)


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keep-alive, as jobs speak it: with the default HTTP/1.0 every answer closes its
    # connection, and a client that pooled it (the JDK's) read "no bytes" from the next request
    protocol_version = "HTTP/1.1"

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/live":
            return self.answer(200, {"live": True, "deployment_timestamp": int(os.environ["JOB_DEPLOYMENT_TIMESTAMP"])})
        if self.path == "/ready":
            return self.answer(200, {"ready": True})
        self.answer(404, {"error": "not found"})

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))  # answer only a read request
        given = self.headers.get("X-Racetrack-Job-Secret", "")
        if not SECRET or not hmac.compare_digest(given, SECRET):
            return self.answer(401, {"error": "calls must come through PUB", "type": "unauthorized"})
        try:
            open("/app/written", "w").close()
            root_writable = True
        except OSError:
            root_writable = False
        self.answer(200, {"uid": os.getuid(), "my_secret": os.environ.get("MY_SECRET"),
                          "greeting": os.environ.get("GREETING"), "root_writable": root_writable})


print("contract job listening on port", os.environ["PORT"], flush=True)
ThreadingHTTPServer((os.environ.get("JOB_HTTP_ADDR", "0.0.0.0"), int(os.environ["PORT"])), Handler).serve_forever()
