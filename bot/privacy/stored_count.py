"""How many of a tracker's events are already stored, known without asking the database.

Rasa's SQL tracker store counts, at every save, the stored events of the conversation's latest
session (a query with a subquery on the session start) to know which of the tracker's events are
new: about 8% of the Rasa server's time under load (benchmarks/README.md). A tracker the store
has just read holds exactly those rows, and Rasa holds the conversation's lock (shared between
servers) from reading it until saving it, so nobody else can store events of it meanwhile. The
count is then kept here for that tracker object and worked out after each save the way the
query counts: the events at or after the latest session start's timestamp, all if none.

A tracker not read by the store (a new one, a copy, one built from an API call) has no count
here, and the store asks the database as Rasa does.
"""

from __future__ import annotations

import weakref

from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

# id(tracker) -> (a weak reference to it, its stored count); trackers cannot be dictionary keys
# (they compare by value and are unhashable), and an entry goes when its tracker does.
_counts: dict[int, tuple[weakref.ReferenceType[DialogueStateTracker], int]] = {}


def remember(tracker: DialogueStateTracker, count: int) -> None:
    """Note that the store holds ``count`` of the tracker's events, its latest session's."""
    if tracker.events.maxlen is not None:  # a bounded history may have dropped stored events
        forget(tracker)
        return
    key = id(tracker)
    reference = weakref.ref(tracker, lambda _gone: _counts.pop(key, None))
    _counts[key] = (reference, count)


def stored(tracker: DialogueStateTracker) -> int | None:
    """How many of the tracker's events are stored, or None when not known here."""
    entry = _counts.get(id(tracker))
    if entry is None or entry[0]() is not tracker:
        return None
    return entry[1]


def forget(tracker: DialogueStateTracker) -> None:
    """Drop the tracker's count (its conversation was deleted, or a save failed)."""
    entry = _counts.get(id(tracker))
    if entry is not None and entry[0]() is tracker:
        del _counts[id(tracker)]


def session_events(tracker: DialogueStateTracker) -> int:
    """The events the store's query would count: from the latest session start's timestamp on.

    The query compares timestamps, not positions (events of one session are stored in order, but
    an event may carry an older timestamp), so this does too.
    """
    starts = [e.timestamp for e in tracker.events if isinstance(e, SessionStarted)]
    if not starts:
        return len(tracker.events)
    latest = max(starts)
    return sum(1 for e in tracker.events if e.timestamp >= latest)
