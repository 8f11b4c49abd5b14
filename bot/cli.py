"""The command line: ``python -m bot kb load``, ``python -m bot pipeline build`` and friends."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.db import engine_for
from bot.knowledge import repository
from bot.knowledge.files import read_knowledge
from bot.knowledge.schema import KnowledgeError
from bot.knowledge.vocabulary import read_vocabulary
from bot.settings import PROJECT_ROOT, Settings, load_settings

VOCABULARY_NLU_FILE = PROJECT_ROOT / "data" / "nlu" / "vocabulary.yml"


def _kb_validate(settings: Settings, _args: argparse.Namespace) -> int:
    knowledge = read_knowledge(settings.knowledge_dir)
    read_vocabulary(settings.knowledge_dir / "vocabulary.yml")
    print(f"knowledge OK: {len(knowledge.entries)} entries in {len(knowledge.topics)} topics")
    return 0


def _kb_load(settings: Settings, _args: argparse.Namespace) -> int:
    knowledge = read_knowledge(settings.knowledge_dir)
    report = repository.load(engine_for(settings.database_url), knowledge)
    print(
        f"knowledge loaded: {report.added} added, {report.updated} updated, "
        f"{report.removed} removed, {report.unchanged} unchanged"
    )
    return 0


def _kb_stats(settings: Settings, _args: argparse.Namespace) -> int:
    knowledge = repository.read(engine_for(settings.database_url))
    for topic in knowledge.topics:
        print(f"{topic:22} {len(knowledge.entries_of(topic))}")
    print(f"{'total':22} {len(knowledge.entries)}")
    return 0


def _kb_ask(settings: Settings, args: argparse.Namespace) -> int:
    from bot.guide import Guide

    reply = Guide.from_settings(settings).answer(args.topic, args.text, args.subtype)
    print(reply.text)
    return 0


def _pipeline_build(settings: Settings, args: argparse.Namespace) -> int:
    from bot.nlp.pipeline_builder import write_pipeline

    vocabulary = read_vocabulary(settings.knowledge_dir / "vocabulary.yml")
    out = write_pipeline(vocabulary, Path(args.out) if args.out else settings.spacy_pipeline)
    print(f"spaCy pipeline written to {out}")
    return 0


def vocabulary_document(settings: Settings) -> str:
    """Return the NLU file generated from the vocabulary: synonyms and lookup tables.

    Synonyms let the synonym mapper turn what people type into canonical values; lookup tables
    give the classifier a feature for "this message names an exercise type / subtype / ...".
    """
    vocabulary = read_vocabulary(settings.knowledge_dir / "vocabulary.yml")
    lines = [
        "# Generated from knowledge/vocabulary.yml by `python -m bot nlu vocabulary`. Do not edit.",
        'version: "3.1"',
        "nlu:",
    ]
    for term in vocabulary:
        examples = sorted({p for p in term.phrases if p.lower() != term.value.lower()})
        if examples:
            lines += [f"  - synonym: {term.value}", "    examples: |"]
            lines += [f"      - {phrase}" for phrase in examples]
    for label, by_value in vocabulary.terms.items():
        phrases = sorted({p for term in by_value.values() for p in term.phrases})
        lines += [f"  - lookup: {label}", "    examples: |"]
        lines += [f"      - {phrase}" for phrase in phrases]
    return "\n".join(lines) + "\n"


def _nlu_vocabulary(settings: Settings, _args: argparse.Namespace) -> int:
    VOCABULARY_NLU_FILE.write_text(vocabulary_document(settings), encoding="utf-8")
    print(f"wrote {VOCABULARY_NLU_FILE.relative_to(PROJECT_ROOT)}")
    return 0


def _serve(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.serve import serve

    return serve(settings)


def _web(settings: Settings, args: argparse.Namespace) -> int:
    from aiohttp import web

    from bot.web.app import create_app

    web.run_app(create_app(settings), host=args.host, port=args.port, print=None)
    return 0


def _eval(_settings: Settings, _args: argparse.Namespace) -> int:
    from bot.evaluation import main as evaluate

    return evaluate()


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every command."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    groups = parser.add_subparsers(dest="group", required=True)

    kb = groups.add_parser("kb", help="the knowledge base").add_subparsers(
        dest="cmd", required=True
    )
    kb.add_parser("validate", help="check every knowledge file").set_defaults(run=_kb_validate)
    kb.add_parser("load", help="load knowledge/ into the database").set_defaults(run=_kb_load)
    kb.add_parser("stats", help="entries per topic in the database").set_defaults(run=_kb_stats)
    ask = kb.add_parser("ask", help="answer a question from the knowledge base")
    ask.add_argument("topic")
    ask.add_argument("text", nargs="?", default="")
    ask.add_argument("--subtype", choices=["PM", "DM", "IBM", "JDM", "IMNM"])
    ask.set_defaults(run=_kb_ask)

    pipeline = groups.add_parser("pipeline", help="the spaCy pipeline").add_subparsers(
        dest="cmd", required=True
    )
    build = pipeline.add_parser("build", help="build the spaCy pipeline")
    build.add_argument("--out", help="folder to write (default: SPACY_PIPELINE)")
    build.set_defaults(run=_pipeline_build)

    nlu = groups.add_parser("nlu", help="NLU data").add_subparsers(dest="cmd", required=True)
    nlu.add_parser(
        "vocabulary", help="write data/nlu/vocabulary.yml (synonyms and lookup tables)"
    ).set_defaults(run=_nlu_vocabulary)
    groups.add_parser("serve", help="start every server (what make run does)").set_defaults(
        run=_serve
    )
    groups.add_parser("eval", help="NLU figures on the held-out set").set_defaults(run=_eval)
    web_app = groups.add_parser("web", help="the web app: widget, demo page, history, health")
    web_app.add_argument("--host", default="127.0.0.1")
    web_app.add_argument("--port", type=int, default=8080)
    web_app.set_defaults(run=_web)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(load_settings(), args)
    except KnowledgeError as error:
        print(f"knowledge is invalid:\n{error}", file=sys.stderr)
        return 1
    return status
