"""The external intents that hand a conversation to a volunteer and back (Rasa's trigger_intent).

The assistant's rules and actions react to these names; the console sends them and recognises
them in a transcript.
"""

from __future__ import annotations

HANDOFF_START = "EXTERNAL_handoff_start"
VOLUNTEER_REPLY = "EXTERNAL_volunteer_reply"
HANDOFF_END = "EXTERNAL_handoff_end"
HANDOFF_INTENTS = frozenset({HANDOFF_START, VOLUNTEER_REPLY, HANDOFF_END})
