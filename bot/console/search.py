"""Knowledge search: the assistant's approved answer to a question, for a volunteer's e-mail.

The answer comes from the same guide and composer as the assistant's, so it always carries the
disclaimers and the citations.
"""

from __future__ import annotations

from bot.compose import Reply
from bot.guide import Guide
from bot.knowledge.index import Query


def search_answer(guide: Guide, question: str, topic: str | None = None) -> Reply | None:
    """Return the answer to ``question`` (in ``topic``, or the best-matching one), if any."""
    if topic is None:
        ranked = guide.index.search(Query(question), limit=1)
        if not ranked:
            return None
        topic = ranked[0].entry.topic
    if topic not in guide.knowledge.topics:
        return None
    return guide.answer(topic, question)
