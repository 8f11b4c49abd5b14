"""The command line: ``python -m bot kb load``, ``python -m bot pipeline build`` and friends."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy.exc import OperationalError

from bot.db import engine_for
from bot.db_roles import DEFAULT_PREFIX
from bot.knowledge import readability, repository
from bot.knowledge.editorial.export import export
from bot.knowledge.editorial.state import NewerPublished
from bot.knowledge.files import read_knowledge
from bot.knowledge.schema import KnowledgeError
from bot.knowledge.uncovered import read_uncovered
from bot.knowledge.vocabulary import read_vocabulary
from bot.parts import PARTS, SERVER_NAMES
from bot.preflight import unreachable_database
from bot.profile import DEVELOPMENT, PRODUCTION, Profile
from bot.runtime.lean import keep_model_libraries_out
from bot.serve import Stack, serve
from bot.settings import PROJECT_ROOT, Settings, load_settings

VOCABULARY_NLU_FILE = PROJECT_ROOT / "data" / "nlu" / "vocabulary.yml"


def _kb_validate(settings: Settings, _args: argparse.Namespace) -> int:
    knowledge = read_knowledge(settings.knowledge_dir)
    read_vocabulary(settings.knowledge_dir / "vocabulary.yml")
    read_uncovered(settings.knowledge_dir / "uncovered.yml")
    print(f"knowledge OK: {len(knowledge.entries)} entries in {len(knowledge.topics)} topics")
    return 0


def _kb_load(settings: Settings, args: argparse.Namespace) -> int:
    knowledge = read_knowledge(settings.knowledge_dir)
    read_uncovered(settings.knowledge_dir / "uncovered.yml")
    try:
        report = repository.load(engine_for(settings.database_url), knowledge, force=args.force)
    except NewerPublished as error:
        print(f"knowledge not loaded: {error}", file=sys.stderr)
        return 1
    print(
        f"knowledge loaded: {report.added} added, {report.updated} updated, "
        f"{report.removed} removed, {report.unchanged} unchanged"
    )
    return 0


def _kb_export(settings: Settings, _args: argparse.Namespace) -> int:
    written = export(engine_for(settings.database_url), settings.knowledge_dir)
    names = ", ".join(str(p.relative_to(settings.knowledge_dir)) for p in written) or "none"
    print(f"published knowledge exported to {settings.knowledge_dir}; files changed: {names}")
    return 0


def _kb_stats(settings: Settings, _args: argparse.Namespace) -> int:
    knowledge = read_knowledge(settings.knowledge_dir)
    print(f"{'entry':45} {'answer: grade words longest':>28} {'detail: grade words longest':>28}")
    answers, details = [], []
    for entry in knowledge.entries:
        answer = readability.measure(entry.answer)
        answers.append(answer)
        line = f"{entry.id:45} {_figures(answer):>28}"
        if entry.detail:
            detail = readability.measure(entry.detail)
            details.append(detail)
            line += f" {_figures(detail):>28}"
        print(line)
    for name, figures, limit in (
        ("answers", answers, readability.ANSWER_MAX_GRADE),
        ("details", details, readability.DETAIL_MAX_GRADE),
    ):
        worst = max(f.grade for f in figures)
        print(
            f"{name}: {len(figures)}, median grade {readability.median_grade(figures):.1f}, "
            f"worst {worst:.1f} (limit {limit}), most words {max(f.words for f in figures)}, "
            f"longest sentence {max(f.longest_sentence for f in figures)} words"
        )
    print(f"{len(knowledge.entries)} entries in {len(knowledge.topics)} topics")
    subjects = read_uncovered(settings.knowledge_dir / "uncovered.yml")
    print(
        f"{len(subjects)} subjects our sources do not cover (uncovered.yml): "
        + ", ".join(s.id for s in subjects)
    )
    return 0


def _figures(figures: readability.Readability) -> str:
    return f"{figures.grade:5.1f} {figures.words:5d} {figures.longest_sentence:5d}"


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


def _profile(args: argparse.Namespace) -> Profile:
    return PRODUCTION if args.production else DEVELOPMENT


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    return serve(settings, _profile(args), tuple(args.only), args.host)


def _check(settings: Settings, args: argparse.Namespace) -> int:
    profile = _profile(args)
    problems = Stack(settings, profile=profile, parts=tuple(args.only)).problems()
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(
            f"{profile.name} profile ({', '.join(args.only)}): every variable is set and every "
            "service answers"
        )
    return 1 if problems else 0


def _web(settings: Settings, args: argparse.Namespace) -> int:
    keep_model_libraries_out()
    from aiohttp import web

    from bot.web.app import create_app

    web.run_app(create_app(settings), host=args.host, port=args.port, print=None)
    return 0


def _actions(_settings: Settings, args: argparse.Namespace) -> int:
    keep_model_libraries_out()
    from bot.actions_server import run

    run(args.host, args.port)
    return 0


def _db_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.console.migrate import migrate

    applied = migrate(engine_for(settings.database_url))
    for step in applied:
        print(f"applied migration {step.version}: {step.description}")
    print("database schema is up to date")
    return 0


def _db_roles(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from bot.db_roles import RoleError, apply_roles, passwords_from

    if make_url(settings.database_url).get_backend_name() != "postgresql":
        print("database roles need PostgreSQL: set DATABASE_URL to its owner", file=sys.stderr)
        return 1
    try:
        passwords = passwords_from(os.environ)
        with engine_for(settings.database_url).begin() as conn:
            names = apply_roles(conn, passwords, args.prefix)
    except RoleError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"database roles up to date: {', '.join(names)}")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != password:
        raise SystemExit("the passwords differ")
    return password


def _users_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.console.accounts import AccountError, Role, add_account

    password = _read_password(args)
    try:
        with engine_for(settings.database_url).begin() as conn:
            account = add_account(conn, args.email, password, Role(args.role), args.name)
    except AccountError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"added {account.role.value} {account.email}")
    return 0


def _users_list(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.console.accounts import list_accounts

    with engine_for(settings.database_url).connect() as conn:
        for account in list_accounts(conn):
            two_step = "two-step" if account.two_step else "password only"
            print(
                f"{account.email:40} {account.role.value:10} {two_step:14} {account.display_name}"
            )
    return 0


def _users_remove(settings: Settings, args: argparse.Namespace) -> int:
    from bot.console.accounts import remove_account

    with engine_for(settings.database_url).begin() as conn:
        removed = remove_account(conn, args.email)
    print(f"removed {args.email}" if removed else f"no account for {args.email}")
    return 0 if removed else 1


def _mfa_enrol(settings: Settings, args: argparse.Namespace) -> int:
    from bot.console.accounts import AccountError
    from bot.console.two_step import enrol
    from bot.privacy.addresses import MissingKey

    try:
        with engine_for(settings.database_url).begin() as conn:
            enrolment = enrol(conn, args.email)
    except AccountError as error:
        print(error, file=sys.stderr)
        return 1
    except MissingKey:
        print(
            "ADDRESS_KEY is not set: the TOTP secret is stored encrypted with it. Set it to the "
            "value the web app runs with.",
            file=sys.stderr,
        )
        return 1
    print(f"Two-step sign-in is on for {args.email}; its open sessions were ended.")
    print("Add it to an authenticator app now (open the link, or type the key). It is not shown")
    print("again; enrolling again makes a new one.")
    print(enrolment.uri)
    print(f"key: {enrolment.secret}")
    return 0


def _mfa_remove(settings: Settings, args: argparse.Namespace) -> int:
    from bot.console.accounts import AccountError
    from bot.console.two_step import remove

    try:
        with engine_for(settings.database_url).begin() as conn:
            was_on = remove(conn, args.email)
    except AccountError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"two-step sign-in removed for {args.email}"
        if was_on
        else f"{args.email} had no two-step sign-in"
    )
    return 0


def _retention(settings: Settings, args: argparse.Namespace) -> int:
    from bot.retention import delete_conversations, expired_senders

    if args.days < 1:
        print("--days must be at least 1", file=sys.stderr)
        return 2
    cutoff = datetime.now(timezone.utc) - timedelta(days=args.days)
    with engine_for(settings.database_url).begin() as conn:
        deleted = delete_conversations(conn, expired_senders(conn, cutoff))
    print(f"deleted {deleted} conversations with no activity since {cutoff:%Y-%m-%d %H:%M} UTC")
    return 0


def _eval(_settings: Settings, _args: argparse.Namespace) -> int:
    from bot.evaluation.report import main as evaluate

    return evaluate()


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every command."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    groups = parser.add_subparsers(dest="group", required=True)

    kb = groups.add_parser("kb", help="the knowledge base").add_subparsers(
        dest="cmd", required=True
    )
    kb.add_parser("validate", help="check every knowledge file").set_defaults(run=_kb_validate)
    load = kb.add_parser("load", help="load knowledge/ into the database")
    load.add_argument(
        "--force",
        action="store_true",
        help="overwrite content published in the console that was never exported",
    )
    load.set_defaults(run=_kb_load)
    kb.add_parser(
        "export", help="write the published entries back to knowledge/entries/ (to commit)"
    ).set_defaults(run=_kb_export)
    kb.add_parser("stats", help="reading grade of every entry").set_defaults(run=_kb_stats)
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
    production = argparse.ArgumentParser(add_help=False)
    production.add_argument(
        "--production",
        action="store_true",
        help="PostgreSQL and the Redis lock store (endpoints.production.yml), for several servers",
    )
    serve = groups.add_parser(
        "serve", parents=[production], help="start every server (what make run does)"
    )
    serve.add_argument(
        "--only",
        nargs="+",
        choices=SERVER_NAMES,
        default=list(SERVER_NAMES),
        help="start only these servers (one per container in a deployment)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="interface (0.0.0.0 in a container)")
    serve.set_defaults(run=_serve)
    check = groups.add_parser(
        "check",
        parents=[production],
        help="check that the variables are set and the database (and Redis) answer, then exit",
    )
    check.add_argument(
        "--only",
        nargs="+",
        choices=PARTS,
        default=list(SERVER_NAMES),
        help="check only what these parts need (setup: the set-up job)",
    )
    check.set_defaults(run=_check)
    db = groups.add_parser("db", help="the database").add_subparsers(dest="cmd", required=True)
    db.add_parser(
        "migrate", help="create or upgrade the console's tables (safe to repeat)"
    ).set_defaults(run=_db_migrate)
    roles = db.add_parser(
        "roles",
        help="create or update each part's least-privilege login role (PostgreSQL; safe to repeat)",
        description="Passwords from DB_RASA_PASSWORD, DB_WEB_PASSWORD and DB_ACTIONS_PASSWORD; "
        "run as the tables' owner after `kb load` and `db migrate`.",
    )
    roles.add_argument(
        "--prefix", default=DEFAULT_PREFIX, help="role names are <prefix>_rasa, _web and _actions"
    )
    roles.set_defaults(run=_db_roles)

    users = groups.add_parser("users", help="volunteer console accounts").add_subparsers(
        dest="cmd", required=True
    )
    add = users.add_parser("add", help="add an account (asks for the password)")
    add.add_argument("email")
    add.add_argument(
        "--role", choices=["volunteer", "editor", "reviewer", "admin"], default="volunteer"
    )
    add.add_argument("--name", default="", help="name shown to users in a handoff")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(run=_users_add)
    users.add_parser("list", help="list the accounts").set_defaults(run=_users_list)
    remove = users.add_parser("remove", help="remove an account and its sessions")
    remove.add_argument("email")
    remove.set_defaults(run=_users_remove)
    mfa = users.add_parser(
        "mfa", help="two-step sign-in (TOTP codes from an authenticator app)"
    ).add_subparsers(dest="mfa_cmd", required=True)
    enrol = mfa.add_parser("enrol", help="turn it on; prints the key once (needs ADDRESS_KEY)")
    enrol.add_argument("email")
    enrol.set_defaults(run=_mfa_enrol)
    unenrol = mfa.add_parser("remove", help="turn it off (a lost phone: remove, then enrol)")
    unenrol.add_argument("email")
    unenrol.set_defaults(run=_mfa_remove)

    retention = groups.add_parser(
        "retention", help="delete conversations older than --days, console data included"
    )
    retention.add_argument("--days", type=int, required=True)
    retention.set_defaults(run=_retention)

    groups.add_parser("eval", help="NLU figures on the held-out set").set_defaults(run=_eval)
    web_app = groups.add_parser("web", help="the web app: widget, demo page, history, health")
    web_app.add_argument("--host", default="127.0.0.1")
    web_app.add_argument("--port", type=int, default=8080)
    web_app.set_defaults(run=_web)

    actions = groups.add_parser("actions", help="the action server, behind ACTION_SERVER_TOKEN")
    actions.add_argument("--host", default="127.0.0.1")
    actions.add_argument("--port", type=int, default=5055)
    actions.set_defaults(run=_actions)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = build_parser().parse_args(argv)
    settings = load_settings()
    try:
        status: int = args.run(settings, args)
    except KnowledgeError as error:
        print(f"knowledge is invalid:\n{error}", file=sys.stderr)
        return 1
    except OperationalError as error:
        print(unreachable_database(settings.database_url, error), file=sys.stderr)
        return 1
    return status
