"""The regression guard's numbers (eval/baseline.json) and how to re-measure them:
``python -m policyqa.evaluation.baseline --write-baseline``."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..engine import Engine
from ..index.build import build_index
from ..settings import load_settings
from ..types import Mode
from .gold import default_gold_paths, load_gold
from .run import evaluate
from .text_report import round_or_none

BASELINE_NOTE = (
    "Hybrid hit@5 and MRR@10 guarded by tests/test_evaluation.py (tolerance 0.02). "
    "Update deliberately, in the same commit as the change that moves it: "
    "python -m policyqa.evaluation.baseline --write-baseline"
)


def measure_baseline(engine: Engine, paths: Sequence[Path]) -> dict[str, Any]:
    """Retrieval numbers of every mode on ``paths`` in the form eval/baseline.json keeps."""
    items = load_gold(paths)
    report = evaluate(engine, items, modes=tuple(Mode), answers=False)
    keep = ("hit@1", "hit@5", "hit@10", "recall@5", "mrr@10", "ndcg@10", "chars@5")
    return {
        "note": BASELINE_NOTE,
        "sets": sorted({it.source for it in items}),
        "tolerance": 0.02,
        "settings": report["settings"],
        "commit": report["commit"],
        "measured": report["created"],
        "modes": {
            m: {k: round_or_none(r["overall"][k]) for k in keep}
            for m, r in report["retrieval"].items()
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Re-measure eval/baseline.json with the default settings on a freshly built index of
    the working directory's corpus (as the test does)."""
    parser = argparse.ArgumentParser(prog="python -m policyqa.evaluation.baseline")
    parser.add_argument("--write-baseline", action="store_true", help="rewrite the baseline")
    args = parser.parse_args(argv)
    defaults = load_settings(environ={})
    with tempfile.TemporaryDirectory() as tmp:
        cache = defaults.index_dir / "cache"
        if cache.is_dir():
            shutil.copytree(cache, Path(tmp) / "cache")
        settings = load_settings(environ={}, index_dir=Path(tmp))
        build_index(settings, progress=False)
        baseline = measure_baseline(Engine.load(settings), default_gold_paths(settings))
    text = json.dumps(baseline, ensure_ascii=False, indent=2) + "\n"
    if args.write_baseline:
        (settings.eval_dir / "baseline.json").write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
