"""When the charity's volunteers are on hand, so a request for a person gets an honest answer.

Hours are configured as text, e.g. ``"mon-fri 09:00-17:00; sat 10:00-13:00"``, in the
volunteers' own time zone (VOLUNTEER_HOURS and VOLUNTEER_TIMEZONE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WINDOW = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+(?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})$"
)


@dataclass(frozen=True)
class Window:
    """One day's opening, from ``start`` to ``end`` on weekday ``day`` (0 is Monday)."""

    day: int
    start: time
    end: time


@dataclass(frozen=True)
class VolunteerHours:
    """The weekly hours volunteers answer, and where in the world those hours are."""

    spec: str
    zone: ZoneInfo
    windows: tuple[Window, ...]

    @classmethod
    def parse(cls, spec: str, zone: str) -> VolunteerHours:
        """Read hours such as ``"mon-fri 09:00-17:00; sat 10:00-13:00"``.

        Raises:
            ValueError: the text is not in that form, or a window ends before it starts.
        """
        windows: list[Window] = []
        for part in (p.strip().lower() for p in spec.split(";") if p.strip()):
            match = _WINDOW.match(part)
            if match is None or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
                raise ValueError(
                    f"volunteer hours: cannot read '{part}' (e.g. 'mon-fri 09:00-17:00')"
                )
            first = DAYS.index(match["first"])
            last = DAYS.index(match["last"]) if match["last"] else first
            start, end = (
                time.fromisoformat(match["start"].zfill(5)),
                time.fromisoformat(match["end"].zfill(5)),
            )
            if end <= start:
                raise ValueError(f"volunteer hours: '{part}' ends before it starts")
            windows.extend(Window(day, start, end) for day in range(first, last + 1))
        return cls(spec, ZoneInfo(zone), tuple(windows))

    def is_open(self, now: datetime) -> bool:
        """Whether a volunteer is on hand at ``now`` (an aware datetime)."""
        local = now.astimezone(self.zone)
        return any(
            w.day == local.weekday() and w.start <= local.time() < w.end for w in self.windows
        )

    def next_opening(self, now: datetime) -> datetime | None:
        """The next time volunteers come on, in their time zone (None: no hours at all)."""
        local = now.astimezone(self.zone)
        starts = [
            datetime.combine(local.date() + timedelta(days=ahead), w.start, self.zone)
            for ahead in range(8)
            for w in self.windows
            if (local.weekday() + ahead) % 7 == w.day
        ]
        upcoming = [s for s in starts if s > local]
        return min(upcoming) if upcoming else None

    def describe(self) -> str:
        """The hours as a person would say them: "Monday to Friday, 9:00 to 17:00"."""
        groups: list[list[Window]] = []
        for window in sorted(self.windows, key=lambda w: (w.day, w.start)):
            last = groups[-1][-1] if groups else None
            if last and (last.day + 1, last.start, last.end) == (
                window.day,
                window.start,
                window.end,
            ):
                groups[-1].append(window)
            else:
                groups.append([window])
        parts = []
        for group in groups:
            days = DAY_NAMES[group[0].day]
            if len(group) > 1:
                days += f" to {DAY_NAMES[group[-1].day]}"
            parts.append(f"{days}, {_clock(group[0].start)} to {_clock(group[0].end)}")
        return "; ".join(parts) + f" ({self.zone.key} time)"

    def describe_opening(self, now: datetime) -> str:
        """The next opening as a person would say it: "Monday at 9:00 (Australia/Sydney time)"."""
        opening = self.next_opening(now)
        if opening is None:
            return "their next shift"
        local = now.astimezone(self.zone)
        day = "today" if opening.date() == local.date() else DAY_NAMES[opening.weekday()]
        if opening.date() == local.date() + timedelta(days=1):
            day = "tomorrow"
        return f"{day} at {_clock(opening.time())} ({self.zone.key} time)"


def _clock(moment: time) -> str:
    return f"{moment.hour}:{moment.minute:02d}"
