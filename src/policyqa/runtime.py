"""The thread pools of the native libraries, configured once, before any of them loads.

The bundled encoder and faiss both run OpenMP teams whose idle threads spin-wait by default.
On a machine with few cores their spinning threads take the CPU from each other and from
every other process: measured here under load, one question's embedding took 4.5 s instead
of 0.08 s. Passive waiting gives the cores back.

numpy's own OpenBLAS runs a pthread pool that ignores OpenMP settings and spins after each
call: measured, every search left the server burning ~120 ms of CPU in the next half second,
which slowed the next question's embedding from 47 ms to 92 ms. Its work here is small
matrix products (a question against a few hundred sentence vectors), so one thread is
enough. A value the user set is kept.
"""

from __future__ import annotations

import os


def configure_threads() -> None:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
