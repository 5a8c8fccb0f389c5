"""``policyqa eval``: evaluate, print, compare with the last recorded run, optionally report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..engine import Engine
from ..settings import Settings
from .dialogues import default_dialogue_paths, evaluate_dialogues, load_dialogues, render_dialogues
from .gold import default_gold_paths, load_gold, parse_ks, parse_modes
from .history import append_history, deltas, history_entry, previous_entry
from .html_report import check_available, write_report
from .run import evaluate
from .text_report import render_text


def run_cli(args: argparse.Namespace, settings: Settings) -> None:
    """Evaluate, print, compare with the last recorded run, optionally report;
    ``--record`` appends this run to eval/history.jsonl (a tracked file)."""
    modes = parse_modes(args.modes)
    ks = parse_ks(args.k, settings.max_k)
    paths = [Path(p) for p in args.qa] if args.qa else default_gold_paths(settings)
    items = load_gold(paths)
    chats = (
        [Path(p) for p in args.dialogues] if args.dialogues else default_dialogue_paths(settings)
    )
    dialogues = load_dialogues(chats)
    report_dir = Path(args.report) if args.report else None
    if report_dir is not None:
        check_available()
    engine = Engine.load(settings)
    report = evaluate(engine, items, modes, ks, answers=True)
    report["dialogues"] = evaluate_dialogues(engine, dialogues) if dialogues else None
    history = settings.eval_dir / "history.jsonl"
    entry = history_entry(report)
    delta = deltas(previous_entry(history, entry["sets"]), entry)
    report["delta_vs_previous"] = delta
    if args.record:
        try:
            append_history(history, entry)
        except OSError as err:
            print(f"policyqa: warning: could not append to {history}: {err}", file=sys.stderr)
    if report_dir is not None:
        write_report(report, report_dir)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        text = render_text(report, delta)
        if report["dialogues"]:
            text += "\n".join(render_dialogues(report["dialogues"]))
        print(text)
        if report_dir is not None:
            print(f"\nreport written to {report_dir / 'report.html'}")
