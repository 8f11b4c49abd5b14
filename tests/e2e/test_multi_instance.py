"""Two Rasa servers and two action servers sharing PostgreSQL and a Redis lock store.

First the shipped nginx.conf is run in front of them (tests/e2e/nginx_front.py): REST spread
round-robin, socket.io pinned to one server, X-Forwarded-For replaced, per-address limits, body
caps, Rasa's HTTP API unreachable from outside and its token absent from logs and command lines.
Then fifty conversations run at once, each message going to the other Rasa server than the one
before. Part-way through one Rasa server is killed with SIGKILL; the client then sends to the
survivor, as a load balancer would. Every conversation is then read back from the events table:
each message stored once, in order, each answered before the next, nothing lost.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import requests
import socketio
from sqlalchemy import create_engine
from yarl import URL

from bot.channels.conversations import conversation_id
from bot.console.migrate import migrate
from bot.console.rasa_client import RasaClient, volunteer_slot
from bot.knowledge import repository
from bot.knowledge.schema import KnowledgeSet
from bot.profile import PRODUCTION
from bot.serve import Ports, Stack
from bot.settings import PROJECT_ROOT, Settings
from bot.web.history import StoredEvent, read_events
from tests.e2e.conftest import LOOPBACK_CLIENTS, PORTS, rest_headers, share_run_secrets
from tests.e2e.nginx_front import Front, nginx_front

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

SERVERS = 2
CONVERSATIONS = 50
# Share of all messages answered before one Rasa server is killed.
KILL_AFTER = 0.4
# How long a dead server's ticket blocks its conversation (Rasa's TICKET_LOCK_LIFETIME, 60 s by
# default); short here so a message that was in flight on the killed server is retried quickly.
LOCK_LIFETIME_SECONDS = 10
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=180)
FIGURES_FILE = PROJECT_ROOT / "artifacts" / "multi-instance.json"

# Realistic conversations: a greeting, topic questions, a follow-up that relies on context, thanks.
# Each message is unique within its script, so the store can be checked message by message.
SCRIPTS: tuple[tuple[str, ...], ...] = (
    (
        "hello",
        "is it safe for me to exercise with myositis?",
        "what about swimming?",
        "and for IBM?",
        "thanks, that helps",
    ),
    (
        "hi there",
        "how do I get started with exercise",
        "can I do strength training with weights",
        "how many rest days do I need",
        "who should I see to help me exercise",
        "thank you",
    ),
    (
        "good morning",
        "my daughter has juvenile dermatomyositis, can she exercise",
        "is stretching good for her",
        "bye",
    ),
)


@dataclass
class Figures:
    """What the run sent and what the store holds; every problem count must be zero."""

    conversations: int = 0
    messages: int = 0
    events_checked: int = 0
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    unanswered: int = 0
    # Messages sent to the other server because theirs was unreachable or died while answering.
    failed_over: int = 0
    in_flight_when_killed: int = 0
    # Messages in flight when their server died that it had stored already: not sent again.
    found_stored: int = 0
    answered_after_kill: int = 0


def check_conversation(
    script: Sequence[str], events: Sequence[StoredEvent], figures: Figures
) -> None:
    """Add one conversation's events to the figures."""
    figures.events_checked += len(events)
    said = [event.data.get("text") for event in events if event.type_name == "user"]
    figures.lost += sum(1 for message in script if message not in said)
    figures.duplicated += len(said) - len(set(said))
    # The same event stored twice (by two servers, or by a retry) has the same time and content.
    copies = [json.dumps(e.data, sort_keys=True) for e in events]
    figures.duplicated += len(copies) - len(set(copies))
    in_script_order = [message for message in script if message in said]
    times = [event.timestamp for event in events]
    if list(dict.fromkeys(said)) != in_script_order or times != sorted(times):
        figures.out_of_order += 1
    # Each user message starts a turn that must hold a bot reply and end listening for the next.
    starts = [i for i, event in enumerate(events) if event.type_name == "user"]
    for start, end in zip(starts, [*starts[1:], len(events)], strict=True):
        turn = events[start:end]
        actions = [event.data.get("name") for event in turn if event.type_name == "action"]
        if not any(event.type_name == "bot" for event in turn) or actions[-1:] != ["action_listen"]:
            figures.unanswered += 1


class Client:
    """Sends each message to a chosen server and, when that one cannot be reached, to the other.

    A message whose request reached a server before it died may have been stored already; it is
    sent again only if the survivor's tracker does not have it, so a retry never duplicates it.
    """

    def __init__(
        self, session: aiohttp.ClientSession, stacks: Sequence[Stack], kill_after: float
    ) -> None:
        self.session = session
        self.stacks = stacks
        self.answered = 0
        self.kill_after = kill_after
        self.kill_due = asyncio.Event()
        self.killed = False
        self.figures = Figures()

    def _url(self, index: int, path: str) -> str:
        stack = self.stacks[index]
        return f"http://{stack.host}:{stack.ports.rasa}{path}"

    async def send(self, sender: str, message: str, first: int) -> list[dict[str, Any]]:
        other = (first + 1) % len(self.stacks)
        try:
            replies = await self._post(first, sender, message)
        except aiohttp.ClientConnectionError as error:
            self.figures.failed_over += 1
            reached = not isinstance(error, aiohttp.ClientConnectorError)
            self.figures.in_flight_when_killed += int(reached)
            if reached and await self._stored(other, sender, message):
                self.figures.found_stored += 1
                replies = []
            else:
                replies = await self._post(other, sender, message)
        self.answered += 1
        if self.answered >= self.kill_after:
            self.kill_due.set()
        if self.killed:
            self.figures.answered_after_kill += 1
        return replies

    async def _post(self, index: int, sender: str, message: str) -> list[dict[str, Any]]:
        async with self.session.post(
            self._url(index, "/webhooks/rest/webhook"),
            json={"sender": sender, "message": message},
            headers=rest_headers(),
        ) as response:
            response.raise_for_status()
            replies: list[dict[str, Any]] = await response.json()
            return replies

    async def _stored(self, index: int, sender: str, message: str) -> bool:
        async with self.session.get(
            self._url(index, f"/conversations/{conversation_id('rest', sender)}/tracker"),
            params={"token": self.stacks[index].api_token},
        ) as response:
            response.raise_for_status()
            tracker = await response.json()
        return any(
            event.get("event") == "user" and event.get("text") == message
            for event in tracker["events"]
        )


def start_together(stacks: Sequence[Stack]) -> None:
    """Start the stacks in parallel: a Rasa server takes tens of seconds to load its model."""
    with ThreadPoolExecutor(len(stacks)) as pool:
        for future in [pool.submit(stack.start, 300.0) for stack in stacks]:
            future.result()


@pytest.fixture
def cluster(
    tmp_path: Path,
    settings: Settings,
    knowledge: KnowledgeSet,
    postgres_database: str,
    redis_environment: dict[str, str],
) -> Iterator[list[Stack]]:
    """Rasa and action server pairs in the production profile on one fresh database."""
    if not (PROJECT_ROOT / "models" / "myositis.tar.gz").exists():
        pytest.fail("no trained model: run the tests through `make test`")
    engine = create_engine(postgres_database, future=True)
    repository.load(engine, knowledge)
    migrate(engine)
    engine.dispose()
    api_token, action_token = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    share_run_secrets()
    stacks = [
        Stack(
            replace(settings, database_url=postgres_database),
            api_token=api_token,
            action_token=action_token,
            ports=Ports(rasa=PORTS.rasa + 100 + k, actions=PORTS.actions + 100 + k),
            profile=PRODUCTION,
            parts=("actions", "rasa"),
            log_dir=tmp_path / f"node{k}",
            extra_env={
                **redis_environment,
                **LOOPBACK_CLIENTS,
                "TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME_SECONDS),
            },
        )
        for k in range(SERVERS)
    ]
    assert stacks[0].problems() == []
    try:
        start_together(stacks)
        yield stacks
    finally:
        for stack in stacks:
            stack.stop()


def stored_by_sender(database_url: str, senders: Collection[str]) -> dict[str, list[StoredEvent]]:
    """Every stored event of the run's conversations, by conversation, in the store's order."""
    engine = create_engine(database_url, future=True)
    by_sender: dict[str, list[StoredEvent]] = defaultdict(list)
    with engine.connect() as conn:
        for event in read_events(conn, senders, types=None):
            by_sender[event.sender_id].append(event)
    engine.dispose()
    return by_sender


def socketio_turn(base: str) -> list[dict[str, Any]]:
    """One socket.io conversation turn over long-polling (several HTTP requests), through nginx."""
    received: list[dict[str, Any]] = []
    # The certificate is a throw-away self-signed one; trust_env=False, or requests would take
    # REQUESTS_CA_BUNDLE over verify=False.
    http = requests.Session()
    http.trust_env = False
    client = socketio.Client(http_session=http, ssl_verify=False)
    client.on("bot_uttered", received.append)
    session = uuid.uuid4().hex
    client.connect(base, transports=["polling"])
    try:
        client.emit("session_request", {"session_id": session})
        client.emit("user_uttered", {"message": "can I do pilates?", "session_id": session})
        deadline = time.monotonic() + 60
        while not received and time.monotonic() < deadline:
            client.sleep(0.2)
    finally:
        client.disconnect()
    return received


def rasa_command_lines(stacks: Sequence[Stack]) -> list[str]:
    """What any local user sees of the Rasa processes' arguments (/proc/<pid>/cmdline)."""
    lines = []
    for stack in stacks:
        process = next(s.process for s in stack.servers if s.name == "rasa")
        assert process is not None
        lines.append(Path(f"/proc/{process.pid}/cmdline").read_bytes().decode())
    return lines


async def assert_nginx_in_front(front: Front, cluster: Sequence[Stack]) -> None:
    """The checks of the module docstring, through a real nginx."""
    public = f"https://127.0.0.1:{front.https}"
    internal = f"http://127.0.0.1:{front.internal}"
    token = cluster[0].api_token
    async with aiohttp.ClientSession(
        timeout=REQUEST_TIMEOUT, connector=aiohttp.TCPConnector(ssl=False)
    ) as session:
        sender = f"nginx-{uuid.uuid4().hex[:8]}"
        for message in ("hello", "is it safe to exercise?", "what about swimming?", "thanks"):
            async with session.post(
                f"{public}/webhooks/rest/webhook",
                json={"sender": sender, "message": message},
                headers=rest_headers(),
            ) as response:
                assert response.status == 200
                assert await response.json()
        async with session.get(f"{public}/", headers={"X-Forwarded-For": "6.6.6.6"}) as response:
            assert await response.text() == "web"
            assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert front.web_requests[-1][1]["X-Forwarded-For"] == "127.0.0.1"
        async with session.get(
            f"http://127.0.0.1:{front.http}/console", allow_redirects=False
        ) as response:
            assert response.status == 301
        # Rasa's HTTP API, however spelled, is not reachable from outside (token or not).
        for method, path in [
            ("GET", "/status"),
            ("GET", "/version"),
            ("POST", "/model/train"),
            ("GET", "/conversations/x/tracker"),
            ("GET", "/webhooks/../version"),
            ("GET", "/webhooks/%2e%2e/version"),
            ("GET", "/webhooks/rest/..%2F..%2Fversion"),
            ("GET", "/socket.io/../status"),
        ]:
            # encoded=True: sent exactly as written, dot segments and escapes included.
            url = URL(f"{public}{path}?token={token}", encoded=True)
            async with session.request(method, url) as response:
                body = await response.text()
                assert "minimum_compatible_version" not in body, path
                assert body == "web" or response.status in {400, 404, 405}, (path, body[:200])
        big = {"sender": sender, "message": "x" * 20_000}
        async with session.post(f"{public}/webhooks/rest/webhook", json=big) as response:
            assert response.status == 413
        async with session.post(
            f"{public}/webhooks/rest/webhook",
            data=b"\x1f\x8b",
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        ) as response:
            assert response.status == 415
        # The internal port: the token works (given to Rasa by environment, not argv), and so
        # does the console's JWT, in a header nginx passes on and does not log.
        async with session.get(f"{internal}/status", params={"token": token}) as response:
            assert response.status == 200
        console = RasaClient(internal, cluster[0].run_secrets["RASA_JWT_SECRET"])
        await console.append(conversation_id("rest", sender), [volunteer_slot(None)])
        async with session.get(f"{internal}/status") as response:
            assert response.status == 401
        replies = await asyncio.to_thread(socketio_turn, public)
        assert replies, "no socket.io reply through nginx"
        # Past the per-address burst, nginx answers 429 before the app is reached.
        statuses = []
        for _ in range(80):
            async with session.get(f"{public}/api/history") as response:
                statuses.append(response.status)
        assert 429 in statuses
        assert statuses[0] == 200
    log = front.log()
    rest = {line["up"] for line in log if line["path"] == "/webhooks/rest/webhook"}
    assert rest >= set(front.rasa_addresses), rest
    polling = [line["up"] for line in log if line["path"].startswith("/socket.io/")]
    assert len(polling) >= 3
    assert len(set(polling)) == 1, polling
    access_log = front.access_log.read_text()
    assert token not in access_log
    assert "eyJ" not in access_log  # the start of every JWT (base64 of '{"')
    jwt_secret = cluster[0].run_secrets["RASA_JWT_SECRET"]
    for command_line in rasa_command_lines(cluster):
        assert token not in command_line
        assert jwt_secret not in command_line


async def test_conversations_across_two_servers_survive_one_being_killed(
    cluster: list[Stack],
    postgres_database: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    async with nginx_front(cluster, PORTS.rasa + 200, tmp_path / "nginx") as front:
        await assert_nginx_in_front(front, cluster)
    prefix = f"cluster-{uuid.uuid4().hex[:8]}-"
    scripts = {f"{prefix}{i:02d}": SCRIPTS[i % len(SCRIPTS)] for i in range(CONVERSATIONS)}
    total = sum(len(script) for script in scripts.values())
    replies: dict[str, list[list[dict[str, Any]]]] = defaultdict(list)

    async with aiohttp.ClientSession(timeout=REQUEST_TIMEOUT) as session:
        client = Client(session, cluster, KILL_AFTER * total)

        async def converse(number: int, sender: str, script: Sequence[str]) -> None:
            for turn, message in enumerate(script):
                server = (number + turn) % SERVERS
                replies[sender].append(await client.send(sender, message, server))

        async def kill_one_server() -> None:
            await client.kill_due.wait()
            await asyncio.to_thread(cluster[0].kill_server, "rasa")
            client.killed = True

        await asyncio.gather(
            kill_one_server(),
            *(converse(n, sender, script) for n, (sender, script) in enumerate(scripts.items())),
        )

    figures = client.figures
    figures.conversations = len(scripts)
    figures.messages = client.answered
    stored = stored_by_sender(postgres_database, [conversation_id("rest", s) for s in scripts])
    for sender, script in scripts.items():
        check_conversation(script, stored.get(conversation_id("rest", sender), []), figures)
    FIGURES_FILE.parent.mkdir(exist_ok=True)
    FIGURES_FILE.write_text(json.dumps(asdict(figures), indent=2) + "\n")
    with capsys.disabled():
        print(f"\nmulti-instance figures: {json.dumps(asdict(figures))}")

    assert cluster[0].exited() is not None  # the killed Rasa server really is gone
    assert figures.conversations == CONVERSATIONS
    assert figures.messages == total
    assert (figures.lost, figures.duplicated, figures.out_of_order, figures.unanswered) == (
        0,
        0,
        0,
        0,
    )
    assert figures.failed_over > 0  # some messages met the dead server and went to the other
    assert figures.answered_after_kill > 0
    assert figures.events_checked > 3 * total
    unanswered_requests = sum(1 for answer in replies.values() for reply in answer if not reply)
    assert unanswered_requests == figures.found_stored
