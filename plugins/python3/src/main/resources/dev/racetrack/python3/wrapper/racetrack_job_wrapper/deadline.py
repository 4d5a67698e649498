"""
The job's ``call_timeout``: the wrapper stops waiting for a job call at that limit.

A call still runs inline in its connection's thread (no hand-off to a worker: that would halve the
throughput). It is registered with a :class:`Watchdog` thread, which answers
``504 {"error": "... call_timeout of N s", "type": "timeout"}`` on the connection itself when the
deadline passes, with ``Connection: close``. Python cannot stop a thread, so the call runs on
until it returns by itself; its result is then dropped and the connection closed. Such calls are
counted (``job_calls_timed_out_total``, gauge ``job_calls_running_after_timeout``) and logged
when they end. A coroutine (``async def``) is cancelled instead (see ``app._AsyncRunner``).

Without a ``call_timeout`` none of this is used.
"""

import heapq
import itertools
import logging
import threading
import time

from .encoding import encode_json

logger = logging.getLogger('racetrack_job_wrapper.deadline')

# Longest the watchdog sleeps while calls are registered: bounds how late a 504 can be for a call
# registered after a long wait for a max_concurrency slot (its deadline counts from its start).
TICK = 0.05

RUNNING, FINISHED, TIMED_OUT = 0, 1, 2

# What Watchdog.call returns for a call already answered with 504.
ANSWERED = object()
# The handler's answer for such a call: the server writes nothing more and closes the connection.
ANSWERED_EARLY = (None, b'', b'', None)


class CallTimeout(Exception):
    """The call did not finish within the call_timeout (it may still be running)."""

    def __init__(self, label: str, timeout: float):
        super().__init__(f'{label} did not finish within the call_timeout of {timeout:g} s')
        self.label = label
        self.timeout = timeout


def timeout_body(timeout: CallTimeout) -> bytes:
    return encode_json({'error': str(timeout), 'type': 'timeout'})


class _Call:
    __slots__ = ('deadline', 'seq', 'conn', 'label', 'state', 'started')

    def __init__(self, deadline: float, seq: int, conn, label: str, started: float):
        self.deadline = deadline
        self.seq = seq
        self.conn = conn
        self.label = label
        self.state = RUNNING
        self.started = started

    def __lt__(self, other: '_Call') -> bool:
        return (self.deadline, self.seq) < (other.deadline, other.seq)


class Watchdog:
    """Answers 504 on the connection of a call that outlives the timeout."""

    def __init__(self, timeout: float, metrics):
        self.timeout = timeout
        self._metrics = metrics
        self._heap: list[_Call] = []
        self._cond = threading.Condition(threading.Lock())
        self._idle = True
        self._seq = itertools.count()
        threading.Thread(target=self._watch, name='call-timeout-watchdog', daemon=True).start()

    def call(self, conn, label: str, started: float, function, kwargs: dict):
        """``function(**kwargs)`` run inline under the watchdog: its result, or :data:`ANSWERED` when
        the watchdog has already answered 504 on ``conn`` (the result, or error, is then dropped)."""
        call = self.arm(conn, label, started)
        try:
            result = function(**kwargs)
        except BaseException:
            if self.disarm(call):
                raise
            return ANSWERED
        return result if self.disarm(call) else ANSWERED

    def arm(self, conn, label: str, started: float) -> _Call:
        """Register a call started at ``started`` (``time.perf_counter()``) on connection ``conn``."""
        call = _Call(started + self.timeout, next(self._seq), conn, label, started)
        with self._cond:
            heapq.heappush(self._heap, call)
            if self._idle:
                self._idle = False
                self._cond.notify()
        return call

    def disarm(self, call: _Call) -> bool:
        """The call has returned: True if its caller still waits for the answer, False if the
        watchdog already answered 504 (then the answer must be dropped and the connection closed)."""
        with self._cond:
            if call.state == RUNNING:
                call.state = FINISHED
                return True
        self._metrics.timed_out_call_ended()
        logger.warning(f'{call.label} returned {time.perf_counter() - call.started:.1f} s after it started, '
                       f'past its call_timeout of {self.timeout:g} s (its caller already got a 504)')
        return False

    def _watch(self) -> None:
        while True:
            try:
                self._watch_once()
            except Exception:  # never let the watchdog die
                logger.exception('call_timeout watchdog failed')
                time.sleep(TICK)

    def _watch_once(self) -> None:
        heap, cond = self._heap, self._cond
        while True:
            expired = []
            with cond:
                while not heap:
                    self._idle = True
                    cond.wait()
                now = time.perf_counter()
                while heap and (heap[0].state != RUNNING or heap[0].deadline <= now):
                    call = heapq.heappop(heap)
                    if call.state == RUNNING:
                        call.state = TIMED_OUT
                        # Taken before the call's thread can see TIMED_OUT (in disarm, under this
                        # lock): the connection is closed only after the 504 is written.
                        if call.conn is not None:
                            call.conn.write_lock.acquire()
                        expired.append(call)
                wait = min(heap[0].deadline - now, TICK) if heap else 0
            for call in expired:
                self._answer(call)
            if wait > 0:
                time.sleep(wait)

    def _answer(self, call: _Call) -> None:
        self._metrics.call_timed_out(still_running=True)
        logger.warning(f'{call.label} did not finish within the call_timeout of {self.timeout:g} s: '
                       f'answered 504, the call keeps running in its thread until it returns')
        conn = call.conn
        if conn is None:  # called in-process (tests): nobody to answer
            return
        try:
            conn.answer_early(504, timeout_body(CallTimeout(call.label, self.timeout)))
        finally:
            conn.write_lock.release()
