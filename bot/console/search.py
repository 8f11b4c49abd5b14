"""Knowledge search: the assistant's approved answer to a question, for a volunteer's e-mail.

The answer comes from the same guide and composer as the assistant's, so it always carries the
disclaimers and the citations.
"""

from __future__ import annotations

from bot.compose import Reply, reply_blocks
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
    reply = guide.answer(topic, question)
    # An e-mail has no "Tell me more" button: it lists every source.
    return Reply("\n\n".join(reply_blocks(reply.payload, all_sources=True)), reply.payload)
