"""The model's rules: small pure functions, one per rule, shared by both engines.

Each rule takes scalars and is compiled once by numba (`cache=True`, inlined into the day's
phases), so the Mesa engine and the ensemble engine run the very same machine code and agree
to the last bit. Only + − × ÷, min, max, floor and comparisons are used: no library
transcendental whose last bit could differ between machines (the choice rule's exponential is
built from those operations in `decisions.exp_neg`). Set NUMBA_DISABLE_JIT=1 to step through
them as plain Python.

The modules follow the day: `hostility` (Richardson, perception, framing), `beliefs` (Bayes' rule on
signals), `types` (private resolve drawn once per crisis, and what a choice says about it),
`decisions` (expected utilities and quantal response: the myopic rule), `strategy` (the replies the
strategic rule anticipates), `signalling` (the warning as a signal of resolve), `risk` (the threat
that leaves something to chance), `termination` (how wars end), `combat` (the balance of forces,
casualties, war), `incidents` (missteps and their reading), `crisis` (the dyad's rung: climbs, calm,
ceasefire). Symbols are those of `sim.model.scenario` and docs/model.md.
"""

from numba import njit

# Inlined into the engine loops; numpy error model: no zero-division checks (no rule divides
# by a quantity that can be zero). Both make the ensemble engine markedly faster.
rule = njit(cache=True, inline="always", error_model="numpy")

MODULES = (
    "hostility",
    "beliefs",
    "types",
    "decisions",
    "strategy",
    "signalling",
    "risk",
    "termination",
    "combat",
    "incidents",
    "crisis",
)
