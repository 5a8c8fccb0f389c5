"""The offline evaluation report: report.json, report.html and the PNG plots it embeds.

Plots are drawn with matplotlib's Agg backend. Labels are ids and English words (question
types, document ids, modes), so they render without a CJK font; if fontconfig knows a
Chinese font that matplotlib can load, it is put first anyway.
"""

from __future__ import annotations

import html
import json
import subprocess
from pathlib import Path
from typing import Any

from ..errors import PolicyQAError
from . import calibration_report

PLOTS = {
    "recall": "recall_at_k.png",
    "hit_by_type": "hit5_by_type.png",
    "first_rank": "first_rank_hist.png",
}


def check_available() -> None:
    """PolicyQAError with an install hint if matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PolicyQAError("--report needs matplotlib: pip install 'policyqa[eval]'") from None


def cjk_font() -> str | None:
    """A font family fontconfig lists for Chinese that matplotlib also knows, if any."""
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    families = {f.strip() for line in out.splitlines() for f in line.split(",")} & known

    def preference(name: str) -> tuple[bool, bool, bool, str]:  # simplified-Chinese sans first
        return ("Mono" in name, "Sans" not in name, "SC" not in name, name)

    return min(families, key=preference) if families else None


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = cjk_font()
    if font:
        plt.rcParams["font.sans-serif"] = [font, *plt.rcParams["font.sans-serif"]]
        plt.rcParams["axes.unicode_minus"] = False
    return plt


def draw_plots(report: dict[str, Any], out: Path) -> dict[str, str]:
    """Write the PNGs into ``out``; returns plot key -> file name."""
    plt = _plt()
    modes = report["modes"]
    ks = report["ks"]
    r = report["retrieval"]

    fig, ax = plt.subplots(figsize=(6.5, 4))
    for m in modes:
        ax.plot(ks, [r[m]["overall"][f"recall@{k}"] for k in ks], marker="o", label=m)
    ax.set(xlabel="k", ylabel="recall@k", title="Recall@k per mode", ylim=(0, 1.02))
    ax.set_xticks(ks)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / PLOTS["recall"], dpi=110)
    plt.close(fig)

    types = list(dict.fromkeys(t for m in modes for t in r[m]["by_type"]))
    fig, ax = plt.subplots(figsize=(max(6.5, 1.1 * len(types) + 2), 4.2))
    width = 0.8 / max(len(modes), 1)
    for i, m in enumerate(modes):
        xs = [j + (i - (len(modes) - 1) / 2) * width for j in range(len(types))]
        vals = [(r[m]["by_type"].get(t) or {}).get("hit@5") or 0.0 for t in types]
        ax.bar(xs, vals, width, label=m)
    ax.set_xticks(range(len(types)))
    ax.set_xticklabels(types, rotation=25, ha="right")
    ax.set(ylabel="hit@5", title="Hit@5 per question type", ylim=(0, 1.18))
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.grid(axis="y", alpha=0.3)
    ax.legend(ncols=len(modes), fontsize="small", loc="upper center")
    fig.tight_layout()
    fig.savefig(out / PLOTS["hit_by_type"], dpi=110)
    plt.close(fig)

    depth = max(r[m]["first_rank"]["depth"] for m in modes)
    labels = [str(i) for i in range(1, depth + 1)] + ["none"]
    fig, ax = plt.subplots(figsize=(max(6.5, 0.35 * len(labels) + 2), 4))
    for i, m in enumerate(modes):
        fr = r[m]["first_rank"]
        vals = [fr["found"].get(str(k), 0) for k in range(1, depth + 1)] + [fr["not_found"]]
        xs = [j + (i - (len(modes) - 1) / 2) * width for j in range(len(labels))]
        ax.bar(xs, vals, width, label=m)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, fontsize="small")
    ax.set(
        xlabel=f"rank of the first gold passage (none = not in top {depth})",
        ylabel="questions",
        title="Where the first gold passage was found",
    )
    ax.grid(axis="y", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / PLOTS["first_rank"], dpi=110)
    plt.close(fig)
    drawn = dict(PLOTS)
    answers = report.get("answers") or {}
    if answers.get("answerability"):
        drawn.update(calibration_report.draw(plt, answers["answerability"], out))
    return drawn


def _num(x: Any, chars: bool = False) -> str:
    if x is None:
        return "–"
    if chars:
        return f"{x:.0f}"
    return f"{x:.3f}" if isinstance(x, float) else html.escape(str(x))


def _metric_table(groups: dict[str, dict[str, Any]], ks: list[int], first: str) -> str:
    cols = [f"hit@{k}" for k in ks] + [f"recall@{k}" for k in ks] + ["mrr@10", "ndcg@10"]
    lens = [f"chars@{k}" for k in sorted({*ks, 10})]
    head = "".join(f"<th>{c}</th>" for c in ["n", *cols]) + "".join(
        f"<th class=len>{c}</th>" for c in lens
    )
    rows = []
    for name, g in groups.items():
        cells = "".join(f"<td>{_num(g[c])}</td>" for c in ["n", *cols])
        cells += "".join(f"<td class=len>{_num(g[c], True)}</td>" for c in lens)
        rows.append(f"<tr><th>{html.escape(name)}</th>{cells}</tr>")
    return (
        f"<table><thead><tr><th>{html.escape(first)}</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _breakdown(report: dict[str, Any], section: str, title: str) -> str:
    r, modes = report["retrieval"], report["modes"]
    keys = list(dict.fromkeys(k for m in modes for k in r[m][section]))
    head = "".join(f"<th>{m} hit@5</th><th>{m} mrr@10</th><th>{m} recall@5</th>" for m in modes)
    rows = []
    for key in keys:
        n = r[modes[0]][section].get(key, {}).get("n", "")
        cells = "".join(
            f"<td>{_num(g.get('hit@5'))}</td><td>{_num(g.get('mrr@10'))}</td>"
            f"<td>{_num(g.get('recall@5'))}</td>"
            for g in (r[m][section].get(key, {}) for m in modes)
        )
        rows.append(f"<tr><th>{html.escape(key)}</th><td>{n}</td>{cells}</tr>")
    return (
        f"<table><thead><tr><th>{title}</th><th>n</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def render_html(report: dict[str, Any], plots: dict[str, str]) -> str:
    esc = html.escape
    r, modes, ks = report["retrieval"], report["modes"], report["ks"]
    sets = ", ".join(f"{esc(s['name'])} ({s['items']})" for s in report["sets"])
    settings = ", ".join(f"{esc(k)}={esc(str(v))}" for k, v in report["settings"].items())
    parts = [
        "<!doctype html><html lang=zh><head><meta charset=utf-8>",
        "<title>PolicyQA evaluation</title><style>",
        "body{font-family:system-ui,'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',"
        "sans-serif;margin:2em;max-width:1200px;color:#222}",
        "table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:14px}",
        "th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}",
        "thead th{background:#f0f0f0}tbody th{text-align:left;font-weight:normal}",
        ".len{color:#777}td.q{text-align:left;max-width:520px}img{max-width:100%}",
        "</style></head><body>",
        "<h1>PolicyQA evaluation</h1>",
        f"<p>Gold sets: {sets}<br>Created {esc(report['created'])}, "
        f"commit {esc(str(report['commit'] or '?'))}<br>Settings: {settings}<br>"
        f"{report['counts']['answerable']} answerable of {report['counts']['items']} items. "
        "<span class=len>chars@k</span> is the mean length (characters) of the returned "
        "top-k passages.</p>",
        "<h2>Retrieval, overall</h2>",
        _metric_table({m: r[m]["overall"] for m in modes}, ks, "mode"),
    ]
    if len(report["sets"]) > 1:
        for s in report["sets"]:
            parts += [
                f"<h3>{esc(s['name'])}</h3>",
                _metric_table({m: r[m]["by_set"][s["name"]] for m in modes}, ks, "mode"),
            ]
    parts += [
        f"<img src='{plots['recall']}' alt='recall at k per mode'>",
        "<h2>By question type</h2>",
        _breakdown(report, "by_type", "type"),
        f"<img src='{plots['hit_by_type']}' alt='hit at 5 per question type'>",
        "<h2>By question language</h2>",
        _breakdown(report, "by_lang", "language"),
        "<h2>By document</h2>",
        _breakdown(report, "by_doc", "document"),
        "<h2>Rank of the first gold passage</h2>",
        f"<img src='{plots['first_rank']}' alt='histogram of first gold rank'>",
    ]
    parts += _changes_and_answers(report)
    answerability = (report.get("answers") or {}).get("answerability")
    if answerability and "reliability" in plots:
        parts += calibration_report.section(answerability, plots)
    parts += _slowest_and_failures(report)
    parts.append("</body></html>")
    return "\n".join(parts)


def _changes_and_answers(report: dict[str, Any]) -> list[str]:
    esc = html.escape
    parts: list[str] = []
    delta = report.get("delta_vs_previous")
    if delta:
        rows = "".join(
            f"<tr><th>{esc(m)}</th>"
            + "".join(f"<td>{k} {v:+.3f}</td>" for k, v in d.items())
            + "</tr>"
            for m, d in delta.items()
        )
        parts += ["<h2>Change against the previous run</h2>", f"<table>{rows}</table>"]
    a = report.get("answers")
    if a:
        rows = "".join(
            f"<tr><th>{esc(t)}</th><td>{g['n']}</td><td>{_num(g['correct'])}</td></tr>"
            for t, g in a["by_type"].items()
        )
        parts += [
            f"<h2>Answers (engine.ask, mode {esc(a['mode'])})</h2>",
            f"<p>Correct {_num(a['correct'])} (answerable {_num(a['correct_answerable'])}); "
            f"abstention on unanswerable {_num(a['abstention_unanswerable'])}; "
            f"false abstention on answerable {_num(a['false_abstention'])}.</p>",
            "<table><thead><tr><th>type</th><th>n</th><th>correct</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>",
        ]
    return parts


def _slowest_and_failures(report: dict[str, Any]) -> list[str]:
    esc = html.escape
    modes = report["modes"]
    parts: list[str] = []
    rows = "".join(
        f"<tr><th>{esc(p['id'])}</th><td>{p['total_ms']:.0f}</td>"
        + "".join(f"<td>{p['search_ms'].get(m, 0):.0f}</td>" for m in modes)
        + f"<td>{_num(p['ask_ms'], True)}</td><td class=q>{esc(p['question'])}</td></tr>"
        for p in report["slowest"]
    )
    parts += [
        "<h2>Slowest questions (ms)</h2>",
        "<table><thead><tr><th>id</th><th>total</th>"
        + "".join(f"<th>{esc(m)}</th>" for m in modes)
        + f"<th>ask</th><th>question</th></tr></thead><tbody>{rows}</tbody></table>",
    ]
    for m in modes:
        fails = report["failures"][m]
        rows = "".join(
            f"<tr><th>{esc(f['id'])}</th><td>{esc(f['type'])}</td>"
            f"<td class=q>{esc(f['question'])}</td><td>{esc(', '.join(f['doc']))}</td>"
            f"<td>{f['first_rank'] or '–'}</td><td class=q>"
            + "<br>".join(
                f"{esc(x['citation'])} <span class=len>{esc(x['clause_id'])}</span>"
                for x in f["retrieved"]
            )
            + "</td></tr>"
            for f in fails
        )
        parts += [
            f"<h2>hit@5 misses, {esc(m)} ({len(fails)})</h2>",
            "<table><thead><tr><th>id</th><th>type</th><th>question</th><th>want</th>"
            "<th>first gold rank</th><th>retrieved top 3</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>",
        ]
    if report.get("unreachable_gold"):
        items = "".join(f"<li>{esc(u)}</li>" for u in report["unreachable_gold"])
        parts += ["<h2>Gold strings found in no clause</h2>", f"<ul>{items}</ul>"]
    return parts


def write_report(report: dict[str, Any], out: Path) -> Path:
    """Write report.json, the plots and report.html into ``out``; returns the HTML path."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        plots = draw_plots(report, out)
        page = out / "report.html"
        page.write_text(render_html(report, plots), encoding="utf-8")
    except OSError as err:
        raise PolicyQAError(f"cannot write the report to {out}: {err}") from None
    return page
