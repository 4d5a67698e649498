"""Slow performs must not block probes nor each other; concurrency limits; graceful shutdown."""

import concurrent.futures
import signal
import threading
import time
import unittest

from wrapper_harness import WrapperProcess, WrapperTestCase


class TestSlowPerform(WrapperTestCase):
    fixture = 'slow'
    entrypoint = 'slow.py'
    job_name = 'slow'

    def test_probes_respond_during_slow_perform(self):
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            slow = pool.submit(self.wrapper.post, '/api/v1/perform', {'seconds': 2})
            # Make sure the slow call is in progress.
            self.wrapper.wait_until(lambda: calls_in_flight(self.wrapper) > 0 or slow.done(),
                                    message='slow perform started')
            self.assertFalse(slow.done())
            for path in ('/live', '/ready', '/health', '/metrics'):
                with self.subTest(path=path):
                    started = time.monotonic()
                    response = self.wrapper.get(path)
                    elapsed = time.monotonic() - started
                    self.assertEqual(response.status, 200)
                    self.assertLess(elapsed, 0.1, f'{path} took {elapsed * 1000:.0f} ms')
            self.assertFalse(slow.done())
            self.assertEqual(slow.result().status, 200)

    def test_probes_respond_during_cpu_bound_call(self):
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            busy = pool.submit(self.wrapper.post, '/api/v1/spin', {'seconds': 2})
            self.wrapper.wait_until(lambda: calls_in_flight(self.wrapper) > 0 or busy.done(),
                                    message='CPU-bound call started')
            for path in ('/live', '/ready', '/health', '/metrics'):
                with self.subTest(path=path):
                    started = time.monotonic()
                    self.assertEqual(self.wrapper.get(path).status, 200)
                    elapsed = time.monotonic() - started
                    self.assertLess(elapsed, 0.1, f'{path} took {elapsed * 1000:.0f} ms')
            self.assertFalse(busy.done())
            self.assertEqual(busy.result().status, 200)

    def test_slow_performs_run_concurrently(self):
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            started = time.monotonic()
            calls = [pool.submit(self.wrapper.post, '/api/v1/perform', {'seconds': 1}) for _ in range(2)]
            results = [call.result().json() for call in calls]
            elapsed = time.monotonic() - started
        self.assertLess(elapsed, 1.8, 'two 1-second performs were serialised')
        first, second = results
        # The two calls overlapped in time.
        self.assertLess(max(first['started'], second['started']), min(first['finished'], second['finished']))


class TestConcurrencyLimit(WrapperTestCase):
    fixture = 'slow'
    entrypoint = 'slow.py'
    job_name = 'slow'
    env = {'JOB_MAX_CONCURRENCY': '1', 'JOB_MAX_CONCURRENCY_QUEUE': '1'}

    def test_queue_limit_gives_429(self):
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            running = pool.submit(self.wrapper.post, '/api/v1/perform', {'seconds': 1.5})
            time.sleep(0.2)
            queued = pool.submit(self.wrapper.post, '/api/v1/perform', {'seconds': 0})
            time.sleep(0.2)
            rejected = self.wrapper.post('/api/v1/perform', {'seconds': 0})
            self.assertEqual(rejected.status, 429)
            self.assertEqual(rejected.json(), {'error': 'too many requests waiting in a queue'})
            # Health is not subject to the limit.
            self.assertEqual(self.wrapper.get('/live').status, 200)
            self.assertEqual(running.result().status, 200)
            queued_response = queued.result()
            self.assertEqual(queued_response.status, 200)
            # The queued call only started after the running one had finished.
            self.assertGreaterEqual(queued_response.json()['started'], running.result().json()['finished'] - 0.01)
        self.assertEqual(self.wrapper.post('/api/v1/perform', {'seconds': 0}).status, 200)


class TestGracefulShutdown(unittest.TestCase):
    def test_sigterm_finishes_in_flight_request(self):
        wrapper = WrapperProcess('slow', 'slow.py', job_name='slow')
        try:
            wrapper.wait_ready()
            idle = wrapper.connection()
            idle.request('GET', '/live')
            idle.getresponse().read()  # an idle keep-alive connection must not delay the exit
            result = {}
            thread = threading.Thread(target=lambda: result.update(
                response=wrapper.post('/api/v1/perform', {'seconds': 1})))
            thread.start()
            wrapper.wait_until(lambda: calls_in_flight(wrapper) > 0, message='perform started')
            started = time.monotonic()
            wrapper.process.send_signal(signal.SIGTERM)
            # No new connections once stopping.
            wrapper.wait_until(lambda: not _can_connect(wrapper.port), timeout=2, message='listener closed')
            self.assertEqual(wrapper.process.wait(10), 0)
            thread.join(10)
            self.assertEqual(result['response'].status, 200)
            self.assertLess(time.monotonic() - started, 3)
            idle.close()
        finally:
            wrapper.close()

    def test_sigint_exits_0(self):
        wrapper = WrapperProcess('adder', 'adder.py')
        try:
            wrapper.wait_ready()
            self.assertEqual(wrapper.stop(signal.SIGINT), 0)
        finally:
            wrapper.close()


def calls_in_flight(wrapper: WrapperProcess) -> int:
    """Job calls started but not finished yet, according to /metrics."""
    values = {}
    for line in wrapper.get('/metrics').body.decode().splitlines():
        if line.startswith(('requests_started_total ', 'requests_done_total ')):
            name, value = line.split()
            values[name] = float(value)
    return int(values['requests_started_total'] - values['requests_done_total'])


def _can_connect(port: int) -> bool:
    import socket
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=0.5):
            return True
    except OSError:
        return False


if __name__ == '__main__':
    unittest.main()
