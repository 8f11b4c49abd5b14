"""Which input channels run: those of credentials.yml whose environment variables are all set.

Rasa refuses to start when credentials.yml names a variable that is not set, so a deployment
without Telegram could not share the file with one that has it. The supervisor writes a copy
with only the channels whose secrets are present (placeholders kept, so no secret is written to
disk) and reports the others, naming the variables each one is missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_VARIABLE = re.compile(r"\$\{([^}]+)\}")


@dataclass(frozen=True)
class ChannelPlan:
    """The channels to enable, and for each channel left out the variables it lacks."""

    enabled: dict[str, Any]
    missing: dict[str, list[str]]


def variables(section: Any) -> list[str]:
    """Every ``${VARIABLE}`` named anywhere in a channel's settings, in order."""
    if isinstance(section, Mapping):
        return [v for value in section.values() for v in variables(value)]
    if isinstance(section, list):
        return [v for value in section for v in variables(value)]
    return _VARIABLE.findall(section) if isinstance(section, str) else []


def plan_channels(template: Path, environ: Mapping[str, str]) -> ChannelPlan:
    """Split the channels of ``template`` by whether their variables are set in ``environ``."""
    channels: dict[str, Any] = yaml.safe_load(template.read_text()) or {}
    enabled: dict[str, Any] = {}
    missing: dict[str, list[str]] = {}
    for name, section in channels.items():
        unset = [v for v in variables(section) if not environ.get(v)]
        if unset:
            missing[name] = unset
        else:
            enabled[name] = section
    return ChannelPlan(enabled, missing)


def write_enabled(plan: ChannelPlan, out: Path) -> Path:
    """Write the enabled channels where Rasa will read them."""
    out.parent.mkdir(parents=True, exist_ok=True)
    header = "# Written by `python -m bot serve`: credentials.yml channels with secrets set.\n"
    out.write_text(header + yaml.safe_dump(plan.enabled, sort_keys=False))
    return out
