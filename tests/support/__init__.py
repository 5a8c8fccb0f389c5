"""Helpers for the tests: the checkout's root, and scripts the tests run in child processes."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]  # the checkout the tests run from
# real regulations and laws PolicyQA was not built around (a copy of shared/extra-docs/sample)
REGULATIONS = REPO / "tests" / "data" / "regulations"
