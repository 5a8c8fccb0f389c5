"""Checker for PolicyQA two-turn dialogue files (eval/dialogues/*.jsonl).

Usage: python eval/dialogues/check.py [DEV.jsonl HELDOUT.jsonl]
Reuses load_corpus/strip_ws/doc_key from eval/gold/verify.py. Exit 0 when no problems.
"""
import importlib.util, json, re, sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("verify", REPO / "eval" / "gold" / "verify.py")
V = importlib.util.module_from_spec(spec); spec.loader.exec_module(V)

CORPUS = REPO / "corpus"
GOLDSETS = [REPO / "eval" / "gold" / n for n in ("dev.jsonl", "heldout.jsonl", "sample.jsonl")]
TOP = ["id", "kind", "lang", "turns", "note"]
T1F = ["question", "type", "doc", "gold", "answer"]
T2F = T1F + ["resolved"]
KINDS = ["ellipsis", "coreference", "scope", "continuation", "fresh"]
CJK = re.compile(r"[\u3400-\u9fff]")
WS = re.compile(r"\s+")

raw = V.load_corpus(CORPUS)                 # {'000': text, ...}
texts = {k: V.strip_ws(t) for k, t in raw.items()}
whole = "".join(texts[k] for k in sorted(texts))

# stripped offset -> raw line number, per document (used to compare "clauses" between files)
linemap = {}
for k, t in raw.items():
    m = []
    for ln, line in enumerate(t.split("\n")):
        for ch in line:
            if not ch.isspace():
                m.append(ln)
    linemap[k] = m

def lines_of(g):
    sg = V.strip_ws(g)
    for k in sorted(texts):
        i = texts[k].find(sg)
        if i >= 0:
            return k, set(linemap[k][i:i + len(sg)])
    return None, set()

def check_file(path, prefix, min_per_kind):
    problems, items = [], []
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip():
            problems.append(f"{path}:{n}: blank line"); continue
        items.append(json.loads(line))
    seen = set()
    for idx, d in enumerate(items, 1):
        w = d.get("id", f"#{idx}")
        bad = lambda m: problems.append(f"{path.name} {w}: {m}")
        if list(d) != TOP: bad(f"top-level fields {list(d)} != {TOP}")
        if d.get("id") != f"{prefix}-{idx:03d}": bad(f"id should be {prefix}-{idx:03d}")
        if w in seen: bad("duplicate id")
        seen.add(w)
        if d.get("kind") not in KINDS: bad(f"bad kind {d.get('kind')!r}")
        if d.get("lang") not in ("zh", "en"): bad(f"bad lang {d.get('lang')!r}")
        if not isinstance(d.get("note"), str) or not d["note"].strip(): bad("empty note")
        turns = d.get("turns", [])
        if len(turns) != 2: bad("must have exactly 2 turns"); continue
        for ti, t in enumerate(turns, 1):
            want = T1F if ti == 1 else T2F
            if list(t) != want: bad(f"turn {ti} fields {list(t)} != {want}")
            q, typ = t.get("question", ""), t.get("type")
            if not q.strip(): bad(f"turn {ti} empty question")
            if typ not in V.TYPES: bad(f"turn {ti} bad type {typ!r}")
            if typ == "cross_lingual" and CJK.search(q): bad(f"turn {ti} cross_lingual but question has CJK")
            docs, gold, ans = t.get("doc"), t.get("gold"), t.get("answer")
            if typ == "unanswerable":
                if ti != 2: bad("only a follow-up may be unanswerable")
                if docs or gold or ans: bad(f"turn {ti} unanswerable needs empty doc/gold/answer")
                continue
            if not docs: bad(f"turn {ti} doc empty")
            if not 1 <= len(gold) <= 3: bad(f"turn {ti} gold must hold 1-3 strings")
            if not ans: bad(f"turn {ti} answer empty")
            keys = []
            for dn in docs:
                k = V.doc_key(dn)
                if k not in texts: bad(f"turn {ti} unknown doc {dn}")
                else: keys.append(k)
            for g in gold:
                if WS.search(g): bad(f"turn {ti} gold has whitespace {g!r}")
                sg = V.strip_ws(g)
                if not V.GOLD_MIN <= len(sg) <= V.GOLD_MAX: bad(f"turn {ti} gold length {len(sg)}: {g!r}")
                c = whole.count(sg)
                if c != 1: bad(f"turn {ti} gold occurs {c}x in corpus: {g!r}")
                if not any(sg in texts[k] for k in keys): bad(f"turn {ti} gold not in named doc: {g!r}")
            for a in ans:
                sa = V.strip_ws(a)
                if not sa or not any(sa in texts[k] for k in keys): bad(f"turn {ti} answer not verbatim in named doc: {a!r}")
            if typ == "cross_document":
                if len(keys) < 2: bad(f"turn {ti} cross_document needs >=2 docs")
                for k in keys:
                    if not any(V.strip_ws(g) in texts[k] for g in gold): bad(f"turn {ti} cross_document: no gold in {k}")
        if len(turns) == 2:
            t1, t2 = turns
            res = t2.get("resolved", "")
            if not isinstance(res, str) or not res.strip(): bad("resolved empty")
            if d.get("kind") == "fresh" and res != t2.get("question"): bad("fresh: resolved must equal question")
            if d.get("kind") != "fresh" and res == t2.get("question"): bad("non-fresh: resolved should differ from the elliptical follow-up")
            if d.get("lang") == "zh" and not (CJK.search(t1["question"]) and CJK.search(t2["question"])):
                bad("lang zh but a turn is not Chinese")
            if d.get("lang") == "en" and (CJK.search(t2["question"]) or CJK.search(res)):
                bad("lang en but follow-up/resolved contains Chinese")
    kinds = Counter(d["kind"] for d in items)
    for k in KINDS:
        if kinds[k] < min_per_kind: problems.append(f"{path.name}: kind {k} has {kinds[k]} < {min_per_kind}")
    docs_used = {V.doc_key(dn) for d in items for t in d["turns"] for dn in t["doc"]}
    if docs_used != set(texts): problems.append(f"{path.name}: documents used {sorted(docs_used)} != all five")
    unans = sum(t["type"] == "unanswerable" for d in items for t in d["turns"])
    return items, problems, unans

def summary(name, items):
    c = Counter((d["kind"], d["lang"]) for d in items)
    mixed = sum(1 for d in items if d["lang"] == "en" and CJK.search(d["turns"][0]["question"]))
    print(f"{name}: {len(items)} dialogues; en {sum(d['lang']=='en' for d in items)} (of which zh->en {mixed})")
    for k in KINDS:
        print(f"  {k:13s} zh {c[(k,'zh')]:2d}  en {c[(k,'en')]:2d}  total {c[(k,'zh')]+c[(k,'en')]:2d}")
    docs = Counter(V.doc_key(dn) for d in items for t in d["turns"] for dn in t["doc"])
    types = Counter(t["type"] for d in items for t in d["turns"])
    print("  turns per doc:", dict(sorted(docs.items())), " types:", dict(types))

def main():
    args = sys.argv[1:] or [str(REPO / "eval" / "dialogues" / n) for n in ("dev.jsonl", "heldout.jsonl")]
    dev, p1, u1 = check_file(Path(args[0]), "dd", 6)
    held, p2, u2 = check_file(Path(args[1]), "dh", 4)
    problems = p1 + p2
    if u1 + u2 > 4: problems.append(f"{u1+u2} unanswerable follow-ups > 4")
    # dev and heldout must not share a gold string nor a source line (clause / paragraph / table row)
    def golds(items):
        out = defaultdict(list)
        for d in items:
            for t in d["turns"]:
                for g in t["gold"]:
                    out[V.strip_ws(g)].append(d["id"])
        return out
    gd, gh = golds(dev), golds(held)
    for g in set(gd) & set(gh):
        problems.append(f"gold shared by dev {gd[g]} and heldout {gh[g]}: {g}")
    ld, lh = defaultdict(list), defaultdict(list)
    for src, dst in ((gd, ld), (gh, lh)):
        for g, ids in src.items():
            k, ls = lines_of(g)
            for l in ls:
                dst[(k, l)].extend(ids)
    for key in sorted(set(ld) & set(lh)):
        long_line = len(raw[key[0]].split("\n")[key[1]]) > 1500
        msg = f"source line {key} shared by dev {sorted(set(ld[key]))} and heldout {sorted(set(lh[key]))}"
        if long_line:
            print("INFO (004 run-in line, check by hand):", msg)
        else:
            problems.append(msg)
    # 004 is a scraped run-in page (a few very long lines, text out of order): compare positions instead
    def pos004(src):
        return [(texts["004"].find(g), ids) for g, ids in src.items() if texts["004"].find(g) >= 0]
    for pd, idd in pos004(gd):
        for ph, idh in pos004(gh):
            dist = abs(pd - ph)
            seg = texts["004"][min(pd, ph):max(pd, ph)]
            heads = re.findall(r"第[一二三四五六七八九十]+[章节]", seg)
            if dist < 2000 and not heads:
                problems.append(f"004 dev {idd} and heldout {idh} gold only {dist} chars apart, no heading between")
            elif dist < 2000:
                print(f"INFO 004 dev {sorted(set(idd))} and heldout {sorted(set(idh))} gold {dist} chars apart, headings between: {heads}")
    # information: reuse of gold strings from the single-question gold sets
    single = {}
    for f in GOLDSETS:
        if f.is_file():
            for l in open(f, encoding="utf-8"):
                it = json.loads(l)
                for g in it["gold"]:
                    single[V.strip_ws(g)] = it["id"]
    reuse = [(ids, single[g]) for src in (gd, gh) for g, ids in src.items() if g in single]
    summary("dev", dev); summary("heldout", held)
    print(f"unanswerable follow-ups: dev {u1}, heldout {u2}")
    print(f"INFO gold strings also used by single-question gold items: {len(reuse)}", reuse)
    if problems:
        print("\n".join(problems)); print(f"{len(problems)} problem(s)"); return 1
    print("OK: all gold and answer strings verified")
    return 0

sys.exit(main())
