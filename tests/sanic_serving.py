"""A Sanic app served on a free loopback port for the length of a test, over a real socket."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sanic import Sanic


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def serving(app: Sanic) -> AsyncIterator[int]:
    """Serve ``app`` in this event loop while the block runs; yield its port."""
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()  # type: ignore[no-untyped-call]
    try:
        yield port
    finally:
        server.close()  # type: ignore[no-untyped-call]
        await server.wait_closed()  # type: ignore[no-untyped-call]
