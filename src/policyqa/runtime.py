"""The thread pools of the native libraries, configured once, before any of them loads.

The bundled encoder and faiss both run OpenMP teams whose idle threads spin-wait by default.
On a machine with few cores their spinning threads take the CPU from each other and from
every other process: measured here under load, one question's embedding took 4.5 s instead
of 0.08 s. Passive waiting gives the cores back. A value the user set is kept.
"""

from __future__ import annotations

import os


def configure_threads() -> None:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
