"""
Prometheus metrics of job calls, kept in plain Python structures and rendered in the
text exposition format (version 0.0.4) on demand.

Only calls to job code (perform and auxiliary endpoints) are counted, as in the original
Racetrack wrapper: probes and scrapes do not pollute the numbers. The per-call bookkeeping
is two short critical sections under one lock.
"""

import logging
import math
import os
import re
import threading
import time
from bisect import bisect_left

logger = logging.getLogger('racetrack_job_wrapper.metrics')

# Upper bounds (seconds) of the request_duration_seconds histogram buckets; +Inf is implied.
DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
                    300.0)

# Process start, for process_start_time_seconds (the wrapper starts with the process).
_PROCESS_START = time.time()
try:
    _PAGE_SIZE = os.sysconf('SC_PAGE_SIZE')
except (AttributeError, ValueError, OSError):
    _PAGE_SIZE = 4096

_METRIC_NAME = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*$')
_LABEL_NAME = re.compile(r'^[a-zA-Z_][a-zA-Z0-9_]*$')


class _Histogram:
    __slots__ = ('counts', 'sum', 'count')

    def __init__(self):
        self.counts = [0] * (len(DURATION_BUCKETS) + 1)  # per bucket, non-cumulative; last one is +Inf
        self.sum = 0.0
        self.count = 0


class Metrics:
    def __init__(self):
        self._lock = threading.Lock()
        self.requests_started = 0
        self.requests_done = 0
        self.last_call_timestamp = 0.0
        self.endpoint_requests_started: dict[str, int] = {}
        self.request_internal_errors: dict[str, int] = {}
        self._durations: dict[str, _Histogram] = {}
        self.calls_timed_out = 0                # answered 504 at the call_timeout
        self.calls_running_after_timeout = 0    # of those, calls whose thread still runs
        # Job-defined metrics() method (returning a list of dicts), set once the entrypoint is loaded.
        self.custom_metrics = None

    # ------------------------------------------------------------------ recording

    def call_started(self, endpoint: str) -> None:
        with self._lock:
            self.requests_started += 1
            self.endpoint_requests_started[endpoint] = self.endpoint_requests_started.get(endpoint, 0) + 1
            self.last_call_timestamp = time.time()

    def call_done(self, endpoint: str, duration: float, internal_error: bool) -> None:
        with self._lock:
            self.requests_done += 1
            self.last_call_timestamp = time.time()
            histogram = self._durations.get(endpoint)
            if histogram is None:
                histogram = self._durations[endpoint] = _Histogram()
            histogram.counts[bisect_left(DURATION_BUCKETS, duration)] += 1
            histogram.sum += duration
            histogram.count += 1
            if internal_error:
                self.request_internal_errors[endpoint] = self.request_internal_errors.get(endpoint, 0) + 1

    def call_timed_out(self, still_running: bool) -> None:
        with self._lock:
            self.calls_timed_out += 1
            if still_running:
                self.calls_running_after_timeout += 1

    def timed_out_call_ended(self) -> None:
        with self._lock:
            self.calls_running_after_timeout -= 1

    # ------------------------------------------------------------------ exposition

    def render(self) -> bytes:
        """Render all metrics in the Prometheus text format."""
        with self._lock:
            requests_started = self.requests_started
            requests_done = self.requests_done
            last_call = self.last_call_timestamp
            endpoint_started = dict(self.endpoint_requests_started)
            internal_errors = dict(self.request_internal_errors)
            timed_out = self.calls_timed_out
            running_after_timeout = self.calls_running_after_timeout
            durations = {
                endpoint: (list(h.counts), h.sum, h.count) for endpoint, h in self._durations.items()
            }

        out: list[str] = []
        _family(out, 'requests_started_total', 'counter',
                'Total number of started requests calling the job (may be not finished yet)')
        out.append(f'requests_started_total {requests_started}')
        _family(out, 'requests_done_total', 'counter',
                'Total number of finished requests calling the job (processed and done)')
        out.append(f'requests_done_total {requests_done}')
        _family(out, 'request_internal_errors_total', 'counter', 'Number of server errors when calling the job')
        for endpoint in sorted(internal_errors):
            out.append(f'request_internal_errors_total{{endpoint="{_escape(endpoint)}"}} {internal_errors[endpoint]}')
        _family(out, 'endpoint_requests_started_total', 'counter',
                'Total number of started requests calling the job, per endpoint')
        for endpoint in sorted(endpoint_started):
            out.append(f'endpoint_requests_started_total{{endpoint="{_escape(endpoint)}"}} {endpoint_started[endpoint]}')
        _family(out, 'request_duration_seconds', 'histogram', 'Duration of job calls in seconds')
        for endpoint in sorted(durations):
            counts, total, count = durations[endpoint]
            label = _escape(endpoint)
            cumulative = 0
            for bound, bucket_count in zip(DURATION_BUCKETS, counts):
                cumulative += bucket_count
                out.append(f'request_duration_seconds_bucket{{endpoint="{label}",le="{bound}"}} {cumulative}')
            out.append(f'request_duration_seconds_bucket{{endpoint="{label}",le="+Inf"}} {count}')
            out.append(f'request_duration_seconds_sum{{endpoint="{label}"}} {_number(total)}')
            out.append(f'request_duration_seconds_count{{endpoint="{label}"}} {count}')
        _family(out, 'last_call_timestamp', 'gauge',
                'Unix timestamp (seconds) of the last call to the job, 0 if never called')
        out.append(f'last_call_timestamp {_number(last_call)}')
        _family(out, 'job_calls_timed_out_total', 'counter',
                'Job calls answered with 504 because they outlived the call_timeout')
        out.append(f'job_calls_timed_out_total {timed_out}')
        _family(out, 'job_calls_running_after_timeout', 'gauge',
                'Timed-out job calls whose thread is still running (Python cannot stop a thread)')
        out.append(f'job_calls_running_after_timeout {running_after_timeout}')
        _process_metrics(out)

        if self.custom_metrics is not None:
            out.extend(self._render_custom_metrics())
        out.append('')
        return '\n'.join(out).encode()

    def _render_custom_metrics(self) -> list[str]:
        """Render the job's own metrics as gauges. Malformed entries are skipped with a log."""
        try:
            entries = self.custom_metrics()
        except Exception as e:
            logger.exception(f'job metrics() failed: {type(e).__name__}: {e}')
            return []
        if entries is None:
            return []
        if not isinstance(entries, (list, tuple)):
            logger.error(f'job metrics() should return a list of dicts, got {type(entries).__name__}')
            return []

        # Group samples by name: each metric family must be declared once.
        families: dict[str, tuple[str, list[str]]] = {}
        for entry in entries:
            if not isinstance(entry, dict):
                logger.error(f'job metric should be a dict, got {type(entry).__name__}')
                continue
            name = entry.get('name')
            if not isinstance(name, str) or not _METRIC_NAME.match(name):
                logger.error(f'job metric has an invalid or missing "name": {name!r}')
                continue
            if 'value' not in entry:
                logger.error(f'"value" field is undefined for {name} metric')
                continue
            value = entry['value']
            if value is None:
                continue
            try:
                value = float(value)
            except (TypeError, ValueError):
                logger.error(f'value of metric {name} is not a number: {value!r}')
                continue
            labels = entry.get('labels') or {}
            if not isinstance(labels, dict) or not all(isinstance(k, str) and _LABEL_NAME.match(k) for k in labels):
                logger.error(f'labels of metric {name} are invalid: {labels!r}')
                continue
            label_text = ''
            if labels:
                label_text = '{' + ','.join(f'{k}="{_escape(str(v))}"' for k, v in labels.items()) + '}'
            description = str(entry.get('description') or '')
            family = families.setdefault(name, (description, []))
            family[1].append(f'{name}{label_text} {_number(value)}')

        out: list[str] = []
        for name, (description, samples) in families.items():
            _family(out, name, 'gauge', description)
            out.extend(samples)
        return out


def _process_metrics(out: list[str]) -> None:
    """The standard process metrics a dashboard plots per job: CPU, resident memory, start time."""
    times = os.times()
    _family(out, 'process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds')
    out.append(f'process_cpu_seconds_total {_number(times.user + times.system)}')
    rss = _resident_memory_bytes()
    if rss is not None:
        _family(out, 'process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes')
        out.append(f'process_resident_memory_bytes {rss}')
    _family(out, 'process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds')
    out.append(f'process_start_time_seconds {_number(_PROCESS_START)}')


def _resident_memory_bytes() -> int | None:
    try:
        with open('/proc/self/statm', 'rb') as statm:
            return int(statm.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return None  # not Linux: the metric is left out rather than made up


def _family(out: list[str], name: str, kind: str, description: str) -> None:
    out.append(f'# HELP {name} {description.replace(chr(92), chr(92) * 2).replace(chr(10), " ")}')
    out.append(f'# TYPE {name} {kind}')


def _escape(label_value: str) -> str:
    return label_value.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')


def _number(value: float) -> str:
    if math.isnan(value):
        return 'NaN'
    if math.isinf(value):
        return '+Inf' if value > 0 else '-Inf'
    return repr(float(value))
