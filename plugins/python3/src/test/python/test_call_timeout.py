"""call_timeout (JOB_CALL_TIMEOUT): the wrapper stops waiting for a job call at that limit."""

import concurrent.futures
import re
import time
import unittest

from wrapper_harness import WrapperTestCase


def metric(wrapper, name: str) -> float:
    match = re.search(rf'^{name} (\S+)$', wrapper.get('/metrics').body.decode(), re.MULTILINE)
    return float(match.group(1)) if match else float('nan')


class TestCallTimeout(WrapperTestCase):
    fixture = 'slow'
    entrypoint = 'slow.py'
    job_name = 'slow'
    env = {'JOB_CALL_TIMEOUT': '0.5'}

    def test_slowPerform_is504WithTheLimitAndRunsOnCounted(self):
        before = metric(self.wrapper, 'job_calls_timed_out_total')
        started = time.monotonic()
        response = self.wrapper.post('/api/v1/perform', {'seconds': 2})
        self.assertLess(time.monotonic() - started, 1.5)
        self.assertEqual(response.status, 504, response)
        self.assertEqual(response.json(), {
            'error': '/perform did not finish within the call_timeout of 0.5 s', 'type': 'timeout'})
        self.assertEqual(metric(self.wrapper, 'job_calls_timed_out_total'), before + 1)
        self.assertGreaterEqual(metric(self.wrapper, 'job_calls_running_after_timeout'), 1)
        # The thread cannot be killed: it runs on, then is logged and no longer counted as running.
        self.wrapper.wait_until(lambda: metric(self.wrapper, 'job_calls_running_after_timeout') == 0,
                                message='timed-out call ended')
        self.wrapper.wait_until(lambda: 'past its call_timeout of 0.5 s' in self.wrapper.output(),
                                message='log line of the late end')

    def test_fastPerform_answersNormally(self):
        response = self.wrapper.post('/api/v1/perform', {'seconds': 0.01})
        self.assertEqual(response.status, 200, response)
        self.assertIn('finished', response.json())

    def test_asyncEndpoint_isCancelledAt504(self):
        response = self.wrapper.post('/api/v1/nap', {'seconds': 5})
        self.assertEqual(response.status, 504, response)
        self.assertIn('/nap did not finish within the call_timeout of 0.5 s', response.json()['error'])
        self.assertEqual(self.wrapper.post('/api/v1/nap', {'seconds': 0.01}).json(), 'rested')

    def test_badArguments_stillAnswer400(self):
        self.assertEqual(self.wrapper.post('/api/v1/perform', {'nope': 1}).status, 400)

    def test_errorInPerform_is500(self):
        self.assertEqual(self.wrapper.post('/api/v1/perform', {'seconds': 'x'}).status, 500)


class TestCallTimeoutWithMaxConcurrency(WrapperTestCase):
    """A timed-out call keeps its max_concurrency slot until it really ends."""
    fixture = 'slow'
    entrypoint = 'slow.py'
    job_name = 'slow'
    env = {'JOB_CALL_TIMEOUT': '0.5', 'JOB_MAX_CONCURRENCY': '1'}

    def test_slotIsHeldUntilTheTimedOutCallEnds(self):
        first = self.wrapper.post('/api/v1/perform', {'seconds': 3})
        self.assertEqual(first.status, 504)
        # Its thread still holds the only slot for 2.5 s more: waiting for the slot counts against the
        # next call's limit, so that call gives up after 0.5 s.
        second = self.wrapper.post('/api/v1/perform', {'seconds': 0.01})
        self.assertEqual(second.status, 504, second)
        self.wrapper.wait_until(lambda: metric(self.wrapper, 'job_calls_running_after_timeout') == 0,
                                message='timed-out call ended')
        # Then the slot is free again (not leaked, not doubled).
        third = self.wrapper.post('/api/v1/perform', {'seconds': 0.01})
        self.assertEqual(third.status, 200, third)
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            # 0.15 s each: the second waits for the first, both within the 0.5 s limit.
            calls = [pool.submit(self.wrapper.post, '/api/v1/perform', {'seconds': 0.15}) for _ in range(2)]
            results = [call.result().json() for call in calls]
        first_call, second_call = sorted(results, key=lambda r: r['started'])
        self.assertGreaterEqual(second_call['started'], first_call['finished'] - 0.01, 'ran concurrently')


class TestWithoutCallTimeout(WrapperTestCase):
    fixture = 'slow'
    entrypoint = 'slow.py'
    job_name = 'slow'

    def test_slowPerform_isWaitedFor(self):
        response = self.wrapper.post('/api/v1/perform', {'seconds': 0.8})
        self.assertEqual(response.status, 200)
        self.assertEqual(metric(self.wrapper, 'job_calls_timed_out_total'), 0)


if __name__ == '__main__':
    unittest.main()
