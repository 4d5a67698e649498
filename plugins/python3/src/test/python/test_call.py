"""Job-to-job calls (racetrack_job_wrapper.call.call_job) against a fake gateway (PUB)."""

import json
import os
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from racetrack_job_wrapper import context
from racetrack_job_wrapper.call import call_job
from wrapper_harness import WrapperProcess, free_port


class FakePub:
    """Records requests; answers with the configured (status, body) or the sum of 'numbers'."""

    def __init__(self):
        self.requests: list[dict] = []
        self.reply: tuple[int, bytes] | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else b''
                fake.requests.append({'method': self.command, 'path': self.path,
                                      'headers': {k.lower(): v for k, v in self.headers.items()}, 'body': body})
                if fake.reply is not None:
                    status, payload = fake.reply
                elif body:
                    status, payload = 200, json.dumps(sum(json.loads(body)['numbers'])).encode()
                else:
                    status, payload = 200, b'null'
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = f'http://127.0.0.1:{self.server.server_address[1]}/pub'
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class CallJobTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pub = FakePub()

    @classmethod
    def tearDownClass(cls):
        cls.pub.close()

    def setUp(self):
        self.pub.requests.clear()
        self.pub.reply = None


class TestCallJobInProcess(CallJobTestCase):
    def env(self, **extra):
        return mock.patch.dict(os.environ, {'PUB_URL': self.pub.url, 'AUTH_TOKEN': 'secret-token',
                                            'JOB_NAME': 'caller', **extra})

    def test_url_headers_and_body(self):
        with self.env():
            self.assertEqual(call_job('adder', payload={'numbers': [40, 2]}), 42)
        request, = self.pub.requests
        self.assertEqual(request['method'], 'POST')
        self.assertEqual(request['path'], '/pub/job/adder/latest/api/v1/perform')
        self.assertEqual(request['headers']['x-racetrack-auth'], 'secret-token')
        self.assertEqual(request['headers']['content-type'], 'application/json')
        self.assertEqual(json.loads(request['body']), {'numbers': [40, 2]})
        self.assertNotIn('x-request-tracing-id', request['headers'])

    def test_version_path_and_method(self):
        with self.env():
            self.assertEqual(call_job('adder', '/api/v1/explain', {'numbers': [1]}, version='1.2.3'), 1)
            call_job('adder', path='/api/v1/parameters', version='0.0.1', method='get')
        self.assertEqual(self.pub.requests[0]['path'], '/pub/job/adder/1.2.3/api/v1/explain')
        self.assertEqual(self.pub.requests[1]['method'], 'GET')
        self.assertEqual(self.pub.requests[1]['body'], b'')

    def test_tracing_and_caller_headers_are_propagated(self):
        request_context = context.RequestContext('POST', '/api/v1/perform', '', {
            'x-request-tracing-id': 'trace-123', 'x-caller-name': 'upstream-user', 'other': 'x'})
        token = context.request_context.set(request_context)
        try:
            with self.env():
                call_job('adder', payload={'numbers': [1]})
        finally:
            context.request_context.reset(token)
        headers = self.pub.requests[0]['headers']
        self.assertEqual(headers['x-request-tracing-id'], 'trace-123')
        self.assertEqual(headers['x-caller-name'], 'upstream-user')
        self.assertNotIn('other', headers)

    def test_custom_header_names(self):
        request_context = context.RequestContext('POST', '/', '', {'x-trace': 't-1', 'x-who': 'me'})
        token = context.request_context.set(request_context)
        try:
            with self.env(REQUEST_TRACING_HEADER='X-Trace', CALLER_NAME_HEADER='X-Who'):
                call_job('adder', payload={'numbers': [1]})
        finally:
            context.request_context.reset(token)
        headers = self.pub.requests[0]['headers']
        self.assertEqual((headers['x-trace'], headers['x-who']), ('t-1', 'me'))

    def test_error_response_raises_with_status_and_body(self):
        self.pub.reply = (404, b'{"error": "job adder not found"}')
        with self.env(), self.assertRaises(RuntimeError) as raised:
            call_job('adder', payload={'numbers': [1]})
        message = str(raised.exception)
        self.assertIn('404', message)
        self.assertIn('{"error": "job adder not found"}', message)

    def test_unreachable_gateway_raises(self):
        with self.env(PUB_URL=f'http://127.0.0.1:{free_port()}/pub'), self.assertRaises(RuntimeError):
            call_job('adder', payload={'numbers': [1]}, timeout=2)

    def test_missing_pub_url_raises(self):
        with mock.patch.dict(os.environ, {'PUB_URL': ''}), self.assertRaises(RuntimeError) as raised:
            call_job('adder')
        self.assertIn('PUB_URL', str(raised.exception))

    def test_legacy_signature_with_entrypoint_first(self):
        with self.env():
            self.assertEqual(call_job(object(), 'adder', payload={'numbers': [2, 3]}), 5)
        self.assertEqual(self.pub.requests[0]['path'], '/pub/job/adder/latest/api/v1/perform')


class TestCallJobFromRunningJob(CallJobTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wrapper = WrapperProcess('caller', 'caller.py', job_name='caller', env={
            'PUB_URL': cls.pub.url, 'AUTH_TOKEN': 'family-token'})
        cls.wrapper.wait_ready()

    @classmethod
    def tearDownClass(cls):
        cls.wrapper.close()
        super().tearDownClass()

    def test_call_propagates_request_headers(self):
        response = self.wrapper.post('/api/v1/perform', {'target': 'adder', 'numbers': [40, 2]}, headers={
            'X-Request-Tracing-Id': 'trace-e2e', 'X-Caller-Name': 'alice'})
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.json(), {'result': 42})
        request, = self.pub.requests
        self.assertEqual(request['path'], '/pub/job/adder/latest/api/v1/perform')
        self.assertEqual(request['headers']['x-racetrack-auth'], 'family-token')
        self.assertEqual(request['headers']['x-request-tracing-id'], 'trace-e2e')
        self.assertEqual(request['headers']['x-caller-name'], 'alice')

    def test_legacy_call(self):
        response = self.wrapper.post('/api/v1/legacy', {'target': 'adder'})
        self.assertEqual(response.json(), {'result': 1})
        self.assertEqual(self.pub.requests[0]['path'], '/pub/job/adder/0.0.7/api/v1/perform')

    def test_failed_call_is_500_with_the_gateway_error(self):
        self.pub.reply = (502, b'{"error": "upstream job crashed"}')
        response = self.wrapper.post('/api/v1/perform', {'target': 'adder', 'numbers': [1]})
        self.assertEqual(response.status, 500)
        self.assertIn('RuntimeError', response.json()['error'])
        self.assertIn('502', response.json()['error'])
        self.assertIn('upstream job crashed', response.json()['error'])


if __name__ == '__main__':
    unittest.main()
