"""Every reply of every kind carries the payload contract, small talk and declines included.

The pairs come from the rules themselves, so a new rule is covered without editing this test.
"""

from __future__ import annotations

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor

from bot.compose import ReplyType
from bot.settings import PROJECT_ROOT
from tests.actions.conftest import action_call

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
RULE_PAIRS = sorted(
    {
        (steps[0]["intent"], steps[1]["action"])
        for path in sorted((PROJECT_ROOT / "data" / "rules").glob("*.yml"))
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]
        for steps in [rule["steps"]]
        if "intent" in steps[0] and "action" in steps[1]
    }
)
KINDS = {kind.value for kind in ReplyType}


def test_the_domain_has_no_static_response_without_a_payload() -> None:
    for name, variants in (DOMAIN.get("responses") or {}).items():
        assert all("custom" in v for v in variants), f"{name} has no payload"


def test_every_domain_action_is_reached_by_a_rule_or_the_session() -> None:
    ruled = {action for _intent, action in RULE_PAIRS}
    assert set(DOMAIN["actions"]) - ruled <= {"action_session_start"}


@pytest.mark.parametrize(("intent", "action"), RULE_PAIRS)
async def test_every_rule_reply_carries_the_payload(
    executor: ActionExecutor, intent: str, action: str
) -> None:
    response = await executor.run(action_call(action, intent, "a message"))

    assert response is not None
    assert response["responses"], f"{action} said nothing to {intent}"
    for message in response["responses"]:
        payload = message["custom"]
        assert payload["type"] in KINDS
        # A crisis reply is about staying safe, not exercise: the crisis help alone (issue 14).
        expected = [] if payload["type"] == "crisis" else ["consult_doctor", "pregnancy"]
        assert payload["disclaimers"] == expected
        # Which wording the user saw (issue 17): every entry used, at its published version.
        assert list(payload["entry_versions"]) == payload["entries"]
        assert all(isinstance(v, int) and v >= 1 for v in payload["entry_versions"].values())
        assert isinstance(payload["kb_version"], int)
        assert message["text"]
