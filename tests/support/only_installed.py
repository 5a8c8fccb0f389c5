"""Run ``policyqa`` as if only some distributions were installed.

``python only_installed.py ALLOWED.json ARGS...``: every top-level module that belongs to an
installed distribution not named in ALLOWED.json fails to import, as it would on a machine
where nothing else was installed; then ``policyqa ARGS...`` runs.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.metadata
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType


class _Blocker(importlib.abc.MetaPathFinder):
    def __init__(self, blocked: set[str]) -> None:
        self.blocked = blocked

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.split(".", 1)[0] in self.blocked:
            raise ModuleNotFoundError(f"No module named {fullname!r} (not installed)")
        return None


def main() -> int:
    names = json.loads(Path(sys.argv[1]).read_text("utf-8"))
    allowed = {n.lower().replace("_", "-") for n in names}
    owners = importlib.metadata.packages_distributions()
    blocked = {
        module
        for module, dists in owners.items()
        if not any(d.lower().replace("_", "-") in allowed for d in dists)
    }
    sys.meta_path.insert(0, _Blocker(blocked))
    from policyqa.cli import main as policyqa

    return policyqa(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
