"""
The job application: routing of HTTP requests to the health endpoints and to the job.

The application starts in the ``loading`` state, answering only the health endpoints,
while the job is loaded in a background thread; it becomes ``ready`` (routes of the job are
installed) or ``failed`` (the error is reported by ``/live``, ``/health`` and the API).

Every route is served at the root (``/live``) and under the public prefixes
``/pub/job/<job_name>/<any version>/`` and ``/pub/fatman/<job_name>/<any version>/``.

Handlers take a :class:`server.Request` and return ``(status, body, content_type, extra_headers)``
(see :mod:`server`).
"""

import hmac
import json
import logging
import os
import threading
import time
import traceback

from . import context
from .config import Config
from .deadline import ANSWERED, ANSWERED_EARLY, CallTimeout, Watchdog, timeout_body
from .encoding import encode_json, error_json
from .loader import API_PREFIX, JobEndpoint, LoadedJob, StaticEndpoint, is_within, load_job
from .metrics import Metrics

logger = logging.getLogger('racetrack_job_wrapper.app')

JSON = b'application/json'
HTML = b'text/html; charset=utf-8'
PROMETHEUS = b'text/plain; version=0.0.4; charset=utf-8'

LOADING, READY, FAILED = 'loading', 'ready', 'failed'

WEBVIEW_PATH = API_PREFIX + '/webview'
WEBVIEW_LABEL = '/webview'  # metrics label of webview calls

_NOT_READY = (503, error_json('job is not ready yet'), JSON, None)
_NOT_FOUND = (404, error_json('not found'), JSON, None)

# Header PUB sends the job's secret in; routes answering without it (probes, Prometheus scrapes).
CALL_SECRET_HEADER = 'x-racetrack-job-secret'
_OPEN_PATHS = frozenset(('/live', '/ready', '/health', '/metrics'))


def _unauthorized(message: str) -> tuple:
    return 401, encode_json({'error': message, 'type': 'unauthorized'}), JSON, None


class ConcurrencyLimiter:
    """
    Bounds the number of job calls running at once (``max_concurrency``); calls beyond it wait.
    When ``max_queue`` calls are already waiting, further calls are rejected right away.
    """

    def __init__(self, max_concurrency: int, max_queue: int | None):
        self.max_concurrency = max_concurrency
        self.max_queue = max_queue
        self._semaphore = threading.Semaphore(max_concurrency)
        self._lock = threading.Lock()
        self._active = 0  # running + waiting

    def try_enter(self, timeout: float | None = None) -> bool:
        """Wait for a free slot; False (without waiting) if the queue is full. With ``timeout``,
        a wait longer than that gives up the place in the queue and returns None."""
        with self._lock:
            if self.max_queue is not None and self._active - self.max_concurrency >= self.max_queue:
                return False
            self._active += 1
        if timeout is None:
            self._semaphore.acquire()
            return True
        if self._semaphore.acquire(timeout=max(timeout, 0.0)):
            return True
        with self._lock:
            self._active -= 1
        return None

    def exit(self) -> None:
        self._semaphore.release()
        with self._lock:
            self._active -= 1


class _AsyncRunner:
    """Runs coroutines (``async def perform``) on one background event loop."""

    def __init__(self, metrics: Metrics):
        self.metrics = metrics
        self._loop = None
        self._lock = threading.Lock()

    def loop(self):
        import asyncio
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name='async-jobs', daemon=True).start()
        return self._loop

    def submit(self, coroutine, request: context.RequestContext | None):
        """Schedule ``coroutine`` on the loop; a concurrent future of its result."""
        import asyncio

        async def with_request_context():
            if request is not None:
                context.request_context.set(request)  # the task runs in a copy of the loop's context
            return await coroutine

        return asyncio.run_coroutine_threadsafe(with_request_context(), self.loop())

    def run(self, coroutine, request: context.RequestContext | None):
        return self.submit(coroutine, request).result()

    def run_until(self, coroutine, request: context.RequestContext | None, label: str, timeout: float,
                  remaining: float, release=None):
        """Like :meth:`run`, but cancels the coroutine and raises CallTimeout after ``remaining`` s.
        ``release`` (if given) is called once when the coroutine has really ended."""
        import concurrent.futures
        future = self.submit(coroutine, request)
        if release is not None:
            future.add_done_callback(lambda f: release())
        try:
            return future.result(max(remaining, 0.0))
        except concurrent.futures.TimeoutError:
            if not future.cancel() and future.done():
                return future.result()
            self.metrics.call_timed_out(still_running=False)
            logger.warning(f'{label} did not finish within the call_timeout of {timeout:g} s: '
                           f'answered 504 and cancelled the coroutine')
            raise CallTimeout(label, timeout) from None


class JobApp:
    def __init__(self, config: Config, metrics: Metrics | None = None):
        self.config = config
        self.metrics = metrics or Metrics()
        self.state = LOADING
        self.init_error: str | None = None
        self.job: LoadedJob | None = None
        self._openapi: bytes | None = None
        self._openapi_lock = threading.Lock()
        self._static_dirs: list[tuple[str, StaticEndpoint]] = []
        self._async_runner = _AsyncRunner(self.metrics)
        self._watchdog = Watchdog(config.call_timeout, self.metrics) if config.call_timeout else None
        self._webview = None  # webview.Webview, when the job has a webview_app
        self._limiter = (
            ConcurrencyLimiter(config.max_concurrency, config.max_concurrency_queue)
            if config.max_concurrency else None
        )
        self._pub_prefixes = ('job', 'fatman')
        # path -> {method -> handler}; replaced as a whole (atomically) when the job gets loaded.
        self._routes: dict[str, dict] = self._base_routes()

    # ------------------------------------------------------------------ loading

    def load(self, entrypoint_path: str, class_name: str | None) -> None:
        """Load the job (meant to run in a background thread) and switch to ready or failed."""
        try:
            job = load_job(entrypoint_path, class_name)
            self._install_job(job)
        except BaseException as e:
            self.init_error = f'{type(e).__name__}: {e}'
            logger.error(f'failed to load the job entrypoint: {self.init_error}\n{traceback.format_exc()}')
            self.state = FAILED
            return
        self.state = READY
        logger.info('job is ready')

    def _install_job(self, job: LoadedJob) -> None:
        # Legacy API of the original wrapper: entrypoint.request_context.get().headers
        if not hasattr(job.instance, 'request_context'):
            try:
                job.instance.request_context = context.request_context
            except Exception:
                pass
        parameters = encode_json(_list_parameters(job.perform))
        routes = self._base_routes()
        routes[f'{API_PREFIX}/perform'] = {'POST': self._job_call_handler(job.perform)}
        routes[f'{API_PREFIX}/parameters'] = {'GET': lambda request: (200, parameters, JSON, None)}
        for path, endpoint in job.auxiliary.items():
            routes[API_PREFIX + path] = {'POST': self._job_call_handler(endpoint)}
        for path, static in job.static.items():
            routes[API_PREFIX + path] = {'GET': self._static_handler(static)}
            if static.is_dir:
                self._static_dirs.append((API_PREFIX + path + '/', static))
        self._static_dirs.sort(key=lambda item: -len(item[0]))  # longest prefix first
        if hasattr(job.instance, 'webview_app'):
            from .webview import create_webview
            self._webview = create_webview(job.instance, self.config.webview_base_url, job.root_dir)
        self.metrics.custom_metrics = job.metrics_function
        self.job = job
        self._routes = routes

    # ------------------------------------------------------------------ dispatch

    def handle(self, request) -> tuple:
        """Entry point called by the server for every request."""
        path = request.path
        base = ''
        if path.startswith('/pub/'):
            # /pub/job/<job_name>/<version>/<rest>
            parts = path.split('/', 5)
            if (len(parts) < 5 or parts[2] not in self._pub_prefixes
                    or parts[3] != self.config.job_name or not parts[4]):
                return _NOT_FOUND
            base = '/'.join(parts[:5])
            path = '/' + parts[5] if len(parts) == 6 else '/'
        if path not in _OPEN_PATHS:
            refused = self._check_call_secret(request)
            if refused is not None:
                return refused
        routes = self._routes.get(path)
        if routes is not None:
            handler = routes.get(request.method)
            if handler is None:
                return self._method_not_allowed(routes)
            request.path = path
            request.base = base
            return handler(request)
        return self._handle_unrouted(request, path, base)

    def _check_call_secret(self, request) -> tuple | None:
        """None when the request carries the job's secret (only PUB has it), else a 401 answer."""
        expected = self.config.call_secret
        if not expected:
            return _unauthorized('this job was started without RACETRACK_JOB_CALL_SECRET and '
                                 'performs for nobody; redeploy it with Racetrack')
        presented = request.headers.get(CALL_SECRET_HEADER, '')
        if not hmac.compare_digest(presented.encode('utf-8', 'replace'), expected.encode('utf-8')):
            return _unauthorized("calls to this job must come through Racetrack's gateway")
        return None

    def _handle_unrouted(self, request, path: str, base: str) -> tuple:
        if path.startswith(API_PREFIX + '/'):
            if self.state == LOADING:
                return _NOT_READY
            if self.state == FAILED:
                return 500, error_json(f'job failed to initialize: {self.init_error}'), JSON, None
            if self._webview is not None and (path == WEBVIEW_PATH or path.startswith(WEBVIEW_PATH + '/')):
                request.path = path
                request.base = base
                return self._serve_webview(request, path[len(WEBVIEW_PATH):])
            for prefix, static in self._static_dirs:
                if path.startswith(prefix):
                    if request.method != 'GET':
                        return self._method_not_allowed({'GET': None})
                    request.path = path
                    request.base = base
                    from urllib.parse import unquote
                    return self._serve_static_file(static, unquote(path[len(prefix):]))
        return _NOT_FOUND

    @staticmethod
    def _method_not_allowed(routes: dict) -> tuple:
        allowed = sorted(routes) + (['HEAD'] if 'GET' in routes else [])
        return (
            405, error_json('method not allowed'), JSON,
            b'Allow: ' + ', '.join(allowed).encode() + b'\r\n',
        )

    def _base_routes(self) -> dict[str, dict]:
        return {
            '/': {'GET': self._home},
            '/live': {'GET': self._live},
            '/ready': {'GET': self._ready},
            '/health': {'GET': self._health},
            '/metrics': {'GET': self._metrics},
            '/openapi.json': {'GET': self._openapi_json},
        }

    # ------------------------------------------------------------------ health & docs

    def _live(self, request) -> tuple:
        if self.state == FAILED:
            return 500, encode_json({
                'live': False, 'deployment_timestamp': self.config.deployment_timestamp, 'error': self.init_error,
            }), JSON, None
        return 200, encode_json({'live': True, 'deployment_timestamp': self.config.deployment_timestamp}), JSON, None

    def _ready(self, request) -> tuple:
        if self.state == READY:
            return 200, b'{"ready": true}', JSON, None
        return 500, b'{"ready": false}', JSON, None

    def _health(self, request) -> tuple:
        config = self.config
        live = self.state != FAILED
        ready = self.state == READY
        body = encode_json({
            'service': 'job',
            'job_name': config.job_name,
            'job_version': config.job_version,
            'live': live,
            'ready': ready,
            'status': 'pass' if live and ready else 'fail',
            'error': self.init_error,
            'git_version': config.git_version,
            'deployed_by_racetrack_version': config.deployed_by_racetrack_version,
            'deployment_timestamp': config.deployment_timestamp,
            'job_type_version': config.job_type_version,
        })
        return (200 if live and ready else 500), body, JSON, None

    def _metrics(self, request) -> tuple:
        return 200, self.metrics.render(), PROMETHEUS, None

    def _openapi_json(self, request) -> tuple:
        if self.state == LOADING:
            return _NOT_READY
        if self.state == FAILED:
            return 500, error_json(f'job failed to initialize: {self.init_error}'), JSON, None
        if self._openapi is None:
            with self._openapi_lock:
                if self._openapi is None:
                    from .openapi import build_openapi
                    self._openapi = encode_json(build_openapi(self.job, self.config))
        return 200, self._openapi, JSON, None

    def _home(self, request) -> tuple:
        name = _html_escape(self.config.job_name)
        version = _html_escape(self.config.job_version)
        base = _html_escape(getattr(request, 'base', ''))
        status = {LOADING: 'loading', READY: 'ready', FAILED: 'failed to initialize'}[self.state]
        page = (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f'<title>{name} {version}</title></head>\n<body>\n'
            f'<h1>Job {name}</h1>\n<p>Version {version} &mdash; {status}.</p>\n'
            f'<p>API description: <a href="{base}/openapi.json">openapi.json</a></p>\n'
            f'<p>Call it with <code>POST {base}/api/v1/perform</code>.</p>\n'
            '</body></html>\n'
        )
        return 200, page.encode(), HTML, None

    # ------------------------------------------------------------------ job calls

    def _job_call_handler(self, endpoint: JobEndpoint):
        """Build the handler calling ``endpoint`` with the JSON object of the body as kwargs."""
        metrics = self.metrics
        limiter = self._limiter
        async_runner = self._async_runner
        label = endpoint.path
        function = endpoint.function
        check_arguments = endpoint.check_arguments
        set_request, reset_request = context.request_context.set, context.request_context.reset
        RequestContext = context.RequestContext
        perf_counter = time.perf_counter
        loads = json.loads
        watchdog = self._watchdog  # None: no call_timeout
        call_timeout = self.config.call_timeout

        def call_with_deadline(request, kwargs: dict, started: float) -> tuple:
            """The call under the call_timeout: the wait for a slot counts too; the slot of
            max_concurrency is given back when the call really ends, not when we stop waiting."""
            entered = True if limiter is None else limiter.try_enter(call_timeout)
            if entered is False:
                return 429, error_json('too many requests waiting in a queue'), JSON, None
            if entered is None:
                return _timeout_answer(CallTimeout(label, call_timeout))
            request_context = RequestContext(request.method, request.path, request.base, request.headers)
            if endpoint.is_coroutine:
                release = limiter.exit if limiter is not None else None
                try:
                    result = async_runner.run_until(function(**kwargs), request_context, label, call_timeout,
                                                    started + call_timeout - perf_counter(), release)
                except CallTimeout as e:
                    return _timeout_answer(e)
                return 200, encode_json(result), JSON, None
            token = set_request(request_context)
            try:
                result = watchdog.call(request.conn, label, started, function, kwargs)
            finally:
                reset_request(token)
                if limiter is not None:
                    limiter.exit()
            if result is ANSWERED:
                return ANSWERED_EARLY
            return 200, encode_json(result), JSON, None

        def handle_job_call(request) -> tuple:
            metrics.call_started(label)
            started = perf_counter()
            internal_error = False
            try:
                # -------- arguments: must bind to the signature before anything is called
                body = request.body
                try:
                    kwargs = loads(body) if body else {}
                except (ValueError, UnicodeDecodeError) as e:
                    return 400, error_json(f'request body is not valid JSON: {e}'), JSON, None
                if type(kwargs) is not dict:
                    return 400, error_json(
                        f'request body must be a JSON object with keyword arguments, got {_json_type(kwargs)}'
                    ), JSON, None
                problem = check_arguments(kwargs)
                if problem is not None:
                    return 400, error_json(f'invalid arguments for {label}: {problem}'), JSON, None

                # -------- the call
                if watchdog is not None:
                    return call_with_deadline(request, kwargs, started)
                if limiter is not None and not limiter.try_enter():
                    return 429, error_json('too many requests waiting in a queue'), JSON, None
                request_context = RequestContext(request.method, request.path, request.base, request.headers)
                token = set_request(request_context)
                try:
                    result = function(**kwargs)
                    if endpoint.is_coroutine:
                        result = async_runner.run(result, request_context)
                    return 200, encode_json(result), JSON, None
                finally:
                    reset_request(token)
                    if limiter is not None:
                        limiter.exit()
            except BaseException as e:
                internal_error = True
                logger.error(f'error in {label}: {type(e).__name__}: {e}\n{traceback.format_exc()}')
                return 500, error_json(f'{type(e).__name__}: {e}'), JSON, None
            finally:
                metrics.call_done(label, perf_counter() - started, internal_error)

        return handle_job_call

    # ------------------------------------------------------------------ webview

    def _serve_webview(self, request, rest: str) -> tuple:
        """``/api/v1/webview<rest>``: a file of the job's static/ directory, or the job's web app."""
        webview = self._webview
        static = webview.static_file(rest)
        if static is not None:
            return static if request.method == 'GET' else self._method_not_allowed({'GET': None})
        metrics = self.metrics
        metrics.call_started(WEBVIEW_LABEL)
        started = time.perf_counter()
        internal_error = False
        watchdog = self._watchdog
        try:
            if webview.is_asgi:
                coroutine = webview.call_asgi(request, rest)
                if watchdog is None:
                    return self._async_runner.run(coroutine, None)
                timeout = watchdog.timeout
                return self._async_runner.run_until(coroutine, None, WEBVIEW_LABEL, timeout,
                                                    started + timeout - time.perf_counter())
            if watchdog is None:
                return webview.call_wsgi(request, rest)
            answer = watchdog.call(request.conn, WEBVIEW_LABEL, started, webview.call_wsgi,
                                   {'request': request, 'rest': rest})
            return ANSWERED_EARLY if answer is ANSWERED else answer
        except CallTimeout as e:
            return _timeout_answer(e)
        except BaseException as e:
            internal_error = True
            logger.error(f'error in the webview app: {type(e).__name__}: {e}\n{traceback.format_exc()}')
            return 500, error_json(f'webview app failed: {type(e).__name__}: {e}'), JSON, None
        finally:
            metrics.call_done(WEBVIEW_LABEL, time.perf_counter() - started, internal_error)

    # ------------------------------------------------------------------ static files

    def _static_handler(self, static: StaticEndpoint):
        def handle_static(request) -> tuple:
            if static.is_dir:
                return self._serve_static_file(static, 'index.html')
            return self._read_static(static, static.file_path)
        return handle_static

    def _serve_static_file(self, static: StaticEndpoint, relative_path: str) -> tuple:
        """Serve ``relative_path`` from a static directory, refusing anything outside of it."""
        if '\0' in relative_path:
            return 400, error_json('invalid path'), JSON, None
        root = static.file_path
        file_path = os.path.realpath(os.path.join(root, relative_path))
        if not is_within(file_path, root) or not is_within(file_path, self.job.root_dir):
            return 403, error_json('path is outside of the static directory'), JSON, None
        if os.path.isdir(file_path):
            file_path = os.path.join(file_path, 'index.html')
        if not os.path.isfile(file_path):
            return _NOT_FOUND
        return self._read_static(static, file_path)

    def _read_static(self, static: StaticEndpoint, file_path: str) -> tuple:
        try:
            with open(file_path, 'rb') as f:
                content = f.read()
        except FileNotFoundError:
            return _NOT_FOUND
        except OSError as e:
            logger.error(f'failed to read static file {file_path}: {e}')
            return 500, error_json('failed to read static file'), JSON, None
        mimetype = static.mimetype if static.mimetype and not static.is_dir else _guess_mimetype(file_path)
        return 200, content, mimetype.encode('latin-1'), None


def _timeout_answer(timeout: CallTimeout) -> tuple:
    return 504, timeout_body(timeout), JSON, None


def _list_parameters(endpoint: JobEndpoint) -> list[dict]:
    from .openapi import list_parameters
    return list_parameters(endpoint)


def _guess_mimetype(file_path: str) -> str:
    import mimetypes
    return mimetypes.guess_type(file_path, strict=False)[0] or 'text/plain'


def _json_type(value) -> str:
    if isinstance(value, list):
        return 'array'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, (int, float)):
        return 'number'
    return 'null' if value is None else type(value).__name__


def _html_escape(text: str) -> str:
    return (text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
            .replace('"', '&quot;').replace("'", '&#x27;'))
