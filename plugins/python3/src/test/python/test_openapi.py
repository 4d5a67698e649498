"""The OpenAPI document and the parameters listing derived from the job's code."""

import unittest

from wrapper_harness import WrapperTestCase


class TestOpenApiTyped(WrapperTestCase):
    fixture = 'typed'
    entrypoint = 'typed.py'
    job_name = 'typed'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        response = cls.wrapper.get('/openapi.json')
        assert response.status == 200, response
        cls.doc = response.json()

    def test_document_header(self):
        self.assertTrue(self.doc['openapi'].startswith('3.0'))
        self.assertEqual(self.doc['info']['title'], 'typed')
        self.assertEqual(self.doc['info']['version'], '0.0.1')
        self.assertEqual(self.doc['servers'], [{'url': '/pub/job/typed/0.0.1'}])

    def test_security_scheme(self):
        self.assertEqual(self.doc['components']['securitySchemes']['racetrackAuth'],
                         {'type': 'apiKey', 'in': 'header', 'name': 'X-Racetrack-Auth'})
        self.assertEqual(self.doc['security'], [{'racetrackAuth': []}])

    def test_perform_schema_types(self):
        operation = self.doc['paths']['/api/v1/perform']['post']
        media = operation['requestBody']['content']['application/json']
        props = media['schema']['properties']
        self.assertEqual(props['count'], {'type': 'integer'})
        self.assertEqual(props['ratio'], {'type': 'number'})
        self.assertEqual(props['name'], {'type': 'string'})
        self.assertEqual(props['enabled'], {'type': 'boolean'})
        self.assertEqual(props['values'], {'type': 'array', 'items': {'type': 'integer'}})
        self.assertEqual(props['matrix'], {'type': 'array', 'items': {'type': 'array', 'items': {'type': 'number'}}})
        self.assertEqual(props['mapping'], {'type': 'object', 'additionalProperties': {'type': 'number'}})
        self.assertEqual(props['raw'], {'type': 'object'})
        self.assertEqual(props['maybe'], {'type': 'string', 'nullable': True, 'default': None})
        self.assertEqual(props['either']['anyOf'], [{'type': 'integer'}, {'type': 'string'}])
        self.assertEqual(props['anything'], {'default': None})
        self.assertEqual(props['untyped'], {'default': 3})
        self.assertEqual(media['schema']['required'],
                         ['count', 'ratio', 'name', 'enabled', 'values', 'matrix', 'mapping', 'raw'])
        self.assertEqual(media['example']['count'], 1)
        self.assertIn('Echo the typed arguments.', operation['description'])

    def test_health_and_parameter_paths(self):
        for path in ('/api/v1/parameters', '/live', '/ready', '/health', '/metrics'):
            with self.subTest(path=path):
                self.assertIn('get', self.doc['paths'][path])

    def test_parameters_listing(self):
        parameters = self.wrapper.get('/api/v1/parameters').json()
        by_name = {p['name']: p for p in parameters}
        self.assertEqual(by_name['count'], {'name': 'count', 'type': 'int'})
        self.assertEqual(by_name['values'], {'name': 'values', 'type': 'List[int]'})
        self.assertEqual(by_name['maybe'], {'name': 'maybe', 'default_value': None, 'type': 'Optional[str]'})
        self.assertEqual(by_name['untyped'], {'name': 'untyped', 'default_value': 3, 'type': None})
        self.assertEqual(len(parameters), 12)


class TestOpenApiAdder(WrapperTestCase):
    def test_auxiliary_and_static_endpoints(self):
        doc = self.wrapper.get('/pub/job/adder/latest/openapi.json').json()
        paths = doc['paths']
        explain = paths['/api/v1/explain']['post']
        self.assertEqual(explain['requestBody']['content']['application/json']['example'], {'numbers': [1, 2, 3]})
        self.assertEqual(explain['description'], 'Explain the sum.')
        self.assertEqual(paths['/api/v1/perform']['post']['requestBody']['content']['application/json']['example'],
                         {'numbers': [40, 2]})
        self.assertIn('get', paths['/api/v1/readme'])
        self.assertIn('text/html', paths['/api/v1/page']['get']['responses']['200']['content'])
        self.assertIn('/api/v1/files/{file_path}', paths)
        self.assertEqual(doc['servers'], [{'url': '/pub/job/adder/0.0.1'}])


if __name__ == '__main__':
    unittest.main()
