"""The escalation ladder of a dyad and the actions that move it.

Seven rungs compress Kahn's 44 and the Militarized Interstate Dispute hostility levels. A
dyad's rung is moved by what its two actors *do* (their actions' levels), by incidents read as
attacks, by combat and by calm (`sim.model.rules.crisis`); it is not a reading of anyone's
hostility.
"""

from enum import Enum
from typing import NamedTuple


class Rung(NamedTuple):
    """One rung: its name, its Militarized Interstate Dispute hostility level, Kahn's rungs."""

    name: str
    mid_level: str
    kahn: str


LADDER: tuple[Rung, ...] = (
    Rung("ceasefire holds", "1 no militarized action", "1 ostensible crisis"),
    Rung('warnings ("legitimate targets")', "2 threat to use force",
         "2-3 political and diplomatic gestures, solemn and formal declarations"),
    Rung("shows of force", "3 display of force",
         "4-6 hardening of positions, show of force, significant mobilization"),
    Rung("incidents and harassment", "4 use of force",
         "7-9 'legal' harassment, harassing acts of violence, dramatic confrontations"),
    Rung("strikes and combat", "4 use of force",
         "10-11 provocative breaks, super-ready status, limited deliberate attacks"),
    Rung("open war", "5 war (1,000 battle deaths)",
         "12-14 large conventional war, compound escalation (below 'no nuclear use')"),
    Rung("nuclear use", "5 war (beyond the MID scale)",
         "15 and above: across the 'no nuclear use' threshold"),
)  # fmt: skip

WARNING_RUNG, SHOW_RUNG, CLASH_RUNG, COMBAT_RUNG, WAR_RUNG, NUCLEAR_RUNG = 1, 2, 3, 4, 5, 6


class Action(Enum):
    """The menu an actor chooses from each day (brief §3); the same menu for every actor.

    A plain Enum, not an IntEnum, so an action never compares equal to an `Event` number."""

    HOLD = 0
    DEESCALATE = 1
    WARN = 2
    MOBILISE = 3
    PROBE = 4
    STRIKE = 5
    ATTACK = 6
    WITHDRAW = 7
    NUCLEAR = 8

    @property
    def label(self) -> str:
        return ACTION_LABELS[self.value]


ACTION_LABELS = (
    "hold",
    "offer de-escalation",
    "warn publicly",
    "reinforce / mobilise",
    "harass / probe",
    "limited strike",
    "attack (offensive)",
    "withdraw troops",
    "nuclear use",
)
# The rung each action stands for; a dyad climbs to it one rung a day at most (ATTACK opens
# combat at once: rung 4; war itself needs the battle deaths of sustained combat).
ACTION_LEVEL = (0, 0, 1, 2, 3, 4, 4, 0, 6)
# Actions toward one opponent; the others (hold, withdraw) are postures.
TARGETED = (
    Action.DEESCALATE,
    Action.WARN,
    Action.MOBILISE,
    Action.PROBE,
    Action.STRIKE,
    Action.ATTACK,
    Action.NUCLEAR,
)


def rung_name(rung: int) -> str:
    """The rung's name, e.g. 'open war'."""
    return LADDER[rung].name
