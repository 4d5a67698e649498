"""In-process unit tests of the wrapper's building blocks (no subprocess)."""

import dataclasses
import enum
import json
import os
import tempfile
import textwrap
import threading
import time
import typing
import unittest
from unittest import mock

from racetrack_job_wrapper.app import ConcurrencyLimiter, JobApp
from racetrack_job_wrapper.config import Config, ConfigError
from racetrack_job_wrapper.deadline import ANSWERED, Watchdog
from racetrack_job_wrapper.context import Headers, current_request
from racetrack_job_wrapper.encoding import encode_json
from racetrack_job_wrapper.loader import JobEndpoint, JobLoadError, load_job
from racetrack_job_wrapper.metrics import Metrics
from racetrack_job_wrapper.openapi import annotation_text, type_schema
from racetrack_job_wrapper.server import Request


def write_job(directory: str, source: str, filename: str = 'job.py') -> str:
    with open(os.path.join(directory, filename), 'w') as f:
        f.write(textwrap.dedent(source))
    return filename


class TestTypeSchema(unittest.TestCase):
    def test_types(self):
        self.assertEqual(type_schema(int), {'type': 'integer'})
        self.assertEqual(type_schema(list), {'type': 'array', 'items': {}})
        self.assertEqual(type_schema(typing.List[str]), {'type': 'array', 'items': {'type': 'string'}})
        self.assertEqual(type_schema(tuple[int, ...]), {'type': 'array', 'items': {'type': 'integer'}})
        self.assertEqual(type_schema(int | None), {'type': 'integer', 'nullable': True})
        self.assertEqual(type_schema(typing.Optional[typing.List[int]]),
                         {'type': 'array', 'items': {'type': 'integer'}, 'nullable': True})
        self.assertEqual(type_schema(typing.Literal['a', 'b']), {'enum': ['a', 'b'], 'type': 'string'})
        self.assertEqual(type_schema(typing.Any), {})

    def test_dataclass_and_recursion(self):
        @dataclasses.dataclass
        class Node:
            value: int
            children: 'list[Node]' = dataclasses.field(default_factory=list)

        schema = type_schema(Node)
        self.assertEqual(schema['required'], ['value'])
        self.assertEqual(schema['properties']['value'], {'type': 'integer'})

    def test_annotation_text(self):
        self.assertEqual(annotation_text(int), 'int')
        self.assertEqual(annotation_text(list[float]), 'list[float]')
        self.assertEqual(annotation_text(typing.Dict[str, int]), 'Dict[str, int]')
        self.assertEqual(annotation_text('SomeForwardRef'), 'SomeForwardRef')


class TestArgumentCheck(unittest.TestCase):
    def test_plain_parameters(self):
        def perform(a: int, b: int = 2, *, c: int = 3):
            pass
        endpoint = JobEndpoint('/perform', perform)
        self.assertIsNone(endpoint.check_arguments({'a': 1}))
        self.assertIsNone(endpoint.check_arguments({'a': 1, 'b': 1, 'c': 1}))
        self.assertEqual(endpoint.check_arguments({'b': 1}), "missing required argument(s): 'a'")
        self.assertEqual(endpoint.check_arguments({'a': 1, 'z': 1, 'y': 2}), "unexpected argument(s): 'z', 'y'")

    def test_var_keyword_and_positional_only(self):
        def with_kwargs(a, **kwargs):
            pass
        self.assertIsNone(JobEndpoint('/x', with_kwargs).check_arguments({'a': 1, 'anything': 2}))
        self.assertIn("'a'", JobEndpoint('/x', with_kwargs).check_arguments({'b': 1}))

        def positional_only(a, /):
            pass
        self.assertIn("'a'", JobEndpoint('/x', positional_only).check_arguments({'a': 1}))


class TestEncoding(unittest.TestCase):
    def test_conversions(self):
        class Color(enum.Enum):
            RED = 'red'

        @dataclasses.dataclass
        class Point:
            x: int

        class Plain:
            def __init__(self):
                self.a = 1
                self._hidden = 2

        class Opaque:
            __slots__ = ()

            def __str__(self):
                return 'opaque!'

        value = {'set': {3}, 'tuple': (1, 2), 'enum': Color.RED, 'dc': Point(1), 'obj': Plain(), 'bytes': b'hi',
                 'opaque': Opaque(), 'unicode': 'zażółć'}
        self.assertEqual(json.loads(encode_json(value)), {
            'set': [3], 'tuple': [1, 2], 'enum': 'red', 'dc': {'x': 1}, 'obj': {'a': 1}, 'bytes': 'hi',
            'opaque': 'opaque!', 'unicode': 'zażółć',
        })


class TestMetricsRendering(unittest.TestCase):
    def test_bad_custom_metrics_are_skipped(self):
        metrics = Metrics()
        metrics.custom_metrics = lambda: [
            {'name': 'ok', 'value': 1},
            {'name': 'bad name', 'value': 1},
            {'value': 2},
            {'name': 'no_value'},
            {'name': 'not_a_number', 'value': 'abc'},
            {'name': 'ok', 'value': 2, 'labels': {'k': 'a"b'}},
            'not a dict',
        ]
        with self.assertLogs('racetrack_job_wrapper.metrics', 'ERROR') as logs:
            text = metrics.render().decode()
        self.assertEqual(len(logs.records), 5)
        self.assertEqual(text.count('# TYPE ok gauge'), 1)
        self.assertIn('ok 1.0\n', text)
        self.assertIn('ok{k="a\\"b"} 2.0', text)
        self.assertNotIn('bad name', text)
        self.assertNotIn('not_a_number', text)

    def test_failing_custom_metrics_do_not_break_the_endpoint(self):
        metrics = Metrics()
        metrics.custom_metrics = lambda: 1 / 0
        with self.assertLogs('racetrack_job_wrapper.metrics', 'ERROR'):
            text = metrics.render().decode()
        self.assertIn('requests_started_total 0', text)


class TestConcurrencyLimiter(unittest.TestCase):
    def test_queue_limit(self):
        limiter = ConcurrencyLimiter(max_concurrency=1, max_queue=0)
        self.assertTrue(limiter.try_enter())
        self.assertFalse(limiter.try_enter())  # would have to wait, and no queue is allowed
        limiter.exit()
        self.assertTrue(limiter.try_enter())
        limiter.exit()

    def test_waiting_callers_proceed_in_turn(self):
        limiter = ConcurrencyLimiter(max_concurrency=2, max_queue=None)
        running, peak, lock = [0], [0], threading.Lock()

        def work():
            limiter.try_enter()
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.02)
            with lock:
                running[0] -= 1
            limiter.exit()

        threads = [threading.Thread(target=work) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(peak[0], 2)

    def test_enter_with_timeout_gives_up_its_place(self):
        limiter = ConcurrencyLimiter(max_concurrency=1, max_queue=1)
        self.assertTrue(limiter.try_enter(1.0))
        self.assertIsNone(limiter.try_enter(0.05))  # waited for the slot, gave up
        self.assertIsNone(limiter.try_enter(0.05))  # its place in the queue was given back
        limiter.exit()
        self.assertTrue(limiter.try_enter(0.05))
        limiter.exit()


class TestCallTimeoutConfig(unittest.TestCase):
    def config(self, **env):
        with mock.patch.dict(os.environ, {'JOB_NAME': 'j', 'JOB_VERSION': '1', **env}, clear=True):
            return Config.from_env()

    def test_call_timeout(self):
        self.assertIsNone(self.config().call_timeout)
        self.assertEqual(self.config(JOB_CALL_TIMEOUT='90').call_timeout, 90.0)
        self.assertEqual(self.config(JOB_CALL_TIMEOUT='0.25').call_timeout, 0.25)
        for bad in ('0', '-1', 'soon', 'nan', 'inf'):
            with self.subTest(bad=bad), self.assertRaisesRegex(ConfigError, 'JOB_CALL_TIMEOUT'):
                self.config(JOB_CALL_TIMEOUT=bad)

    def test_webview_base_url(self):
        self.assertEqual(self.config(JOB_NAME='shop', JOB_VERSION='2.0.1').webview_base_url,
                         '/pub/job/shop/2.0.1/api/v1/webview')


class _FakeConnection:
    def __init__(self):
        self.write_lock = threading.Lock()
        self.answers = []

    def answer_early(self, status, body):
        self.answers.append((status, json.loads(body)))


class TestWatchdog(unittest.TestCase):
    def test_fast_call_returns_its_result_and_errors(self):
        watchdog = Watchdog(1.0, Metrics())
        conn = _FakeConnection()
        self.assertEqual(watchdog.call(conn, '/x', time.perf_counter(), lambda a: a * 2, {'a': 21}), 42)
        with self.assertRaises(ZeroDivisionError):
            watchdog.call(conn, '/x', time.perf_counter(), lambda: 1 / 0, {})
        self.assertEqual(conn.answers, [])

    def test_slow_call_is_answered_504_and_its_result_dropped(self):
        metrics = Metrics()
        watchdog = Watchdog(0.05, metrics)
        conn = _FakeConnection()
        finish = threading.Event()
        outcome = []
        caller = threading.Thread(target=lambda: outcome.append(
            watchdog.call(conn, '/slow', time.perf_counter(), finish.wait, {})))
        caller.start()
        deadline = time.monotonic() + 5
        while not conn.answers and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(conn.answers, [(504, {
            'error': '/slow did not finish within the call_timeout of 0.05 s', 'type': 'timeout'})])
        self.assertEqual((metrics.calls_timed_out, metrics.calls_running_after_timeout), (1, 1))
        finish.set()
        caller.join(5)
        self.assertEqual(outcome, [ANSWERED])
        self.assertEqual((metrics.calls_timed_out, metrics.calls_running_after_timeout), (1, 0))

    def test_call_without_a_connection_times_out_without_killing_the_watchdog(self):
        watchdog = Watchdog(0.05, Metrics())
        finish = threading.Event()
        caller = threading.Thread(target=watchdog.call, args=(None, '/x', time.perf_counter(), finish.wait, {}))
        caller.start()
        conn = _FakeConnection()
        deadline = time.monotonic() + 5
        while watchdog._heap and time.monotonic() < deadline:
            time.sleep(0.01)
        finish.set()
        caller.join(5)
        # still watching: a later call on a connection is answered
        self.assertIs(watchdog.call(conn, '/y', time.perf_counter(), lambda seconds: time.sleep(seconds), {'seconds': 0.3}), ANSWERED)
        self.assertEqual(conn.answers[0][0], 504)

    def test_error_of_a_call_already_answered_is_dropped(self):
        watchdog = Watchdog(0.05, Metrics())
        conn = _FakeConnection()
        answered = threading.Event()
        conn.answer_early = lambda status, body: answered.set()

        def fail_after_the_504():
            answered.wait(5)
            raise ZeroDivisionError()

        self.assertIs(watchdog.call(conn, '/x', time.perf_counter(), fail_after_the_504, {}), ANSWERED)
        self.assertTrue(answered.is_set())


class TestLoader(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_single_class_with_perform_among_several(self):
        filename = write_job(self.dir, '''
            class Helper:
                pass

            class Job:
                def perform(self, x):
                    return x
        ''', 'selection_job.py')
        job = load_job(filename, None, self.dir)
        self.assertEqual(type(job.instance).__name__, 'Job')

    def test_no_class(self):
        filename = write_job(self.dir, 'x = 1\n', 'no_class_job.py')
        with self.assertRaisesRegex(JobLoadError, 'no class'):
            load_job(filename, None, self.dir)

    def test_missing_perform(self):
        filename = write_job(self.dir, 'class Job:\n    pass\n', 'no_perform_job.py')
        with self.assertRaisesRegex(JobLoadError, "'perform'"):
            load_job(filename, None, self.dir)

    def test_non_dict_example(self):
        filename = write_job(self.dir, '''
            class Job:
                def perform(self): pass
                def docs_input_example(self): return [1]
        ''', 'list_example_job.py')
        with self.assertRaisesRegex(JobLoadError, 'should return a dict'):
            load_job(filename, None, self.dir)

    def test_non_serializable_example(self):
        filename = write_job(self.dir, '''
            class Job:
                def perform(self): pass
                def docs_input_example(self): return {'x': object()}
        ''', 'bad_json_example_job.py')
        with self.assertRaisesRegex(JobLoadError, 'not JSON-serializable'):
            load_job(filename, None, self.dir)


class TestAppInProcess(unittest.TestCase):
    """JobApp.handle called directly, including an async perform."""

    def test_async_perform_and_request_context(self):
        with tempfile.TemporaryDirectory() as directory:
            filename = write_job(directory, '''
                import asyncio
                from racetrack_job_wrapper.context import current_request

                class Job:
                    async def perform(self, delay: float = 0):
                        await asyncio.sleep(delay)
                        return {'caller': current_request().headers.get('X-Caller-Name')}
            ''', 'async_job.py')
            with mock.patch.dict(os.environ, {'JOB_NAME': 'async', 'JOB_VERSION': '1',
                                              'RACETRACK_JOB_CALL_SECRET': 's'}):
                app = JobApp(Config.from_env())
            cwd = os.getcwd()
            os.chdir(directory)
            try:
                app.load(filename, None)
            finally:
                os.chdir(cwd)
            self.assertEqual(app.state, 'ready', app.init_error)
            request = Request('POST', '/api/v1/perform', '/api/v1/perform', '', 'HTTP/1.1',
                              {'x-caller-name': 'bob', 'x-racetrack-job-secret': 's'}, b'{"delay": 0.01}',
                              '127.0.0.1')
            status, body, content_type, _ = app.handle(request)
            self.assertEqual((status, json.loads(body)), (200, {'caller': 'bob'}))
            self.assertIsNone(current_request())  # reset after the call

    def test_headers_are_case_insensitive(self):
        headers = Headers({'x-request-tracing-id': 'abc'})
        self.assertEqual(headers['X-Request-Tracing-Id'], 'abc')
        self.assertEqual(headers.get('X-REQUEST-TRACING-ID'), 'abc')
        self.assertIn('X-Request-Tracing-Id', headers)
        self.assertIsNone(headers.get('missing'))


if __name__ == '__main__':
    unittest.main()
