"""The day's choice, the same under both decision rules: one quantal-response draw over the
options the rule priced (McKelvey & Palfrey 1995), the commitment twins' forks, the attacks
twin's holding, and warnings drawn by the choice's noise counted apart from deliberate ones.

A rule fills the scratch arrays (`sim.model.state.new_scratch`) with each option's utility,
action and target, and the utilities the two commitment twins would compute: without the
audience cost of backing down from a warning (column 3) and without the face lost by holding
after harm (column 4). Each twin is the run until the first choice such a cost decides: the
same draw over the twin's utilities picks another option.
"""

from sim.model.chance import Stream, uniform_at
from sim.model.outcomes import Event, Road, note_event
from sim.model.rules.decisions import best_option, quantal_choice
from sim.model.state import (
    A_CHOICE,
    A_TARGET,
    ATTACK,
    HOLD,
    PRECISION,
    WARN,
    diverge,
    phase,
)


@phase
def option(scratch, count, utility, action, target, without_warnings, without_face):
    """Add an option: its utility, action and target, and its utility in the two twins."""
    scratch[0][count], scratch[1][count], scratch[2][count] = utility, action, target
    scratch[3][count], scratch[4][count] = without_warnings, without_face
    return count + 1


@phase
def choose(i, W, state, dkey, day, suppress, scratch, count, weighed_warning, weighed_face):
    """Draw the day's option (stream DECISION, one draw), fork the commitment twins, let the
    attacks twin hold; store the action and target; return the option's index."""
    util, acts, targets, saved = scratch[0], scratch[1], scratch[2], scratch[7]
    for k in range(count):
        saved[k] = util[k]
    best = best_option(saved, count)
    precision = W[PRECISION]
    u = uniform_at(dkey, Stream.DECISION, i)
    k = quantal_choice(util, count, precision, u)
    if suppress == 0 and weighed_warning and state[5][Road.WARNINGS] < 0:
        other = quantal_choice(scratch[3], count, precision, u)
        if acts[other] != acts[k] or targets[other] != targets[k]:
            diverge(state, Road.WARNINGS, day)
    if suppress == 0 and weighed_face and state[5][Road.FACE] < 0:
        other = quantal_choice(scratch[4], count, precision, u)
        if acts[other] != acts[k] or targets[other] != targets[k]:
            diverge(state, Road.FACE, day)
    choice, target = acts[k], targets[k]
    if choice == WARN and saved[k] < saved[best]:
        note_event(state[3], Event.CHANCE_WARNING, day)
    if choice == ATTACK:
        diverge(state, Road.ATTACKS, day)
        if suppress & (1 << Road.ATTACKS):
            choice, target = HOLD, -1
    state[0][i, A_CHOICE], state[0][i, A_TARGET] = choice, target
    return k
