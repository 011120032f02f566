"""The escalation model on Mesa: the readable reference engine, one agent per actor.

A run is one crisis, one day a step, until open war or nuclear use (terminated) or the horizon
(truncated). Randomness comes only from `sim.chance`, keyed by (seed, run, day, stream,
actor); the twin of a run (`suppress_missteps=True`) sees the same numbers for everything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np
import pandas as pd

from sim import rules
from sim.agents import Actor
from sim.chance import check_seed, day_key, run_key, uniform_at
from sim.ladder import NUCLEAR_RUNG
from sim.outcomes import Event, Outcome, new_metrics, note_day, note_event, outcome_of, run_table
from sim.scenario import Role, Scenario


@dataclass(frozen=True)
class LoggedEvent:
    """One thing that happened, for the plain-language timeline."""

    day: int
    kind: Event | str  # an Event, or "rung", "war", "nuclear" for the narration
    actor: str
    other: str | None = None
    details: dict = field(default_factory=dict)


class EscalationModel(mesa.Model):
    """Escalation between a challenger, a protégé and guarantors, one day a step (model brief)."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 0,
        run: int = 0,
        suppress_missteps: bool = False,
        record: bool = True,
    ) -> None:
        seed = check_seed(seed)
        super().__init__(rng=seed)  # Mesa's own generators stay unused: see sim.chance
        # Mesa's Model.scenario is its own class, so the crisis is kept as `spec`.
        self.spec = scenario
        self.world = scenario.world
        self.switches = scenario.mechanisms
        self.seed, self.run_index = seed, run
        self.suppress_missteps = suppress_missteps
        self.record = record
        self.key = np.uint64(run_key(seed, run))  # numba hands back a Python int
        self.day = 0
        self.day_key = np.uint64(day_key(self.key, 0))
        self.thresholds = np.asarray(self.world.thresholds, dtype=np.float64)
        self.actors = [Actor(self, i, p) for i, p in enumerate(scenario.actors)]
        self.sides = np.array([a.side for a in self.actors], dtype=np.int64)
        self.opponents = [[o for o in self.actors if o.side != a.side] for a in self.actors]
        self.allies = [
            [o for o in self.actors if o.side == a.side and o is not a] for a in self.actors
        ]
        self.front = [self.actors[0], self._defender_front()]
        self.offensive_on = False
        self.intensity = self.world.front_intensity
        self.start_hostility = self._hostility()
        self.metrics = new_metrics()
        self.events: list[LoggedEvent] = []
        for actor in self.actors:
            if actor.committed:
                self.note(Event.WARNING, actor, None, troops=self.opposing_troops(actor))
        self.terminated = note_day(self.metrics, 0, self.rung)
        self.truncated = False
        self.running = not self.terminated
        self.datacollector = mesa.DataCollector(
            model_reporters={"rung": "rung", "intensity": "intensity"},
            agent_reporters={
                "actor": "name",
                "role": "role",
                "hostility": "hostility",
                "perceived": "perceived",
                "rung": "rung",
                "troops": "troops",
                "casualties": "casualties",
                "events": lambda a: "; ".join(a.today),
            },
        )
        if record:
            self.datacollector.collect(self)

    def _defender_front(self) -> Actor:
        """The actor the challenger's offensive and incidents face: the protégé if any."""
        defenders = [a for a in self.actors if a.side == 1]
        return next((a for a in defenders if a.role == Role.PROTEGE), defenders[0])

    def _hostility(self) -> np.ndarray:
        return np.array([a.hostility for a in self.actors])

    @property
    def rung(self) -> int:
        """The crisis's rung: the highest rung any actor has reached today."""
        return max(a.rung for a in self.actors)

    def opposing_troops(self, actor: Actor) -> int:
        """Troops the other side has in theatre."""
        return sum(o.troops for o in self.opponents[actor.index])

    def draw(self, stream: int, actor: int) -> float:
        """Today's uniform number for (stream, actor): a pure function of the key (sim.chance)."""
        return uniform_at(self.day_key, int(stream), actor)  # an IntEnum is slow for numba to type

    def step(self) -> None:
        """One day: perceive, offensives, missteps, strikes, then update and settle."""
        self.day = self.steps
        self.day_key = np.uint64(day_key(self.key, self.day))
        self.start_hostility = self._hostility()
        for actor in self.actors:
            actor.today = []
        self.agents.do("perceive")
        self.agents.do("consider_offensive")
        self.offensive_on = any(a.on_offensive for a in self.actors)
        self.intensity = rules.front_intensity(
            self.world.front_intensity, self.offensive_on, self.world.offensive_intensity
        )
        if self.switches.missteps and not self.suppress_missteps:
            self.agents.do("suffer_incidents")
        self.agents.do("consider_strike")
        self.agents.do("update_hostility")
        self.agents.do("settle")
        self.terminated = note_day(self.metrics, self.day, self.rung)
        self.truncated = not self.terminated and self.day >= self.world.days
        self.running = not (self.terminated or self.truncated)
        if self.terminated:
            top = max(self.actors, key=lambda a: a.rung)
            self._log("nuclear" if top.rung >= NUCLEAR_RUNG else "war", top, None)
        if self.record:
            self.datacollector.collect(self)

    def shock(self, victim: Actor, size: float) -> None:
        """The victim feels a shock in full; its allies feel their solidarity's share (brief §1)."""
        victim.pending_shock += rules.felt_shock(size, victim.params.resolve, 1.0)
        for ally in self.allies[victim.index]:
            ally.pending_shock += rules.felt_shock(
                size, ally.params.resolve, ally.params.solidarity
            )

    def note(
        self,
        kind: Event,
        actor: Actor,
        other: Actor | None,
        silent: bool = False,
        **details: object,
    ) -> None:
        """Count an event in the run's metrics and, unless silent, log it for the timeline."""
        note_event(self.metrics, kind, self.day)
        if not silent:
            self._log(kind, actor, other, **details)

    def note_rung(self, actor: Actor, old: int, new: int) -> None:
        """Log a change of an actor's rung."""
        self._log("rung", actor, None, old=old, new=new)

    def _log(self, kind: Event | str, actor: Actor, other: Actor | None, **details: object) -> None:
        if not self.record:
            return
        name = kind.name.lower() if isinstance(kind, Event) else kind
        actor.today.append(name)
        self.events.append(
            LoggedEvent(self.day, kind, actor.name, other.name if other else None, details)
        )

    def run(self) -> EscalationModel:
        """Step until the run ends; return the model."""
        while self.running:
            self.step()
        return self

    @property
    def outcome(self) -> Outcome:
        """The run's outcome by the precedence of brief section 5."""
        return Outcome(outcome_of(self.metrics))

    def result(self) -> dict[str, object]:
        """The run's metrics (brief section 5) as one flat record, as the ensemble gives them."""
        casualties = np.array([[a.casualties for a in self.actors]])
        table = run_table(
            self.metrics[None, :],
            casualties,
            [a.name for a in self.actors],
            self.world.escalation_rung,
            self.seed,
            np.array([self.run_index]),
        )
        return table.iloc[0].to_dict()

    def trajectory(self) -> pd.DataFrame:
        """Per day and actor: hostility, perceived hostility, rung, troops, casualties, events."""
        frame = self.datacollector.get_agent_vars_dataframe().reset_index()
        frame = frame.rename(columns={"Step": "day", "AgentID": "agent_id"})
        frame["role"] = frame["role"].astype(str)
        return frame.drop(columns="agent_id")


def run_model(
    scenario: Scenario,
    seed: int = 0,
    run: int = 0,
    suppress_missteps: bool = False,
    record: bool = True,
) -> EscalationModel:
    """Run one crisis to its end and return the model."""
    return EscalationModel(scenario, seed, run, suppress_missteps, record).run()
