"""A job performs only for PUB: every route but the probes and /metrics needs the job's secret."""

import unittest

from wrapper_harness import CALL_SECRET, SECRET_HEADER, WrapperProcess, WrapperTestCase

PERFORM = {'numbers': [40, 2]}


class TestCallSecret(WrapperTestCase):
    def test_call_with_the_secret_performs(self):
        response = self.wrapper.post('/pub/job/adder/1.0.0/api/v1/perform', PERFORM)
        self.assertEqual(response.status, 200)
        self.assertEqual(response.json(), 42)

    def test_direct_call_without_the_secret_is_401_json(self):
        for path in ('/api/v1/perform', '/pub/job/adder/1.0.0/api/v1/perform'):
            with self.subTest(path=path):
                response = self.wrapper.post(path, PERFORM, secret=False)
                self.assertEqual(response.status, 401)
                self.assertEqual(response.headers['content-type'], 'application/json')
                self.assertEqual(response.json()['type'], 'unauthorized')
                self.assertIn('gateway', response.json()['error'])

    def test_wrong_secret_is_401(self):
        for wrong in ('wrong', CALL_SECRET[:-1], CALL_SECRET + 'x'):
            with self.subTest(wrong=wrong):
                response = self.wrapper.post('/api/v1/perform', PERFORM, secret=False,
                                             headers={SECRET_HEADER: wrong})
                self.assertEqual(response.status, 401)

    def test_other_routes_without_the_secret_are_401(self):
        for path in ('/', '/openapi.json', '/api/v1/parameters', '/no-such-route'):
            with self.subTest(path=path):
                self.assertEqual(self.wrapper.get(path, secret=False).status, 401)

    def test_probes_and_metrics_answer_without_the_secret(self):
        for path in ('/live', '/ready', '/health', '/metrics', '/pub/job/adder/x/health'):
            with self.subTest(path=path):
                self.assertEqual(self.wrapper.get(path, secret=False).status, 200)


class TestWithoutSecret(WrapperTestCase):
    env = {'RACETRACK_JOB_CALL_SECRET': ''}

    def test_job_started_without_a_secret_performs_for_nobody(self):
        response = self.wrapper.post('/api/v1/perform', PERFORM, secret=False)
        self.assertEqual(response.status, 401)
        self.assertIn('RACETRACK_JOB_CALL_SECRET', response.json()['error'])
        self.assertEqual(self.wrapper.get('/live', secret=False).status, 200)


if __name__ == '__main__':
    unittest.main()
