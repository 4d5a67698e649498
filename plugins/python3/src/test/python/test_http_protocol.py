"""HTTP/1.1 protocol handling: keep-alive, chunked bodies, pipelining, HTTP/1.0, body limits."""

import json
import socket
import time
import unittest

from wrapper_harness import SECRET_LINE, WrapperTestCase

PERFORM = b'{"numbers": [40, 2]}'


def perform_request(extra_headers: bytes = b'', version: bytes = b'HTTP/1.1', body: bytes = PERFORM) -> bytes:
    return (b'POST /api/v1/perform ' + version + b'\r\nHost: x\r\n' + SECRET_LINE + b'Content-Type: application/json\r\n'
            + b'Content-Length: %d\r\n' % len(body) + extra_headers + b'\r\n' + body)


def split_responses(data: bytes) -> list[tuple[bytes, bytes]]:
    """Split concatenated Content-Length responses into (head, body) pairs."""
    responses = []
    while data:
        head, _, rest = data.partition(b'\r\n\r\n')
        length = 0
        for line in head.split(b'\r\n')[1:]:
            name, _, value = line.partition(b':')
            if name.strip().lower() == b'content-length':
                length = int(value)
        responses.append((head, rest[:length]))
        data = rest[length:]
    return responses


class TestHttpProtocol(WrapperTestCase):
    env = {'JOB_MAX_BODY_BYTES': '1000', 'LOG_REQUESTS': 'true'}

    def test_keep_alive_several_requests_on_one_connection(self):
        conn = self.wrapper.connection()
        try:
            for i in range(5):
                conn.request('POST', '/api/v1/perform', body=json.dumps({'numbers': [i, 1]}),
                              headers={'Content-Type': 'application/json'})
                response = conn.getresponse()
                self.assertEqual(response.status, 200)
                self.assertEqual(json.loads(response.read()), i + 1)
                self.assertIsNone(response.getheader('Connection'))
            conn.request('GET', '/live')
            self.assertEqual(conn.getresponse().status, 200)
            # One TCP connection was used throughout.
            self.assertIsNotNone(conn.sock)
        finally:
            conn.close()

    def test_chunked_request_body(self):
        body = [b'{"numb', b'ers": [40', b', 2]}']
        conn = self.wrapper.connection()
        try:
            conn.request('POST', '/api/v1/perform', body=iter(body), encode_chunked=True,
                         headers={'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked'})
            response = conn.getresponse()
            self.assertEqual(response.status, 200)
            self.assertEqual(json.loads(response.read()), 42)
            # The connection is still usable after a chunked body.
            conn.request('POST', '/api/v1/perform', body=PERFORM)
            self.assertEqual(json.loads(conn.getresponse().read()), 42)
        finally:
            conn.close()

    def test_chunked_body_with_extensions_and_trailers(self):
        raw = (b'POST /api/v1/perform HTTP/1.1\r\nHost: x\r\n' + SECRET_LINE
               + b'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n'
               b'5;ext=1\r\n{"num\r\n' b'F\r\nbers": [40, 2]}\r\n' b'0\r\nX-Trailer: yes\r\n\r\n')
        (head, body), = split_responses(self.wrapper.raw(raw))
        self.assertTrue(head.startswith(b'HTTP/1.1 200 OK'), head)
        self.assertEqual(body, b'42.0')

    def test_pipelined_requests(self):
        data = perform_request() + b'GET /ready HTTP/1.1\r\nHost: x\r\n\r\n' + perform_request(b'Connection: close\r\n')
        responses = split_responses(self.wrapper.raw(data))
        self.assertEqual([body for _, body in responses], [b'42.0', b'{"ready": true}', b'42.0'])
        self.assertIn(b'Connection: close', responses[-1][0])

    def test_absolute_form_target(self):
        raw = (b'POST http://job.example:7000/api/v1/perform?x=1 HTTP/1.1\r\nHost: job.example\r\n' + SECRET_LINE
               + b'Content-Length: %d\r\nConnection: close\r\n\r\n%s' % (len(PERFORM), PERFORM))
        (head, body), = split_responses(self.wrapper.raw(raw))
        self.assertTrue(head.startswith(b'HTTP/1.1 200 OK'), head)
        self.assertEqual(body, b'42.0')

    def test_connection_close(self):
        responses = split_responses(self.wrapper.raw(perform_request(b'Connection: close\r\n')))
        self.assertEqual(len(responses), 1)
        self.assertIn(b'Connection: close', responses[0][0])

    def test_http_1_0_closes_by_default(self):
        (head, body), = split_responses(self.wrapper.raw(perform_request(version=b'HTTP/1.0')))
        self.assertTrue(head.startswith(b'HTTP/1.1 200'))
        self.assertIn(b'Connection: close', head)
        self.assertEqual(body, b'42.0')

    def test_http_1_0_keep_alive(self):
        with socket.create_connection(('127.0.0.1', self.wrapper.port), timeout=5) as s:
            s.sendall(perform_request(b'Connection: keep-alive\r\n', version=b'HTTP/1.0'))
            first = s.recv(65536)
            self.assertIn(b'Connection: keep-alive', first)
            s.sendall(perform_request(version=b'HTTP/1.0'))
            data = b''
            while chunk := s.recv(65536):
                data += chunk
            self.assertTrue(data.endswith(b'42.0'))

    def test_body_too_large_is_413(self):
        body = json.dumps({'numbers': [1] * 600}).encode()
        self.assertGreater(len(body), 1000)
        response = self.wrapper.post('/api/v1/perform', body)
        self.assertEqual(response.status, 413)
        self.assertIn('1000', response.json()['error'])

    def test_chunked_body_too_large_is_413(self):
        conn = self.wrapper.connection()
        try:
            conn.request('POST', '/api/v1/perform', body=iter([b'[' + b'1,' * 300, b'1,' * 300 + b'1]']),
                         encode_chunked=True, headers={'Transfer-Encoding': 'chunked'})
            response = conn.getresponse()
            self.assertEqual(response.status, 413)
            self.assertIn('error', json.loads(response.read()))
        finally:
            conn.close()

    def test_expect_100_continue(self):
        with socket.create_connection(('127.0.0.1', self.wrapper.port), timeout=5) as s:
            s.sendall(b'POST /api/v1/perform HTTP/1.1\r\nHost: x\r\n' + SECRET_LINE
                      + b'Content-Length: %d\r\nExpect: 100-continue\r\n'
                      b'Connection: close\r\n\r\n' % len(PERFORM))
            self.assertEqual(s.recv(65536), b'HTTP/1.1 100 Continue\r\n\r\n')
            s.sendall(PERFORM)
            data = b''
            while chunk := s.recv(65536):
                data += chunk
            self.assertTrue(data.startswith(b'HTTP/1.1 200 OK'))
            self.assertTrue(data.endswith(b'42.0'))

    def test_malformed_requests_are_400(self):
        for raw in (b'GARBAGE\r\n\r\n', b'GET /live HTTP/1.1\r\nNo-Colon-Here\r\n\r\n',
                    b'POST /api/v1/perform HTTP/1.1\r\nContent-Length: abc\r\n\r\n',
                    b'POST /api/v1/perform HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'):
            with self.subTest(raw=raw):
                response = self.wrapper.raw(raw)
                self.assertTrue(response.startswith(b'HTTP/1.1 400 Bad Request'), response)
                self.assertIn(b'Connection: close', response)

    def test_access_log(self):
        self.wrapper.get('/live?access-log-check')
        self.wrapper.wait_until(lambda: '"GET /live?access-log-check HTTP/1.1" 200' in self.wrapper.output(),
                                timeout=5, message='access log line')


class TestConnectionTimeouts(WrapperTestCase):
    env = {'JOB_KEEPALIVE_TIMEOUT': '0.3', 'JOB_REQUEST_READ_TIMEOUT': '0.5'}

    def recv_until_closed(self, sock: socket.socket) -> bytes:
        data = b''
        while chunk := sock.recv(65536):
            data += chunk
        return data

    def test_idle_keep_alive_connection_is_closed(self):
        with socket.create_connection(('127.0.0.1', self.wrapper.port), timeout=5) as s:
            s.sendall(perform_request())
            started = time.monotonic()
            data = self.recv_until_closed(s)  # the response, then EOF once the idle timeout passes
            self.assertTrue(data.endswith(b'42.0'))
            self.assertLess(time.monotonic() - started, 3)

    def test_stalled_request_is_dropped(self):
        with socket.create_connection(('127.0.0.1', self.wrapper.port), timeout=5) as s:
            s.sendall(b'POST /api/v1/perform HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"numb')
            started = time.monotonic()
            self.assertEqual(self.recv_until_closed(s), b'')
            self.assertLess(time.monotonic() - started, 3)
        self.assertEqual(self.wrapper.get('/live').status, 200)


if __name__ == '__main__':
    unittest.main()
