"""Static endpoints: files, explicit mimetypes, directories and path traversal."""

import unittest

from wrapper_harness import WrapperTestCase


class TestStaticEndpoints(WrapperTestCase):
    def test_static_file(self):
        response = self.wrapper.get('/api/v1/readme')
        self.assertEqual(response.status, 200)
        self.assertEqual(response.body, b'Adder job readme\n')
        self.assertTrue(response.headers['content-type'].startswith('text/plain'))

    def test_explicit_mimetype_and_prefix(self):
        response = self.wrapper.get('/pub/job/adder/latest/api/v1/page')
        self.assertEqual(response.status, 200)
        self.assertEqual(response.headers['content-type'], 'text/html')

    def test_directory_is_served_recursively(self):
        self.assertEqual(self.wrapper.get('/api/v1/files/readme.txt').body, b'Adder job readme\n')
        self.assertEqual(self.wrapper.get('/api/v1/files/sub/nested.txt').body, b'nested file\n')
        html = self.wrapper.get('/api/v1/files/page.html')
        self.assertTrue(html.headers['content-type'].startswith('text/html'))
        self.assertEqual(self.wrapper.get('/api/v1/files/missing.txt').status, 404)

    def test_path_traversal_is_refused(self):
        for path in ('/api/v1/files/../../secret.txt', '/api/v1/files/..%2f..%2fsecret.txt',
                     '/api/v1/files/%2e%2e/%2e%2e/secret.txt', '/api/v1/files/sub/../../../secret.txt',
                     '/api/v1/files/%2fetc%2fpasswd'):
            with self.subTest(path=path):
                response = self.wrapper.get(path)
                self.assertIn(response.status, (403, 404))
                self.assertNotIn(b'secret', response.body)
                self.assertNotIn(b'root:', response.body)

    def test_static_endpoint_rejects_post(self):
        response = self.wrapper.post('/api/v1/readme', {})
        self.assertEqual(response.status, 405)
        self.assertEqual(response.headers['allow'], 'GET, HEAD')


if __name__ == '__main__':
    unittest.main()
