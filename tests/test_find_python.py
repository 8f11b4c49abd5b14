"""The set-up finds a working Python 3.10, and says clearly what to do when there is none."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from bot.settings import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "tools" / "find-python310"


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT)], capture_output=True, text=True, env=env, check=False)


def test_finds_a_python_that_runs_3_10() -> None:
    result = _run(dict(os.environ))
    assert result.returncode == 0, result.stderr
    version = subprocess.run(
        [result.stdout.strip(), "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == "(3, 10)"


def test_skips_a_refusing_shim_and_uses_pyenv_versions(tmp_path: Path) -> None:
    shim = tmp_path / "bin" / "python3.10"
    shim.parent.mkdir()
    shim.write_text("#!/bin/sh\necho 'pyenv: python3.10: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    real = _run(dict(os.environ)).stdout.strip()
    fake_root = tmp_path / "pyenv"
    (fake_root / "versions" / "3.10.99" / "bin").mkdir(parents=True)
    (fake_root / "versions" / "3.10.99" / "bin" / "python3.10").symlink_to(real)
    env = {
        "PATH": f"{shim.parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYENV_ROOT": str(fake_root),
    }
    result = _run(env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(fake_root / "versions" / "3.10.99" / "bin" / "python3.10")


def test_fails_with_a_clear_message_when_none_works(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "none")}
    result = _run(env)
    assert result.returncode == 1
    assert "no working Python 3.10 found" in result.stderr
    assert "pyenv install 3.10" in result.stderr
