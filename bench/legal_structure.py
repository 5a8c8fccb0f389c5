"""Does the article parser find every 第N条 of 3,320 real laws and regulations, and every title?

`python bench/legal_structure.py [--corpus DIR]` parses every document of the law corpus
(unpacked from shared/extra-docs/laws-corpus.tar.xz under /tmp if missing) and the 40 samples,
then writes bench/results/legal_structure.json and bench/results/legal_structure.md.

The reference article count is deliberately simple and independent of the parser: the lines
that start with 第N条 (Chinese numerals) followed by whitespace, kept when the number is greater
than the last one kept. It knows nothing of cross-references, run-in articles or front matter,
so a document where the two disagree is a misfit to look at, not necessarily a parser error:
each misfit is classified below by what the source text shows.
"""

from __future__ import annotations

import argparse
import json
import re
import tarfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from policyqa.ingest.legal import LegalStructure, parse_legal
from policyqa.ingest.metadata import chinese_number, infer_metadata

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "extra-docs"
TARBALL = SHARED / "laws-corpus.tar.xz"
UNPACKED = Path("/tmp/laws")
RESULTS = ROOT / "bench" / "results"
REFERENCE = re.compile(
    r"^[ \t\u3000\u200b]*第([一二三四五六七八九十百千零〇]+)条"
    r"(?:之([一二三四五六七八九十]+))?[ \t\u3000]+(.{0,12})",
    re.M,
)
Key = tuple[int, int]


def corpus_dir(given: Path | None) -> Path:
    """The unpacked corpus: --corpus, or /tmp/laws/all (unpacked from the tarball if missing)."""
    if given:
        return given
    if not (UNPACKED / "all").is_dir():
        with tarfile.open(TARBALL, "r:xz") as tar:
            tar.extractall(UNPACKED, filter="data")
    return UNPACKED / "all"


def reference(raw: str) -> list[tuple[Key, str]]:
    """(number, 之N) and first words of each line-start article, kept while numbers increase."""
    kept: list[tuple[Key, str]] = []
    for m in REFERENCE.finditer(raw):
        key = (chinese_number(m[1]), chinese_number(m[2] or "0"))
        if not kept or key > kept[-1][0]:
            kept.append((key, m[3]))
    return kept if len(kept) >= 2 else []


def parsed_keys(structure: LegalStructure | None) -> list[Key]:
    if structure is None:
        return []
    return [(a.number, chinese_number(a.suffix[1:] or "0")) for a in structure.articles]


def misfit_class(raw: str, ref: list[Key], got: list[Key], structure: LegalStructure | None) -> str:
    """What the source shows where the parser and the reference disagree."""
    extra, missing = set(got) - set(ref), set(ref) - set(got)
    if structure is None:
        return "not parsed (no article structure found)"
    if missing and not extra:
        return "parser found fewer articles"
    if extra and not missing:
        starts = {a.start for a in structure.articles if (a.number, 0) in extra or a.suffix}
        mid_line = all(raw[s - 1] not in "\n" for s in starts if s)
        return (
            "run-in article recovered (starts mid-line in the source)"
            if mid_line
            else "article label without a space after it (第三十五 条农村…)"
        )
    if got and ref and ref[0] > got[0]:
        return "reference misled by a front-matter line (第三十一条的决定》…)"
    return "different article numbers"


def run_corpus(root: Path) -> dict[str, Any]:
    files = sorted(root.rglob("*.txt"))
    misfits: list[dict[str, Any]] = []
    title_misses: list[dict[str, str]] = []
    classes: Counter[str] = Counter()
    stats: Counter[str] = Counter()
    times: list[tuple[float, str]] = []
    for path in files:
        raw = path.read_text(encoding="utf-8")
        start = time.perf_counter()
        structure = parse_legal(raw)
        times.append((time.perf_counter() - start, path.name))
        ref = [key for key, _ in reference(raw)]
        got = parsed_keys(structure)
        count_structure(structure, stats)
        if got != ref:
            cls = misfit_class(raw, ref, got, structure)
            classes[cls] += 1
            misfits.append(
                {
                    "doc": str(path.relative_to(root)),
                    "class": cls,
                    "parsed": len(got),
                    "reference": len(ref),
                    "differ": [list(k) for k in sorted(set(got) ^ set(ref))][:8],
                }
            )
        title = infer_metadata(raw, path.name).title
        if squeeze(title) != squeeze(re.sub(r"\(\d{4}-\d\d-\d\d\)$", "", path.stem)):
            title_misses.append({"file": path.name, "title": title})
    total = sum(t for t, _ in times)
    return {
        "documents": len(files),
        "matching": len(files) - len(misfits),
        "match_rate": round((len(files) - len(misfits)) / len(files), 4),
        "misfit_classes": dict(classes),
        "misfits": misfits,
        "titles_agreeing_with_file_name": len(files) - len(title_misses),
        "title_disagreements": title_misses,
        "parse_seconds_total": round(total, 2),
        "parse_ms_mean": round(1000 * total / len(files), 2),
        "parse_ms_max": [round(1000 * max(times)[0], 1), max(times)[1]],
        "structure": dict(stats),
    }


def count_structure(structure: LegalStructure | None, stats: Counter[str]) -> None:
    if structure is None:
        stats["not_article_structured"] += 1
        return
    stats["articles"] += len(structure.articles)
    stats["paragraphs"] += sum(len(a.paragraphs) for a in structure.articles)
    stats["items"] += sum(len(p.items) for a in structure.articles for p in a.paragraphs)
    stats["documents_with_headings"] += any(a.headings for a in structure.articles)
    stats["documents_with_contents"] += bool(structure.contents)
    stats["documents_with_back_matter"] += bool(structure.back)
    headings = {h for a in structure.articles for h in a.headings}
    stats["unnumbered_headings"] += sum(not h.startswith("第") for h in headings)


def squeeze(title: str) -> str:
    """A title for comparison with a file name, which drops 中华人民共和国 and spaces."""
    return re.sub(r"\s+", "", title).replace("中华人民共和国", "")


def run_sample(sample: Path) -> dict[str, Any]:
    """Per article: its number and first words equal the reference line's."""
    exact = total = titles = 0
    wrong: list[str] = []
    files = sorted(sample.glob("*.txt"))
    for path in files:
        raw = path.read_text(encoding="utf-8")
        structure = parse_legal(raw)
        articles = {
            key: a
            for key, a in zip(
                parsed_keys(structure), structure.articles if structure else (), strict=True
            )
        }
        for key, words in reference(raw):
            total += 1
            article = articles.get(key)
            if article and article.text.split(" ", 1)[-1].startswith(
                re.sub(r"\s+", " ", words).strip()
            ):
                exact += 1
            else:
                wrong.append(f"{path.stem} {key}")
        title = infer_metadata(raw, path.name).title
        titles += squeeze(title) == squeeze(re.sub(r"\(\d{4}-\d\d-\d\d\)$", "", path.stem))
    return {
        "documents": len(files),
        "articles": total,
        "articles_exact": exact,
        "articles_exact_rate": round(exact / max(total, 1), 4),
        "titles_right": titles,
        "wrong": wrong[:20],
    }


def markdown(corpus: dict[str, Any], sample: dict[str, Any]) -> str:
    lines = [
        "# Legal structure benchmark",
        "",
        "Generated by `python bench/legal_structure.py`. Reference article list per document: the",
        "lines starting with 第N条 followed by whitespace, kept while the number increases (an",
        "independent, deliberately simple method; see the module docstring).",
        "",
        "## 40 sample documents",
        "",
        f"- articles exact (number and first words): {sample['articles_exact']}"
        f"/{sample['articles']}"
        f" ({100 * sample['articles_exact_rate']:.1f} %)",
        f"- titles inferred from the text, agreeing with the file name: {sample['titles_right']}"
        f"/{sample['documents']}",
        "",
        f"## Law corpus ({corpus['documents']} documents)",
        "",
        f"- article lists matching the reference: {corpus['matching']}/{corpus['documents']}"
        f" ({100 * corpus['match_rate']:.2f} %)",
        f"- titles agreeing with the file name: {corpus['titles_agreeing_with_file_name']}"
        f"/{corpus['documents']}",
        f"- parse time: {corpus['parse_seconds_total']} s in all, {corpus['parse_ms_mean']} ms"
        f" per document, slowest {corpus['parse_ms_max'][0]} ms ({corpus['parse_ms_max'][1]})",
        f"- structure found: {json.dumps(corpus['structure'], ensure_ascii=False)}",
        "",
        "### Misfits by class",
        "",
        "| class | documents | examples |",
        "| --- | --- | --- |",
    ]
    for cls, n in sorted(corpus["misfit_classes"].items(), key=lambda kv: -kv[1]):
        examples = [m for m in corpus["misfits"] if m["class"] == cls][:3]
        shown = "; ".join(f"{m['doc']} ({m['parsed']} vs {m['reference']})" for m in examples)
        lines.append(f"| {cls} | {n} | {shown} |")
    lines += ["", "### Titles that differ from the file name", ""]
    lines += [f"- {t['file']}: {t['title'] or '(none)'}" for t in corpus["title_disagreements"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="unpacked corpus directory")
    args = parser.parse_args()
    corpus = run_corpus(corpus_dir(args.corpus))
    sample = run_sample(SHARED / "sample")
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {"corpus": corpus, "sample": sample}
    (RESULTS / "legal_structure.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (RESULTS / "legal_structure.md").write_text(markdown(corpus, sample), encoding="utf-8")
    print(markdown(corpus, sample))


if __name__ == "__main__":
    main()
