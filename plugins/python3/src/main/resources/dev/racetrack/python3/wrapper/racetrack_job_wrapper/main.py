"""Command line entry: ``python3 -m racetrack_job_wrapper run <entrypoint_path> [<entrypoint_class>]``."""

import logging
import signal
import sys
import threading
import time

USAGE = '''usage: python3 -m racetrack_job_wrapper run <entrypoint_path> [<entrypoint_class>]

Serve the job defined in <entrypoint_path> (relative to the current directory) over HTTP.
<entrypoint_class> names the entrypoint class; by default the single class of the module.
Settings come from environment variables (JOB_NAME, JOB_VERSION, JOB_HTTP_PORT, ...).'''

logger = logging.getLogger('racetrack_job_wrapper')


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ('-h', '--help', 'help'):
        print(USAGE)
        return 0 if args else 2
    if args[0] != 'run' or len(args) not in (2, 3):
        print(USAGE, file=sys.stderr)
        return 2
    entrypoint_path = args[1]
    class_name = args[2] if len(args) == 3 and args[2] else None
    return run(entrypoint_path, class_name)


def run(entrypoint_path: str, class_name: str | None) -> int:
    process_started = time.monotonic()
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr,
        format='%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s', datefmt='%Y-%m-%d %H:%M:%S',
    )
    from .app import JobApp
    from .config import Config, ConfigError
    from .server import HttpServer

    try:
        config = Config.from_env()
    except ConfigError as e:
        logger.error(str(e))
        return 1

    app = JobApp(config)
    server = HttpServer(
        app.handle, config.http_addr, config.http_port,
        max_body_bytes=config.max_body_bytes,
        keepalive_timeout=config.keepalive_timeout,
        request_read_timeout=config.request_read_timeout,
        access_log=config.log_requests,
    )
    try:
        server.bind()
    except OSError as e:
        logger.error(f'cannot listen on {config.http_addr}:{config.http_port}: {e}')
        return 1

    # Health endpoints answer right away; the job loads in the background.
    threading.Thread(target=app.load, args=(entrypoint_path, class_name), name='job-loader', daemon=True).start()

    def on_signal(signum, frame):
        logger.info(f'received {signal.Signals(signum).name}, shutting down')
        server.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    logger.info(
        f'job {config.job_name} {config.job_version} listening on {config.http_addr}:{server.port} '
        f'({(time.monotonic() - process_started) * 1000:.0f} ms after wrapper start)'
    )
    server.serve_forever()

    # Graceful shutdown: in-flight requests finish (their connections get closed afterwards).
    if server.drain(config.shutdown_grace):
        logger.info('all connections closed, bye')
    else:
        logger.warning(f'{server.active_connections} connection(s) still busy after '
                       f'{config.shutdown_grace:g}s, exiting anyway')
    return 0
