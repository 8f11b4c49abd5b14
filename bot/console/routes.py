"""The console's pages and API on the web app; `console_guard` protects every one of them.

Handlers stay thin: database work runs in worker threads (SQLAlchemy is synchronous here) and
the domain modules (queue, transcript, cases, report, export, search) do the work.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any, Literal
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.engine import Connection

from bot.console import accounts, cases, ratelimit, sessions, two_step
from bot.console.content_routes import add_content_routes
from bot.console.csrf import csrf_token
from bot.console.export import ExportError, domain_intents, nlu_candidates
from bot.console.guard import (
    CODE_PATH,
    CONSOLE_SETTINGS_KEY,
    PENDING_COOKIE,
    PRESIGN_COOKIE,
    SESSION_COOKIE,
    SIGNIN_PATH,
    client_address,
    console_guard,
    current_account,
    delete_cookie,
    presign_secret,
    read_cookie,
    set_cookie,
)
from bot.console.pages import STATIC, form_of, in_thread, render
from bot.console.queue import (
    QueueFilter,
    Reason,
    build_queue,
    queue_window_start,
)
from bot.console.rasa_client import RasaClient, RasaError
from bot.console.report import build_report
from bot.console.search import search_answer
from bot.console.transcript import transcript
from bot.guide import Guide
from bot.settings import PROJECT_ROOT, Settings, rasa_jwt_secret

logger = logging.getLogger(__name__)

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
REPORT_WEEKS = (4, 12, 52)
RASA_KEY = web.AppKey("console_rasa", RasaClient)
GUIDE_KEY = web.AppKey("console_guide", dict)


def _back(sender_id: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"/console/conversations/{quote(sender_id, safe='')}")


# --- sign-in ----------------------------------------------------------------------------------
# What a sign-in step came to, and the token it made ("" for none).
SigninStep = tuple[
    Literal["limited", "wrong", "enrol", "unreadable", "expired", "code", "session"], str
]
ENROL_FIRST = (
    "Admin and reviewer accounts need two-step sign-in on this server. Ask whoever runs the "
    "server to set it up with 'python -m bot users mfa enrol' and your e-mail address, then sign "
    "in again."
)
TOO_MANY = "Too many failed sign-ins. Please wait and try again."
UNREADABLE_SECRET = (
    "This server cannot check your code: your two-step key cannot be read. Ask whoever runs the "
    "server to enrol you again."
)


async def signin_page(request: web.Request) -> web.Response:
    """The sign-in form, its CSRF token bound to a fresh pre-sign-in cookie."""
    return _signin_form(request)


def _signin_form(request: web.Request, message: str = "", status: int = 200) -> web.Response:
    secret = presign_secret(request)
    response = render(
        request, "signin.html", status=status, signin_csrf=csrf_token(secret), message=message
    )
    set_cookie(request, response, PRESIGN_COOKIE, secret)
    return response


async def signin(request: web.Request) -> web.Response:
    """Check the password, unless this account or address has failed too often lately.

    An account with two-step sign-in goes on to the code page; only then is a session opened.
    """
    form = await form_of(request)
    email, password = form.get("email", ""), form.get("password", "")
    settings = request.app[CONSOLE_SETTINGS_KEY]
    limits = ratelimit.SigninLimits.from_settings(settings)
    address = client_address(request)

    now = time.time()
    recorded = await in_thread(
        request, lambda conn: ratelimit.begin_attempt(conn, email, address, now)
    )

    def attempt(conn: Connection) -> SigninStep:
        if ratelimit.is_limited(conn, recorded, now, limits):
            ratelimit.forget_attempt(conn, recorded)
            return "limited", ""
        account = accounts.authenticate(conn, email, password)
        ratelimit.finish_attempt(conn, recorded, account is not None, now, limits)
        if account is None:
            return "wrong", ""
        if account.two_step:
            return "code", two_step.open_pending(conn, account, now)
        if two_step.must_enrol(account, settings):
            return "enrol", ""
        return "session", _open_session(conn, account, now, settings)

    step, token = await in_thread(request, attempt)
    if step == "limited":
        return _signin_form(request, TOO_MANY, 429)
    if step == "wrong":
        return _signin_form(request, "Wrong e-mail address or password.", 401)
    if step == "enrol":
        return _signin_form(request, ENROL_FIRST, 403)
    if step == "code":
        response = web.HTTPSeeOther(CODE_PATH)
        set_cookie(request, response, PENDING_COOKIE, token)
        raise response
    raise _signed_in(request, token)


def _open_session(
    conn: Connection, account: accounts.Account, now: float, settings: Settings
) -> str:
    return sessions.open_session(conn, account, now, settings.console_session_hours * 3600)


def _signed_in(request: web.Request, session_token: str) -> web.HTTPSeeOther:
    """The way to the queue, with the session cookie and without the sign-in's own cookies."""
    response = web.HTTPSeeOther("/console/")
    set_cookie(request, response, SESSION_COOKIE, session_token)
    delete_cookie(request, response, PRESIGN_COOKIE)
    delete_cookie(request, response, PENDING_COOKIE)
    return response


def _code_form(
    request: web.Request, token: str, message: str = "", status: int = 200
) -> web.Response:
    return render(
        request, "signin_code.html", status=status, code_csrf=csrf_token(token), message=message
    )


async def code_page(request: web.Request) -> web.Response:
    """The code form, only for a browser whose password was right in the last few minutes."""
    token = read_cookie(request, PENDING_COOKIE) or ""
    pending = await in_thread(
        request, lambda conn: two_step.pending_account(conn, token, time.time())
    )
    if pending is None:
        raise web.HTTPSeeOther(SIGNIN_PATH)
    return _code_form(request, token)


async def submit_code(request: web.Request) -> web.Response:
    """Check the TOTP code under the same limits as passwords; open the session if it is right."""
    code = (await form_of(request)).get("code", "")
    token = read_cookie(request, PENDING_COOKIE) or ""
    settings = request.app[CONSOLE_SETTINGS_KEY]
    limits = ratelimit.SigninLimits.from_settings(settings)
    now = time.time()
    pending = await in_thread(request, lambda conn: two_step.pending_account(conn, token, now))
    if pending is None:
        raise web.HTTPSeeOther(SIGNIN_PATH)
    address = client_address(request)
    recorded = await in_thread(
        request, lambda conn: ratelimit.begin_attempt(conn, pending.email, address, now)
    )

    def attempt(conn: Connection) -> SigninStep:
        if ratelimit.is_limited(conn, recorded, now, limits):
            ratelimit.forget_attempt(conn, recorded)
            return "limited", ""
        try:
            right = two_step.check_code(conn, pending, code, now)
        except two_step.SecretUnreadable:
            ratelimit.forget_attempt(conn, recorded)
            return "unreadable", ""
        ratelimit.finish_attempt(conn, recorded, right, now, limits)
        if not right:
            return "wrong", ""
        if not two_step.close_pending(conn, token):
            return "expired", ""  # a concurrent request with another right code used it
        return "session", _open_session(conn, pending, now, settings)

    step, session_token = await in_thread(request, attempt)
    if step == "limited":
        return _code_form(request, token, TOO_MANY, 429)
    if step == "wrong":
        return _code_form(
            request, token, "Wrong or already used code. Please try the next one.", 401
        )
    if step == "unreadable":
        return _code_form(request, token, UNREADABLE_SECRET, 500)
    if step == "expired":
        raise web.HTTPSeeOther(SIGNIN_PATH)
    raise _signed_in(request, session_token)


async def signout(request: web.Request) -> web.Response:
    """End the session on the server, not just in the browser."""
    token = read_cookie(request, SESSION_COOKIE) or ""
    await in_thread(request, lambda conn: sessions.close_session(conn, token))
    response = web.HTTPSeeOther(SIGNIN_PATH)
    delete_cookie(request, response, SESSION_COOKIE)
    raise response


# --- queue and transcript ---------------------------------------------------------------------
def _queue_filter(query: Any) -> QueueFilter:
    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(query.get(name, ""))
        except ValueError:
            return None

    reason = query.get("reason", "")
    status = query.get("status", "")
    return QueueFilter(
        reason=Reason(reason) if reason in {r.value for r in Reason} else None,
        since=day("since"),
        until=day("until"),
        channel=query.get("channel") or None,
        status=cases.Status(status) if status in {s.value for s in cases.Status} else None,
    )


def _window(request: web.Request) -> float:
    """The start of the queue's window of active conversations (CONSOLE_QUEUE_DAYS)."""
    return queue_window_start(request.app[CONSOLE_SETTINGS_KEY], time.time())


async def queue_page(request: web.Request) -> web.Response:
    """The triage queue, filtered as asked."""
    chosen = _queue_filter(request.query)
    queue = await in_thread(request, lambda conn: build_queue(conn, _window(request), chosen))
    return render(
        request,
        "queue.html",
        cases=queue,
        chosen=chosen,
        reasons=list(Reason),
        statuses=list(cases.Status),
    )


async def queue_api(request: web.Request) -> web.Response:
    """The triage queue as JSON, filtered like the page."""
    chosen = _queue_filter(request.query)
    queue = await in_thread(request, lambda conn: build_queue(conn, _window(request), chosen))
    return web.json_response({"cases": [c.as_dict() for c in queue]})


def _conversation(sender_id: str) -> Callable[[Connection], dict[str, Any]]:
    def read(conn: Connection) -> dict[str, Any]:
        return {
            "turns": transcript(conn, sender_id),
            "state": cases.case_state(conn, sender_id),
            "notes": cases.notes_of(conn, sender_id),
        }

    return read


async def transcript_page(request: web.Request) -> web.Response:
    """One conversation, turn by turn, with the triage and handoff controls."""
    sender_id = request.match_info["sender_id"]
    found = await in_thread(request, _conversation(sender_id))
    if not found["turns"]:
        raise web.HTTPNotFound(text="No such conversation.")
    return render(request, "transcript.html", sender_id=sender_id, **found)


async def transcript_api(request: web.Request) -> web.Response:
    """One conversation as JSON."""
    sender_id = request.match_info["sender_id"]
    found = await in_thread(request, _conversation(sender_id))
    if not found["turns"]:
        raise web.HTTPNotFound(text='{"error": "no such conversation"}')
    state = found["state"]
    return web.json_response(
        {
            "sender_id": sender_id,
            "status": state.status.value,
            "claimed_by": state.claimed_by_name,
            "handoff_active": state.handoff_active,
            "turns": [t.as_dict() for t in found["turns"]],
            "notes": [
                {"author": n.author, "text": n.text, "at": n.created_at} for n in found["notes"]
            ],
        }
    )


async def _case_action(
    request: web.Request, change: Callable[[Connection, str, accounts.Account], None]
) -> web.Response:
    sender_id = request.match_info["sender_id"]
    account = current_account(request)
    try:
        await in_thread(request, lambda conn: change(conn, sender_id, account))
    except cases.CaseError as error:
        raise web.HTTPConflict(text=str(error)) from error
    raise _back(sender_id)


async def claim(request: web.Request) -> web.Response:
    """Claim the conversation for the signed-in volunteer."""
    return await _case_action(request, lambda c, s, a: cases.claim(c, s, a, time.time()))


async def mark_handled(request: web.Request) -> web.Response:
    """Close the conversation."""
    return await _case_action(request, lambda c, s, a: cases.mark_handled(c, s, a, time.time()))


async def add_note(request: web.Request) -> web.Response:
    """Add the volunteer's note."""
    text = (await form_of(request)).get("note", "")
    return await _case_action(request, lambda c, s, a: cases.add_note(c, s, a, text, time.time()))


async def _handoff(request: web.Request, step: str) -> web.Response:
    """Check the volunteer holds the conversation, tell Rasa, then record the handoff state."""
    sender_id = request.match_info["sender_id"]
    account = current_account(request)
    text = (await form_of(request)).get("message", "").strip() if step == "reply" else ""
    try:
        state = await in_thread(request, lambda conn: cases.require_claim(conn, sender_id, account))
        if step != "start" and not state.handoff_active:
            raise cases.CaseError("take over the conversation first")
        if step == "reply" and not text:
            raise cases.CaseError("write a reply first")
    except cases.CaseError as error:
        raise web.HTTPConflict(text=str(error)) from error
    rasa = request.app[RASA_KEY]
    composer = (await _guide(request)).composer
    volunteer = account.display_name
    try:
        if step == "start":
            await rasa.start_handoff(sender_id, volunteer, composer.handoff_started(volunteer))
        elif step == "reply":
            await rasa.send_reply(sender_id, composer.volunteer_reply(volunteer, text))
        else:
            await rasa.end_handoff(sender_id, composer.handoff_ended(volunteer))
    except RasaError as error:
        # The detail (Rasa's error body, a URL) is for the logs, never the volunteer's screen.
        # It holds no secret: the URL carries none (the JWT goes in a header).
        logger.warning("handoff %s failed: %s", step, error)
        raise web.HTTPBadGateway(
            text="The assistant did not respond. Please try again in a minute."
        ) from error
    if step != "reply":
        active = step == "start"
        await in_thread(
            request, lambda conn: cases.set_handoff(conn, sender_id, active, time.time())
        )
    raise _back(sender_id)


async def take_over(request: web.Request) -> web.Response:
    """Silence the assistant: the volunteer talks to the user now."""
    return await _handoff(request, "start")


async def reply(request: web.Request) -> web.Response:
    """Send the volunteer's reply to the user's channel."""
    return await _handoff(request, "reply")


async def hand_back(request: web.Request) -> web.Response:
    """Let the assistant answer again."""
    return await _handoff(request, "end")


# --- report, export, search -------------------------------------------------------------------
async def _guide(request: web.Request) -> Guide:
    """The knowledge guide, built once per process in a worker thread (it loads spaCy)."""
    holder = request.app[GUIDE_KEY]
    async with holder["lock"]:
        if "guide" not in holder:
            holder["guide"] = await asyncio.to_thread(
                Guide.from_settings, request.app[CONSOLE_SETTINGS_KEY]
            )
    guide: Guide = holder["guide"]
    return guide


async def report_page(request: web.Request) -> web.Response:
    """The common questions report over the last few weeks."""
    weeks = request.query.get("weeks", "12")
    chosen = int(weeks) if weeks.isdigit() and int(weeks) in REPORT_WEEKS else 12
    since = (datetime.now(timezone.utc) - timedelta(weeks=chosen)).timestamp()
    analyzer = (await _guide(request)).index.analyzer
    report = await in_thread(request, lambda conn: build_report(conn, analyzer, since))
    return render(
        request,
        "report.html",
        report=report,
        weeks=chosen,
        week_choices=REPORT_WEEKS,
        intents=domain_intents(DOMAIN_FILE),
    )


async def export(request: web.Request) -> web.Response:
    """The chosen unanswered questions as a Rasa NLU file, downloaded for review."""
    form = await request.post()
    questions = [q for q in form.getall("question", []) if isinstance(q, str)]
    intent = str(form.get("intent", ""))
    try:
        document = nlu_candidates(intent, questions, domain_intents(DOMAIN_FILE))
    except ExportError as error:
        raise web.HTTPBadRequest(text=str(error)) from error
    return web.Response(
        text=document,
        content_type="application/x-yaml",
        headers={"Content-Disposition": f'attachment; filename="candidates-{intent}.yml"'},
    )


async def search_page(request: web.Request) -> web.Response:
    """The approved answer to a question, as plain text to paste into an e-mail."""
    question = request.query.get("q", "").strip()
    guide = await _guide(request)
    topic = request.query.get("topic") or None
    found = await asyncio.to_thread(search_answer, guide, question, topic) if question else None
    return render(
        request,
        "search.html",
        question=question,
        topic=topic,
        topics=list(guide.knowledge.topics.values()),
        answer=found,
    )


# --- accounts (admins only: the guard refuses volunteers on /console/admin/) ------------------
async def accounts_page(request: web.Request, message: str = "", status: int = 200) -> web.Response:
    """Every account, with forms to add and remove."""
    listed = await in_thread(request, accounts.list_accounts)
    return render(
        request,
        "accounts.html",
        status=status,
        accounts=listed,
        roles=list(accounts.Role),
        message=message,
    )


async def add_account(request: web.Request) -> web.Response:
    """Add an account from the admin's form."""
    form = await form_of(request)
    try:
        role = accounts.Role(form.get("role", ""))
        await in_thread(
            request,
            lambda conn: accounts.add_account(
                conn, form.get("email", ""), form.get("password", ""), role, form.get("name", "")
            ),
        )
    except ValueError as error:  # AccountError or an unknown role
        return await accounts_page(request, str(error), 400)
    raise web.HTTPSeeOther("/console/admin/accounts")


async def remove_account(request: web.Request) -> web.Response:
    """Remove an account (not one's own, so an admin cannot lock everyone out)."""
    email = (await form_of(request)).get("email", "")
    if accounts.normalise_email(email) == current_account(request).email:
        return await accounts_page(request, "You cannot remove your own account.", 400)
    await in_thread(request, lambda conn: accounts.remove_account(conn, email))
    raise web.HTTPSeeOther("/console/admin/accounts")


async def to_queue(_request: web.Request) -> web.Response:
    """/console leads to the queue."""
    raise web.HTTPSeeOther("/console/")


def setup_console(app: web.Application, settings: Settings) -> None:
    """Add the console's routes and guard to the web app."""
    app.middlewares.append(console_guard)
    app[CONSOLE_SETTINGS_KEY] = settings
    app[RASA_KEY] = RasaClient(settings.rasa_url, rasa_jwt_secret())
    app[GUIDE_KEY] = {"lock": asyncio.Lock()}
    conversation = "/console/conversations/{sender_id}"
    router = app.router
    router.add_get("/console", to_queue)
    router.add_get(SIGNIN_PATH, signin_page)
    router.add_post(SIGNIN_PATH, signin)
    router.add_get(CODE_PATH, code_page)
    router.add_post(CODE_PATH, submit_code)
    router.add_post("/console/signout", signout)
    router.add_get("/console/", queue_page)
    router.add_get(conversation, transcript_page)
    router.add_post(conversation + "/claim", claim)
    router.add_post(conversation + "/handled", mark_handled)
    router.add_post(conversation + "/notes", add_note)
    router.add_post(conversation + "/take-over", take_over)
    router.add_post(conversation + "/reply", reply)
    router.add_post(conversation + "/hand-back", hand_back)
    router.add_get("/console/report", report_page)
    router.add_post("/console/export", export)
    router.add_get("/console/search", search_page)
    router.add_get("/console/admin/accounts", accounts_page)
    router.add_post("/console/admin/accounts", add_account)
    router.add_post("/console/admin/accounts/remove", remove_account)
    router.add_get("/console/api/queue", queue_api)
    router.add_get("/console/api/conversations/{sender_id}", transcript_api)
    add_content_routes(router)
    router.add_static("/console/static/", STATIC, show_index=False)
