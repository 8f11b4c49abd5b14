"""SMS and WhatsApp through Twilio: signed form posts; messages seen at a fake Twilio API."""

from __future__ import annotations

import re
import secrets

import pytest

from bot.channels.conversations import conversation_id
from bot.compose import reply_blocks
from bot.knowledge.schema import KnowledgeSet
from bot.serve import Stack
from tests.e2e.conftest import SMS_MAX_CHARS, ChannelSecrets
from tests.e2e.fake_platforms import Call, FakePlatforms
from tests.e2e.platform_requests import (
    post_twilio,
    stored_events,
    stored_payloads,
    twilio_form,
)

pytestmark = pytest.mark.e2e
PART = re.compile(r"^\((\d+)/(\d+)\) ")


@pytest.fixture
def phone() -> str:
    return "+614" + "".join(str(secrets.randbelow(10)) for _ in range(8))


def messages_to(platforms: FakePlatforms, recipient: str) -> list[Call]:
    return [
        c for c in platforms.sent("twilio", path_end="Messages.json") if c.form["To"] == recipient
    ]


def text_in(
    stack: Stack,
    keys: ChannelSecrets,
    platforms: FakePlatforms,
    phone: str,
    body: str,
    whatsapp: bool = False,
) -> list[Call]:
    recipient = ("whatsapp:" if whatsapp else "") + phone
    before = len(messages_to(platforms, recipient))
    form = twilio_form(keys, phone, body, whatsapp)
    response = post_twilio(stack, form, keys.twilio_auth_token, keys.twilio_webhook_url)
    assert response.status_code == 200
    assert "<Response>" in response.text
    return messages_to(platforms, recipient)[before:]


def joined(calls: list[Call]) -> str:
    return " ".join(" ".join(PART.sub("", c.form["Body"]) for c in calls).split())


def test_a_long_answer_arrives_in_numbered_parts_in_order_with_compact_disclaimers(
    stack: Stack,
    platforms: FakePlatforms,
    channel_secrets: ChannelSecrets,
    knowledge: KnowledgeSet,
    phone: str,
) -> None:
    text_in(stack, channel_secrets, platforms, phone, "hi")
    sent = text_in(
        stack,
        channel_secrets,
        platforms,
        phone,
        "what research has been done on exercise and myositis",
    )

    assert len(sent) > 1, "this answer is longer than one message at this limit"
    for index, call in enumerate(sent, start=1):
        assert call.path == f"2010-04-01/Accounts/{channel_secrets.twilio_sid}/Messages.json"
        assert call.form["From"] == channel_secrets.twilio_number
        assert call.headers["Authorization"].startswith("Basic ")
        assert len(call.form["Body"]) <= SMS_MAX_CHARS
        marker = PART.match(call.form["Body"])
        assert marker is not None
        assert marker.groups() == (str(index), str(len(sent)))
    text = joined(sent)
    for disclaimer in knowledge.disclaimers.values():
        assert " ".join(disclaimer.compact.split()) in text
    assert "Sources (" in text
    assert "Reply with a number:" in sent[-1].form["Body"]
    payload = stored_payloads(stack, conversation_id("twilio", phone))[-1]
    assert payload["topic"] == "research_evidence"
    # Parts break between sentences: each but the last ends a sentence or a paragraph.
    paragraph_ends = [b[-30:] for b in reply_blocks(payload, compact=True)]
    for call in sent[:-1]:
        body = call.form["Body"].rstrip()
        assert body[-1] in '.!?"' or any(body.endswith(end) for end in paragraph_ends), body


def test_replying_with_a_number_chooses_that_option(
    stack: Stack, platforms: FakePlatforms, channel_secrets: ChannelSecrets, phone: str
) -> None:
    sent = text_in(stack, channel_secrets, platforms, phone, "hello")
    options = dict(re.findall(r"^(\d+)\. (.+)$", sent[-1].form["Body"], flags=re.MULTILINE))
    number = next(n for n, title in options.items() if "regnan" in title)

    text_in(stack, channel_secrets, platforms, phone, number)

    assert stored_payloads(stack, conversation_id("twilio", phone))[-1]["topic"] == "pregnancy"
    user_texts = [
        e["text"]
        for kind, e in stored_events(stack, conversation_id("twilio", phone))
        if kind == "user"
    ]
    assert user_texts[-1] == "/ask_pregnancy", "the digit is replaced by the option's payload"


def test_tell_me_more_is_a_numbered_option_answered_with_its_number(
    stack: Stack,
    platforms: FakePlatforms,
    channel_secrets: ChannelSecrets,
    knowledge: KnowledgeSet,
    phone: str,
) -> None:
    text_in(stack, channel_secrets, platforms, phone, "hi")
    sent = text_in(stack, channel_secrets, platforms, phone, "is walking or cycling good for me?")
    answer = stored_payloads(stack, conversation_id("twilio", phone))[-1]
    assert answer["type"] == "answer"
    options = dict(re.findall(r"^(\d+)\. (.+)$", sent[-1].form["Body"], flags=re.MULTILINE))
    number = next(n for n, title in options.items() if title == "Tell me more")

    more = joined(text_in(stack, channel_secrets, platforms, phone, number))

    payload = stored_payloads(stack, conversation_id("twilio", phone))[-1]
    assert payload["type"] == "more"
    assert payload["more_of"] == answer["entries"]
    assert payload["disclaimers"] == answer["disclaimers"] == ["consult_doctor", "pregnancy"]
    assert " ".join(payload["body"][0].split()) in more
    for disclaimer in knowledge.disclaimers.values():
        assert " ".join(disclaimer.compact.split()) in more
    assert f"Sources ({len(answer['sources'])})" in more


def test_a_number_that_names_no_option_is_read_as_text(
    stack: Stack, platforms: FakePlatforms, channel_secrets: ChannelSecrets, phone: str
) -> None:
    text_in(stack, channel_secrets, platforms, phone, "hello")
    text_in(stack, channel_secrets, platforms, phone, "42")
    user_texts = [
        e["text"]
        for kind, e in stored_events(stack, conversation_id("twilio", phone))
        if kind == "user"
    ]
    assert user_texts[-1] == "42"


def test_whatsapp_replies_come_from_the_whatsapp_sender(
    stack: Stack, platforms: FakePlatforms, channel_secrets: ChannelSecrets, phone: str
) -> None:
    sent = text_in(stack, channel_secrets, platforms, phone, "can i do pilates", whatsapp=True)
    assert sent
    assert {c.form["From"] for c in sent} == {f"whatsapp:{channel_secrets.twilio_number}"}
    assert (
        stored_payloads(stack, conversation_id("twilio", f"whatsapp:{phone}"))[-1]["topic"]
        == "pilates"
    )


def test_a_warning_sign_gets_the_urgent_advice_first_and_whole(
    stack: Stack, platforms: FakePlatforms, channel_secrets: ChannelSecrets, phone: str
) -> None:
    text_in(stack, channel_secrets, platforms, phone, "how often should I exercise")
    sent = text_in(
        stack,
        channel_secrets,
        platforms,
        phone,
        "I can't swallow properly and I'm choking on water after exercising",
    )
    payload = stored_payloads(stack, conversation_id("twilio", phone))[-1]
    assert payload["type"] == "red_flag"
    assert PART.sub("", sent[0].form["Body"]).startswith(payload["body"][0])


@pytest.mark.parametrize("signature", ["none", "forged", "wrong-url"])
def test_an_unsigned_or_forged_request_is_refused_and_changes_nothing(
    stack: Stack,
    platforms: FakePlatforms,
    channel_secrets: ChannelSecrets,
    phone: str,
    signature: str,
) -> None:
    form = twilio_form(channel_secrets, phone, "is exercise safe?")
    if signature == "none":
        response = post_twilio(stack, form, None, channel_secrets.twilio_webhook_url)
    elif signature == "forged":
        response = post_twilio(stack, form, "0" * 32, channel_secrets.twilio_webhook_url)
    else:
        response = post_twilio(
            stack, form, channel_secrets.twilio_auth_token, "https://elsewhere.example/hook"
        )
    assert response.status_code == 403
    assert stored_events(stack, conversation_id("twilio", phone)) == []
    assert messages_to(platforms, phone) == []
