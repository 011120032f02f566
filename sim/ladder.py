"""The escalation ladder: seven rungs compressing Kahn's 44 and the MID hostility levels."""

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
    Rung("limited deliberate strikes", "4 use of force",
         "10-11 provocative breaks, super-ready status, limited deliberate attacks"),
    Rung("open war", "5 war",
         "12-14 large conventional war, compound escalation (below 'no nuclear use')"),
    Rung("nuclear use", "5 war (beyond the MID scale)",
         "15 and above: across the 'no nuclear use' threshold"),
)  # fmt: skip

WARNING_RUNG, CLASH_RUNG, STRIKE_RUNG, WAR_RUNG, NUCLEAR_RUNG = 1, 3, 4, 5, 6


def rung_name(rung: int) -> str:
    """The rung's name, e.g. 'open war'."""
    return LADDER[rung].name
