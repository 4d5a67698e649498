"""Wrapper settings, read once from environment variables at startup."""

import os


class ConfigError(ValueError):
    """Raised when an environment variable holds an invalid value."""


def _env_int(name: str, default: int | None, minimum: int = 0) -> int | None:
    raw = os.environ.get(name, '').strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f'environment variable {name} must be an integer, got {raw!r}') from None
    if value < minimum:
        raise ConfigError(f'environment variable {name} must be >= {minimum}, got {value}')
    return value


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, '').strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f'environment variable {name} must be a number, got {raw!r}') from None


def _env_positive_float(name: str) -> float | None:
    raw = os.environ.get(name, '').strip()
    if not raw:
        return None
    value = _env_float(name, 0.0)
    if not value > 0 or value == float('inf'):
        raise ConfigError(f'environment variable {name} must be a positive number of seconds, got {raw!r}')
    return value


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, '').strip().lower()
    if not raw:
        return default
    return raw in ('1', 'true', 'yes', 'on', 'y', 't')


class Config:
    """All settings of the wrapper. Built by :meth:`from_env`."""

    __slots__ = (
        'job_name', 'job_version', 'deployment_timestamp',
        'http_addr', 'http_port',
        'job_type_version', 'git_version', 'deployed_by_racetrack_version',
        'max_body_bytes', 'log_requests', 'max_concurrency', 'max_concurrency_queue',
        'keepalive_timeout', 'request_read_timeout', 'shutdown_grace',
        'request_tracing_header', 'caller_name_header', 'call_secret', 'call_timeout',
    )

    @classmethod
    def from_env(cls) -> 'Config':
        c = cls()
        env = os.environ
        c.job_name = env.get('JOB_NAME', '').strip()
        c.job_version = env.get('JOB_VERSION', '').strip()
        if not c.job_name:
            raise ConfigError('environment variable JOB_NAME is required')
        if not c.job_version:
            raise ConfigError('environment variable JOB_VERSION is required')
        c.deployment_timestamp = _env_int('JOB_DEPLOYMENT_TIMESTAMP', 0)
        c.http_addr = env.get('JOB_HTTP_ADDR', '').strip() or '0.0.0.0'
        c.http_port = _env_int('JOB_HTTP_PORT', 7000)
        if c.http_port > 65535:
            raise ConfigError(f'JOB_HTTP_PORT out of range: {c.http_port}')
        c.job_type_version = env.get('JOB_TYPE_VERSION', '')
        c.git_version = env.get('GIT_VERSION', '')
        c.deployed_by_racetrack_version = env.get('DEPLOYED_BY_RACETRACK_VERSION', '')
        c.max_body_bytes = _env_int('JOB_MAX_BODY_BYTES', 10 * 1024 * 1024)
        c.log_requests = _env_bool('LOG_REQUESTS', False)
        # Optional concurrency limits of job calls (perform and auxiliary endpoints).
        c.max_concurrency = _env_int('JOB_MAX_CONCURRENCY', None, minimum=1)
        c.max_concurrency_queue = _env_int('JOB_MAX_CONCURRENCY_QUEUE', None)
        # Idle keep-alive connections are closed after this many seconds.
        c.keepalive_timeout = _env_float('JOB_KEEPALIVE_TIMEOUT', 75.0)
        # A request (headers and body) must be received within this many seconds.
        c.request_read_timeout = _env_float('JOB_REQUEST_READ_TIMEOUT', 60.0)
        # On SIGTERM/SIGINT, in-flight requests get this long to finish.
        c.shutdown_grace = _env_float('JOB_SHUTDOWN_GRACE', 5.0)
        c.request_tracing_header = env.get('REQUEST_TRACING_HEADER', '') or 'X-Request-Tracing-Id'
        c.caller_name_header = env.get('CALLER_NAME_HEADER', '') or 'X-Caller-Name'
        # The secret PUB presents on every call (the job performs only for PUB); empty when the
        # platform gave none, then only the probes and /metrics answer.
        c.call_secret = env.get('RACETRACK_JOB_CALL_SECRET', '').strip()
        # The manifest's call_timeout (seconds): the wrapper stops waiting for a job call (perform,
        # auxiliary endpoints, webview) after this long and answers 504. None: no limit.
        c.call_timeout = _env_positive_float('JOB_CALL_TIMEOUT')
        return c

    def __repr__(self) -> str:
        return (f'Config(job_name={self.job_name!r}, job_version={self.job_version!r}, '
                f'call_secret={"(redacted)" if self.call_secret else "(none)"})')

    @property
    def base_url(self) -> str:
        """Canonical public base path of this job version, as used in the OpenAPI `servers`."""
        return f'/pub/job/{self.job_name}/{self.job_version}'

    @property
    def webview_base_url(self) -> str:
        """Public path of the webview app (what ``webview_app(base_url)`` is given)."""
        return self.base_url + '/api/v1/webview'
