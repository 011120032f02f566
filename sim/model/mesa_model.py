"""The escalation model on Mesa: the readable reference engine, one agent per actor.

A run is one crisis, one day a step, until nuclear use (terminated) or the horizon
(truncated); a war is a sustained state of a dyad, not an end. Each phase of a day is a
function of `sim.model.day`, which the ensemble engine calls too. Randomness comes only from
`sim.model.chance`, keyed by (seed, run, day, stream, slot); a twin (`suppress` = a road) sees the
same numbers for everything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np
import pandas as pd

from sim.model import day
from sim.model import state as layout
from sim.model.agents import Actor
from sim.model.chance import MAX_SEED, check_seed, day_key, run_key
from sim.model.ladder import Action
from sim.model.outcomes import (
    DM_BATTLE_DEATHS,
    Event,
    Outcome,
    Road,
    dyad_label,
    outcome_of,
    run_table,
)
from sim.model.scenario import Role, Scenario

LOG_ROWS = 256  # far more events than one day can have


@dataclass(frozen=True)
class LoggedEvent:
    """One thing that happened, for the plain-language timeline."""

    day: int
    kind: Event | Action | str  # an Event, an Action decided, or "rung"
    actor: str
    other: str | None = None
    details: dict = field(default_factory=dict)


def road_mask(*roads: Road) -> int:
    """The bit mask that suppresses the given roads (a twin)."""
    mask = 0
    for road in roads:
        mask |= 1 << int(road)
    return mask


class EscalationModel(mesa.Model):
    """Escalation between a challenger, a protégé and guarantors, one day a step (model brief)."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int | None = 0,
        run: int = 0,
        suppress: int = 0,
        record: bool = True,
    ) -> None:
        if seed is None:  # Mesa's convention (e.g. batch_run without seeds): draw one, keep it
            seed = int(np.random.SeedSequence().entropy % (MAX_SEED + 1))
        seed = check_seed(seed)
        super().__init__(rng=seed)  # Mesa's own generators stay unused: see sim.model.chance
        # Mesa's Model.scenario is its own class, so the crisis is kept as `spec`.
        self.spec = scenario
        self.world = scenario.world
        self.switches = scenario.mechanisms
        self.seed, self.run_index = seed, run
        self.suppress = int(suppress)
        self.record = record
        self.packed = layout.pack(scenario)
        # The run's state vector, which the phases read and write, and its named views.
        self.vector = layout.new_state(len(scenario.actors))
        self.state = layout.views(self.vector, len(scenario.actors))
        self.scratch = layout.new_scratch()
        self.log = layout.new_log(LOG_ROWS if record else 0)
        self.key = np.uint64(run_key(seed, run))  # numba hands back a Python int
        self.day = 0
        self.day_key = np.uint64(day_key(self.key, 0))
        self.actors = [Actor(self, i, p) for i, p in enumerate(scenario.actors)]
        self.events: list[LoggedEvent] = []
        self.dyad_rows: list[dict] = []
        self.terminated = bool(day.start(*self.packed, self.vector, self.key))
        for actor in self.actors:
            if actor.params.warned and self.switches.warning:
                self._log(
                    LoggedEvent(
                        0, Event.WARNING, actor.name, None, {"troops": self._troops_facing(actor)}
                    )
                )
        self.truncated = False
        self.running = not self.terminated
        self.datacollector = mesa.DataCollector(
            # The seed and run with every record, so that a batch_run row can be replayed.
            model_reporters={
                "seed": "seed",
                "run": "run_index",
                "rung": "rung",
                "outcome": lambda m: m.outcome.label,
            },
            agent_reporters={
                "actor": "name",
                "role": "role",
                "hostility": "hostility",
                "belief": "belief",
                "troops": "troops",
                "casualties": "casualties",
                "action": "action",
                "target": "target",
            },
        )
        if record:
            self._collect()

    # -- the day

    def step(self) -> None:
        """One day: perceive, decide, act, fight, slips, incidents, beliefs, hostility, settle."""
        if not self.running:  # an ended run stays ended (the app may step it again)
            return
        self.day = self.steps
        self.day_key = np.uint64(day_key(self.key, self.day))
        layout.clear_log(self.log)
        self.agents.do("perceive")
        self.agents.do("decide")
        self.agents.do("act")
        day.fight(*self.packed, self.vector, self.day_key, self.day, self.log)
        day.slip(*self.packed, self.vector, self.day_key, self.day, self.suppress, self.log)
        self.agents.do("suffer_incidents")
        self.agents.do("update_beliefs")
        self.agents.do("update_hostility")
        self.terminated = bool(day.settle(*self.packed, self.vector, self.day, self.log))
        self.truncated = not self.terminated and self.day >= self.world.days
        self.running = not (self.terminated or self.truncated)
        if self.record:
            self._read_log()
            self._collect()

    def run(self) -> EscalationModel:
        """Step until the run ends; return the model."""
        while self.running:
            self.step()
        return self

    # -- what the run says

    @property
    def metrics(self) -> np.ndarray:
        """The run's metrics vector (sim.model.outcomes)."""
        return self.state.metrics

    @property
    def dyad_metrics(self) -> np.ndarray:
        """The per-dyad metrics, one row per actor k ≥ 1 (the dyad challenger–k)."""
        return self.state.dyad_metrics

    @property
    def dyads(self) -> list[tuple[Actor, Actor]]:
        """The dyads: the challenger and each actor of the other side."""
        return [(self.actors[0], a) for a in self.actors[1:]]

    def rung_of(self, other: Actor) -> int:
        """The rung of the dyad challenger–other."""
        return int(self.state.dyad[other.index, layout.D_RUNG])

    @property
    def rung(self) -> int:
        """The crisis's rung: the highest rung of any dyad today."""
        return max((self.rung_of(k) for _, k in self.dyads), default=0)

    @property
    def outcome(self) -> Outcome:
        """The run's outcome by the precedence of brief section 4."""
        guarantor = np.array([a.role == Role.GUARANTOR for a in self.actors])
        return Outcome(outcome_of(self.metrics, self.dyad_metrics, guarantor))

    def result(self) -> dict[str, object]:
        """The run's metrics as one flat record, as the ensemble gives them."""
        table = run_table(
            self.metrics[None, :],
            self.dyad_metrics[None, :, :],
            self.state.actor[None, :, layout.A_DEATHS],
            self.state.actor[None, :, layout.A_WITHDRAWN],
            [a.name for a in self.actors],
            [a.role.value for a in self.actors],
            self.world.escalation_rung,
            self.seed,
            np.array([self.run_index]),
        )
        return table.iloc[0].to_dict()

    def trajectory(self) -> pd.DataFrame:
        """Per day and actor: hostility, belief, troops, casualties, action and its target."""
        frame = self.datacollector.get_agent_vars_dataframe().reset_index()
        frame = frame.rename(columns={"Step": "day", "AgentID": "agent_id"})
        frame["role"] = frame["role"].astype(str)
        return frame.drop(columns="agent_id")

    def dyad_trajectory(self) -> pd.DataFrame:
        """Per day and dyad: rung, battle deaths (all, and this episode of combat's), whether
        an offensive is under way."""
        return pd.DataFrame(self.dyad_rows)

    # -- bookkeeping for the narration

    def _troops_facing(self, actor: Actor) -> int:
        return sum(o.troops for o in actor.opponents)

    def _collect(self) -> None:
        self.datacollector.collect(self)
        for challenger, other in self.dyads:
            self.dyad_rows.append(
                {
                    "day": self.day,
                    "dyad": dyad_label(challenger.name, other.name),
                    "rung": self.rung_of(other),
                    "battle_deaths": int(self.dyad_metrics[other.index, DM_BATTLE_DEATHS]),
                    "episode_deaths": int(self.state.dyad[other.index, layout.D_BATTLE]),
                    "offensive": bool(self.state.dyad[other.index, layout.D_OFF_BY] >= 0),
                }
            )

    def _log(self, event: LoggedEvent) -> None:
        self.events.append(event)

    def _read_log(self) -> None:
        names = [a.name for a in self.actors]
        for row in layout.log_rows(self.log):
            kind, actor, other = int(row[0]), int(row[1]), int(row[2])
            who = names[actor]
            whom = names[other] if other >= 0 else None
            if kind == layout.LOG_RUNG:
                details = {"old": int(row[3]), "new": int(row[4])}
                self._log(LoggedEvent(self.day, "rung", who, whom, details))
            elif kind >= layout.LOG_ACTION:
                action = Action(kind - layout.LOG_ACTION)
                details = {
                    "belief": float(row[3]),
                    "hostility": float(row[4]),
                    "win": float(row[5]),
                    "wider": float(row[6]),
                    "backdown": float(row[7]),
                    "troops": self._troops_facing(self.actors[actor]),
                }
                self._log(LoggedEvent(self.day, action, who, whom, details))
            elif kind == Event.MISSTEP:
                details = {"deaths": int(row[3]), "misread": bool(row[4])}
                self._log(LoggedEvent(self.day, Event.MISSTEP, who, whom, details))
            elif kind == Event.SLIP:
                details = {"deaths": int(row[3]), "rung": int(row[4]), "nuclear": bool(row[5])}
                self._log(LoggedEvent(self.day, Event.SLIP, who, whom, details))
            else:
                self._log(LoggedEvent(self.day, Event(kind), who, whom, {"deaths": int(row[3])}))


def run_model(
    scenario: Scenario,
    seed: int = 0,
    run: int = 0,
    suppress: int = 0,
    record: bool = True,
) -> EscalationModel:
    """Run one crisis to its end and return the model."""
    return EscalationModel(scenario, seed, run, suppress, record).run()
