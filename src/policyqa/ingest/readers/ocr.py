"""Optional OCR of rendered page images with RapidOCR (PP-OCR Chinese models on onnxruntime).

The ``rapidocr`` wheel carries its detection, classification and recognition models, so nothing
is downloaded when an engine starts; the package is the ``policyqa[ocr]`` extra.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from typing import Any

from .pdf_layout import Line

INSTALL_HINT = "pip install 'policyqa[ocr]'"


def available() -> bool:
    """Is the optional OCR engine installed?"""
    return (
        importlib.util.find_spec("rapidocr") is not None
        and importlib.util.find_spec("onnxruntime") is not None
    )


@lru_cache(maxsize=1)
def _engine() -> Any:
    """One engine per process: loading the models takes about a second."""
    from rapidocr import RapidOCR

    return RapidOCR(params={"Global.log_level": "error"})


def recognise(image: Any) -> list[Line]:
    """Text lines found in an RGB/BGR image array (height x width x 3), top to bottom.

    Boxes are in the image's pixels; an image with no text gives an empty list.
    """
    result = _engine()(image)
    if result.boxes is None or result.txts is None:
        return []
    lines = []
    for box, text in zip(result.boxes, result.txts, strict=True):
        xs = [float(point[0]) for point in box]
        ys = [float(point[1]) for point in box]
        if str(text).strip():
            lines.append(Line(str(text).strip(), min(xs), max(xs), min(ys), max(ys)))
    return lines
