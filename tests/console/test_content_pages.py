"""The content workflow over HTTP: draft, check, submit, review, publish, roll back."""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import replace
from datetime import date, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from markupsafe import escape

from bot.db import engine_for
from bot.knowledge.editorial import service
from bot.knowledge.schema import KnowledgeSet
from bot.settings import Settings
from bot.web.app import create_app
from tests.console.conftest import (
    ADMIN,
    EDITOR,
    REVIEWER,
    REVIEWER_TWO,
    VOLUNTEER,
    csrf_of,
    prepare_console_database,
    sign_in,
)
from tests.console.content_helpers import (
    ENTRY,
    NEW_ANSWER,
    account_id,
    changed_fields,
    start_draft,
    submitted_draft,
)

NEXT_YEAR = (date.today() + timedelta(days=365)).isoformat()


def _form(fields: dict[str, object], token: str) -> dict[str, object]:
    """A draft form as the browser posts it: lists as comma-separated text, subtypes repeated."""
    data: dict[str, object] = {"csrf": token}
    for name in ("answer", "detail", "evidence"):
        data[name] = fields.get(name) or ""
    for name in ("sources", "keywords"):
        data[name] = ", ".join(fields.get(name) or [])  # type: ignore[arg-type]
    return data


def _with_subtypes(data: dict[str, object], subtypes: list[str]) -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in data.items()] + [("subtypes", s) for s in subtypes]


async def _token(client: TestClient, path: str = "/console/content/") -> str:
    return csrf_of(await (await client.get(path)).text())


async def test_the_live_check_names_the_field_and_gives_the_grades(
    client: TestClient, console_settings: Settings
) -> None:
    assert await sign_in(client, EDITOR) == 303
    token = await _token(client)
    fields = changed_fields(console_settings)
    data = _with_subtypes(
        {**_form(fields, token), "entry_id": ENTRY, "topic": "tai_chi", "sources": "no-such-study"},
        list(fields["subtypes"]),
    )
    checked = await client.post(
        "/console/content/check", data=data, headers={"X-CSRF-Token": token}
    )
    assert checked.status == 200
    result = await checked.json()
    assert result["ok"] is False
    assert any(
        p["field"] == "sources" and "no-such-study" in p["message"] for p in result["problems"]
    ), result["problems"]
    assert isinstance(result["answer_grade"], float)
    assert result["limits"]["answer_grade"] == 10.0
    good = _with_subtypes(
        {**_form(fields, token), "entry_id": ENTRY, "topic": "tai_chi"}, list(fields["subtypes"])
    )
    assert (await (await client.post("/console/content/check", data=good)).json())["ok"] is True


async def test_an_invalid_draft_is_refused_with_the_field_named(
    client: TestClient, console_settings: Settings
) -> None:
    assert await sign_in(client, EDITOR) == 303
    token = await _token(client, f"/console/content/entries/{ENTRY}/edit")
    fields = changed_fields(console_settings)
    long_answer = " ".join(["This sentence is made of many plain words and it goes on"] * 4) + "."
    data = _with_subtypes(
        {**_form(fields, token), "answer": long_answer, "sources": ""}, list(fields["subtypes"])
    )
    refused = await client.post(f"/console/content/entries/{ENTRY}/edit", data=data)
    assert refused.status == 400
    page = await refused.text()
    assert "The draft was not saved" in page
    for field in ("answer", "sources"):
        listed = re.search(rf'<ul class="problems" id="problems-{field}">(.*?)</ul>', page)
        assert listed, page
        assert "<li>" in listed.group(1), (field, page)
    # What was typed stays in the form, so nothing is lost.
    assert long_answer in page
    assert service.drafts(engine_for(console_settings.database_url)) == []


async def test_editor_drafts_reviewer_publishes_and_rolls_back(
    console_settings: Settings,
) -> None:
    engine = engine_for(console_settings.database_url)
    old_answer = str((service.current_entry(engine, ENTRY) or {})["answer"])
    app = create_app(console_settings)
    async with TestClient(TestServer(app)) as editor, TestClient(TestServer(app)) as reviewer:
        assert await sign_in(editor, EDITOR) == 303
        token = await _token(editor, f"/console/content/entries/{ENTRY}/edit")
        fields = changed_fields(console_settings)
        data = _with_subtypes(
            {**_form(fields, token), "entry_id": ENTRY, "topic": "tai_chi"},
            list(fields["subtypes"]),
        )
        started = await editor.post(
            f"/console/content/entries/{ENTRY}/edit", data=data, allow_redirects=False
        )
        assert started.status == 303, await started.text()
        draft_url = started.headers["Location"]
        page = await (await editor.get(draft_url)).text()
        assert "Published now" in page
        assert str(escape(old_answer)) in page
        assert NEW_ANSWER in page
        assert 'class="changed" data-field="answer"' in page
        assert 'class="same" data-field="sources"' in page
        submitted = await editor.post(draft_url + "/submit", data={"csrf": token})
        assert "submitted" in await submitted.text()

        assert await sign_in(reviewer, REVIEWER) == 303
        queue = await (await reviewer.get("/console/content/review")).text()
        assert draft_url in queue
        review_token = csrf_of(queue)
        no_comment = await reviewer.post(
            draft_url + "/send-back", data={"csrf": review_token, "comment": " "}
        )
        assert no_comment.status == 400
        assert "Write a comment" in await no_comment.text()
        approved = await reviewer.post(
            draft_url + "/approve",
            data={"csrf": review_token, "next_review": NEXT_YEAR, "reason": "checked the trial"},
            allow_redirects=False,
        )
        assert approved.status == 303
        assert approved.headers["Location"] == f"/console/content/entries/{ENTRY}"
        assert (service.current_entry(engine, ENTRY) or {})["answer"] == NEW_ANSWER
        entry = await (await reviewer.get(approved.headers["Location"])).text()
        assert "checked the trial" in entry
        assert "Rosa" in entry
        assert "Eddie" in entry
        assert NEXT_YEAR in entry

        rolled = await reviewer.post(
            f"/console/content/entries/{ENTRY}/rollback",
            data={"csrf": review_token, "version": "1", "reason": "the wording confused people"},
            allow_redirects=False,
        )
        assert rolled.status == 303
        assert (service.current_entry(engine, ENTRY) or {})["answer"] == old_answer
        history = [v.version for v in service.versions(engine, ENTRY)]
        assert history == [3, 2, 1]
        # The editor sees the published state and no controls to decide or roll back.
        after = await (await editor.get(f"/console/content/entries/{ENTRY}")).text()
        assert "the wording confused people" in after
        assert "Roll back" not in after


@pytest.fixture(params=["sqlite", "postgres"])
def race_settings(
    request: pytest.FixtureRequest, console_settings: Settings, knowledge: KnowledgeSet
) -> Settings:
    """The console on SQLite, and on PostgreSQL, where two web instances really run at once."""
    if request.param == "sqlite":
        return console_settings
    database_url: str = request.getfixturevalue("postgres_database")
    prepare_console_database(database_url, knowledge)
    return replace(console_settings, database_url=database_url)


async def test_two_reviewers_racing_one_wins_the_other_sees_a_conflict(
    race_settings: Settings,
) -> None:
    console_settings = race_settings
    draft_id = submitted_draft(console_settings, EDITOR)
    url = f"/console/content/drafts/{draft_id}/approve"
    app = create_app(console_settings)
    other = create_app(console_settings)  # a second web instance
    async with TestClient(TestServer(app)) as first, TestClient(TestServer(other)) as second:
        tokens = []
        for client, email in ((first, REVIEWER), (second, REVIEWER_TWO)):
            assert await sign_in(client, email) == 303
            tokens.append(await _token(client, f"/console/content/drafts/{draft_id}"))
        responses = await asyncio.gather(
            *(
                client.post(
                    url,
                    data={"csrf": token, "next_review": NEXT_YEAR, "reason": f"ok by {n}"},
                    allow_redirects=False,
                )
                for n, (client, token) in enumerate(zip((first, second), tokens, strict=False))
            )
        )
        statuses = sorted(r.status for r in responses)
        assert statuses == [303, 409], statuses
        loser = next(r for r in responses if r.status == 409)
        text = await loser.text()
        assert "already decided" in text or "someone else changed this draft" in text
        assert 'role="alert"' in text
    versions = service.versions(engine_for(console_settings.database_url), ENTRY)
    assert [v.version for v in versions] == [2, 1]


async def test_nobody_approves_their_own_draft_not_even_an_admin(
    client: TestClient, console_settings: Settings
) -> None:
    draft_id = submitted_draft(console_settings, ADMIN)
    assert await sign_in(client, ADMIN) == 303
    page = await client.get(f"/console/content/drafts/{draft_id}")
    text = await page.text()
    assert "another reviewer must decide" in text
    assert "Approve and publish" not in text
    forced = await client.post(
        f"/console/content/drafts/{draft_id}/approve",
        data={"csrf": csrf_of(text), "next_review": NEXT_YEAR, "reason": "mine"},
    )
    assert forced.status == 403
    assert "someone other than its author" in await forced.text()


async def test_sent_back_drafts_show_the_comment_and_reopen_for_the_author(
    console_settings: Settings,
) -> None:
    draft_id = submitted_draft(console_settings, EDITOR)
    app = create_app(console_settings)
    async with TestClient(TestServer(app)) as reviewer, TestClient(TestServer(app)) as editor:
        assert await sign_in(reviewer, REVIEWER) == 303
        token = await _token(reviewer, f"/console/content/drafts/{draft_id}")
        sent = await reviewer.post(
            f"/console/content/drafts/{draft_id}/send-back",
            data={"csrf": token, "comment": "Please cite the 2016 review too."},
        )
        assert sent.status == 200
        assert await sign_in(editor, EDITOR) == 303
        mine = await (await editor.get("/console/content/drafts")).text()
        assert "Please cite the 2016 review too." in mine
        assert "sent back" in mine
        page = await (await editor.get(f"/console/content/drafts/{draft_id}")).text()
        assert "Save draft" in page
        assert "Submit for review" in page


async def test_a_stale_form_does_not_overwrite_a_newer_save(
    client: TestClient, console_settings: Settings
) -> None:
    draft_id = start_draft(console_settings, EDITOR)
    assert await sign_in(client, EDITOR) == 303
    page = await (await client.get(f"/console/content/drafts/{draft_id}")).text()
    token = csrf_of(page)
    fields = changed_fields(console_settings)
    data = _with_subtypes({**_form(fields, token), "lock_version": "1"}, list(fields["subtypes"]))
    assert (await client.post(f"/console/content/drafts/{draft_id}/save", data=data)).status == 200
    stale = await client.post(f"/console/content/drafts/{draft_id}/save", data=data)
    assert stale.status == 409
    assert "reload" in await stale.text()


async def test_the_transcript_shows_which_version_each_answer_used(
    client: TestClient, console_settings: Settings
) -> None:
    from bot.web.history import events

    engine = engine_for(console_settings.database_url)
    events.metadata.create_all(engine, tables=[events])
    # Only the first entry has a recorded version, as in an answer from before versions existed.
    custom: dict[str, object] = {"type": "answer", "entries": [ENTRY, "tai-chi-getting-started"]}
    custom["entry_versions"] = {ENTRY: 2}
    data = {"event": "bot", "text": "Tai chi...", "timestamp": time.time()}
    data["data"] = {"custom": custom}
    with engine.begin() as conn:
        conn.execute(
            events.insert().values(
                sender_id="web:1", type_name="bot", timestamp=time.time(), data=json.dumps(data)
            )
        )
    assert await sign_in(client, VOLUNTEER) == 303
    page = await (await client.get("/console/conversations/web:1")).text()
    assert f'href="/console/content/entries/{ENTRY}#v2">{ENTRY} (version 2)</a>' in page
    assert '">tai-chi-getting-started</a>' in page
    api = await (await client.get("/console/api/conversations/web:1")).json()
    assert api["turns"][0]["entry_versions"] == {ENTRY: 2}


async def test_the_lists_show_versions_open_drafts_and_what_is_due(
    client: TestClient, console_settings: Settings
) -> None:
    engine = engine_for(console_settings.database_url)
    reviewer = account_id(console_settings, REVIEWER)
    tomorrow = date.today() + timedelta(days=1)
    service.approve(engine, submitted_draft(console_settings, EDITOR), reviewer, tomorrow, "ok")
    submitted_draft(console_settings, EDITOR, NEW_ANSWER.replace("very slowly", "slowly"))
    assert await sign_in(client, VOLUNTEER) == 303
    listing = await (await client.get("/console/content/")).text()
    row = re.search(rf"<tr data-entry=\"{ENTRY}\">(.*?)</tr>", listing, re.DOTALL)
    assert row, listing
    assert "<td>2</td>" in row.group(1)
    assert "change submitted" in row.group(1)
    assert tomorrow.isoformat() in row.group(1)
    due = await (await client.get("/console/content/due")).text()
    assert f'data-entry="{ENTRY}"' in due
    assert "within 30 days" in due


async def test_unknown_drafts_and_entries_are_not_found(client: TestClient) -> None:
    assert await sign_in(client, ADMIN) == 303
    for path in (
        "/console/content/drafts/12345",
        "/console/content/drafts/99999999999999999999",
        "/console/content/entries/no-such-entry",
        "/console/content/entries/no-such-entry/edit",
    ):
        assert (await client.get(path)).status == 404, path


async def test_a_new_entry_is_drafted_approved_and_listed(console_settings: Settings) -> None:
    engine = engine_for(console_settings.database_url)
    existing = changed_fields(console_settings)
    app = create_app(console_settings)
    async with TestClient(TestServer(app)) as editor, TestClient(TestServer(app)) as reviewer:
        assert await sign_in(editor, EDITOR) == 303
        form = await (await editor.get("/console/content/new?topic=tai_chi")).text()
        assert '<option value="tai_chi" selected>' in form
        data = _with_subtypes(
            {**_form(existing, csrf_of(form)), "topic": "tai_chi"}, list(existing["subtypes"])
        )
        started = await editor.post("/console/content/new", data=data, allow_redirects=False)
        assert started.status == 303, await started.text()
        draft_url = started.headers["Location"]
        page = await (await editor.get(draft_url)).text()
        assert "(new entry)" in page
        await editor.post(draft_url + "/submit", data={"csrf": csrf_of(page)})
        listing = await (await editor.get("/console/content/")).text()
        assert "New entries in progress" in listing
        assert draft_url in listing

        assert await sign_in(reviewer, REVIEWER) == 303
        token = await _token(reviewer, draft_url)
        approved = await reviewer.post(
            draft_url + "/approve",
            data={"csrf": token, "next_review": NEXT_YEAR, "reason": "a new entry"},
            allow_redirects=False,
        )
        assert approved.status == 303
        new_id = approved.headers["Location"].rsplit("/", 1)[1]
        assert new_id != ENTRY
        assert new_id.startswith("tai-chi-")
        published = service.current_entry(engine, new_id)
        assert published is not None
        assert published["answer"] == NEW_ANSWER
        assert f'data-entry="{new_id}"' in await (await reviewer.get("/console/content/")).text()


async def test_the_approval_form_suggests_the_review_interval(
    console_settings: Settings,
) -> None:
    draft_id = submitted_draft(console_settings, EDITOR)
    settings = replace(console_settings, review_interval_days=30)
    async with TestClient(TestServer(create_app(settings))) as reviewer:
        assert await sign_in(reviewer, REVIEWER) == 303
        page = await (await reviewer.get(f"/console/content/drafts/{draft_id}")).text()
    suggested = (date.today() + timedelta(days=30)).isoformat()
    assert f'name="next_review" type="date" value="{suggested}"' in page


async def test_an_invalid_save_keeps_what_was_typed_and_names_the_field(
    client: TestClient, console_settings: Settings
) -> None:
    draft_id = start_draft(console_settings, EDITOR)
    assert await sign_in(client, EDITOR) == 303
    token = await _token(client, f"/console/content/drafts/{draft_id}")
    fields = changed_fields(console_settings)
    typed = "Tai chi is one gentle option for some people."
    data = _with_subtypes(
        {**_form(fields, token), "answer": typed, "lock_version": "1"}, list(fields["subtypes"])
    )
    refused = await client.post(f"/console/content/drafts/{draft_id}/save", data=data)
    assert refused.status == 400
    page = await refused.text()
    listed = re.search(r'<ul class="problems" id="problems-answer">(.*?)</ul>', page)
    assert listed, page
    assert "sentences" in listed.group(1)
    assert f">{typed}</textarea>" in page
    stored = service.get_draft(engine_for(console_settings.database_url), draft_id)
    assert stored is not None
    assert stored.fields["answer"] == NEW_ANSWER


async def test_a_submit_refused_as_invalid_shows_the_stored_draft(
    client: TestClient, console_settings: Settings
) -> None:
    from bot.knowledge import tables as kb

    draft_id = start_draft(console_settings, EDITOR)
    # The draft's only source disappears before it is submitted (a content load, say).
    with engine_for(console_settings.database_url).begin() as conn:
        conn.execute(kb.sources.delete().where(kb.sources.c.id == "use-it-or-lose-it"))
    assert await sign_in(client, EDITOR) == 303
    token = await _token(client, f"/console/content/drafts/{draft_id}")
    refused = await client.post(f"/console/content/drafts/{draft_id}/submit", data={"csrf": token})
    assert refused.status == 400
    page = await refused.text()
    listed = re.search(r'<ul class="problems" id="problems-sources">(.*?)</ul>', page)
    assert listed, page
    assert "use-it-or-lose-it" in listed.group(1)
    assert f">{NEW_ANSWER}</textarea>" in page  # the stored wording, not an empty form


async def test_an_entry_without_a_set_date_shows_when_it_is_due_even_after_a_rollback(
    client: TestClient, console_settings: Settings
) -> None:
    engine = engine_for(console_settings.database_url)
    loaded = service.current_entry(engine, ENTRY)
    assert loaded is not None
    assert loaded["next_review"] is None  # the files set no date
    due = date.fromisoformat(loaded["reviewed"]) + timedelta(
        days=console_settings.review_interval_days
    )
    reviewer = account_id(console_settings, REVIEWER)
    tomorrow = date.today() + timedelta(days=1)
    service.approve(engine, submitted_draft(console_settings, EDITOR), reviewer, tomorrow, "ok")
    service.rollback(engine, ENTRY, 1, reviewer, "back to the files' wording")
    assert await sign_in(client, VOLUNTEER) == 303

    page = await (await client.get(f"/console/content/entries/{ENTRY}")).text()
    listing = await (await client.get("/console/content/")).text()

    assert f"next review {due.isoformat()}" in page
    row = re.search(rf"<tr data-entry=\"{ENTRY}\">(.*?)</tr>", listing, re.DOTALL)
    assert row, listing
    assert due.isoformat() in row.group(1)
    assert "not set" not in page + row.group(1)
