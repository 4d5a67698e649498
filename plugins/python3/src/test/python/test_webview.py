"""Webviews: webview_app served under /api/v1/webview, static/ under /api/v1/webview/static."""

import concurrent.futures
import importlib.util
import os
import shutil
import tempfile
import time
import unittest

from wrapper_harness import CALL_SECRET, FIXTURES_DIR, TESTS_DIR, WrapperProcess, WrapperTestCase

BASE_URL = '/pub/job/webjob/0.0.1/api/v1/webview'
SAMPLE_DIR = os.path.abspath(os.path.join(TESTS_DIR, '..', '..', '..', '..', '..', 'samples', 'python-webview'))


class TestWsgiWebview(unittest.TestCase):
    """A plain WSGI app; the job directory is a copy with symlinks made for the test."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='webview-')
        job_dir = os.path.join(cls.tmp, 'job')
        shutil.copytree(os.path.join(FIXTURES_DIR, 'webview'), job_dir)
        with open(os.path.join(cls.tmp, 'outside.txt'), 'w') as f:
            f.write('SECRET-OUTSIDE-THE-JOB')
        os.symlink(os.path.join(cls.tmp, 'outside.txt'), os.path.join(job_dir, 'static', 'link-out.txt'))
        os.symlink(os.path.join(job_dir, 'secret.txt'), os.path.join(job_dir, 'static', 'link-up.txt'))
        os.symlink('style.css', os.path.join(job_dir, 'static', 'link-in.css'))
        cls.wrapper = WrapperProcess(job_dir, 'webview.py', job_name='webjob',
                                     env={'WEBVIEW_SLOW_SECONDS': '1.5'})
        try:
            cls.wrapper.wait_ready()
        except BaseException:
            cls.wrapper.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.wrapper.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_webviewRoot_givesTheAppTheFullPublicPath(self):
        response = self.wrapper.get('/api/v1/webview/')
        self.assertEqual(response.status, 200, response)
        page = response.json()
        self.assertEqual(page['base_url'], BASE_URL)
        self.assertEqual(page['path_info'], BASE_URL + '/')
        self.assertEqual(page['script_name'], '')

    def test_webviewWithoutSlash_reachesTheAppAtBaseUrl(self):
        response = self.wrapper.get('/api/v1/webview')
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.json()['path_info'], BASE_URL)

    def test_throughPubPrefix_anyVersion_sameBaseUrl(self):
        response = self.wrapper.get('/pub/job/webjob/latest/api/v1/webview/page/x?a=1&b=%20')
        self.assertEqual(response.status, 200, response)
        page = response.json()
        self.assertEqual(page['path_info'], BASE_URL + '/page/x')
        self.assertEqual(page['query'], 'a=1&b=%20')
        self.assertEqual(page['base_url'], BASE_URL)

    def test_post_passesBodyHeadersAndForwardedHost(self):
        response = self.wrapper.post('/api/v1/webview/form', 'a=1', headers={
            'Content-Type': 'application/x-www-form-urlencoded',
            'X-Forwarded-Host': 'racetrack.example.com:8080', 'X-Forwarded-Proto': 'https'})
        self.assertEqual(response.status, 200, response)
        page = response.json()
        self.assertEqual(page['method'], 'POST')
        self.assertEqual(page['body'], 'a=1')
        self.assertEqual(page['content_type'], 'application/x-www-form-urlencoded')
        self.assertEqual(page['host'], 'racetrack.example.com:8080')
        self.assertEqual(page['scheme'], 'https')

    def test_appHeaders_arePassedOnWithTheServersOwnFraming(self):
        response = self.wrapper.get('/api/v1/webview/')
        self.assertEqual(response.headers['content-type'], 'application/json')
        self.assertEqual(int(response.headers['content-length']), len(response.body))
        raw = self.wrapper.raw(b'GET /api/v1/webview/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n'
                               b'X-Racetrack-Job-Secret: ' + CALL_SECRET.encode() + b'\r\n\r\n')
        head = raw.split(b'\r\n\r\n', 1)[0].split(b'\r\n')
        self.assertIn(b'Set-Cookie: a=1', head)
        self.assertIn(b'Set-Cookie: b=2', head)
        self.assertEqual(sum(1 for line in head if line.lower().startswith(b'content-length:')), 1)

    def test_withoutTheCallSecret_isRefused(self):
        self.assertEqual(self.wrapper.get('/api/v1/webview/', secret=False).status, 401)
        self.assertEqual(self.wrapper.get('/api/v1/webview/static/style.css', secret=False).status, 401)

    def test_appError_is500AndTheWrapperLivesOn(self):
        response = self.wrapper.get('/api/v1/webview/broken')
        self.assertEqual(response.status, 500)
        self.assertIn('the page broke', response.json()['error'])
        self.assertEqual(self.wrapper.get('/live').status, 200)

    def test_staticFiles_areServedFromTheJobsStaticDir(self):
        for prefix in ('', '/pub/job/webjob/0.0.1'):
            with self.subTest(prefix=prefix):
                css = self.wrapper.get(prefix + '/api/v1/webview/static/style.css')
                self.assertEqual(css.status, 200)
                self.assertEqual(css.body, b'body { color: red; }\n')
                self.assertEqual(css.headers['content-type'], 'text/css; charset=utf-8')
        nested = self.wrapper.get('/api/v1/webview/static/sub/nested.txt')
        self.assertEqual((nested.status, nested.body), (200, b'nested file\n'))
        self.assertEqual(self.wrapper.get('/api/v1/webview/static/link-in.css').status, 200)
        self.assertEqual(self.wrapper.request('HEAD', '/api/v1/webview/static/style.css').status, 200)

    def test_staticEscapes_areNotFound(self):
        for path in ('/api/v1/webview/static/../secret.txt',
                     '/api/v1/webview/static/../../outside.txt',
                     '/api/v1/webview/static/%2e%2e/secret.txt',
                     '/api/v1/webview/static/..%2fsecret.txt',
                     '/api/v1/webview/static/sub/../../secret.txt',
                     '/api/v1/webview/static//etc/passwd',
                     '/api/v1/webview/static/%2fetc%2fpasswd',
                     '/api/v1/webview/static/link-out.txt',
                     '/api/v1/webview/static/link-up.txt',
                     '/api/v1/webview/static/sub',
                     '/api/v1/webview/static/missing.css',
                     '/api/v1/webview/static/style.css%00.txt'):
            with self.subTest(path=path):
                response = self.wrapper.get(path)
                self.assertEqual(response.status, 404, response)
                self.assertNotIn(b'SECRET', response.body)
                self.assertNotIn(b'root:', response.body)

    def test_staticPost_isNotAllowed(self):
        self.assertEqual(self.wrapper.post('/api/v1/webview/static/style.css', 'x').status, 405)

    def test_dotSegmentsAfterTheWebviewPrefix_neverReachPerform(self):
        # A public /api/v1/webview prefix must not open /api/v1/perform by way of '..'.
        response = self.wrapper.post('/api/v1/webview/../perform', {'x': 21})
        self.assertNotEqual(response.body, b'42')
        self.assertEqual(response.json()['path_info'], BASE_URL + '/../perform')

    def test_slowPage_doesNotBlockOtherCalls(self):
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            slow = pool.submit(self.wrapper.get, '/api/v1/webview/slow')
            self.wrapper.wait_until(lambda: b'endpoint="/webview"' in self.wrapper.get('/metrics').body,
                                    message='slow page started')
            started = time.monotonic()
            perform = self.wrapper.post('/api/v1/perform', {'x': 21})
            elapsed = time.monotonic() - started
            self.assertEqual((perform.status, perform.body), (200, b'42'))
            self.assertFalse(slow.done(), 'the slow page ended before perform was called')
            self.assertLess(elapsed, 1.0)
            self.assertEqual(slow.result().status, 200)

    def test_perform_stillWorks(self):
        self.assertEqual(self.wrapper.post('/api/v1/perform', {'x': 4}).body, b'8')


class TestWebviewTimeout(WrapperTestCase):
    fixture = 'webview'
    entrypoint = 'webview.py'
    job_name = 'webjob'
    env = {'JOB_CALL_TIMEOUT': '0.5', 'WEBVIEW_SLOW_SECONDS': '3'}

    def test_slowPage_is504AtTheCallTimeout(self):
        started = time.monotonic()
        response = self.wrapper.get('/api/v1/webview/slow')
        self.assertEqual(response.status, 504, response)
        self.assertLess(time.monotonic() - started, 2.5)
        self.assertEqual(response.json()['type'], 'timeout')
        self.assertIn('call_timeout of 0.5 s', response.json()['error'])
        self.assertEqual(self.wrapper.get('/api/v1/webview/fast').status, 200)


class TestAsgiWebview(WrapperTestCase):
    fixture = 'asgi_webview'
    entrypoint = 'asgi_webview.py'
    job_name = 'webjob'
    env = {'JOB_CALL_TIMEOUT': '1'}

    def test_asgiApp_getsRootPathAndFullPath(self):
        response = self.wrapper.post('/pub/job/webjob/1.0/api/v1/webview/items?q=1', 'hello')
        self.assertEqual(response.status, 201, response)
        self.assertEqual(response.headers['x-asgi'], 'yes')
        page = response.json()
        self.assertEqual(page['root_path'], BASE_URL)
        self.assertEqual(page['path'], BASE_URL + '/items')
        self.assertEqual((page['method'], page['query'], page['body']), ('POST', 'q=1', 'hello'))

    def test_slowAsgiPage_is504(self):
        response = self.wrapper.get('/api/v1/webview/slow')
        self.assertEqual(response.status, 504, response)
        self.assertIn('call_timeout of 1 s', response.json()['error'])


@unittest.skipUnless(importlib.util.find_spec('flask') or os.environ.get('CI') == 'true',
                     'SKIPPED: flask is not installed (pip install flask); the Flask sample is not tested')
class TestFlaskSample(unittest.TestCase):
    """The Flask sample of the repository (samples/python-webview), unchanged."""

    @classmethod
    def setUpClass(cls):
        cls.wrapper = WrapperProcess(SAMPLE_DIR, 'webview.py', job_name='python-webview')
        try:
            cls.wrapper.wait_ready()
        except BaseException:
            cls.wrapper.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.wrapper.close()

    def test_page_rendersTheTemplateWithBaseUrl(self):
        page = self.wrapper.get('/pub/job/python-webview/latest/api/v1/webview/?name=Ada')
        self.assertEqual(page.status, 200, page)
        self.assertIn(b'Hello, Ada!', page.body)
        self.assertIn(b'href="/pub/job/python-webview/0.0.1/api/v1/webview/static/style.css"', page.body)

    def test_staticFile_andPostRoute(self):
        css = self.wrapper.get('/pub/job/python-webview/0.0.1/api/v1/webview/static/style.css')
        self.assertEqual(css.status, 200)
        self.assertIn(b'.greeting', css.body)
        greet = self.wrapper.post('/api/v1/webview/greet', {'name': 'Bo'},
                                  headers={'Content-Type': 'application/json'})
        self.assertEqual(greet.json(), {'greeting': 'Hello, Bo!'})

    def test_webviewWithoutSlash_redirectsToTheSlashedPageOnTheForwardedHost(self):
        response = self.wrapper.get('/api/v1/webview', headers={'X-Forwarded-Host': 'pub.example:7005'})
        self.assertEqual(response.status, 308)
        self.assertEqual(response.headers['location'],
                         'http://pub.example:7005/pub/job/python-webview/0.0.1/api/v1/webview/')
