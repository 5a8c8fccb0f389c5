"""How well the answerability model's probabilities hold on a gold set: predicted against
observed (a reliability table and plot), and what each threshold would trade — false "not
found" on answerable questions against abstention on unanswerable ones."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..answer.answerability import model
from .fitting import reliability, trade_off

PLOTS = {"reliability": "answerability_reliability.png", "trade_off": "answerability_trade_off.png"}
THRESHOLDS = tuple(round(float(t), 2) for t in np.linspace(0.05, 0.95, 19))


def answerability_summary(p: Sequence[float], answerable: Sequence[bool]) -> dict[str, Any]:
    """The set's reliability table and the trade-off at the model's and other thresholds."""
    probs = np.array(p, dtype=np.float64)
    y = np.array(answerable, dtype=np.float64)
    threshold = model().threshold
    return {
        "threshold": threshold,
        "at_threshold": trade_off(probs, y, threshold),
        "reliability": reliability(probs, y),
        "trade_off": [trade_off(probs, y, t) for t in THRESHOLDS],
        "cv": model().meta.get("cv", {}),
    }


def draw(plt: Any, summary: dict[str, Any], out: Path) -> dict[str, str]:
    """The reliability plot and the trade-off curve as PNGs in ``out``."""
    fig, ax = plt.subplots(figsize=(5, 4.5))
    bins = summary["reliability"]
    ax.plot([0, 1], [0, 1], color="#999", linestyle="--", label="perfect")
    ax.scatter(
        [b["predicted"] for b in bins],
        [b["observed"] for b in bins],
        s=[20 + 4 * b["n"] for b in bins],
        label="this set (size = questions)",
    )
    ax.axvline(summary["threshold"], color="#c33", alpha=0.6, label="threshold")
    ax.set(
        xlabel="predicted probability the corpus answers",
        ylabel="observed share answerable",
        title="Answerability: predicted vs observed",
        xlim=(0, 1.02),
        ylim=(-0.02, 1.02),
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    fig.tight_layout()
    fig.savefig(out / PLOTS["reliability"], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4))
    rows = summary["trade_off"]
    ts = [r["threshold"] for r in rows]
    ax.plot(ts, [r["false_not_found"] for r in rows], marker="o", label="false not-found")
    ax.plot(ts, [r["abstention"] for r in rows], marker="s", label="abstention on unanswerable")
    ax.axvline(summary["threshold"], color="#c33", alpha=0.6, label="threshold")
    ax.axhline(0.03, color="#999", linestyle=":", label="3 %")
    ax.set(xlabel="threshold", ylabel="share", title="Threshold trade-off", ylim=(-0.02, 1.02))
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(out / PLOTS["trade_off"], dpi=110)
    plt.close(fig)
    return dict(PLOTS)


def section(summary: dict[str, Any], plots: dict[str, str]) -> list[str]:
    """The report's answerability section: numbers, both plots, the trade-off table."""
    at, cv = summary["at_threshold"], summary["cv"]
    rows = "".join(
        f"<tr><td>{r['threshold']:.2f}</td><td>{r['false_not_found']:.3f}</td>"
        f"<td>{r['abstention']:.3f}</td></tr>"
        for r in summary["trade_off"]
    )
    cv_line = (
        f"Cross-validated on the fitting sets: false not-found {cv['false_not_found']:.3f}, "
        f"abstention {cv['abstention']:.3f}, AUC {cv['auc']:.3f}."
        if cv
        else ""
    )
    return [
        "<h2>Answerability</h2>",
        f"<p>Threshold {summary['threshold']:.3f}: false not-found "
        f"{at['false_not_found']:.3f}, abstention on unanswerable {at['abstention']:.3f} on "
        f"this set. {html.escape(cv_line)}</p>",
        f"<img src='{plots['reliability']}' alt='answerability reliability plot'>",
        f"<img src='{plots['trade_off']}' alt='threshold trade-off'>",
        "<table><thead><tr><th>threshold</th><th>false not-found</th>"
        f"<th>abstention</th></tr></thead><tbody>{rows}</tbody></table>",
    ]
