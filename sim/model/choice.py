"""The day's choice, the same under both decision rules: one quantal-response draw over the
options the rule priced (McKelvey & Palfrey 1995), the commitment twins' forks, the attacks
twin's holding, and warnings drawn by the choice's noise counted apart from deliberate ones.

A rule fills the scratch (`sim.model.state.new_scratch`) with each option's utility, action and
target, and the utilities the two commitment twins would compute: without the audience cost of
backing down from a warning (column O_WARNINGS) and without the face lost by holding after harm
(column O_FACE). Each twin is the run until the first choice such a cost decides: the same draw
over the twin's utilities picks another option.
"""

from sim.model.chance import Stream, uniform_at
from sim.model.outcomes import Event, Road, note_event
from sim.model.rules.decisions import best_option, quantal_choice
from sim.model.state import (
    A_CHOICE,
    A_TARGET,
    ATTACK,
    DIVERGED,
    HOLD,
    O_ACTION,
    O_FACE,
    O_SAVED,
    O_TARGET,
    O_UTILITY,
    O_WARNINGS,
    PRECISION,
    WARN,
    actor_at,
    diverge,
    phase,
)


@phase
def option(scratch, count, utility, action, target, without_warnings, without_face):
    """Add an option: its utility, action and target, and its utility in the two twins."""
    scratch[O_UTILITY + count], scratch[O_ACTION + count] = utility, action
    scratch[O_TARGET + count] = target
    scratch[O_WARNINGS + count], scratch[O_FACE + count] = without_warnings, without_face
    return count + 1


@phase
def _differs(scratch, k, other):
    """Whether options k and `other` differ in action or target."""
    return (
        scratch[O_ACTION + other] != scratch[O_ACTION + k]
        or scratch[O_TARGET + other] != scratch[O_TARGET + k]
    )


@phase
def choose(i, W, S, dkey, day, suppress, scratch, count, weighed_warning, weighed_face):
    """Draw the day's option (stream DECISION, one draw), fork the commitment twins, let the
    attacks twin hold; store the action and target; return the option's index."""
    for k in range(count):
        scratch[O_SAVED + k] = scratch[O_UTILITY + k]
    best = best_option(scratch, count, O_SAVED)
    precision = W[PRECISION]
    u = uniform_at(dkey, Stream.DECISION, i)
    k = quantal_choice(scratch, count, precision, u, O_UTILITY)
    if suppress == 0 and weighed_warning and S[DIVERGED + Road.WARNINGS] < 0:
        other = quantal_choice(scratch, count, precision, u, O_WARNINGS)
        if _differs(scratch, k, other):
            diverge(S, Road.WARNINGS, day)
    if suppress == 0 and weighed_face and S[DIVERGED + Road.FACE] < 0:
        other = quantal_choice(scratch, count, precision, u, O_FACE)
        if _differs(scratch, k, other):
            diverge(S, Road.FACE, day)
    choice, target = scratch[O_ACTION + k], scratch[O_TARGET + k]
    if choice == WARN and scratch[O_SAVED + k] < scratch[O_SAVED + best]:
        note_event(S, Event.CHANCE_WARNING, day)
    if choice == ATTACK:
        diverge(S, Road.ATTACKS, day)
        if suppress & (1 << Road.ATTACKS):
            choice, target = HOLD, -1
    S[actor_at(i, A_CHOICE)], S[actor_at(i, A_TARGET)] = choice, target
    return k
