"""
The job's ``call_timeout``: the wrapper stops waiting for a job call at that limit.

Python cannot kill a thread, so a call that outlives its timeout is not stopped: the caller gets
a 504 right away and the call runs on in its worker thread until it returns by itself. Such calls
are counted (``job_calls_timed_out_total`` and the gauge ``job_calls_running_after_timeout``)
and logged when they finally end. A coroutine (``async def``) is cancelled instead.

Without a ``call_timeout`` none of this is used: job calls run inline in the connection's thread.
"""

import contextvars
import logging
import queue
import threading
import time

logger = logging.getLogger('racetrack_job_wrapper.deadline')

# Idle worker threads kept for reuse; more are started when calls overlap, and leave when idle.
MAX_IDLE_WORKERS = 32


class CallTimeout(Exception):
    """The call did not finish within the call_timeout (it may still be running)."""

    def __init__(self, label: str, timeout: float):
        super().__init__(f'{label} did not finish within the call_timeout of {timeout:g} s')
        self.label = label
        self.timeout = timeout


class _Task:
    __slots__ = ('function', 'context', 'release', 'label', 'done', 'lock', 'result', 'error',
                 'finished', 'abandoned', 'started')

    def __init__(self, function, context, release, label: str):
        self.function = function
        self.context = context
        self.release = release
        self.label = label
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.result = None
        self.error: BaseException | None = None
        self.finished = False
        self.abandoned = False
        self.started = time.monotonic()


class CallRunner:
    """Runs job calls in reusable worker threads so the caller can stop waiting at a deadline."""

    def __init__(self, timeout: float, metrics):
        self.timeout = timeout
        self._metrics = metrics  # counts the calls that outlive the timeout
        self._idle: list[queue.SimpleQueue] = []
        self._lock = threading.Lock()

    def run(self, function, label: str, remaining: float, release=None):
        """Call ``function()`` (in the caller's context variables) in a worker thread and wait up to
        ``remaining`` seconds. Raises :class:`CallTimeout` when the wait ends first.
        ``release`` (if given) is called once when the function really returns."""
        task = _Task(function, contextvars.copy_context(), release, label)
        try:
            self._submit(task)
        except BaseException:
            if release is not None:
                release()
            raise
        if not task.done.wait(max(remaining, 0.0)):
            with task.lock:
                if not task.finished:
                    task.abandoned = True
            if task.abandoned:
                self._metrics.call_timed_out(still_running=True)
                logger.warning(f'{label} did not finish within the call_timeout of {self.timeout:g} s: '
                               f'answered 504, the call keeps running in its thread until it returns')
                raise CallTimeout(label, self.timeout)
        if task.error is not None:
            raise task.error
        return task.result

    def _submit(self, task: _Task) -> None:
        with self._lock:
            tasks = self._idle.pop() if self._idle else None
        if tasks is None:
            tasks = queue.SimpleQueue()
            threading.Thread(target=self._work, args=(tasks,), name='job-call', daemon=True).start()
        tasks.put(task)

    def _work(self, tasks: queue.SimpleQueue) -> None:
        while True:
            task = tasks.get()
            try:
                task.result = task.context.run(task.function)
            except BaseException as e:
                task.error = e
            finally:
                if task.release is not None:
                    task.release()
            with task.lock:
                task.finished = True
                abandoned = task.abandoned
            task.done.set()
            if abandoned:
                self._finished_after_timeout(task)
            with self._lock:
                if len(self._idle) >= MAX_IDLE_WORKERS:
                    return
                self._idle.append(tasks)

    def _finished_after_timeout(self, task: _Task) -> None:
        self._metrics.timed_out_call_ended()
        outcome = 'failed' if task.error is not None else 'returned'
        logger.warning(f'{task.label} {outcome} {time.monotonic() - task.started:.1f} s after it started, '
                       f'past its call_timeout of {self.timeout:g} s (its caller already got a 504)')
