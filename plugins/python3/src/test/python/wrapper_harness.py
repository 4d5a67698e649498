"""
Test harness: runs the job wrapper as a real subprocess on a free port and talks to it over HTTP.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
FIXTURES_DIR = os.path.join(TESTS_DIR, 'fixtures')
WRAPPER_DIR = os.path.abspath(os.path.join(TESTS_DIR, '..', '..', 'main', 'resources', 'dev', 'racetrack',
                                           'python3', 'wrapper'))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Response:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status = status
        self.headers = headers  # lower-case names
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f'Response({self.status}, {self.body[:300]!r})'


# The secret the platform gives a job; the harness presents it on every call, as PUB does.
CALL_SECRET = 'secret-pub-presents-to-the-job'
SECRET_HEADER = 'X-Racetrack-Job-Secret'
SECRET_LINE = (SECRET_HEADER + ': ' + CALL_SECRET + '\r\n').encode()


class PubLikeConnection(http.client.HTTPConnection):
    """An HTTP connection that presents the job's secret on every request, as PUB does."""

    def putrequest(self, method, url, *args, **kwargs):
        super().putrequest(method, url, *args, **kwargs)
        self.putheader(SECRET_HEADER, CALL_SECRET)


class WrapperProcess:
    """The wrapper serving a fixture job: ``python3 -u -m racetrack_job_wrapper run <entrypoint> [<class>]``."""

    def __init__(self, fixture: str, entrypoint: str, class_name: str | None = None, env: dict | None = None,
                 job_name: str = 'adder', job_version: str = '0.0.1'):
        self.cwd = os.path.join(FIXTURES_DIR, fixture)
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix='wrapper-', suffix='.log', delete=False)
        args = [sys.executable, '-u', '-m', 'racetrack_job_wrapper', 'run', entrypoint]
        if class_name:
            args.append(class_name)
        full_env = {
            **os.environ,
            'PYTHONPATH': WRAPPER_DIR + os.pathsep + os.environ.get('PYTHONPATH', ''),
            'PYTHONDONTWRITEBYTECODE': '1',
            'JOB_NAME': job_name,
            'JOB_VERSION': job_version,
            'JOB_HTTP_ADDR': '127.0.0.1',
            'JOB_HTTP_PORT': str(self.port),
            'RACETRACK_JOB_CALL_SECRET': CALL_SECRET,
            **(env or {}),
        }
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(args, cwd=self.cwd, env=full_env, stdout=self.log, stderr=subprocess.STDOUT)

    # ------------------------------------------------------------------ lifecycle

    def wait_listening(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f'wrapper exited with {self.process.returncode}:\n{self.output()}')
            try:
                with socket.create_connection(('127.0.0.1', self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.005)
        raise AssertionError(f'wrapper not listening after {timeout}s:\n{self.output()}')

    def wait_ready(self, timeout: float = 10.0) -> 'WrapperProcess':
        self.wait_listening(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.get('/ready').status == 200:
                return self
            time.sleep(0.01)
        raise AssertionError(f'wrapper not ready after {timeout}s:\n{self.output()}')

    def wait_until(self, predicate, timeout: float = 10.0, message: str = 'condition'):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.01)
        raise AssertionError(f'{message} not met after {timeout}s:\n{self.output()}')

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def close(self) -> None:
        self.stop()
        self.log.close()
        try:
            os.unlink(self.log.name)
        except OSError:
            pass

    def output(self) -> str:
        self.log.flush()
        with open(self.log.name, 'rb') as f:
            return f.read().decode(errors='replace')

    # ------------------------------------------------------------------ HTTP

    def connection(self, timeout: float = 10.0, secret: bool = True) -> http.client.HTTPConnection:
        """A connection to the wrapper; with ``secret`` it presents the job's secret as PUB does."""
        factory = PubLikeConnection if secret else http.client.HTTPConnection
        return factory('127.0.0.1', self.port, timeout=timeout)

    def request(self, method: str, path: str, body=None, headers: dict | None = None,
                timeout: float = 10.0, secret: bool = True) -> Response:
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        conn = self.connection(timeout, secret)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            conn.close()

    def get(self, path: str, **kwargs) -> Response:
        return self.request('GET', path, **kwargs)

    def post(self, path: str, body=None, **kwargs) -> Response:
        return self.request('POST', path, body=body, **kwargs)

    def raw(self, data: bytes, timeout: float = 5.0) -> bytes:
        """Send raw bytes on a new connection, return everything received until the server closes."""
        with socket.create_connection(('127.0.0.1', self.port), timeout=timeout) as s:
            s.sendall(data)
            chunks = []
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
            return b''.join(chunks)


class WrapperTestCase(unittest.TestCase):
    """Starts one wrapper for the whole class (override the class attributes)."""

    fixture = 'adder'
    entrypoint = 'adder.py'
    class_name: str | None = None
    env: dict = {}
    job_name = 'adder'
    wait_for_ready = True

    @classmethod
    def setUpClass(cls):
        cls.wrapper = WrapperProcess(cls.fixture, cls.entrypoint, cls.class_name, cls.env, job_name=cls.job_name)
        try:
            if cls.wait_for_ready:
                cls.wrapper.wait_ready()
            else:
                cls.wrapper.wait_listening()
        except BaseException:
            cls.wrapper.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.wrapper.close()
