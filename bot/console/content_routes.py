"""The console's content pages: editors draft, reviewers approve, anyone with access reads.

Handlers stay thin: `bot.knowledge.editorial.service` does the work (its functions block, so each
runs in a worker thread), `bot.console.content_forms` reads the forms, and who may use each route
is decided by the guard from `bot.console.permissions`. The service refuses what no role may do
(approving one's own draft, deciding a draft twice); those refusals become a message on the page.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

from aiohttp import web

from bot.console import accounts
from bot.console.content_forms import (
    FIELD_LABELS,
    SUBTYPE_CHOICES,
    fields_from_form,
    form_values,
    problems_by_field,
    side_by_side,
)
from bot.console.guard import CONSOLE_SETTINGS_KEY, current_account
from bot.console.pages import engine_of, form_of, in_thread, render
from bot.console.permissions import DRAFT_PAGE, ENTRY_PAGE, Capability, capabilities
from bot.knowledge import repository
from bot.knowledge.editorial import service
from bot.knowledge.editorial.service import DraftStatus, EditorialError
from bot.knowledge.readability import ANSWER_MAX_GRADE, DETAIL_MAX_GRADE

T = TypeVar("T")
CONTENT = "/console/content/"
ERROR_STATUS: Mapping[type[EditorialError], int] = {
    service.DraftInvalid: 400,
    service.NotAllowed: 403,
    service.Conflict: 409,
}
OPEN = (DraftStatus.DRAFT, DraftStatus.SUBMITTED, DraftStatus.SENT_BACK)


async def _service(request: web.Request, work: Callable[..., T], *args: Any) -> T:
    """Call an editorial service function with the console's engine, in a worker thread."""
    return await asyncio.to_thread(functools.partial(work, engine_of(request), *args))


def _status_of(error: EditorialError) -> int:
    return next((s for kind, s in ERROR_STATUS.items() if isinstance(error, kind)), 400)


async def _names(request: web.Request) -> dict[int, str]:
    """Account ids to the names pages show for authors and reviewers."""
    listed = await in_thread(request, accounts.list_accounts)
    return {a.id: a.display_name for a in listed}


def _today() -> date:
    """Today as the editorial service dates reviews (the server's calendar)."""
    return date.today()


def _draft_url(draft_id: int) -> str:
    return DRAFT_PAGE.format(draft_id=draft_id)


def _entry_url(entry_id: str) -> str:
    return ENTRY_PAGE.format(entry_id=entry_id)


def _draft_id(request: web.Request) -> int:
    raw = request.match_info["draft_id"]
    # Nine digits at most: a longer number would overflow PostgreSQL's integer column (a 500).
    if not (raw.isdigit() and len(raw) <= 9):
        raise web.HTTPNotFound(text="No such draft.")
    return int(raw)


# --- reading ----------------------------------------------------------------------------------
async def entries_page(request: web.Request) -> web.Response:
    """Every entry by topic, with its version, open draft and next review date."""
    knowledge = await asyncio.to_thread(repository.read, engine_of(request))
    open_drafts = [d for d in await _service(request, service.drafts) if d.status in OPEN]
    pending = {d.entry_id: d for d in open_drafts if not d.is_new}
    return render(
        request,
        "content_list.html",
        knowledge=knowledge,
        pending=pending,
        new_drafts=[d for d in open_drafts if d.is_new],
        review_due=service.review_dates(knowledge.entries),
        today=_today(),
    )


async def _entry_view(
    request: web.Request, entry_id: str, message: str = "", status: int = 200
) -> web.Response:
    current = await _service(request, service.current_entry, entry_id)
    if current is None:
        raise web.HTTPNotFound(text="No such entry.")
    history = await _service(request, service.versions, entry_id)
    open_drafts = [d for d in await _service(request, service.drafts) if d.entry_id == entry_id]
    return render(
        request,
        "content_entry.html",
        status=status,
        entry_id=entry_id,
        current=current,
        rows=side_by_side(None, current),
        history=history,
        names=await _names(request),
        drafts=[d for d in open_drafts if d.status in OPEN],
        message=message,
    )


async def entry_page(request: web.Request) -> web.Response:
    """One entry: what the assistant says now, and every published version (who, when, why)."""
    return await _entry_view(request, request.match_info["entry_id"])


async def due_page(request: web.Request) -> web.Response:
    """Entries to review soon: past or near their next-review date, or often voted down."""
    due = await _service(request, service.due_for_review, _today())
    return render(request, "content_due.html", due=due, today=_today())


async def my_drafts_page(request: web.Request) -> web.Response:
    """The signed-in editor's drafts, newest first, with the reviewers' comments."""
    mine = await _service(request, service.drafts, None, current_account(request).id)
    return render(request, "content_drafts.html", drafts=mine, title="My drafts", queue=False)


async def review_page(request: web.Request) -> web.Response:
    """Drafts waiting for a reviewer's decision."""
    waiting = await _service(request, service.drafts, DraftStatus.SUBMITTED)
    return render(
        request,
        "content_drafts.html",
        drafts=waiting,
        names=await _names(request),
        title="Review queue",
        queue=True,
    )


# --- drafting ---------------------------------------------------------------------------------
def _draft_form(
    request: web.Request,
    *,
    title: str,
    action: str,
    values: Mapping[str, Any],
    entry_id: str,
    topic: str,
    topics: Mapping[str, str],
    problems: Mapping[str, list[str]] | None = None,
    status: int = 200,
    lock_version: int | None = None,
) -> web.Response:
    return render(
        request,
        "content_form.html",
        status=status,
        title=title,
        action=action,
        values=values,
        entry_id=entry_id,
        topic=topic,
        topics=topics,
        labels=FIELD_LABELS,
        subtype_choices=SUBTYPE_CHOICES,
        problems=problems or {},
        lock_version=lock_version,
    )


async def _topics(request: web.Request) -> dict[str, str]:
    knowledge = await asyncio.to_thread(repository.read, engine_of(request))
    return {t.id: t.title for t in knowledge.topics.values()}


async def new_entry_page(request: web.Request) -> web.Response:
    """An empty draft form for a new entry."""
    topic = request.query.get("topic", "")
    return _draft_form(
        request,
        title="New entry",
        action=CONTENT + "new",
        values=form_values({}),
        entry_id="",
        topic=topic,
        topics=await _topics(request),
    )


async def edit_entry_page(request: web.Request) -> web.Response:
    """The draft form, filled in with the entry's published wording."""
    entry_id = request.match_info["entry_id"]
    current = await _service(request, service.current_entry, entry_id)
    if current is None:
        raise web.HTTPNotFound(text="No such entry.")
    return _draft_form(
        request,
        title=f"Change {entry_id}",
        action=_entry_url(entry_id) + "/edit",
        values=form_values(current),
        entry_id=entry_id,
        topic=str(current.get("topic", "")),
        topics=await _topics(request),
    )


async def _start(request: web.Request, entry_id: str | None, title: str) -> web.Response:
    form = await request.post()
    fields = fields_from_form(form)
    topic = str(form.get("topic", ""))
    author = current_account(request).id
    try:
        draft = await _service(request, service.start_draft, author, entry_id, topic, fields)
    except service.DraftInvalid as error:
        return _draft_form(
            request,
            title=title,
            action=request.path,
            values=form_values(fields),
            entry_id=entry_id or "",
            topic=topic,
            topics=await _topics(request),
            problems=problems_by_field(error.problems),
            status=400,
        )
    raise web.HTTPSeeOther(_draft_url(draft.id))


async def start_new_entry(request: web.Request) -> web.Response:
    """Start a draft of a new entry (the service makes its id from the topic and the answer)."""
    return await _start(request, None, "New entry")


async def start_edit(request: web.Request) -> web.Response:
    """Start a draft of a change to a published entry."""
    entry_id = request.match_info["entry_id"]
    return await _start(request, entry_id, f"Change {entry_id}")


async def check(request: web.Request) -> web.Response:
    """The live check of the form as typed so far: problems by field and reading grades (JSON)."""
    form = await request.post()
    entry_id = str(form.get("entry_id", "")).strip() or None
    result = await _service(
        request, service.check, entry_id, str(form.get("topic", "")), fields_from_form(form)
    )
    # The limits travel with the figures so the page states them without a copy in the script.
    limits = {"answer_grade": ANSWER_MAX_GRADE, "detail_grade": DETAIL_MAX_GRADE}
    return web.json_response({**result.as_dict(), "limits": limits})


# --- one draft: view, save, submit, decide ----------------------------------------------------
async def _draft_view(
    request: web.Request,
    draft_id: int,
    message: str = "",
    status: int = 200,
    problems: Mapping[str, list[str]] | None = None,
    values: Mapping[str, Any] | None = None,
) -> web.Response:
    draft = await _service(request, service.get_draft, draft_id)
    if draft is None:
        raise web.HTTPNotFound(text="No such draft.")
    current = (
        None if draft.is_new else await _service(request, service.current_entry, draft.entry_id)
    )
    account = current_account(request)
    settings = request.app[CONSOLE_SETTINGS_KEY]
    may = capabilities(account.role)
    mine = draft.author_id == account.id
    return render(
        request,
        "content_draft.html",
        status=status,
        draft=draft,
        rows=side_by_side(current, draft.fields),
        names=await _names(request),
        message=message,
        may_edit=mine
        and Capability.DRAFT in may
        and draft.status
        in (
            DraftStatus.DRAFT,
            DraftStatus.SENT_BACK,
        ),
        may_decide=Capability.REVIEW in may and draft.status is DraftStatus.SUBMITTED,
        mine=mine,
        values=values or form_values(draft.fields),
        labels=FIELD_LABELS,
        subtype_choices=SUBTYPE_CHOICES,
        problems=problems or {},
        # What the approval form suggests: the charity's review interval (REVIEW_INTERVAL_DAYS).
        next_review=_today() + timedelta(days=settings.review_interval_days),
    )


async def draft_page(request: web.Request) -> web.Response:
    """A draft beside the published wording, with the controls the account may use on it."""
    return await _draft_view(request, _draft_id(request))


async def _decide(
    request: web.Request,
    work: Callable[[int], Any],
    done: Callable[[Any], str],
    typed: Mapping[str, Any] | None = None,
) -> web.Response:
    """Run one step on a draft; a refusal shows on the draft page with its status.

    ``typed`` is what the author just typed (saving): refused as invalid, the form shows it again
    so nothing is lost; other steps show the draft as stored.
    """
    draft_id = _draft_id(request)
    try:
        result = await asyncio.to_thread(work, draft_id)
    except service.DraftInvalid as error:
        values = form_values(typed) if typed is not None else None
        problems = problems_by_field(error.problems)
        return await _draft_view(request, draft_id, str(error), 400, problems, values)
    except EditorialError as error:
        return await _draft_view(request, draft_id, str(error), _status_of(error))
    raise web.HTTPSeeOther(done(result))


async def save(request: web.Request) -> web.Response:
    """Save the author's changes to a draft (refused if someone saved it in the meantime)."""
    form = await request.post()
    fields = fields_from_form(form)
    lock = str(form.get("lock_version", ""))
    engine, author = engine_of(request), current_account(request).id
    return await _decide(
        request,
        lambda d: service.save_draft(
            engine, d, author, fields, int(lock) if lock.isdigit() else -1
        ),
        lambda draft: _draft_url(draft.id),
        typed=fields,
    )


async def submit(request: web.Request) -> web.Response:
    """Send the draft to the review queue."""
    engine, author = engine_of(request), current_account(request).id
    return await _decide(
        request, lambda d: service.submit(engine, d, author), lambda draft: _draft_url(draft.id)
    )


async def approve(request: web.Request) -> web.Response:
    """Publish the draft: the assistant answers from it within seconds."""
    form = await form_of(request)
    draft_id = _draft_id(request)
    reason = form.get("reason", "").strip()
    try:
        next_review = date.fromisoformat(form.get("next_review", ""))
    except ValueError:
        return await _draft_view(request, draft_id, "Give the next review date.", 400)
    if next_review <= _today():
        return await _draft_view(request, draft_id, "The next review date must be later.", 400)
    if not reason:
        return await _draft_view(request, draft_id, "Say why it is approved.", 400)
    engine, reviewer = engine_of(request), current_account(request).id
    return await _decide(
        request,
        lambda d: service.approve(engine, d, reviewer, next_review, reason),
        lambda version: _entry_url(version.entry_id),
    )


async def send_back(request: web.Request) -> web.Response:
    """Return the draft to its author with the reviewer's comment."""
    comment = (await form_of(request)).get("comment", "").strip()
    draft_id = _draft_id(request)
    if not comment:
        return await _draft_view(request, draft_id, "Write a comment for the author.", 400)
    engine, reviewer = engine_of(request), current_account(request).id
    return await _decide(
        request,
        lambda d: service.send_back(engine, d, reviewer, comment),
        lambda draft: _draft_url(draft.id),
    )


async def rollback(request: web.Request) -> web.Response:
    """Publish an earlier version's content again, as a new version."""
    entry_id = request.match_info["entry_id"]
    form = await form_of(request)
    reason = form.get("reason", "").strip()
    version = form.get("version", "")
    if not version.isdigit():
        return await _entry_view(request, entry_id, "Choose a version to go back to.", 400)
    if not reason:
        return await _entry_view(request, entry_id, "Say why you are rolling back.", 400)
    user = current_account(request).id
    try:
        await _service(request, service.rollback, entry_id, int(version), user, reason)
    except EditorialError as error:
        return await _entry_view(request, entry_id, str(error), _status_of(error))
    raise web.HTTPSeeOther(_entry_url(entry_id))


def add_content_routes(router: web.UrlDispatcher) -> None:
    """Add the content pages (each route's rule is in `bot.console.permissions.RULES`)."""
    router.add_get(CONTENT, entries_page)
    router.add_get(CONTENT + "due", due_page)
    router.add_get(CONTENT + "new", new_entry_page)
    router.add_post(CONTENT + "new", start_new_entry)
    router.add_post(CONTENT + "check", check)
    router.add_get(CONTENT + "drafts", my_drafts_page)
    router.add_get(CONTENT + "review", review_page)
    router.add_get(ENTRY_PAGE, entry_page)
    router.add_get(ENTRY_PAGE + "/edit", edit_entry_page)
    router.add_post(ENTRY_PAGE + "/edit", start_edit)
    router.add_post(ENTRY_PAGE + "/rollback", rollback)
    router.add_get(DRAFT_PAGE, draft_page)
    router.add_post(DRAFT_PAGE + "/save", save)
    router.add_post(DRAFT_PAGE + "/submit", submit)
    router.add_post(DRAFT_PAGE + "/approve", approve)
    router.add_post(DRAFT_PAGE + "/send-back", send_back)
