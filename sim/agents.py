"""The actors: one Mesa agent per state, every one following the same rules.

A day runs in phases (see `EscalationModel.step`); each phase is one method here, and each
method only orchestrates calls to the rule functions of `sim.rules`. The ensemble engine
(`sim.ensemble`) follows the same phases over arrays of runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim import rules
from sim.chance import Stream
from sim.ladder import STRIKE_RUNG, WARNING_RUNG
from sim.outcomes import Event
from sim.scenario import ActorParams, Role

if TYPE_CHECKING:
    from sim.model import EscalationModel


class Actor(mesa.Agent):
    """A state with a hostility toward the other side that follows Richardson's update."""

    model: EscalationModel

    def __init__(self, model: EscalationModel, index: int, params: ActorParams) -> None:
        super().__init__(model)
        self.index = index
        self.params = params
        self.name = params.name
        self.role = params.role
        self.side = 0 if params.role == Role.CHALLENGER else 1
        self.hostility = params.initial_hostility
        self.perceived = 0.0
        self.rung = int(rules.rung_of(self.hostility, model.thresholds, params.nuclear_armed))
        self.initial_rung = self.rung
        self.troops = params.troops
        self.casualties = 0.0
        self.commit_day = 0 if params.warned or self.rung >= WARNING_RUNG else -1
        self.on_offensive = False
        self.pending_shock = 0.0
        self.today: list[str] = []  # the day's events, for the trajectory table

    @property
    def committed(self) -> bool:
        """Whether the actor has issued its public warning (a commitment)."""
        return self.commit_day >= 0

    def perceive(self) -> None:
        """Read the most hostile opponent's hostility through threat perception (M1)."""
        m, world, p = self.model, self.model.world, self.params
        threat = rules.opposing_hostility(m.start_hostility, m.sides, self.side)
        noise = world.perception_noise if m.switches.noise else 0.0
        bias = world.misperception_bias if m.switches.misperception else 0.0
        u = m.draw(Stream.NOISE, self.index) if noise > 0.0 else 0.5
        self.perceived = rules.perceived_hostility(threat, p.threat_perception, bias, noise, u)

    def consider_offensive(self) -> None:
        """Resume the offensive with a hazard that opponents' troops and resolve deter (M5)."""
        m, p = self.model, self.params
        if self.on_offensive or p.offensive_hazard <= 0.0:
            return
        deterrent = 0.0
        if m.switches.tripwire:
            for other in m.opponents[self.index]:
                deterrent += rules.deterrent_weight(other.troops, other.params.resolve)
        chance = rules.offensive_probability(
            p.offensive_hazard, m.start_hostility[self.index], m.world.deterrence, deterrent
        )
        if m.draw(Stream.OFFENSIVE, self.index) < chance:
            self.on_offensive = True
            target = m.front[1 - self.side]
            m.shock(target, m.world.offensive_shock)
            m.note(Event.OFFENSIVE, self, target)

    def suffer_incidents(self) -> None:
        """Suffer an incident, likelier with exposure and fighting (M3); read it (M4)."""
        m, world, p = self.model, self.model.world, self.params
        harm = world.harm_multiplier if (m.offensive_on and m.switches.tripwire) else 1.0
        exposure = rules.exposure_of(p.exposure, self.troops, harm)
        if exposure <= 0.0:
            return
        chance = rules.incident_probability(world.misstep_rate, m.intensity, exposure)
        if m.draw(Stream.MISSTEP, self.index) >= chance:
            return
        deaths = rules.casualty_count(
            world.misstep_casualties, m.draw(Stream.MISSTEP_CASUALTIES, self.index)
        )
        misread = False
        if m.switches.misreading:
            chance_misread = rules.misread_probability(p.threat_perception, world.hotline_quality)
            misread = m.draw(Stream.MISREAD, self.index) < chance_misread
        shock = rules.incident_shock(misread, world.misread_shock, world.accident_shock)
        self.casualties += deaths
        m.shock(self, shock)
        m.note(Event.MISSTEP, self, m.front[1 - self.side], deaths=deaths, misread=misread)
        if misread:
            m.note(Event.MISREAD, self, m.front[1 - self.side], silent=True)

    def consider_strike(self) -> None:
        """At the strike rung, strike the most hostile opponent deliberately (M9)."""
        m = self.model
        if not m.switches.retaliation or self.rung < STRIKE_RUNG:
            return
        if m.draw(Stream.STRIKE, self.index) >= self.params.strike_probability:
            return
        target = m.actors[int(rules.most_hostile(m.start_hostility, m.sides, self.side))]
        deaths = rules.casualty_count(
            m.world.strike_casualties, m.draw(Stream.STRIKE_CASUALTIES, self.index)
        )
        target.casualties += deaths
        m.shock(target, m.world.strike_shock)
        m.note(Event.STRIKE, self, target, deaths=deaths)

    def update_hostility(self) -> None:
        """Richardson's update with framing, warnings, lock-in and the day's shocks (M1-M7)."""
        m, world, p, sw = self.model, self.model.world, self.params, self.model.switches
        opponents = m.opponents[self.index]
        reaction = rules.reaction_coefficient(p.reactivity, p.resolve) if sw.reaction else 0.0
        days = float(m.day - self.commit_day) if (self.committed and sw.lock_in) else 0.0
        restraint = rules.effective_restraint(
            p.restraint, p.audience_cost, days, world.lock_in_days
        )
        framing = hardening = backdown = 0.0
        if sw.framing:
            framing = rules.framing_grievance(p.framing, m.opposing_troops(self))
        if sw.warning:
            warned = float(any(o.committed for o in opponents))
            hardening = rules.hardening_grievance(p.hardening, warned)
            backdown = rules.backdown_pressure(
                self.hostility, p.audience_cost, float(self.committed), world.thresholds[0]
            )
        grievance = rules.daily_grievance(
            p.grievance, framing, hardening, backdown, self.pending_shock
        )
        self.hostility = rules.richardson_step(
            self.hostility, reaction, self.perceived, restraint, grievance
        )
        self.pending_shock = 0.0

    def settle(self) -> None:
        """Take the rung reached; warn on first reaching rung 1 (M6); withdraw (M8)."""
        m, p = self.model, self.params
        rung = int(rules.rung_of(self.hostility, m.thresholds, p.nuclear_armed))
        if rung != self.rung:
            m.note_rung(self, self.rung, rung)
        self.rung = rung
        if not self.committed and rung >= WARNING_RUNG:
            self.commit_day = m.day
            m.note(Event.WARNING, self, None, troops=m.opposing_troops(self))
        limit = rules.casualty_limit(p.casualty_tolerance, p.resolve)
        if m.switches.withdrawal and rules.withdraws(self.troops, self.casualties, limit):
            m.note(Event.WITHDRAWAL, self, None, deaths=self.casualties, troops=self.troops)
            self.troops = 0
