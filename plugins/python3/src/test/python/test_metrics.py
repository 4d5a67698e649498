"""Prometheus metrics exposed on /metrics."""

import os
import re
import time
import unittest

from wrapper_harness import WrapperTestCase


def parse_metrics(text: str) -> dict[str, float]:
    """'name{labels} value' lines -> {'name{labels}': value}."""
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith('#'):
            key, value = line.rsplit(' ', 1)
            samples[key] = float(value)
    return samples


class TestMetrics(WrapperTestCase):
    def metrics(self) -> dict[str, float]:
        response = self.wrapper.get('/metrics')
        self.assertEqual(response.status, 200)
        self.assertTrue(response.headers['content-type'].startswith('text/plain; version=0.0.4'))
        return parse_metrics(response.body.decode())

    def test_counters_and_last_call_timestamp(self):
        before = self.metrics()
        self.wrapper.post('/api/v1/perform', {'numbers': [1, 2]})
        self.wrapper.post('/api/v1/perform', {'numbers': [1, 2]})
        self.wrapper.post('/api/v1/fail', {})
        self.wrapper.get('/live')  # probes are not job calls
        after = self.metrics()

        self.assertEqual(after['requests_started_total'] - before['requests_started_total'], 3)
        self.assertEqual(after['requests_done_total'] - before['requests_done_total'], 3)
        self.assertEqual(after['endpoint_requests_started_total{endpoint="/perform"}']
                         - before.get('endpoint_requests_started_total{endpoint="/perform"}', 0), 2)
        self.assertEqual(after['request_internal_errors_total{endpoint="/fail"}']
                         - before.get('request_internal_errors_total{endpoint="/fail"}', 0), 1)
        self.assertEqual(after['request_duration_seconds_count{endpoint="/perform"}']
                         - before.get('request_duration_seconds_count{endpoint="/perform"}', 0), 2)
        self.assertEqual(after['request_duration_seconds_bucket{endpoint="/perform",le="+Inf"}'],
                         after['request_duration_seconds_count{endpoint="/perform"}'])
        self.assertGreater(after['last_call_timestamp'], before['last_call_timestamp'])
        self.assertLess(abs(after['last_call_timestamp'] - time.time()), 60)

    def test_process_metrics(self):
        samples = self.metrics()
        self.assertGreater(samples['process_cpu_seconds_total'], 0)
        self.assertLess(abs(samples['process_start_time_seconds'] - time.time()), 600)
        with open(f'/proc/{self.wrapper.process.pid}/statm') as statm:
            rss = int(statm.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
        # resident memory as the kernel sees it (a few pages of drift between the two reads)
        self.assertLess(abs(samples['process_resident_memory_bytes'] - rss), 4 * 1024 * 1024)
        self.assertGreater(samples['process_resident_memory_bytes'], 1024 * 1024)

    def test_custom_job_metrics(self):
        text = self.wrapper.get('/metrics').body.decode()
        self.assertIn('# TYPE adder_calls gauge', text)
        self.assertIn('# HELP adder_calls Number of calls', text)
        self.assertIn('adder_labelled{color="blue"} 1.5', text)
        self.assertNotIn('adder_skipped', text)  # None values are skipped
        calls = parse_metrics(text)['adder_calls']
        self.wrapper.post('/api/v1/perform', {'numbers': [1]})
        self.assertEqual(self.metrics()['adder_calls'], calls + 1)

    def test_histogram_buckets_are_cumulative(self):
        self.wrapper.post('/api/v1/perform', {'numbers': [1]})
        text = self.wrapper.get('/metrics').body.decode()
        buckets = [float(v) for v in re.findall(r'request_duration_seconds_bucket\{endpoint="/perform",le="[^"]+"\} (\S+)',
                                                text)]
        self.assertGreater(len(buckets), 3)
        self.assertEqual(buckets, sorted(buckets))


class TestMetricsBeforeAnyCall(WrapperTestCase):
    def test_last_call_timestamp_is_zero_when_never_called(self):
        samples = parse_metrics(self.wrapper.get('/metrics').body.decode())
        self.assertEqual(samples['last_call_timestamp'], 0)
        self.assertEqual(samples['requests_started_total'], 0)


if __name__ == '__main__':
    unittest.main()
