"""escalation-sim: an agent-based model of escalation under a tripwire and a counter-threat.

The flow reads in the subpackages' names: `model` (a scenario, its rules, one day, the two
engines) → `experiments` (many runs, sweeps, results folders) → `analysis` (summaries,
discovery, reports, figures) → `record` (patterns of the historical record, validation,
calibration) → `app` (the teaching page) and `cli` (the command line). Each imports only
from those before it; docs/architecture.md draws it.
"""

import hashlib
from pathlib import Path

# Sources compiled by numba, and the modules whose constants they bake in.
_COMPILED = (
    "chance.py", "choice.py", "day.py", "ensemble.py", "ladder.py", "myopic.py", "outcomes.py",
    "scenario.py", "state.py", "strategic.py",
)  # fmt: skip


def _drop_stale_machine_code() -> None:
    """Delete numba's cached machine code when a compiled source changed.

    numba checks only a cached function's own file, not the functions it calls, so an edited
    rule could otherwise run as its old machine code inside a cached engine loop.
    """
    model = Path(__file__).parent / "model"
    sources = [model / name for name in _COMPILED] + sorted((model / "rules").glob("*.py"))
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()
    stamp = model / "__pycache__" / "numba-sources.sha256"
    try:
        if stamp.read_text() == digest:
            return
    except OSError:
        pass
    for cached in [*model.glob("__pycache__/*.nb[ic]"), *model.glob("rules/__pycache__/*.nb[ic]")]:
        cached.unlink(missing_ok=True)
    try:
        stamp.parent.mkdir(exist_ok=True)
        stamp.write_text(digest)
    except OSError:  # a read-only install: nothing was cached there either
        pass


_drop_stale_machine_code()
