"""Summaries of many runs: outcome shares and causal attribution to each road to war.

A `Tally` accumulates counts chunk by chunk, so summarising a million runs needs no more
memory than summarising one chunk. Shares carry 95% Wilson score intervals (Wilson 1927);
the risk difference between runs and their twins carries a paired 95% interval (runs and
twins share every random number, so the difference is estimated from the discordant pairs:
the Wald interval for paired proportions, Agresti 2013, §11.1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.model.finite import kept as finite_runs
from sim.model.outcomes import OUTCOME_LABELS, Road
from sim.model.scenario import Scenario

STOPPED_ROW = "runs stopped: a hostility left the finite range"

Z95 = 1.959963984540054  # the 97.5% quantile of the standard normal


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a binomial share (Wilson 1927); (nan, nan) if no trials."""
    if trials == 0:
        return (math.nan, math.nan)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exact at the ends, no 1e-19
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return (low, high)


def paired_difference(only_run: int, only_twin: int, n: int, z: float = Z95) -> tuple[float, ...]:
    """Risk difference P(run) − P(twin) of paired binary outcomes and its 95% interval:
    d = (b − c)/n ± z·√((b + c)/n − d²)/√n, b and c the discordant pairs (Agresti 2013, §11.1)."""
    if n == 0:
        return (math.nan, math.nan, math.nan)
    d = (only_run - only_twin) / n
    half = z * math.sqrt(max(0.0, (only_run + only_twin) / n - d * d) / n)
    return (d, max(-1.0, d - half), min(1.0, d + half))


def impossible_without(scenario: Scenario, road: Road) -> str:
    """Why the twin of `road` cannot reach war by construction, or '' when it can.

    War needs battle deaths, which come from chosen strikes and attacks and from slips (a
    clash or a day of battle nobody ordered): with decisions off and no slips there are none
    at all; without attacks (suppressed in the twin, or M10 off) strikes and slips must kill.
    """
    world, switches = scenario.world, scenario.mechanisms
    if world.escalation_rung < 5:
        return ""  # escalation short of war needs no battle deaths
    strikes_kill = world.strike_casualties > 0 and world.force_lethality > 0
    slips = (
        switches.slips
        and road != Road.SLIPS
        and world.slip_rate > 0
        and world.force_lethality > 0
        and (world.strike_casualties > 0 or world.combat_casualties > 0)
    )
    if not switches.decisions and not slips:
        return "decisions are off, so no one strikes or attacks: war is impossible in any run"
    attacks = switches.deliberate and road != Road.ATTACKS
    if not strikes_kill and (not attacks or world.combat_casualties == 0) and not slips:
        why = "attacks are suppressed" if road == Road.ATTACKS else "attacks are off"
        if attacks:
            why = "offensives kill no one"
        return f"{why} and strikes kill no one, so no battle deaths are possible"
    return ""


def attack_cut_off(scenario: Scenario) -> str:
    """Why no actor can ever choose to attack, or '': even the attack's best case (winning
    surely, the first strike's edge, anger at its ceiling, the actor's highest resolve, no
    guarantor expected in) stays more than 40/λ below holding at its worst (the face of
    holding after harm), where the choice rule gives it the weight 0."""
    world = scenario.world
    if not (scenario.mechanisms.decisions and scenario.mechanisms.deliberate):
        return ""
    if world.precision == 0:
        return ""
    face = 2 * max(a.audience_cost for a in scenario.actors)  # lock-in at most doubles B
    spread = scenario.mechanisms.types
    for actor in scenario.actors:
        if actor.forces == 0:
            continue
        resolve = min(1.0, actor.resolve + (actor.resolve_spread if spread else 0.0))
        best = (
            actor.stakes * (1 + world.first_strike)
            + world.anger * 4  # felt anger saturates at 4 (sim.model.rules.decisions)
            - (1 - resolve) * world.war_cost
        )
        if world.precision * (best + face) >= -40:
            return ""
    return (
        "even at its most favourable, an attack's utility stays more than 40/λ below holding "
        "for every actor, so the choice rule never picks it"
    )


def twin_is_the_run(scenario: Scenario, road: Road) -> str:
    """Why the twin of `road` is the run itself by construction (its risk difference is then
    0 and it causes no war: no finding), or '' when the twin can differ."""
    world, switches = scenario.world, scenario.mechanisms
    no_incident = not switches.missteps or world.misstep_rate == 0
    if road == Road.MISSTEPS and no_incident:
        why = "missteps are off" if not switches.missteps else "the incident rate is 0"
        return f"{why}, so no incident happens and the twin without missteps is the run"
    if road == Road.MISREADING and no_incident:
        return "no incident happens, so none is misread and the twin without misreading is the run"
    if road == Road.MISREADING:
        # An incident is misread with chance τ·(1 − q) (sim.model.rules.incidents).
        if not switches.misreading:
            return "misreading is off, so the twin without misreading is the run"
        if world.hotline_quality == 1 or all(a.threat_perception == 0 for a in scenario.actors):
            return (
                "a perfect hotline or no threat perception: no incident is misread, so the "
                "twin without misreading is the run"
            )
    if road == Road.ATTACKS:
        if not (switches.deliberate and switches.decisions):
            return "no one can decide to attack, so the twin without attacks is the run"
        if all(a.forces == 0 for a in scenario.actors):
            return "no actor has forces to attack with, so the twin without attacks is the run"
    if road in (Road.WARNINGS, Road.FACE):
        twin = "without audience costs" if road == Road.WARNINGS else "without face"
        if not (switches.warning and switches.decisions):
            return f"no public warning binds anyone, so the twin {twin} is the run"
        if all(a.audience_cost == 0 for a in scenario.actors):
            return (
                "every actor's audience cost is 0, so backing down costs no face anyway and "
                f"the twin {twin} is the run"
            )
    if road == Road.SLIPS:
        if not switches.slips:
            return "slips are off, so nothing escalates out of control and the twin is the run"
        if world.slip_rate == 0 and world.nuclear_slip == 0:
            return "every slip chance is 0, so the twin without slips is the run"
    return ""


def by_construction(scenario: Scenario, road: Road) -> str:
    """What the code makes certain about `road`'s twin in this scenario, or ''."""
    if road == Road.ATTACKS and attack_cut_off(scenario):
        return attack_cut_off(scenario) + ": the twin without attacks is the run"
    return impossible_without(scenario, road) or twin_is_the_run(scenario, road)


@dataclass
class Tally:
    """Counts over runs: outcomes, escalation, missteps, each road's twin, escalation days."""

    horizon: int
    escalation_rung: int
    runs: int = 0
    outcomes: np.ndarray = field(default_factory=lambda: np.zeros(len(OUTCOME_LABELS), int))
    escalated: int = 0
    widened: int = 0
    with_misstep: int = 0
    escalated_with_misstep: int = 0
    twins: int = 0
    twin_escalated: np.ndarray = field(default_factory=lambda: np.zeros(len(Road), int))
    caused: np.ndarray = field(default_factory=lambda: np.zeros(len(Road), int))
    only_twin: np.ndarray = field(default_factory=lambda: np.zeros(len(Road), int))
    stopped: int = 0  # runs stopped out of the finite range (sim.model.finite): not counted
    escalation_days: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.escalation_days = np.zeros(self.horizon + 1, dtype=np.int64)

    def add(self, table: pd.DataFrame) -> None:
        """Count the runs of one per-run table (see `sim.model.outcomes.run_table`); runs
        stopped out of the finite range are only counted as such."""
        table, stopped = finite_runs(table)
        self.stopped += stopped
        self.runs += len(table)
        codes = table["outcome"].cat.codes.to_numpy()
        self.outcomes += np.bincount(codes, minlength=len(OUTCOME_LABELS))
        escalated = table["escalated"].to_numpy()
        misstep = table["misstep_happened"].to_numpy()
        self.escalated += int(escalated.sum())
        self.widened += int(table["widened"].sum())
        self.with_misstep += int(misstep.sum())
        self.escalated_with_misstep += int((escalated & misstep).sum())
        day = table[f"first_rung_{self.escalation_rung}_day"].to_numpy()
        self.escalation_days += np.bincount(day[day >= 0], minlength=self.horizon + 1)
        if "caused_by_missteps" in table:
            self.twins += len(table)
            for road in Road:
                twin = table[f"twin_{road.label}_escalated"].to_numpy()
                self.twin_escalated[road] += int(twin.sum())
                self.caused[road] += int((escalated & ~twin).sum())
                self.only_twin[road] += int((twin & ~escalated).sum())

    def attribution(self) -> pd.DataFrame:
        """P(escalation), P(escalation | a misstep), P(wider war): shares with intervals."""
        rows = [
            ("P(escalation)", self.escalated, self.runs),
            ("P(the war widened to a guarantor)", self.widened, self.runs),
            ("P(escalation | misstep)", self.escalated_with_misstep, self.with_misstep),
            (
                "P(escalation | no misstep)",
                self.escalated - self.escalated_with_misstep,
                self.runs - self.with_misstep,
            ),
        ]
        if self.stopped:  # left out of every other row
            rows.append((STOPPED_ROW, self.stopped, self.runs + self.stopped))
        return _shares(rows)

    def roads(self, scenario: Scenario | None = None) -> pd.DataFrame:
        """Per road: P(escalation), P(escalation) in its twin, the paired risk difference with
        its 95% interval, and the share of escalations it caused with its Wilson interval.

        With the scenario, a road whose twin cannot reach war, or is the run itself, by
        construction says so in the column `by_construction`: its caused share (100%, or no
        war caused) is then no finding.
        """
        rows = []
        for road in Road:
            if not self.twins:
                break
            d, low, high = paired_difference(
                int(self.caused[road]), int(self.only_twin[road]), self.twins
            )
            share_low, share_high = wilson_interval(int(self.caused[road]), self.escalated)
            rows.append(
                {
                    "road": road.label,
                    "runs": self.twins,
                    "p_escalation": self.escalated / self.twins,
                    "p_twin": self.twin_escalated[road] / self.twins,
                    "risk_difference": d,
                    "rd_low": low,
                    "rd_high": high,
                    "caused": int(self.caused[road]),
                    "caused_share": self.caused[road] / self.escalated
                    if self.escalated
                    else math.nan,
                    "caused_low": share_low,
                    "caused_high": share_high,
                    "by_construction": by_construction(scenario, road) if scenario else "",
                }
            )
        return pd.DataFrame(rows)

    def outcome_shares(self) -> pd.DataFrame:
        """Each outcome's share of runs with its interval."""
        return _shares(
            [
                (label, int(n), self.runs)
                for label, n in zip(OUTCOME_LABELS, self.outcomes, strict=True)
            ]
        )


def _shares(rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["quantity", "count", "of"])
    intervals = [wilson_interval(int(k), int(n)) for _, k, n in rows]
    frame["share"] = [k / n if n else math.nan for _, k, n in rows]
    frame["low"] = [lo for lo, _ in intervals]
    frame["high"] = [hi for _, hi in intervals]
    return frame
