from policyqa.engine import Engine
from policyqa.text.tokenizer import Tokenizer


def test_terms_come_from_the_corpus(engine: Engine) -> None:
    terms = set(engine.index.tokenizer.terms)
    for term in (
        "两江四岸",
        "西部陆海新通道",
        "成渝地区双城经济圈",
        "中欧班列（成渝）",
        "中欧班列",
        "两江新区实施方案",
        "规划纲要",
        "自贸办",
    ):
        assert term in terms


def test_policy_terms_stay_whole_and_keep_their_parts(engine: Engine) -> None:
    tokens = engine.index.tokenizer.tokenize("两江新区推进西部陆海新通道建设由哪个部门牵头？")
    assert {"西部陆海新通道", "两江新区", "牵头"} <= set(tokens)
    assert {"陆海", "通道"} <= set(tokens)  # search mode also yields the parts
    assert "哪个" not in tokens and "？" not in tokens


def test_without_the_dictionary_a_term_is_cut_up() -> None:
    assert "西部陆海新通道" not in Tokenizer().tokenize("西部陆海新通道")


def test_cut_by_blocks_is_jiebas_own_cut(engine: Engine) -> None:
    """The block memory changes nothing: every text of the corpus and of 40 real
    regulations is cut exactly as the same jieba dictionary cuts the whole text."""
    from support import REGULATIONS

    ours = engine.index.tokenizer
    texts = [c.text for c in engine.index.clauses]
    texts += [p.read_text(encoding="utf-8") for p in sorted(REGULATIONS.rglob("*.txt"))]
    assert len(texts) > 500
    for text in texts + texts[:50]:  # the second time from memory
        assert ours.tokenize(text) == ours._search_words(text.lower())
