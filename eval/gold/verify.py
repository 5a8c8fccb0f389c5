"""Check PolicyQA gold-set files (JSON Lines) against the seed documents.

Usage:
    python eval/gold/verify.py [FILE.jsonl ...] [--seeds DIR] [--sample PATH | --no-sample]

With no FILE arguments, ``dev.jsonl`` and ``heldout.jsonl`` next to this script are checked.
The public sample (``--sample``, default ``sample.jsonl`` beside this script, a copy of shared/eval/sample.jsonl) is
checked together with them, so ids and gold strings shared between the sets are reported.

Documents are matched by the 3-digit prefix of their file name (``000`` … ``004``): an item's
``doc`` entry ``003_84858ac6832b8e53.txt`` refers to whatever file in the seeds directory starts
with ``003``. A directory whose files carry other names (e.g. the project's ``corpus/``) works if
it holds a ``documents.toml`` whose ``[[document]]`` tables give ``file`` and ``seed_file``.

Standard library only. Exit status 0 when no problems are found, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

FIELDS = ["id", "question", "lang", "type", "doc", "gold", "answer", "note"]
TYPES = {
    "lead_department",
    "fact",
    "numeric_target",
    "paraphrase",
    "cross_lingual",
    "clause_lookup",
    "cross_document",
    "unanswerable",
}
LANGS = {"zh", "en"}
GOLD_MIN, GOLD_MAX = 12, 40
HERE = Path(__file__).resolve().parent
DEFAULT_SEEDS = HERE.parent.parent / "corpus"  # the seed texts, mapped through documents.toml
DEFAULT_SAMPLE = HERE / "sample.jsonl"  # the repository's copy of shared/eval/sample.jsonl

_WS = re.compile(r"\s+")
_PREFIX = re.compile(r"^(\d{3})")
_ID = re.compile(r"^[a-z]+\d*-\d{3,}$")
_CJK = re.compile(r"[\u3400-\u9fff]")


def strip_ws(text: str) -> str:
    """Remove all whitespace, as the judging rules do before comparing strings."""
    return _WS.sub("", text)


def doc_key(name: str) -> str | None:
    """The 3-digit document prefix of a file name ('003_84858ac6832b8e53.txt' -> '003')."""
    m = _PREFIX.match(Path(name).name)
    return m.group(1) if m else None


def load_corpus(seeds_dir: Path | str) -> dict[str, str]:
    """Read the seed texts of a directory, keyed by their 3-digit prefix."""
    seeds_dir = Path(seeds_dir)
    mapping: dict[str, str] = {}
    toml_path = seeds_dir / "documents.toml"
    if toml_path.is_file():
        with toml_path.open("rb") as fh:
            for entry in tomllib.load(fh).get("document", []):
                key = doc_key(str(entry.get("seed_file", "")))
                if key and entry.get("file"):
                    mapping[str(entry["file"])] = key
    texts: dict[str, str] = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        key = doc_key(path.name) or mapping.get(path.name)
        if key is None:
            continue
        if key in texts:
            raise ValueError(f"{seeds_dir}: more than one file for document {key}")
        texts[key] = path.read_text(encoding="utf-8")
    if not texts:
        raise ValueError(
            f"{seeds_dir}: no seed texts (files named 000_… or mapped by documents.toml)"
        )
    return texts


def load_jsonl(path: Path | str) -> tuple[list[dict], list[str]]:
    """Parse a JSON Lines file; return (items, problems found while parsing)."""
    items: list[dict] = []
    problems: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                problems.append(f"{path}:{lineno}: blank line")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{path}:{lineno}: invalid JSON ({exc})")
                continue
            if not isinstance(obj, dict):
                problems.append(f"{path}:{lineno}: not a JSON object")
                continue
            items.append(obj)
    return items, problems


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _id_set(item_id: str) -> str:
    """The set an id belongs to, from its prefix: 'd-001' -> 'd', 's-040' -> 's'."""
    return item_id.split("-", 1)[0]


def verify(items: list[dict], corpus_texts: dict[str, str]) -> list[str]:
    """Return a list of problems in ``items`` (empty when everything checks out).

    ``corpus_texts`` maps documents to their raw text; keys are 3-digit prefixes or file names
    that start with one. ``items`` may combine several files (dev, heldout, sample): ids must be
    unique across all of them, and a gold string may not appear in items of two different sets
    (sets are told apart by the id prefix, ``d-``/``h-``/``s-``).
    """
    texts: dict[str, str] = {}
    for name, text in corpus_texts.items():
        key = doc_key(name)
        if key is None:
            raise ValueError(f"corpus key {name!r} does not start with a 3-digit prefix")
        texts[key] = strip_ws(text)
    whole = "".join(texts[k] for k in sorted(texts))

    problems: list[str] = []
    seen_ids: dict[str, int] = {}
    gold_sets: dict[str, set[str]] = defaultdict(set)
    gold_ids: dict[str, list[str]] = defaultdict(list)

    for n, item in enumerate(items, 1):
        item_id = item.get("id") if isinstance(item.get("id"), str) else None
        where = item_id or f"item #{n}"

        def bad(msg: str, where: str = where) -> None:
            problems.append(f"{where}: {msg}")

        keys = list(item.keys())
        if keys != FIELDS:
            bad(f"fields must be exactly {FIELDS} in this order, got {keys}")
        if item_id is None or not _ID.match(item_id):
            bad(f"bad id {item.get('id')!r} (expected e.g. 'd-001')")
        elif item_id in seen_ids:
            bad(f"duplicate id (also item #{seen_ids[item_id]})")
        else:
            seen_ids[item_id] = n

        question = item.get("question")
        lang = item.get("lang")
        typ = item.get("type")
        docs = item.get("doc")
        gold = item.get("gold")
        answer = item.get("answer")
        note = item.get("note")

        if not isinstance(question, str) or not question.strip():
            bad("question must be a non-empty string")
            question = ""
        if lang not in LANGS:
            bad(f"lang must be one of {sorted(LANGS)}, got {lang!r}")
        elif lang == "zh" and question and not _CJK.search(question):
            bad("lang is 'zh' but the question has no Chinese characters")
        elif lang == "en" and _CJK.search(question):
            bad("lang is 'en' but the question contains Chinese characters")
        if typ not in TYPES:
            bad(f"type must be one of {sorted(TYPES)}, got {typ!r}")
        if typ == "cross_lingual" and lang != "en":
            bad("cross_lingual items must have an English question (lang 'en')")
        if not isinstance(note, str) or not note.strip():
            bad("note must be a non-empty string")
        if not (_is_str_list(docs) and _is_str_list(gold) and _is_str_list(answer)):
            bad("doc, gold and answer must be lists of strings")
            continue

        if typ == "unanswerable":
            if docs or gold or answer:
                bad("unanswerable items must have empty doc, gold and answer")
            continue

        if not docs:
            bad("doc is empty")
        if not 1 <= len(gold) <= 3:
            bad(f"gold must hold 1-3 strings, has {len(gold)}")
        if not answer:
            bad("answer is empty")

        doc_keys: list[str] = []
        for d in docs:
            key = doc_key(d)
            if key is None or key not in texts:
                bad(f"unknown document {d!r}")
            elif key in doc_keys:
                bad(f"document {d!r} listed twice")
            else:
                doc_keys.append(key)

        for g in gold:
            if g != g.strip() or _WS.search(g):
                bad(f"gold contains whitespace: {g!r}")
            sg = strip_ws(g)
            if not GOLD_MIN <= len(sg) <= GOLD_MAX:
                bad(f"gold length {len(sg)} not in {GOLD_MIN}-{GOLD_MAX}: {g!r}")
            count = whole.count(sg)
            if count != 1:
                bad(f"gold occurs {count} times in the corpus (must be exactly once): {g!r}")
            if doc_keys and not any(sg in texts[k] for k in doc_keys):
                bad(f"gold not found in the named doc(s) {docs}: {g!r}")
            gold_sets[sg].add(_id_set(item_id or ""))
            gold_ids[sg].append(where)

        for a in answer:
            sa = strip_ws(a)
            if not sa:
                bad("empty answer string")
            elif doc_keys and not any(sa in texts[k] for k in doc_keys):
                bad(f"answer not found verbatim in the named doc(s) {docs}: {a!r}")

        if typ == "cross_document":
            if len(doc_keys) < 2:
                bad("cross_document items must name at least two documents")
            for k in doc_keys:
                if not any(strip_ws(g) in texts[k] for g in gold):
                    bad(f"cross_document item has no gold string in document {k}")

    for sg, sets in gold_sets.items():
        if len(sets) > 1:
            problems.append(
                f"gold string shared between sets {sorted(sets)}: {sg!r} ({gold_ids[sg]})"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify PolicyQA gold-set JSONL files.")
    parser.add_argument("files", nargs="*", type=Path, help="JSONL files (default: dev + heldout)")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="seed texts directory")
    parser.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE, help="public sample JSONL")
    parser.add_argument("--no-sample", action="store_true", help="do not include the sample")
    args = parser.parse_args(argv)

    files = list(args.files) or [HERE / "dev.jsonl", HERE / "heldout.jsonl"]
    if not args.no_sample and args.sample.is_file():
        files.append(args.sample)
    unique: list[Path] = []
    for f in files:
        if f.resolve() not in {u.resolve() for u in unique}:
            unique.append(f)

    try:
        corpus = load_corpus(args.seeds)
    except (OSError, ValueError) as exc:
        print(f"cannot load seeds: {exc}", file=sys.stderr)
        return 2

    problems: list[str] = []
    items: list[dict] = []
    for f in unique:
        try:
            loaded, parse_problems = load_jsonl(f)
        except OSError as exc:
            problems.append(f"{f}: cannot read ({exc})")
            continue
        problems.extend(parse_problems)
        items.extend(loaded)
    problems.extend(verify(items, corpus))

    if problems:
        for p in problems:
            print(p)
        print(f"{len(problems)} problem(s) in {len(items)} items", file=sys.stderr)
        return 1
    names = ", ".join(str(f) for f in unique)
    print(f"OK: {len(items)} items in {len(unique)} file(s) ({names}); seeds {args.seeds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
