"""A small logistic model over :mod:`.evidence`, its parameters kept as data.

``answerability.json`` beside this module is written by ``python -m
policyqa.evaluation.calibrate``: the feature names, their means and spreads, the weights,
the threshold and the cross-validated numbers it was chosen by, with when and from which
gold sets it was made. Fitting is plain numpy (Newton steps on an L2-penalised log-loss).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]


@dataclass(frozen=True)
class Logistic:
    """p = sigmoid(bias + weights · (x - mean) / scale)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5
    meta: Mapping[str, Any] = field(default_factory=dict)

    def logit(self, x: Mapping[str, float]) -> float:
        z = self.bias
        for name, m, s, w in zip(self.features, self.mean, self.scale, self.weights, strict=True):
            z += w * (x[name] - m) / s
        return z

    def probability(self, x: Mapping[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, self.logit(x)))))

    def probabilities(self, x: Matrix) -> NDArray[np.float64]:
        """Row-wise :meth:`probability` of a matrix whose columns are :attr:`features`."""
        z = self.bias + ((x - np.array(self.mean)) / np.array(self.scale)) @ np.array(self.weights)
        out: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
            **dict(self.meta),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Logistic:
        own = {"features", "mean", "scale", "weights", "bias", "threshold"}
        return cls(
            tuple(d["features"]),
            tuple(float(x) for x in d["mean"]),
            tuple(float(x) for x in d["scale"]),
            tuple(float(x) for x in d["weights"]),
            float(d["bias"]),
            float(d["threshold"]),
            {k: v for k, v in d.items() if k not in own},
        )


def fit(x: Matrix, y: NDArray[np.float64], names: Sequence[str], l2: float = 1.0) -> Logistic:
    """Maximum-likelihood weights with an L2 penalty (not on the bias), standardised inputs."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (p - y) + penalty * w
        hess = (z.T * (p * (1 - p))) @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return Logistic(
        tuple(names),
        tuple(float(v) for v in mean),
        tuple(float(v) for v in scale),
        tuple(float(v) for v in w[1:]),
        float(w[0]),
    )


def load_model(name: str) -> Logistic:
    """A fitted model shipped with the package (``<name>.json`` beside this module)."""
    return _load(name)


@cache
def _load(name: str) -> Logistic:
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    return Logistic.from_dict(json.loads(text))
