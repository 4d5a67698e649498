"""
Job-to-job calls through the Racetrack gateway (PUB).

Example (inside ``perform``)::

    from racetrack_job_wrapper.call import call_job

    total = call_job('adder', payload={'numbers': [40, 2]})

The call authenticates with the job family's token (``AUTH_TOKEN``) and, when made while
handling a request, propagates that request's tracing id and caller name headers, so that
the chain of calls can be followed in the logs.
"""

import json
import os
import urllib.error
import urllib.parse
import urllib.request

from .context import current_request

AUTH_HEADER = 'X-Racetrack-Auth'


def call_job(*args, **kwargs):
    """
    call_job(job_name, path='/api/v1/perform', payload=None, version='latest', method='POST', timeout=10)

    Call an endpoint of another job and return its decoded JSON result.

    :param job_name: name of the job to call
    :param path: endpoint path, e.g. ``/api/v1/perform`` or an auxiliary endpoint
    :param payload: JSON-serialisable body (keyword arguments for perform), or None for no body
    :param version: exact version of the job or an alias such as ``latest``
    :param method: HTTP method
    :param timeout: timeout in seconds
    :return: decoded JSON response (None for an empty response)
    :raises RuntimeError: on a non-2xx response (the message has the status and the response
        body) or when the gateway can't be reached

    For compatibility with the original wrapper, the entrypoint may be passed first:
    ``call_job(self, 'adder', payload=...)``.
    """
    if args and not isinstance(args[0], str):
        args = args[1:]  # legacy signature: call_job(entrypoint, job_name, ...)
    kwargs.pop('entrypoint', None)
    return _call_job(*args, **kwargs)


def _call_job(
    job_name: str,
    path: str = '/api/v1/perform',
    payload=None,
    version: str = 'latest',
    method: str = 'POST',
    timeout: float = 10,
):
    pub_url = os.environ.get('PUB_URL', '').rstrip('/')
    if not pub_url:
        raise RuntimeError('PUB_URL environment variable is not set, cannot call other jobs')
    if not path.startswith('/'):
        path = '/' + path
    url = (f'{pub_url}/job/{urllib.parse.quote(job_name, safe="")}/'
           f'{urllib.parse.quote(version, safe="")}{path}')
    src_job = os.environ.get('JOB_NAME', '')
    request = urllib.request.Request(
        url,
        data=None if payload is None else json.dumps(payload).encode(),
        method=method.upper(),
        headers=build_headers(),
    )
    target = f'job "{job_name}" {version} ({method.upper()} {path})'
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            content = response.read()
    except urllib.error.HTTPError as e:
        body = _read_error_body(e)
        raise RuntimeError(
            f'failed to call {target} from {src_job or "a job"}: HTTP {e.code} {e.reason}: {body}'
        ) from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, 'reason', e)
        raise RuntimeError(f'failed to call {target} from {src_job or "a job"}: {reason}') from e
    if not content.strip():
        return None
    try:
        return json.loads(content)
    except ValueError:
        raise RuntimeError(
            f'{target} returned a response that is not JSON: {content[:1000].decode(errors="replace")}'
        ) from None


def build_headers() -> dict[str, str]:
    """Headers of a job-to-job call: auth token, JSON content type and the propagated
    tracing id and caller name of the request being handled (if any)."""
    headers = {'Content-Type': 'application/json', 'Accept': 'application/json'}
    auth_token = os.environ.get('AUTH_TOKEN', '')
    if auth_token:
        headers[AUTH_HEADER] = auth_token
    request = current_request()
    if request is not None:
        for header_name in (
            os.environ.get('REQUEST_TRACING_HEADER') or 'X-Request-Tracing-Id',
            os.environ.get('CALLER_NAME_HEADER') or 'X-Caller-Name',
        ):
            value = request.headers.get(header_name)
            if value:
                headers[header_name] = value
    return headers


def _read_error_body(error: 'urllib.error.HTTPError') -> str:
    try:
        return error.read().decode(errors='replace').strip()
    except Exception:
        return ''
