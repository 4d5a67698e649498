"""Liveness, readiness and health, before and after the job is loaded, and init errors."""

import time
import unittest

from wrapper_harness import WrapperProcess


class TestHealthLifecycle(unittest.TestCase):
    def test_health_endpoints_before_and_after_load(self):
        wrapper = WrapperProcess('slow', 'slow.py', env={
            'INIT_DELAY': '1.5', 'JOB_DEPLOYMENT_TIMESTAMP': '1700000000', 'GIT_VERSION': 'abc123',
            'DEPLOYED_BY_RACETRACK_VERSION': '2.30.0', 'JOB_TYPE_VERSION': '3.11-1.0.0',
        }, job_name='slow', job_version='1.2.3')
        try:
            wrapper.wait_listening()
            # Served right away, while __init__ is still sleeping.
            live = wrapper.get('/live')
            self.assertEqual(live.status, 200)
            self.assertEqual(live.headers['content-type'], 'application/json')
            self.assertEqual(live.json(), {'live': True, 'deployment_timestamp': 1700000000})
            self.assertEqual(wrapper.get('/ready').status, 500)
            self.assertEqual(wrapper.get('/ready').json(), {'ready': False})
            health = wrapper.get('/health')
            self.assertEqual(health.status, 500)
            self.assertEqual(health.json()['status'], 'fail')
            self.assertIs(health.json()['ready'], False)

            not_ready = wrapper.post('/api/v1/perform', {'seconds': 0})
            self.assertEqual(not_ready.status, 503)
            self.assertEqual(not_ready.json(), {'error': 'job is not ready yet'})

            wrapper.wait_ready()
            self.assertEqual(wrapper.get('/ready').json(), {'ready': True})
            health = wrapper.get('/health')
            self.assertEqual(health.status, 200)
            self.assertEqual(health.json(), {
                'service': 'job', 'job_name': 'slow', 'job_version': '1.2.3', 'live': True, 'ready': True,
                'status': 'pass', 'error': None, 'git_version': 'abc123', 'deployed_by_racetrack_version': '2.30.0',
                'deployment_timestamp': 1700000000, 'job_type_version': '3.11-1.0.0',
            })
            self.assertEqual(wrapper.post('/api/v1/perform', {'seconds': 0}).status, 200)
        finally:
            wrapper.close()


class TestInitError(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.wrapper = WrapperProcess('broken', 'broken.py', job_name='broken')
        cls.wrapper.wait_listening()
        cls.wrapper.wait_until(lambda: cls.wrapper.get('/live').status == 500, message='/live failing')

    @classmethod
    def tearDownClass(cls):
        cls.wrapper.close()

    def test_live_reports_init_error(self):
        live = self.wrapper.get('/live')
        self.assertEqual(live.status, 500)
        body = live.json()
        self.assertIs(body['live'], False)
        self.assertEqual(body['deployment_timestamp'], 0)
        self.assertIn('RuntimeError', body['error'])
        self.assertIn('database is unreachable', body['error'])

    def test_traceback_is_logged(self):
        self.wrapper.wait_until(lambda: 'Traceback' in self.wrapper.output(), message='traceback in log')
        self.assertIn('database is unreachable', self.wrapper.output())

    def test_ready_and_health_fail(self):
        self.assertEqual(self.wrapper.get('/ready').status, 500)
        health = self.wrapper.get('/health')
        self.assertEqual(health.status, 500)
        self.assertEqual(health.json()['status'], 'fail')
        self.assertIs(health.json()['live'], False)
        self.assertIn('database is unreachable', health.json()['error'])

    def test_perform_reports_init_error(self):
        response = self.wrapper.post('/api/v1/perform', {})
        self.assertEqual(response.status, 500)
        self.assertIn('database is unreachable', response.json()['error'])


class TestValidationErrorsAtStartup(unittest.TestCase):
    def assert_init_error(self, fixture: str, entrypoint: str, expected: str, class_name: str | None = None):
        wrapper = WrapperProcess(fixture, entrypoint, class_name)
        try:
            wrapper.wait_listening()
            wrapper.wait_until(lambda: wrapper.get('/live').status == 500, message='/live failing')
            self.assertIn(expected, wrapper.get('/live').json()['error'])
        finally:
            wrapper.close()

    def test_too_large_input_example(self):
        self.assert_init_error('bad_example', 'bad_example.py', 'larger than 1048576 bytes')

    def test_static_file_outside_job_directory(self):
        self.assert_init_error('outside_static', 'outside_static.py', 'outside of the job directory')

    def test_ambiguous_entrypoint_class(self):
        self.assert_init_error('multi', 'multi.py', 'multiple classes')

    def test_unknown_entrypoint_class(self):
        self.assert_init_error('multi', 'multi.py', "'Missing' not found", class_name='Missing')

    def test_missing_entrypoint_file(self):
        self.assert_init_error('multi', 'nope.py', "doesn't exist")


class TestStartup(unittest.TestCase):
    def test_ready_quickly_and_graceful_exit(self):
        wrapper = WrapperProcess('adder', 'adder.py')
        try:
            wrapper.wait_ready()
            elapsed = time.monotonic() - wrapper.started_at
            # Generous bound for slow CI machines; the benchmark measures the real figure.
            self.assertLess(elapsed, 3.0)
            self.assertEqual(wrapper.stop(), 0)
            self.assertIn('shutting down', wrapper.output())
        finally:
            wrapper.close()

    def test_missing_job_name_is_an_error(self):
        wrapper = WrapperProcess('adder', 'adder.py', env={'JOB_NAME': ''})
        try:
            self.assertEqual(wrapper.process.wait(10), 1)
            self.assertIn('JOB_NAME', wrapper.output())
        finally:
            wrapper.close()


if __name__ == '__main__':
    unittest.main()
