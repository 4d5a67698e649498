"""
Webviews: the job's own web pages, as in the original python3 job type.

An entrypoint class may define ``webview_app(self, base_url)`` returning a WSGI app (Flask,
Django, ...) or an ASGI app (FastAPI, Starlette, ...). The wrapper serves it under
``/api/v1/webview`` and ``/api/v1/webview/...``; ``base_url`` is the public path of that prefix,
``/pub/job/<name>/<version>/api/v1/webview``.

* A WSGI app sees the full public path in ``PATH_INFO`` (``base_url + '/page'``) with an empty
  ``SCRIPT_NAME``, so that routes declared as ``base_url + '/page'`` (the original's convention)
  match, whichever prefix the request came in with (through PUB, or straight to the job).
* An ASGI app gets ``root_path = base_url`` and ``path = base_url + '/page'`` (the ASGI spec's
  rule), so its routes are declared relative to the webview (``'/page'``).
* The job's ``static/`` directory (next to the job's files) is served under
  ``/api/v1/webview/static/``; a path leaving it (``..``, a symlink pointing out) is a 404.

This module is imported only when the job defines ``webview_app``; the app's framework is
imported by the job itself.
"""

import inspect
import io
import logging
import os
import sys
from urllib.parse import unquote, unquote_to_bytes

from .encoding import error_json
from .loader import API_PREFIX, is_within

logger = logging.getLogger('racetrack_job_wrapper.webview')

WEBVIEW_PATH = API_PREFIX + '/webview'
STATIC_PREFIX = '/static/'
JSON = b'application/json'
_NOT_FOUND = (404, error_json('not found'), JSON, None)
# Headers of the app's answer the server writes itself (framing is the server's business).
_FRAMING_HEADERS = frozenset(('content-length', 'transfer-encoding', 'connection', 'keep-alive', 'content-type'))


class WebviewError(Exception):
    """The job's webview_app is not usable."""


def create_webview(instance, base_url: str, root_dir: str):
    """A :class:`Webview` of the job, or None when it has no ``webview_app`` (or it returns None)."""
    factory = getattr(instance, 'webview_app', None)
    if factory is None:
        return None
    if not callable(factory):
        raise WebviewError("'webview_app' attribute of the entrypoint should be a method")
    app = factory(base_url)
    if app is None:
        return None
    if not callable(app):
        raise WebviewError(f'webview_app() should return a WSGI or ASGI app, got {type(app).__name__}')
    is_asgi = _is_asgi(app)
    static_dir = _static_dir(root_dir)
    logger.info(f'webview ({"ASGI" if is_asgi else "WSGI"} app) served at {WEBVIEW_PATH}'
                + (f', static files at {WEBVIEW_PATH}/static' if static_dir else ''))
    return Webview(app, is_asgi, base_url, static_dir)


def _is_asgi(app) -> bool:
    """WSGI apps take (environ, start_response), ASGI 3 apps (scope, receive, send)."""
    if inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(getattr(app, '__call__', None)):
        return True
    try:
        parameters = inspect.signature(app).parameters
    except (TypeError, ValueError):
        return False
    return len(parameters) == 3


def _static_dir(root_dir: str) -> str | None:
    path = os.path.realpath(os.path.join(root_dir, 'static'))
    if not os.path.isdir(path):
        return None
    if not is_within(path, root_dir):
        logger.warning('the static directory points outside of the job directory: not served')
        return None
    return path


class Webview:
    def __init__(self, app, is_asgi: bool, base_url: str, static_dir: str | None):
        self.app = app
        self.is_asgi = is_asgi
        self.base_url = base_url
        self.static_dir = static_dir

    def static_file(self, rest: str) -> tuple | None:
        """The answer for ``/api/v1/webview<rest>`` if it names the static directory, else None."""
        if self.static_dir is None or not rest.startswith(STATIC_PREFIX):
            return None
        relative = unquote(rest[len(STATIC_PREFIX):])  # undecodable bytes become U+FFFD: no such file
        if '\0' in relative or relative.startswith('/'):
            return _NOT_FOUND
        file_path = os.path.realpath(os.path.join(self.static_dir, relative))
        if not is_within(file_path, self.static_dir) or not os.path.isfile(file_path):
            return _NOT_FOUND
        try:
            with open(file_path, 'rb') as f:
                content = f.read()
        except OSError:
            return _NOT_FOUND
        import mimetypes
        mimetype = mimetypes.guess_type(file_path, strict=False)[0] or 'application/octet-stream'
        if mimetype.startswith('text/') or mimetype in ('application/javascript', 'application/json'):
            mimetype += '; charset=utf-8'
        return 200, content, mimetype.encode('latin-1'), None

    # ------------------------------------------------------------------ WSGI

    def call_wsgi(self, request, rest: str) -> tuple:
        """Run the WSGI app for ``/api/v1/webview<rest>`` and collect its whole answer."""
        environ = self._environ(request, rest)
        started: list = []

        def start_response(status, headers, exc_info=None):
            if exc_info is not None and started:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [status, headers]
            return chunks.append

        chunks: list[bytes] = []
        result = self.app(environ, start_response)
        try:
            for chunk in result:
                if chunk:
                    chunks.append(bytes(chunk))
        finally:
            close = getattr(result, 'close', None)
            if close is not None:
                close()
        if not started:
            raise WebviewError('the webview app returned without calling start_response')
        status, headers = started
        return _answer(int(str(status).split(' ', 1)[0]), headers, b''.join(chunks))

    def _environ(self, request, rest: str) -> dict:
        headers = request.headers
        path_info = unquote_to_bytes(self.base_url + rest).decode('latin-1')
        host = headers.get('x-forwarded-host') or headers.get('host') or 'localhost'
        server_name, _, server_port = host.partition(':')
        scheme = headers.get('x-forwarded-proto', 'http').split(',')[0].strip() or 'http'
        environ = {
            'REQUEST_METHOD': request.method,
            'SCRIPT_NAME': '',
            'PATH_INFO': path_info,
            'QUERY_STRING': request.query,
            'REQUEST_URI': self.base_url + rest + ('?' + request.query if request.query else ''),
            'SERVER_NAME': server_name,
            'SERVER_PORT': server_port or ('443' if scheme == 'https' else '80'),
            'SERVER_PROTOCOL': request.version,
            'REMOTE_ADDR': request.peer,
            'wsgi.version': (1, 0),
            'wsgi.url_scheme': scheme,
            'wsgi.input': io.BytesIO(request.body),
            'wsgi.errors': sys.stderr,
            'wsgi.multithread': True,
            'wsgi.multiprocess': False,
            'wsgi.run_once': False,
        }
        environ['RAW_URI'] = environ['REQUEST_URI']
        for name, value in headers.items():
            if name == 'content-type':
                environ['CONTENT_TYPE'] = value
            elif name == 'content-length':
                continue
            elif name == 'host':
                environ['HTTP_HOST'] = host  # as the caller wrote it (PUB's X-Forwarded-Host)
            else:
                environ['HTTP_' + name.upper().replace('-', '_')] = value
        environ.setdefault('HTTP_HOST', host)
        environ['CONTENT_LENGTH'] = str(len(request.body))
        return environ

    # ------------------------------------------------------------------ ASGI

    async def call_asgi(self, request, rest: str) -> tuple:
        """Run the ASGI app for ``/api/v1/webview<rest>`` and collect its whole answer."""
        import asyncio
        headers = request.headers
        host = headers.get('x-forwarded-host') or headers.get('host') or 'localhost'
        server_name, _, server_port = host.partition(':')
        scheme = headers.get('x-forwarded-proto', 'http').split(',')[0].strip() or 'http'
        raw_path = (self.base_url + rest).encode('latin-1')
        scope = {
            'type': 'http',
            'asgi': {'version': '3.0', 'spec_version': '2.3'},
            'http_version': request.version.split('/', 1)[1],
            'method': request.method,
            'scheme': scheme,
            'path': unquote_to_bytes(raw_path).decode('utf-8', 'replace'),
            'raw_path': raw_path,
            'query_string': request.query.encode('latin-1'),
            'root_path': self.base_url,
            'headers': [(name.encode('latin-1'), value.encode('latin-1')) for name, value in headers.items()],
            'client': (request.peer, 0),
            'server': (server_name, int(server_port) if server_port.isdigit() else 80),
        }
        answered = asyncio.Event()
        body_sent = False

        async def receive():
            nonlocal body_sent
            if not body_sent:
                body_sent = True
                return {'type': 'http.request', 'body': request.body, 'more_body': False}
            await answered.wait()
            return {'type': 'http.disconnect'}

        start: dict = {}
        chunks: list[bytes] = []

        async def send(message):
            kind = message['type']
            if kind == 'http.response.start':
                start.update(message)
            elif kind == 'http.response.body':
                chunks.append(bytes(message.get('body', b'')))
                if not message.get('more_body', False):
                    answered.set()

        try:
            await self.app(scope, receive, send)
        finally:
            answered.set()
        if not start:
            raise WebviewError('the webview app returned without starting a response')
        headers = [(name.decode('latin-1'), value.decode('latin-1')) for name, value in start.get('headers', [])]
        return _answer(int(start['status']), headers, b''.join(chunks))


def _answer(status: int, headers, body: bytes) -> tuple:
    """The server's answer tuple from the app's status, header list and body."""
    content_type = b'application/octet-stream'
    lines = []
    for name, value in headers:
        name, value = str(name), str(value)
        if any(c in name or c in value for c in '\r\n\0') or not name:
            raise WebviewError(f'the webview app answered with a malformed header: {name!r}')
        lower = name.lower()
        if lower == 'content-type':
            content_type = value.encode('latin-1')
        elif lower not in _FRAMING_HEADERS:
            lines.append(f'{name}: {value}\r\n'.encode('latin-1'))
    return status, body, content_type, b''.join(lines) or None
