"""The command line loads no model library before it knows which server it starts.

`python -m bot actions` and `python -m bot web` keep TensorFlow out (bot/runtime/lean.py) only
if nothing the command line imports has loaded spaCy first (spaCy's thinc imports TensorFlow).
"""

from __future__ import annotations

import subprocess
import sys

from bot.settings import PROJECT_ROOT


def test_the_actions_do_not_load_language_profiles() -> None:
    # The safety net tells them the language (bot.nlp.language.wording): about 75 MiB spared.
    check = (
        "import importlib, pkgutil, sys, actions\n"
        "for m in pkgutil.walk_packages(actions.__path__, 'actions.'):\n"
        "    importlib.import_module(m.name)\n"
        "print('langdetect' in sys.modules)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", check], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "False"


def test_the_command_line_imports_neither_spacy_nor_tensorflow() -> None:
    heavy = "{'spacy', 'thinc', 'tensorflow', 'rasa'}"
    check = f"import sys, bot.cli; print(sorted({heavy} & set(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", check], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
