"""
Access to the HTTP request currently being handled, for job code.

Each job call (perform, auxiliary and static endpoints) runs with a context variable
pointing at a :class:`RequestContext`. Since every connection is served by its own thread,
the value is naturally per-request; it is reset when the call returns.

Example (inside ``perform``)::

    from racetrack_job_wrapper.context import current_request

    request = current_request()
    tracing_id = request.headers.get('X-Request-Tracing-Id')
"""

from contextvars import ContextVar


class Headers(dict):
    """
    Request headers: a dict keyed by lower-case header names whose lookups
    (``[]``, ``get``, ``in``) are case-insensitive.
    Repeated headers are joined with ``", "``.
    """

    __slots__ = ()

    def __getitem__(self, key: str) -> str:
        return dict.__getitem__(self, key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and dict.__contains__(self, key.lower())

    def get(self, key: str, default=None):
        return dict.get(self, key.lower(), default)


class RequestContext:
    """The request being handled: method, path (without the public prefix) and headers."""

    __slots__ = ('method', 'path', 'base_path', '_raw_headers', '_headers')

    def __init__(self, method: str, path: str, base_path: str, raw_headers: dict):
        self.method = method
        self.path = path
        self.base_path = base_path
        self._raw_headers = raw_headers  # lower-case keys, built by the server
        self._headers = None

    @property
    def headers(self) -> Headers:
        """Request headers with case-insensitive lookup (built lazily: most jobs never look)."""
        if self._headers is None:
            self._headers = Headers(self._raw_headers)
        return self._headers

    def __repr__(self) -> str:
        return f'RequestContext({self.method} {self.path})'


# The request being handled in the current thread / task; None outside of a job call.
request_context: ContextVar[RequestContext | None] = ContextVar('racetrack_request_context', default=None)


def current_request() -> RequestContext | None:
    """Return the request being handled, or None when called outside of a request."""
    return request_context.get()


def current_headers() -> Headers:
    """Headers of the request being handled (an empty mapping outside of a request)."""
    request = request_context.get()
    return request.headers if request is not None else Headers()
