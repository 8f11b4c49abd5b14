"""Volunteer hours: open or not at a moment, and the next opening in words."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.volunteer_hours import VolunteerHours

SYDNEY = ZoneInfo("Australia/Sydney")
HOURS = VolunteerHours.parse("mon-fri 09:00-17:00; sat 10:00-13:00", "Australia/Sydney")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in the week of Monday 2026-11-23, Sydney time."""
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=SYDNEY)


@pytest.mark.parametrize(
    ("moment", "open_now"),
    [
        (at(0, 9), True),
        (at(0, 8, 59), False),
        (at(4, 16, 59), True),
        (at(4, 17), False),
        (at(5, 11), True),
        (at(6, 11), False),
    ],
)
def test_open_or_not(moment: datetime, open_now: bool) -> None:
    assert HOURS.is_open(moment) is open_now
    assert HOURS.is_open(moment.astimezone(timezone.utc)) is open_now


def test_next_opening_in_words() -> None:
    assert HOURS.describe_opening(at(0, 7)) == "today at 9:00 (Australia/Sydney time)"
    assert HOURS.describe_opening(at(0, 18)) == "tomorrow at 9:00 (Australia/Sydney time)"
    assert HOURS.describe_opening(at(5, 14)) == "Monday at 9:00 (Australia/Sydney time)"
    assert HOURS.next_opening(at(4, 18)) == at(5, 10)


def test_described_as_a_person_would() -> None:
    assert HOURS.describe() == (
        "Monday to Friday, 9:00 to 17:00; Saturday, 10:00 to 13:00 (Australia/Sydney time)"
    )


@pytest.mark.parametrize("spec", ["weekdays 9-5", "mon-fri 17:00-09:00", "xyz 09:00-10:00"])
def test_unreadable_hours_are_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="volunteer hours"):
        VolunteerHours.parse(spec, "Australia/Sydney")
