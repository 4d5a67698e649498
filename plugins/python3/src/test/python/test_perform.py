"""Calling the job: perform, argument validation, errors, auxiliary endpoints, routing and prefixes."""

import unittest

from wrapper_harness import WrapperProcess, WrapperTestCase


class TestPerform(WrapperTestCase):
    def test_perform_ok(self):
        response = self.wrapper.post('/api/v1/perform', {'numbers': [40, 2]})
        self.assertEqual(response.status, 200)
        self.assertEqual(response.headers['content-type'], 'application/json')
        self.assertEqual(response.json(), 42)

    def test_perform_with_optional_argument(self):
        self.assertEqual(self.wrapper.post('/api/v1/perform', {'numbers': [1, 2], 'scale': 2}).json(), 6)

    def test_missing_argument_is_400(self):
        response = self.wrapper.post('/api/v1/perform', {'scale': 2})
        self.assertEqual(response.status, 400)
        self.assertEqual(
            response.json()['error'], "invalid arguments for /perform: missing required argument(s): 'numbers'",
        )

    def test_unknown_argument_is_400(self):
        response = self.wrapper.post('/api/v1/perform', {'numbers': [1], 'bogus': 1})
        self.assertEqual(response.status, 400)
        self.assertEqual(response.json()['error'], "invalid arguments for /perform: unexpected argument(s): 'bogus'")

    def test_non_json_body_is_400(self):
        response = self.wrapper.post('/api/v1/perform', b'{"numbers": [1,', headers={'Content-Type': 'application/json'})
        self.assertEqual(response.status, 400)
        self.assertIn('not valid JSON', response.json()['error'])

    def test_non_object_body_is_400(self):
        response = self.wrapper.post('/api/v1/perform', [1, 2])
        self.assertEqual(response.status, 400)
        self.assertIn('JSON object', response.json()['error'])
        self.assertIn('array', response.json()['error'])

    def test_empty_body_means_no_arguments(self):
        response = self.wrapper.post('/api/v1/perform', b'')
        self.assertEqual(response.status, 400)
        self.assertIn("'numbers'", response.json()['error'])

    def test_exception_inside_job_is_500(self):
        response = self.wrapper.post('/api/v1/fail', {})
        self.assertEqual(response.status, 500)
        self.assertEqual(response.json(), {'error': 'ValueError: something went wrong'})

    def test_type_error_inside_job_is_500_not_400(self):
        response = self.wrapper.post('/api/v1/fail', {'kind': 'type'})
        self.assertEqual(response.status, 500)
        self.assertTrue(response.json()['error'].startswith('TypeError: '))

    def test_auxiliary_endpoint_and_dataclass_result(self):
        response = self.wrapper.post('/api/v1/explain', {'numbers': [1, 2]})
        self.assertEqual(response.status, 200)
        self.assertEqual(response.json(), {'total': 3, 'count': 2})

    def test_auxiliary_endpoint_validates_arguments(self):
        response = self.wrapper.post('/api/v1/explain', {'values': [1]})
        self.assertEqual(response.status, 400)
        self.assertIn("unexpected argument(s): 'values'", response.json()['error'])
        self.assertIn("missing required argument(s): 'numbers'", response.json()['error'])

    def test_result_serialisation(self):
        response = self.wrapper.post('/api/v1/shapes', {})
        self.assertEqual(response.json(), {'set': [1], 'tuple': [1, 2], 'obj': {'total': 1.0, 'count': 1}})

    def test_request_context_and_sibling_module(self):
        response = self.wrapper.post('/pub/job/adder/latest/api/v1/headers', {}, headers={
            'X-Request-Tracing-Id': 'trace-1', 'X-Caller-Name': 'someone',
        })
        self.assertEqual(response.json(), {
            'tracing': 'trace-1', 'caller': 'someone', 'path': '/api/v1/headers',
            'describe': 'imported from a sibling module',
        })

    def test_parameters(self):
        response = self.wrapper.get('/api/v1/parameters')
        self.assertEqual(response.status, 200)
        self.assertEqual(response.json(), [
            {'name': 'numbers', 'type': 'list[float]'},
            {'name': 'scale', 'default_value': 1.0, 'type': 'float'},
        ])


class TestRouting(WrapperTestCase):
    def test_prefixes(self):
        for prefix in ('', '/pub/job/adder/latest', '/pub/job/adder/0.0.1', '/pub/job/adder/1.x',
                       '/pub/fatman/adder/latest'):
            with self.subTest(prefix=prefix):
                self.assertEqual(self.wrapper.post(f'{prefix}/api/v1/perform', {'numbers': [1, 2]}).json(), 3)
                self.assertEqual(self.wrapper.get(f'{prefix}/live').status, 200)
                self.assertEqual(self.wrapper.get(f'{prefix}/health').json()['job_name'], 'adder')
                self.assertEqual(self.wrapper.get(f'{prefix}/openapi.json').status, 200)

    def test_query_string_is_ignored_for_routing(self):
        self.assertEqual(self.wrapper.get('/live?verbose=1').status, 200)

    def test_other_job_prefix_is_404(self):
        response = self.wrapper.post('/pub/job/other/latest/api/v1/perform', {'numbers': [1]})
        self.assertEqual(response.status, 404)
        self.assertIn('error', response.json())

    def test_unknown_path_is_404(self):
        for path in ('/nope', '/api/v1/nope', '/pub/job/adder/latest/nope'):
            with self.subTest(path=path):
                response = self.wrapper.get(path)
                self.assertEqual(response.status, 404)
                self.assertEqual(response.headers['content-type'], 'application/json')

    def test_wrong_method_is_405(self):
        response = self.wrapper.get('/api/v1/perform')
        self.assertEqual(response.status, 405)
        self.assertEqual(response.headers['allow'], 'POST')
        self.assertIn('error', response.json())
        response = self.wrapper.post('/live', {})
        self.assertEqual(response.status, 405)
        self.assertEqual(response.headers['allow'], 'GET, HEAD')

    def test_head(self):
        response = self.wrapper.request('HEAD', '/health')
        self.assertEqual(response.status, 200)
        self.assertEqual(response.body, b'')
        self.assertGreater(int(response.headers['content-length']), 0)

    def test_home_page(self):
        for prefix, base in (('', ''), ('/pub/job/adder/latest', '/pub/job/adder/latest')):
            with self.subTest(prefix=prefix):
                response = self.wrapper.get(prefix + '/')
                self.assertEqual(response.status, 200)
                self.assertTrue(response.headers['content-type'].startswith('text/html'))
                page = response.body.decode()
                self.assertIn('adder', page)
                self.assertIn(f'href="{base}/openapi.json"', page)
                self.assertNotIn('http', page.lower().replace('<html', ''))  # no external (CDN) links
        self.assertEqual(self.wrapper.get('/pub/job/adder/latest').status, 200)


class TestEntrypointClassSelection(unittest.TestCase):
    def test_class_chosen_by_name(self):
        wrapper = WrapperProcess('multi', 'multi.py', class_name='SecondJob')
        try:
            wrapper.wait_ready()
            response = wrapper.post('/api/v1/perform', {'anything': [1], 'goes': None})
            self.assertEqual(response.json(), {'second': {'anything': [1], 'goes': None}})
        finally:
            wrapper.close()

    def test_dataclass_result(self):
        wrapper = WrapperProcess('multi', 'multi.py', class_name='FirstJob')
        try:
            wrapper.wait_ready()
            self.assertEqual(wrapper.post('/api/v1/perform', {'x': 1, 'y': 2}).json(), {'x': 1, 'y': 2})
        finally:
            wrapper.close()


if __name__ == '__main__':
    unittest.main()
