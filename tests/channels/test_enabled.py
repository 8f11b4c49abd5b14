"""Only channels whose secrets are all set are enabled, and no secret is written to disk."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.channels.enabled import plan_channels, write_enabled
from bot.settings import PROJECT_ROOT

TEMPLATE = PROJECT_ROOT / "credentials.yml"
TELEGRAM = "bot.channels.telegram.SignedTelegramInput"
MESSENGER = "bot.channels.messenger.SignedMessengerInput"
TWILIO = "bot.channels.twilio.SignedTwilioInput"


def test_without_secrets_only_rest_and_socketio_run() -> None:
    plan = plan_channels(TEMPLATE, {})
    assert list(plan.enabled) == [
        "bot.channels.rest.GuardedRestInput",
        "bot.channels.socketio.PayloadSocketIOInput",
    ]
    assert set(plan.missing) == {TELEGRAM, MESSENGER, TWILIO}
    assert plan.missing[TWILIO] == [
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_NUMBER",
        "TWILIO_WEBHOOK_URL",
    ]


def test_a_channel_runs_only_when_every_secret_is_set(tmp_path: Path) -> None:
    environ = {
        "TELEGRAM_TOKEN": "123:abc-secret",
        "TELEGRAM_SECRET_TOKEN": "s3cret-value",
        "TELEGRAM_WEBHOOK_URL": "https://example.org/webhooks/telegram/webhook",
        "MESSENGER_VERIFY_TOKEN": "verify-value",  # the app secret and page token are missing
    }
    plan = plan_channels(TEMPLATE, environ)
    assert TELEGRAM in plan.enabled
    assert MESSENGER not in plan.enabled
    assert plan.missing[MESSENGER] == ["MESSENGER_APP_SECRET", "MESSENGER_PAGE_ACCESS_TOKEN"]

    written = write_enabled(plan, tmp_path / "credentials.yml").read_text()
    assert yaml.safe_load(written)[TELEGRAM]["access_token"] == "${TELEGRAM_TOKEN}"
    for secret in environ.values():
        assert secret not in written
