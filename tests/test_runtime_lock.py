"""The production image installs the runtime lock: what the servers import, no dev or test tool."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import sys
from collections import defaultdict
from pathlib import Path

from packaging.utils import canonicalize_name

from bot.settings import PROJECT_ROOT
from tools.runtime_lock import FULL_LOCK, RUNTIME_LOCK, pins, runtime_lock

DEV_TOOLS = {
    "pytest",
    "pytest-asyncio",
    "pytest-timeout",
    "playwright",
    "hypothesis",
    "mypy",
    "ruff",
    "py-spy",
    "types-pyyaml",
}
# Needed at run time whether or not any module names them (drivers, plug-ins, what Rasa loads).
RUNTIME = {
    "rasa",
    "rasa-sdk",
    "spacy",
    "sqlalchemy",
    "aiohttp",
    "psycopg2-binary",
    "redis",
    "argon2-cffi",
    "jinja2",
    "cryptography",
    "python-socketio",
    "sanic",
}
# Only `python -m bot eval` (a development command) runs this package.
DEVELOPMENT_ONLY = PROJECT_ROOT / "bot" / "evaluation"


def test_the_runtime_lock_is_up_to_date() -> None:
    assert RUNTIME_LOCK.read_text() == runtime_lock(), "run `make lock`"


def test_the_runtime_lock_pins_a_subset_at_the_same_versions() -> None:
    full, runtime = pins(FULL_LOCK), pins(RUNTIME_LOCK)
    assert runtime
    for name, line in runtime.items():
        assert full.get(name) == line, line
    assert len(runtime) < len(full)


def test_the_runtime_lock_holds_no_development_or_test_tool() -> None:
    runtime = set(pins(RUNTIME_LOCK))
    assert not DEV_TOOLS & runtime
    assert not RUNTIME - runtime


def _imported_top_modules(folder: Path) -> set[str]:
    modules: set[str] = set()
    for path in folder.rglob("*.py"):
        if DEVELOPMENT_ONLY in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules


@functools.cache
def _top_level_modules() -> dict[str, set[str]]:
    """Which distributions install each top-level module.

    ``packages_distributions`` of Python 3.10 reads only top_level.txt, which newer wheels lack;
    their modules are found from their file lists.
    """
    found: dict[str, set[str]] = defaultdict(set)
    for module, names in importlib.metadata.packages_distributions().items():
        found[module].update(canonicalize_name(name) for name in names)
    for dist in importlib.metadata.distributions():
        if dist.read_text("top_level.txt") is not None:
            continue
        name = canonicalize_name(dist.metadata["Name"])
        for file in dist.files or []:
            top = file.parts[0]
            if len(file.parts) == 1 and top.endswith(".py"):
                found[top.removesuffix(".py")].add(name)
            elif len(file.parts) > 1 and not top.endswith((".dist-info", ".data")):
                found[top].add(name)
    return found


def test_every_package_the_servers_import_is_in_the_runtime_lock() -> None:
    imported = _imported_top_modules(PROJECT_ROOT / "bot") | _imported_top_modules(
        PROJECT_ROOT / "actions"
    )
    local = {"bot", "actions"}
    third_party = imported - set(sys.stdlib_module_names) - local - {"__future__"}
    runtime = set(pins(RUNTIME_LOCK))
    for module in sorted(third_party):
        providers = _top_level_modules().get(module, set())
        assert providers, module
        assert providers & runtime, (module, providers)


def test_the_image_installs_the_runtime_lock_only() -> None:
    dockerfile = (PROJECT_ROOT / "docs" / "deploy" / "Dockerfile").read_text()
    assert "--no-deps -r requirements-runtime.lock" in dockerfile
    assert "pip check" in dockerfile
    instructions = [line for line in dockerfile.splitlines() if not line.startswith("#")]
    assert not any(" requirements.lock" in line for line in instructions)
