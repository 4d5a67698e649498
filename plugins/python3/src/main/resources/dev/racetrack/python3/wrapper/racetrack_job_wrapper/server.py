"""
A small HTTP/1.1 server tuned for the job wrapper.

Design: one thread per connection, blocking sockets.

* Each accepted connection gets its own (daemon) thread that reads requests, calls the
  application handler *inline* and writes the response. Job code therefore runs in the
  connection's thread: slow or blocking calls on one connection never delay other
  connections (health probes, metrics scrapes, other performs), and IO-bound performs run
  concurrently. There is no hand-off between an event loop and a worker pool, which would
  cost two thread wake-ups per request.
* Responses are written with a single ``sendall`` (status line, headers and body
  concatenated) and ``TCP_NODELAY`` is set, so small responses leave in one segment.
* Requests are parsed from a per-connection buffer, so pipelined requests are safe.
  Bodies may come with ``Content-Length`` or ``Transfer-Encoding: chunked``.
* Keep-alive follows HTTP/1.1 semantics (and ``Connection: keep-alive`` for HTTP/1.0).
  Idle keep-alive connections are closed after ``keepalive_timeout`` seconds, and so are
  connections whose request has not been fully received within ``request_read_timeout``
  seconds (stalled or trickling clients would otherwise hold a thread forever).
* Graceful shutdown: :meth:`HttpServer.stop` closes the listener, idle connections are
  woken up and closed, busy ones finish their current request (and get
  ``Connection: close``); :meth:`HttpServer.drain` waits for them up to a grace period.

The application handler is a callable ``handler(request) -> response`` where ``request`` is a
:class:`Request` and ``response`` a tuple ``(status, body, content_type, extra_headers)``:
``body`` and ``content_type`` are bytes, ``extra_headers`` is None or a bytes block of
complete header lines (each ending with CRLF).
"""

import logging
import socket
import sys
import threading
import time

logger = logging.getLogger('racetrack_job_wrapper.server')

RECV_SIZE = 65536
MAX_RECV_SIZE = 262144  # per recv() call while receiving a large body
MAX_HEADER_BYTES = 65536
MAX_CHUNK_LINE_BYTES = 4096

# Reason phrases of the statuses this server produces (http.HTTPStatus is not imported:
# building that enum costs several milliseconds of startup time).
_REASONS = {
    100: 'Continue', 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content',
    301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect',
    308: 'Permanent Redirect',
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
    408: 'Request Timeout', 409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type',
    422: 'Unprocessable Content', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
    500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
    504: 'Gateway Timeout', 505: 'HTTP Version Not Supported',
}
# Pre-rendered status lines: b"HTTP/1.1 200 OK\r\n".
_STATUS_LINES: dict[int, bytes] = {
    status: f'HTTP/1.1 {status} {reason}\r\n'.encode('latin-1') for status, reason in _REASONS.items()
}

_CONN_CLOSE = b'Connection: close\r\n'
_CONN_KEEP_ALIVE = b'Connection: keep-alive\r\n'
_JSON = b'application/json'


def _status_line(status: int) -> bytes:
    line = _STATUS_LINES.get(status)
    if line is None:
        line = b'HTTP/1.1 %d Unknown\r\n' % status
    return line


def _error_body(message: str) -> bytes:
    # Avoid importing json here: messages are plain ASCII texts written by this module.
    return b'{"error": "' + message.replace('\\', '\\\\').replace('"', '\\"').encode() + b'"}'


def _origin_form(target: str) -> str:
    """'http://host:port/path?q' (absolute-form, as sent to proxies) -> '/path?q'."""
    scheme_end = target.find('://')
    if scheme_end < 0:
        return target  # e.g. '*' (OPTIONS): will not match any route
    slash = target.find('/', scheme_end + 3)
    return target[slash:] if slash >= 0 else '/'


class Request:
    """A parsed HTTP request."""

    __slots__ = ('method', 'target', 'path', 'query', 'version', 'headers', 'body', 'peer', 'base', 'conn')

    def __init__(self, method, target, path, query, version, headers, body, peer, conn=None):
        self.method: str = method          # e.g. 'POST' ('HEAD' is passed on as 'GET')
        self.target: str = target          # raw request target, e.g. '/api/v1/perform?x=1'
        self.path: str = path              # target without the query string
        self.query: str = query            # query string without '?', or ''
        self.version: str = version        # 'HTTP/1.1' or 'HTTP/1.0'
        self.headers: dict = headers       # lower-case names -> values
        self.body: bytes = body
        self.peer: str = peer              # client address
        self.base: str = ''                # public prefix the request came in with (set by the app)
        self.conn = conn                   # the _Connection (for an answer before the handler returns)


class _BadRequest(Exception):
    """Malformed request: answer with ``status`` and close the connection."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class _Connection:
    """Bookkeeping of one client connection, used by shutdown and the idle reaper."""

    __slots__ = ('sock', 'busy', 'idle_since', 'reading_since', 'write_lock')

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.write_lock = threading.Lock()  # held while another thread answers (answer_early)
        self.busy = False                   # a request is being received or handled
        self.idle_since = time.monotonic()  # when the connection last became idle
        self.reading_since = 0.0            # when receiving the current request took a second recv; 0 if not

    def waiting_for_more(self) -> None:
        """Called before each extra ``recv`` needed to complete a request."""
        if not self.reading_since:
            self.reading_since = time.monotonic()

    def answer_early(self, status: int, body: bytes) -> None:
        """Answer the request being handled from another thread (the call_timeout's watchdog) while
        the handler still runs; the handler then returns ``(None, ...)`` and the connection is
        closed. The caller holds ``write_lock``."""
        try:
            self.sock.sendall(b'%sContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n%s' % (
                _status_line(status), len(body), _CONN_CLOSE, body))
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the client is gone

    def wake_up(self) -> None:
        """Make a blocked ``recv`` return b'' so the connection thread closes the connection."""
        try:
            self.sock.shutdown(socket.SHUT_RD)
        except OSError:
            pass


class HttpServer:
    def __init__(
        self,
        handler,
        host: str,
        port: int,
        *,
        max_body_bytes: int = 10 * 1024 * 1024,
        keepalive_timeout: float = 75.0,
        request_read_timeout: float = 60.0,
        access_log: bool = False,
    ):
        self.handler = handler
        self.host = host
        self.port = port
        self.max_body_bytes = max_body_bytes
        self.keepalive_timeout = keepalive_timeout
        self.request_read_timeout = request_read_timeout
        self.access_log = access_log
        self._listener: socket.socket | None = None
        self._connections: dict[socket.socket, _Connection] = {}
        self._connections_lock = threading.Lock()
        self._stopping = False
        self._stopped = threading.Event()

    # ------------------------------------------------------------------ lifecycle

    def bind(self) -> None:
        """Create the listening socket (done early, so the port is open right away)."""
        family = socket.AF_INET6 if ':' in self.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(1024)
        self.port = listener.getsockname()[1]
        self._listener = listener

    def serve_forever(self) -> None:
        """Accept connections until :meth:`stop` is called. Must run in the main thread
        if signal handlers are expected to interrupt it."""
        if self._listener is None:
            self.bind()
        reaper = threading.Thread(target=self._reap_idle_connections, name='idle-reaper', daemon=True)
        reaper.start()
        listener = self._listener
        while not self._stopping:
            try:
                sock, addr = listener.accept()
            except OSError as e:
                if self._stopping:
                    break
                # e.g. EMFILE: too many open files. Back off instead of spinning.
                logger.error(f'accept failed: {e}')
                time.sleep(0.05)
                continue
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                thread = threading.Thread(
                    target=self._serve_connection, args=(sock, addr), name=f'conn-{addr[1]}', daemon=True,
                )
                thread.start()
            except Exception as e:  # e.g. can't start a new thread
                logger.error(f'failed to start connection handler: {e}')
                sock.close()
        self._stopped.set()

    def stop(self) -> None:
        """Stop accepting new connections and close idle ones. Safe to call from a signal handler."""
        if self._stopping:
            return
        self._stopping = True
        listener = self._listener
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)  # wakes up a blocked accept() on Linux
            except OSError:
                pass
            try:
                listener.close()
            except OSError:
                pass
        for conn in self._snapshot_connections():
            if not conn.busy:
                conn.wake_up()

    def drain(self, grace: float) -> bool:
        """Wait until all connections are closed, up to ``grace`` seconds. True if all closed."""
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            connections = self._snapshot_connections()
            if not connections:
                return True
            for conn in connections:
                if not conn.busy:
                    conn.wake_up()
            time.sleep(0.02)
        return not self._connections

    @property
    def active_connections(self) -> int:
        return len(self._connections)

    def _snapshot_connections(self) -> list:
        with self._connections_lock:
            return list(self._connections.values())

    def _reap_idle_connections(self) -> None:
        """Close connections idle longer than ``keepalive_timeout`` and connections whose
        request is not received within ``request_read_timeout``."""
        idle_timeout = self.keepalive_timeout if self.keepalive_timeout > 0 else float('inf')
        read_timeout = self.request_read_timeout if self.request_read_timeout > 0 else float('inf')
        period = min(max(min(idle_timeout, read_timeout) / 4, 0.05), 5.0)
        while not self._stopping:
            time.sleep(period)
            now = time.monotonic()
            for conn in self._snapshot_connections():
                if not conn.busy:
                    if now - conn.idle_since > idle_timeout:
                        conn.wake_up()
                elif conn.reading_since and now - conn.reading_since > read_timeout:
                    conn.wake_up()

    # ------------------------------------------------------------------ connection handling

    def _serve_connection(self, sock: socket.socket, addr) -> None:
        conn = _Connection(sock)
        with self._connections_lock:
            self._connections[sock] = conn
        try:
            self._connection_loop(conn, sock, addr[0] if addr else '')
        except _BadRequest as e:
            self._send_and_close(sock, e.status, _error_body(e.message))
        except OSError:
            pass  # connection reset, broken pipe, shut down by us, ...
        except Exception:
            logger.exception('unexpected error while serving a connection')
        finally:
            with self._connections_lock:
                self._connections.pop(sock, None)
            try:
                sock.close()
            except OSError:
                pass

    def _connection_loop(self, conn: _Connection, sock: socket.socket, peer: str) -> None:
        # Hot path: locals for attribute lookups used per request.
        recv = sock.recv
        sendall = sock.sendall
        handler = self.handler
        max_body = self.max_body_bytes
        access_log = self.access_log
        monotonic = time.monotonic
        buf = bytearray()

        while True:
            # ---------------- wait for the next request
            if not buf:
                conn.busy = False
                conn.idle_since = monotonic()
                if self._stopping:
                    return
                data = recv(RECV_SIZE)
                if not data:
                    return
                conn.busy = True
                buf += data
            while buf[:2] == b'\r\n':  # tolerate stray CRLFs between requests (RFC 9112 2.2)
                del buf[:2]
                if not buf:
                    break
            if not buf:
                continue

            # ---------------- request line and headers
            end = buf.find(b'\r\n\r\n')
            while end < 0:
                if len(buf) > MAX_HEADER_BYTES:
                    raise _BadRequest(431, 'request headers too large')
                conn.waiting_for_more()
                data = recv(RECV_SIZE)
                if not data:
                    return
                search_from = max(len(buf) - 3, 0)
                buf += data
                end = buf.find(b'\r\n\r\n', search_from)
            if end > MAX_HEADER_BYTES:
                raise _BadRequest(431, 'request headers too large')
            lines = buf[:end].decode('latin-1').split('\r\n')
            del buf[:end + 4]

            request_line = lines[0].split(' ')
            if len(request_line) != 3:
                raise _BadRequest(400, 'malformed request line')
            method, target, version = request_line
            if version != 'HTTP/1.1' and version != 'HTTP/1.0':
                raise _BadRequest(505, 'unsupported HTTP version')
            headers = {}
            for line in lines[1:]:
                name, sep, value = line.partition(':')
                if not sep or not name or name[-1] in ' \t' or name[0] in ' \t':
                    raise _BadRequest(400, 'malformed header line')
                name = name.lower()
                value = value.strip()
                previous = headers.get(name)
                headers[name] = value if previous is None else previous + ', ' + value

            # ---------------- body
            transfer_encoding = headers.get('transfer-encoding')
            if transfer_encoding is not None:
                if transfer_encoding.lower() != 'chunked':
                    raise _BadRequest(501, 'unsupported transfer encoding')
                if headers.get('expect', '').lower() == '100-continue' and not buf:
                    sendall(b'HTTP/1.1 100 Continue\r\n\r\n')
                body = self._read_chunked(conn, sock, buf)
            else:
                content_length = headers.get('content-length')
                if content_length is None:
                    body = b''
                else:
                    try:
                        length = int(content_length)
                        if length < 0:
                            raise ValueError
                    except ValueError:
                        raise _BadRequest(400, 'invalid Content-Length') from None
                    if length > max_body:
                        self._reject_too_large(sock)
                        return
                    if len(buf) < length:
                        if headers.get('expect', '').lower() == '100-continue' and not buf:
                            sendall(b'HTTP/1.1 100 Continue\r\n\r\n')
                        while len(buf) < length:
                            conn.waiting_for_more()
                            data = recv(min(max(RECV_SIZE, length - len(buf)), MAX_RECV_SIZE))
                            if not data:
                                return
                            buf += data
                    body = bytes(buf[:length])
                    del buf[:length]

            conn.reading_since = 0.0

            # ---------------- keep-alive
            connection_header = headers.get('connection')
            if version == 'HTTP/1.1':
                keep_alive = connection_header is None or 'close' not in connection_header.lower()
            else:
                keep_alive = connection_header is not None and 'keep-alive' in connection_header.lower()

            # ---------------- dispatch
            head_only = method == 'HEAD'
            path = target
            if path[:1] != '/':
                path = _origin_form(path)
            query_at = path.find('?')
            if query_at < 0:
                query = ''
            else:
                path, query = path[:query_at], path[query_at + 1:]
            request = Request('GET' if head_only else method, target, path, query, version, headers, body, peer,
                              conn)
            started = monotonic() if access_log else 0.0
            try:
                status, body, content_type, extra_headers = handler(request)
            except Exception:
                logger.exception(f'unhandled error while handling {method} {target}')
                status, body, content_type, extra_headers = 500, _error_body('internal server error'), _JSON, None

            if status is None:
                # Answered early from another thread (504 at the call_timeout): wait until that
                # answer is written, then close (the connection has said Connection: close).
                with conn.write_lock:
                    return
            # ---------------- response, written in one go
            if self._stopping:
                keep_alive = False
            if keep_alive:
                connection_line = _CONN_KEEP_ALIVE if version == 'HTTP/1.0' else b''
            else:
                connection_line = _CONN_CLOSE
            sendall(b'%sContent-Type: %s\r\nContent-Length: %d\r\n%s%s\r\n%s' % (
                _status_line(status), content_type, len(body), extra_headers or b'', connection_line,
                b'' if head_only else body,
            ))
            if access_log:
                self._log_access(peer, method, target, version, status, len(body), monotonic() - started)
            if not keep_alive:
                self._close_gracefully(sock)
                return

    def _read_chunked(self, conn: _Connection, sock: socket.socket, buf: bytearray) -> bytes:
        """Decode a chunked body from ``buf`` (reading more from ``sock`` as needed).
        Consumed bytes are removed from ``buf``; anything after the body stays there."""
        recv = sock.recv
        max_body = self.max_body_bytes
        body = bytearray()
        while True:
            # chunk-size [; extensions] CRLF
            eol = buf.find(b'\r\n')
            while eol < 0:
                if len(buf) > MAX_CHUNK_LINE_BYTES:
                    raise _BadRequest(400, 'malformed chunked body')
                conn.waiting_for_more()
                data = recv(RECV_SIZE)
                if not data:
                    raise OSError('connection closed in the middle of a chunked body')
                buf += data
                eol = buf.find(b'\r\n')
            size_field = bytes(buf[:eol]).split(b';', 1)[0].strip()
            del buf[:eol + 2]
            try:
                size = int(size_field, 16)
                if size < 0:
                    raise ValueError
            except ValueError:
                raise _BadRequest(400, 'malformed chunk size') from None

            if size == 0:
                # Optional trailer fields, then an empty line.
                while True:
                    eol = buf.find(b'\r\n')
                    while eol < 0:
                        if len(buf) > MAX_HEADER_BYTES:
                            raise _BadRequest(400, 'malformed chunked trailer')
                        conn.waiting_for_more()
                        data = recv(RECV_SIZE)
                        if not data:
                            raise OSError('connection closed in the middle of a chunked body')
                        buf += data
                        eol = buf.find(b'\r\n')
                    del buf[:eol + 2]
                    if eol == 0:
                        return bytes(body)

            if len(body) + size > max_body:
                raise _BadRequest(413, f'request body exceeds the limit of {max_body} bytes')
            while len(buf) < size + 2:
                conn.waiting_for_more()
                data = recv(min(max(RECV_SIZE, size + 2 - len(buf)), MAX_RECV_SIZE))
                if not data:
                    raise OSError('connection closed in the middle of a chunked body')
                buf += data
            if buf[size:size + 2] != b'\r\n':
                raise _BadRequest(400, 'malformed chunked body')
            body += buf[:size]
            del buf[:size + 2]

    def _reject_too_large(self, sock: socket.socket) -> None:
        self._send_and_close(
            sock, 413, _error_body(f'request body exceeds the limit of {self.max_body_bytes} bytes'),
        )

    def _send_and_close(self, sock: socket.socket, status: int, body: bytes) -> None:
        """Send an error response and close the connection without losing the response."""
        try:
            sock.sendall(b'%sContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n%s' % (
                _status_line(status), len(body), _CONN_CLOSE, body,
            ))
        except OSError:
            return
        self._close_gracefully(sock, drain_seconds=1.0)

    @staticmethod
    def _close_gracefully(sock: socket.socket, drain_seconds: float = 0.0) -> None:
        """Half-close and discard unread input for a moment, so that the peer reads the
        response instead of getting a TCP reset (which unread input would otherwise cause)."""
        try:
            sock.shutdown(socket.SHUT_WR)
            if drain_seconds > 0:
                deadline = time.monotonic() + drain_seconds
                sock.settimeout(drain_seconds)
                while time.monotonic() < deadline and sock.recv(RECV_SIZE):
                    pass
        except OSError:
            pass

    @staticmethod
    def _log_access(peer, method, target, version, status, size, duration) -> None:
        timestamp = time.strftime('%Y-%m-%d %H:%M:%S')
        sys.stdout.write(
            f'{timestamp} {peer} "{method} {target} {version}" {status} {size} {duration * 1000:.2f}ms\n'
        )
