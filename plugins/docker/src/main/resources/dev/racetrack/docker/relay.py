# The relay in front of a job container that has a network namespace of its own (the Docker
# target, DOCKER_TARGET_RELAY_IMAGE): it owns that namespace, listens on a Unix socket in a
# directory shared with the platform and forwards every connection to the job on 127.0.0.1:PORT.
# Bytes only: it never parses HTTP. Usage: python3 -c SCRIPT SOCKET PORT

import asyncio, os, sys

SOCKET, PORT = sys.argv[1], int(sys.argv[2])


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except OSError:
        writer.close()


async def relay(client_reader, client_writer):
    try:
        job_reader, job_writer = await asyncio.open_connection("127.0.0.1", PORT)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pipe(client_reader, job_writer), pipe(job_reader, client_writer))
    job_writer.close()
    client_writer.close()


async def main():
    try:
        os.unlink(SOCKET)
    except FileNotFoundError:
        pass
    os.umask(0o077)
    server = await asyncio.start_unix_server(relay, SOCKET)
    async with server:
        await server.serve_forever()


asyncio.run(main())
