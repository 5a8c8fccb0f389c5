"""Cross-validation for the fitted models: folds by question, out-of-fold probabilities,
log-loss, AUC, a reliability table and the threshold trade-off. Pure numpy, no engine."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from ..answer.calibration import Matrix, fit

Ints = NDArray[np.int64]


def folds(
    groups: Sequence[str], strata: Sequence[int], k: int, rng: np.random.Generator
) -> list[Ints]:
    """Row indices of ``k`` folds; every row of a group (one question) in the same fold, each
    stratum (label) of groups shuffled and dealt round the folds."""
    first: dict[str, int] = {}
    for g, s in zip(groups, strata, strict=True):
        first.setdefault(g, s)
    fold_of: dict[str, int] = {}
    for label in sorted(set(first.values())):
        names = [g for g, s in first.items() if s == label]
        for i, j in enumerate(rng.permutation(len(names))):
            fold_of[names[int(j)]] = i % k
    which = np.array([fold_of[g] for g in groups])
    return [np.flatnonzero(which == f) for f in range(k)]


def out_of_fold(
    x: Matrix,
    y: Matrix,
    names: Sequence[str],
    l2: float,
    *,
    groups: Sequence[str],
    strata: Sequence[int],
    k: int,
    repeats: int,
    seed: int,
) -> Matrix:
    """Per repeat, each row's probability from a model fitted without its fold (R × n)."""
    rng = np.random.default_rng(seed)
    probs = np.zeros((repeats, len(y)))
    for r in range(repeats):
        for test in folds(groups, strata, k, rng):
            train = np.setdiff1d(np.arange(len(y)), test)
            m = fit(x[train], y[train], names, l2)
            probs[r, test] = m.probabilities(x[test])
    return probs


def log_loss(p: Matrix, y: Matrix) -> float:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    yy = np.broadcast_to(y, q.shape)
    return float(-np.mean(yy * np.log(q) + (1 - yy) * np.log(1 - q)))


def auc(p: Matrix, y: Matrix) -> float:
    """Probability that a positive row scores above a negative one (ties count half)."""
    pos, neg = p[y == 1], p[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


def trade_off(p: Matrix, y: Matrix, threshold: float) -> dict[str, float]:
    """False "not found" on answerable rows and abstention on the others at ``threshold``."""
    said_no = p < threshold
    pos, neg = y == 1, y == 0
    return {
        "threshold": round(float(threshold), 4),
        "false_not_found": round(float(said_no[pos].mean()), 4) if pos.any() else 0.0,
        "abstention": round(float(said_no[neg].mean()), 4) if neg.any() else 0.0,
    }


def false_not_found(p: Matrix, answerable: Matrix, threshold: float) -> float:
    """Share of the ``answerable`` rows scored under ``threshold``, mean over the repeats
    in ``p``'s rows."""
    return float(np.mean([(row[answerable] < threshold).mean() for row in p]))


def choose_threshold(
    p: Matrix, y: Matrix, target: float, strata: Sequence[int] | None = None
) -> float:
    """The highest threshold whose out-of-fold false "not found" (mean over the repeats in
    ``p``'s rows) is at most ``target`` in every stratum of ``strata`` (all rows one stratum
    when None): as many refusals as that allows."""
    groups = np.zeros(len(y), dtype=np.int64) if strata is None else np.asarray(strata)
    masks = [(y == 1) & (groups == g) for g in np.unique(groups)]
    masks = [m for m in masks if m.any()]
    best = 0.0
    for t in np.unique(np.round(p, 4)):
        if all(false_not_found(p, m, t) <= target for m in masks):
            best = max(best, float(t))
    return best


def reliability(p: Matrix, y: Matrix, bins: int = 10) -> list[dict[str, float]]:
    """Predicted vs observed in equal-width probability bins (empty bins left out)."""
    out = []
    edges = np.linspace(0, 1, bins + 1)
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (p >= lo) & ((p < hi) | (hi == 1.0))
        if inside.any():
            out.append(
                {
                    "lo": round(float(lo), 2),
                    "hi": round(float(hi), 2),
                    "n": int(inside.sum()),
                    "predicted": round(float(p[inside].mean()), 4),
                    "observed": round(float(y[inside].mean()), 4),
                }
            )
    return out
