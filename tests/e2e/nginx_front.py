"""The shipped docs/deploy/nginx.conf, run by Debian's nginx in front of local servers.

Only addresses change: the upstream servers, the listening ports and the certificate folder are
replaced with local ones (each replacement must find its text, so the file cannot drift from
what is tested). The web app upstream is a recorder that answers "web" and keeps the headers
nginx sent, so the test sees what the app would see.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from bot.serve import Stack
from bot.settings import PROJECT_ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SHIPPED = PROJECT_ROOT / "docs" / "deploy" / "nginx.conf"
SELF_SIGNED = ("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost")
LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) .* upstream=(?P<up>.*)$'
)


@dataclass
class Front:
    """A running nginx: its ports, its access log and what the web upstream received."""

    https: int
    http: int
    internal: int
    access_log: Path
    rasa_addresses: tuple[str, ...]
    web_requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def log(self) -> list[dict[str, str]]:
        """The access log's lines, parsed."""
        lines = self.access_log.read_text().splitlines()
        return [m.groupdict() for m in map(LOG_LINE.search, lines) if m]


def configured(
    conf: str, rasa: Sequence[str], web_address: str, ports: tuple[int, int, int], tls: Path
) -> str:
    """The shipped configuration with local addresses in place of compose's."""
    http, https, internal = ports
    replacements = [
        ("rasa-1:5005", rasa[0]),
        ("rasa-2:5005", rasa[1]),
        ("web:8080", web_address),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen 8081;", f"listen 127.0.0.1:{internal};"),
        ("/etc/nginx/tls/", f"{tls}/"),
    ]
    for old, new in replacements:
        assert old in conf, f"docs/deploy/nginx.conf no longer has {old!r}"
        conf = conf.replace(old, new)
    return conf


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """Wait until nginx listens, or fail with its error output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("nginx did not start listening")


def start_nginx(conf: str, folder: Path, https: int) -> subprocess.Popen[bytes]:
    """Write a throw-away certificate and ``conf``, start nginx, wait until it listens."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            *SELF_SIGNED,
            "-keyout",
            str(folder / "privkey.pem"),
            "-out",
            str(folder / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )
    (folder / "nginx.conf").write_text(conf)
    pid = f"pid {folder}/nginx.pid"
    with (folder / "access.log").open("wb") as log, (folder / "error.log").open("wb") as errors:
        process = subprocess.Popen(
            [NGINX, "-e", "stderr", "-c", str(folder / "nginx.conf"), "-g", f"daemon off; {pid};"],
            stdout=log,
            stderr=errors,
            start_new_session=True,
        )
    wait_for_port(https, process)
    return process


@asynccontextmanager
async def nginx_front(
    stacks: Sequence[Stack], base_port: int, folder: Path
) -> AsyncIterator[Front]:
    """Start nginx with the shipped configuration in front of ``stacks``' Rasa servers."""
    http, https, internal, web_port = (base_port + k for k in range(4))
    rasa = tuple(f"127.0.0.1:{stack.ports.rasa}" for stack in stacks)
    front = Front(https, http, internal, folder / "access.log", rasa)

    async def record(request: web.Request) -> web.Response:
        front.web_requests.append((request.path_qs, dict(request.headers)))
        return web.Response(text="web")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", web_port).start()
    conf = configured(
        SHIPPED.read_text(), rasa, f"127.0.0.1:{web_port}", (http, https, internal), folder
    )
    try:
        process = await asyncio.to_thread(start_nginx, conf, folder, https)
        try:
            yield front
        finally:
            process.terminate()
            await asyncio.to_thread(process.wait, 10)
    finally:
        await runner.cleanup()
