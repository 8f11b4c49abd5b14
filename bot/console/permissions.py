"""Who may use which console route: one table, read by the guard for every request.

Every console route has exactly one rule here, keyed by the route as the router registered it
(method and path pattern, so no spelling of a URL can dodge its rule). A route without a rule is
refused (deny by default), and tests/console/test_permissions.py fails until the route gets one.
"""

from __future__ import annotations

from enum import Enum

from bot.console.accounts import Role


class Capability(str, Enum):
    """A kind of work in the console, granted to roles below."""

    # Reading conversations and answering people: personal health information.
    TRIAGE = "triage"
    # Reading the published knowledge base, its history and the due-for-review list.
    READ_CONTENT = "read_content"
    # Writing drafts of new or changed entries.
    DRAFT = "draft"
    # Approving, sending back and rolling back content: a clinical decision.
    REVIEW = "review"
    ACCOUNTS = "accounts"


# Editors and reviewers do not read conversations: they need the content, not people's messages.
ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.VOLUNTEER: frozenset({Capability.TRIAGE, Capability.READ_CONTENT}),
    Role.EDITOR: frozenset({Capability.READ_CONTENT, Capability.DRAFT}),
    Role.REVIEWER: frozenset({Capability.READ_CONTENT, Capability.REVIEW}),
    Role.ADMIN: frozenset(Capability),
}

# The rule of each route: the capabilities that open it (any one will do); SIGNED_IN (none) lets
# every signed-in account in.
SIGNED_IN: frozenset[Capability] = frozenset()
TRIAGE = frozenset({Capability.TRIAGE})
READ_CONTENT = frozenset({Capability.READ_CONTENT})
DRAFT = frozenset({Capability.DRAFT})
REVIEW = frozenset({Capability.REVIEW})
ACCOUNTS = frozenset({Capability.ACCOUNTS})
CONVERSATION = "/console/conversations/{sender_id}"
DRAFT_PAGE = "/console/content/drafts/{draft_id}"
ENTRY_PAGE = "/console/content/entries/{entry_id}"
RULES: dict[tuple[str, str], frozenset[Capability]] = {
    ("GET", "/console"): SIGNED_IN,
    ("POST", "/console/signout"): SIGNED_IN,
    ("GET", "/console/"): TRIAGE,
    ("GET", CONVERSATION): TRIAGE,
    ("POST", CONVERSATION + "/claim"): TRIAGE,
    ("POST", CONVERSATION + "/handled"): TRIAGE,
    ("POST", CONVERSATION + "/notes"): TRIAGE,
    ("POST", CONVERSATION + "/take-over"): TRIAGE,
    ("POST", CONVERSATION + "/reply"): TRIAGE,
    ("POST", CONVERSATION + "/hand-back"): TRIAGE,
    ("GET", "/console/report"): TRIAGE,
    ("POST", "/console/export"): TRIAGE,
    ("GET", "/console/search"): TRIAGE,
    ("GET", "/console/api/queue"): TRIAGE,
    ("GET", "/console/api/conversations/{sender_id}"): TRIAGE,
    ("GET", "/console/admin/accounts"): ACCOUNTS,
    ("POST", "/console/admin/accounts"): ACCOUNTS,
    ("POST", "/console/admin/accounts/remove"): ACCOUNTS,
    ("GET", "/console/content/"): READ_CONTENT,
    ("GET", "/console/content/due"): READ_CONTENT,
    ("GET", ENTRY_PAGE): READ_CONTENT,
    ("POST", ENTRY_PAGE + "/rollback"): REVIEW,
    ("GET", ENTRY_PAGE + "/edit"): DRAFT,
    ("POST", ENTRY_PAGE + "/edit"): DRAFT,
    ("GET", "/console/content/new"): DRAFT,
    ("POST", "/console/content/new"): DRAFT,
    ("POST", "/console/content/check"): DRAFT,
    ("GET", "/console/content/drafts"): DRAFT,
    ("GET", "/console/content/review"): REVIEW,
    ("GET", DRAFT_PAGE): DRAFT | REVIEW,
    ("POST", DRAFT_PAGE + "/save"): DRAFT,
    ("POST", DRAFT_PAGE + "/submit"): DRAFT,
    ("POST", DRAFT_PAGE + "/approve"): REVIEW,
    ("POST", DRAFT_PAGE + "/send-back"): REVIEW,
}


def capabilities(role: Role) -> frozenset[Capability]:
    """What ``role`` may do."""
    return ROLE_CAPABILITIES[role]


def may(role: Role, method: str, route: str) -> bool:
    """Whether ``role`` may call ``route`` (the router's path pattern); no rule means no."""
    rule = RULES.get(("GET" if method == "HEAD" else method, route))
    if rule is None:
        return False
    return not rule or bool(rule & capabilities(role))


def home(role: Role) -> str:
    """The first page after sign-in: the queue for triage, the content list for the others."""
    return "/console/" if Capability.TRIAGE in capabilities(role) else "/console/content/"
