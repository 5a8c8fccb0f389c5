"""Metadata that a Chinese normative document states about itself: title, issuer, 文号, dates.

Two families: laws and regulations (title, then adoption/amendment notes such as
"2024年3月29日 北京市第十六届人民代表大会常务委员会第九次会议通过"), and notices (通知/意见/
实施方案: title, 文号 line, addressees, body, then the issuer and the date as a signature).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from ..text.chars import HAN
from ..text.doctypes import KIND_END
from ..text.numerals import cn_to_int


@dataclass(frozen=True)
class InferredMetadata:
    """What the text says about itself; a field it does not state is ""."""

    title: str
    issuer: str
    doc_number: str
    date: str
    effective: str
    period: str
    kind: str


_NOISE_RE = re.compile("[\u200b-\u200d\u2060\ufeff\ue000-\uf8ff]")
_YEAR_RE = re.compile(r"[0-9０-９〇零一二三四五六七八九]{4}\s*年")
_NOTE_WORDS = re.compile(r"通过|公布|发布|施行|批准|修正|修订|会议|颁布")
_SENTENCE_PUNCT = re.compile(r"[。；，：？！,;:?!]")
_STRUCTURE_RE = re.compile(r"第\s*[0-9一二三四五六七八九十百千零〇两]+\s*(?:条|章|节|编)")
_TRAILING_BRACKETS = re.compile(r"(?:[（(][^（）()]*[）)]\s*)+$")
_CN = "〇零一二三四五六七八九十"
_DATE_RE = re.compile(
    rf"([0-9]{{4}}|[{_CN}]{{4}})\s*年\s*([0-9]{{1,2}}|[{_CN}]{{1,3}})\s*月"
    rf"\s*([0-9]{{1,2}}|[{_CN}]{{1,3}})\s*日"
)
_NOTICE_RE = re.compile(
    rf"(?P<issuer>[{HAN}、]{{0,40}}?)关于(?:印发|发布|颁布)《?(?P<doc>[^《》，。：；\s]{{2,80}}?)》?的通知"
)
_DOC_NUMBER_RE = re.compile(rf"[{HAN}]{{1,12}}[〔\[［(（][0-9]{{4}}[〕\]］)）]\s*[0-9]+\s*号")
_ORDER_RE = re.compile(
    rf"(?:中华人民共和国)?(?P<body>[{HAN}、]{{2,40}}?)(?:令|公告)第\s*[0-9]+\s*号"
)
_PEOPLES_CONGRESS_RE = re.compile(
    rf"(?P<place>[{HAN}]{{0,12}}?)第?[一二三四五六七八九十]+届"
    r"(?P<body>全国人民代表大会常务委员会|全国人民代表大会|人民代表大会常务委员会|人民代表大会"
    r"|人大常委会|人大)"
)
_MEETING_RE = re.compile(
    rf"(?P<body>[{HAN}]{{2,30}}?)(?:第[一二三四五六七八九十]+届)?(?:审判委员会|检察委员会)?"
    rf"第\s*[0-9一二三四五六七八九十百]+\s*次[{HAN}]{{0,4}}会议"
)
_DECISION_RE = re.compile(rf"《(?P<body>[{HAN}、]{{2,30}}?)关于")
_EFFECTIVE_RE = re.compile(rf"本[{HAN}]{{1,4}}自(.{{4,16}}?)起(?:施行|实施|执行|生效)")
_PERIOD_RE = re.compile(r"[0-9]{4}\s*[—–\-－~～至到]+\s*[0-9]{4}\s*年")
_PLAN_PERIOD_RE = re.compile(r"规划期(?:为|至|是)?[^。；\n]{2,40}")
_BODY_END = re.compile(r"(?:政府|委员会|办公厅|办公室|局|部|院|厅|署|委|会|行|中心|总局|总署)$")
_KINDS = (
    ("细则", "细则"),
    ("办法", "办法"),
    ("规定", "规定"),
    ("条例", "条例"),
    ("方案", "方案"),
    ("纲要", "规划"),
    ("规划", "规划"),
    ("意见", "意见"),
    ("通知", "通知"),
    ("决定", "决定"),
    ("法典", "法律"),
    ("法", "法律"),
)
_PLACE_START = re.compile(rf"^[{HAN}]{{2,10}}?(?:省|市|自治区|自治州|自治县|县|区|特别行政区)")


def chinese_number(numeral: str) -> int:
    """A numeral the patterns here matched, as a number (0 if it is none)."""
    return cn_to_int(numeral) or 0


def title_complete(title: str) -> bool:
    """Whether ``title`` ends like a document name (…条例, …方案（2023—2027年）, …》的通知)."""
    if title.count("《") > title.count("》"):
        return False
    return bool(KIND_END.search(_TRAILING_BRACKETS.sub("", title).rstrip("》")))


def title_from_front(texts: Sequence[str]) -> str:
    """The title from a document's first cleaned lines, joined when the source split it.

    Lines are joined only when together they end like a document name; otherwise the title
    is the first line alone.
    """
    parts: list[str] = []
    for text in texts[:8]:
        if _DATE_RE.search(text) and (_NOTE_WORDS.search(text) or text.startswith(("（", "("))):
            break
        if text.replace(" ", "") in ("目录", "序言") or _STRUCTURE_RE.match(text):
            break
        if _SENTENCE_PUNCT.search(text) or len(text) > 80 or _DOC_NUMBER_RE.fullmatch(text):
            break
        parts.append(text)
        if title_complete("".join(parts)):
            return "".join(parts)
    return parts[0] if parts else ""


def iso_date(match: re.Match[str]) -> str:
    """``2024年3月29日`` or ``二〇二六年四月二十六日`` (a _DATE_RE match) as ``2024-03-29``."""
    year, month, day = (chinese_number(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def _clean_lines(raw: str) -> list[str]:
    folded = (re.sub(r"\s+", " ", _NOISE_RE.sub("", line)).strip() for line in raw.splitlines())
    return [line for line in folded if line]


def _notes(lines: Sequence[str]) -> list[str]:
    """Adoption, promulgation and amendment notes between the title and the first article."""
    notes: list[str] = []
    for line in lines[1:60]:
        if _STRUCTURE_RE.match(line):
            break
        if _YEAR_RE.search(line) and _NOTE_WORDS.search(line):
            notes.append(line)
    return notes


def _note_issuer(note: str) -> str:
    """The enacting body a note names: 人大 session, 令 number, meeting or 《X关于…决定》."""
    text = _DATE_RE.sub(" ", note)
    if m := _PEOPLES_CONGRESS_RE.search(text):
        body = m.group("body").replace("人大常委会", "人民代表大会常务委员会")
        body = "人民代表大会" if body == "人大" else body
        place = "" if body.startswith("全国") else m.group("place").lstrip("经由在")
        return place + body
    if m := _ORDER_RE.search(text):
        return m.group("body").lstrip("经由").replace("中华人民共和国", "")
    bodies = [b.group("body").lstrip("经由") for b in _MEETING_RE.finditer(text)]
    if bodies:
        return "、".join(dict.fromkeys(bodies))
    m = _DECISION_RE.search(text)
    return m.group("body") if m else ""


def _issuer_from_notes(notes: Sequence[str]) -> str:
    """The body that adopted or promulgated the text; approval-only notes name a higher body."""
    for note in notes:
        action = _NOTE_WORDS.findall(note)
        if action and set(action) <= {"批准", "施行"}:
            continue
        if issuer := _note_issuer(note):
            return issuer
    return next((i for i in map(_note_issuer, notes) if i), "")


def _split_bodies(issuer: str) -> str:
    """Two bodies signing together, ``X省人民政府Y市人民政府``, as ``X省人民政府、Y市人民政府``."""
    return re.sub(r"人民政府(?=[^办、]{2,}人民政府)", "人民政府、", issuer)


def _notice(head: str) -> tuple[str, str] | None:
    """(title of the document issued, issuer) for a 关于印发《X》的通知 heading."""
    m = _NOTICE_RE.search(head[:600])
    if not m:
        return None
    issuer = m.group("issuer")
    return m.group("doc"), issuer if _BODY_END.search(issuer) else ""


def _signature(text: str, issuer: str) -> tuple[str, str]:
    """(issuer, ISO date) of a signature: the issuing body, then the date (same or next line)."""
    if issuer:
        for m in re.finditer(re.escape(issuer) + r"\s*", text):
            if date := _DATE_RE.match(text, m.end()):
                return issuer, iso_date(date)
    lines = text.split("\n")
    for body, line in zip(lines, lines[1:], strict=False):
        date = _DATE_RE.fullmatch(line)
        if date and len(body) <= 40 and _BODY_END.search(body) and not _SENTENCE_PUNCT.search(body):
            return body, iso_date(date)
    return issuer, ""


def _is_note(line: str) -> bool:
    m = _DATE_RE.match(line.lstrip("（("))
    after = line.lstrip("（(")[m.end() : m.end() + 1] if m else ""
    return bool(m) and after not in ("，", ",", "、", "。") and "。" not in line


def _note_dates(notes: Sequence[str]) -> list[str]:
    """Dates of adoption, promulgation and amendment (not of notes that only say 施行)."""
    dates = []
    for note in notes:
        if set(_NOTE_WORDS.findall(note)) != {"施行"}:
            dates += [d for d in map(iso_date, _DATE_RE.finditer(note)) if d]
    return dates


def _doc_number(lines: Sequence[str], notes: Sequence[str]) -> str:
    """The 文号: a line of its own, one run into a notice heading, or a 令第N号 in the notes."""
    for line in lines[:30]:
        if _DOC_NUMBER_RE.fullmatch(line):
            return line.replace(" ", "")
    if lines and (m := re.search(rf"的通知\s*({_DOC_NUMBER_RE.pattern})", lines[0][:600])):
        return m.group(1)
    orders = [m.group(0) for note in notes for m in _ORDER_RE.finditer(_DATE_RE.sub(" ", note))]
    return orders[-1].replace("中华人民共和国", "").strip() if orders else ""


def _effective(text: str, notes: Sequence[str], promulgated: str) -> str:
    """The date the text says it takes effect (自…起施行), ISO."""
    stated = _EFFECTIVE_RE.findall(text) or re.findall(r"自(.{4,16}?)起施行", text[-2000:])
    if stated:
        if date := _DATE_RE.search(stated[-1]):
            return iso_date(date)
        if "之日" in stated[-1]:
            return promulgated
    for note in notes:
        if set(_NOTE_WORDS.findall(note)) == {"施行"} and (date := _DATE_RE.search(note)):
            return iso_date(date)
    return ""


def _period(title: str, text: str) -> str:
    if m := _PERIOD_RE.search(title):
        return m.group(0).replace(" ", "")
    m = _PLAN_PERIOD_RE.search(text)
    return m.group(0).rstrip("，, ") if m else ""


def _kind(title: str, issuer: str) -> str:
    core = _TRAILING_BRACKETS.sub("", title).rstrip("》")
    kind = next((k for end, k in _KINDS if core.endswith(end)), "其他")
    national = issuer.startswith("国务院") and not _PLACE_START.match(core)
    return "行政法规" if national and kind in ("条例", "规定", "办法", "细则") else kind


def _title_from_filename(filename: str) -> str:
    stem = re.sub(r"\s*[（(]\d{4}-\d{2}-\d{2}[)）]$", "", PurePath(filename).stem)
    return stem if re.search(rf"[{HAN}]", stem) else ""


def infer_metadata(raw: str, filename: str = "") -> InferredMetadata:
    """Title, issuer, 文号, dates, period and kind as the text states them."""
    lines = _clean_lines(raw)
    text = "\n".join(lines)
    front_title = title_from_front(lines)
    notes = [line for line in _notes(lines) if _is_note(line)]
    notice = _notice(front_title) or (_notice(lines[0]) if lines else None)
    title, issuer = notice or (front_title, _issuer_from_notes(notes))
    if title.startswith("《") and title.endswith("》"):
        title = title[1:-1]
    signer, signed = _signature(text, issuer)
    dates = _note_dates(notes) if not notice else []
    date = max(dates) if dates else signed
    promulgated = next(
        (iso_date(m) for n in notes if "公布" in n for m in [_DATE_RE.search(n)] if m), date
    )
    title = title or _title_from_filename(filename)
    issuer = _split_bodies(issuer or signer)
    return InferredMetadata(
        title=title,
        issuer=issuer,
        doc_number=_doc_number(lines, notes),
        date=date,
        effective=_effective(text, notes, promulgated),
        period=_period(title, text),
        kind=_kind(title, issuer),
    )
