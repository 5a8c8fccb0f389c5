"""Whether the corpus speaks to a question at all (False -> an explicit "not found").

The decision is a calibrated probability: :mod:`.evidence` measures the question against
its hits, the logistic model in ``answerability.json`` (fitted and cross-validated on
labelled questions by ``python -m policyqa.evaluation.calibrate``) turns that into the
probability that the corpus answers it, and its threshold was chosen on held-out folds for
at most 3 % false "not found". Where there is nothing to weigh (no hits, a clause named by
number, an English question of question words only) no model is asked.
"""

from __future__ import annotations

from collections.abc import Mapping

from .calibration import Logistic, load_model
from .context import Context

MODEL = "answerability"


def model() -> Logistic:
    return load_model(MODEL)


def probability(evidence: Mapping[str, float]) -> float:
    """The fitted probability that the corpus answers a question with this evidence."""
    return model().probability(evidence)


def decided_without_model(ctx: Context) -> bool | None:
    """The answer where the model has nothing to weigh, else None."""
    if not ctx.hits:
        return False
    if any(h.exact for h in ctx.hits):
        return True  # a clause the question names by number exists
    if ctx.english and not ctx.concepts and not ctx.untranslated:
        return False  # only question words ("What is it?"): nothing to measure
    return None


def answerable(ctx: Context, p: float) -> bool:
    """Whether to answer, given the model's probability ``p`` for ``ctx``."""
    decided = decided_without_model(ctx)
    return decided if decided is not None else p >= model().threshold
