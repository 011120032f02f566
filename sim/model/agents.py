"""The actors: one Mesa agent per state, every one following the same rules.

A day runs in phases (see `EscalationModel.step`); each phase an actor takes part in is one
method here, and each method calls the phase of `sim.model.day` that both engines share, so the
Mesa engine and the ensemble engine run the very same logic (docked run by run). The
properties read the actor's part of the run's state, for the data collector and the app.
"""

from __future__ import annotations

from typing import Protocol

import mesa
import numpy as np

from sim.model import day
from sim.model import state as layout
from sim.model.ladder import Action
from sim.model.scenario import ActorParams


class RunOnMesa(Protocol):
    """What an actor reads of its model (`sim.model.mesa_model.EscalationModel`): the packed
    scenario, the run's state and today's keys. A protocol, so agents need not import the
    model that imports them."""

    packed: tuple[np.ndarray, np.ndarray, np.ndarray]
    vector: np.ndarray
    state: layout.StateViews
    day: int
    day_key: np.uint64
    suppress: int
    scratch: np.ndarray
    log: np.ndarray
    actors: list


class Actor(mesa.Agent):
    """A state that perceives its opponents, decides, acts, suffers incidents, updates its
    beliefs and its hostility toward each opponent, every day."""

    model: RunOnMesa

    def __init__(self, model: RunOnMesa, index: int, params: ActorParams) -> None:
        super().__init__(model)
        self.index = index
        self.params = params
        self.name = params.name
        self.role = params.role

    # -- the day's phases (EscalationModel.step schedules them with AgentSet.do)

    def perceive(self) -> None:
        """Read each opponent's hostility through threat perception (M1)."""
        m = self.model
        day.perceive(self.index, *m.packed, m.vector, m.day_key)

    def decide(self) -> None:
        """Choose today's action by quantal response over expected utilities (brief §3)."""
        m = self.model
        day.decide(self.index, *m.packed, m.vector, m.day_key, m.day, m.suppress, m.scratch, m.log)

    def act(self) -> None:
        """Carry out today's choice (warn, mobilise, harass, strike, attack, de-escalate, ...)."""
        m = self.model
        day.act(self.index, *m.packed, m.vector, m.day_key, m.day, m.log)

    def suffer_incidents(self) -> None:
        """Suffer incidents, likelier with exposure, fighting and harassment; read them (M3, M4)."""
        m = self.model
        day.suffer_incidents(self.index, *m.packed, m.vector, m.day_key, m.day, m.suppress, m.log)

    def update_beliefs(self) -> None:
        """Update the belief about each opponent from the day's signals (M11)."""
        day.update_beliefs(self.index, *self.model.packed, self.model.vector)

    def update_hostility(self) -> None:
        """Richardson's update toward each opponent (M1, M2, M6)."""
        day.update_hostility(self.index, *self.model.packed, self.model.vector)

    # -- what the actor's part of the state says

    @property
    def opponents(self) -> list[Actor]:
        """The actors on the other side."""
        return [a for a in self.model.actors if (a.index == 0) != (self.index == 0)]

    @property
    def hostility(self) -> float:
        """Hostility toward its most hostile-making opponent (the largest xᵢⱼ)."""
        pair = self.model.state.pair[self.index, :, layout.P_HOST]
        return float(max(pair[o.index] for o in self.opponents))

    @property
    def belief(self) -> float:
        """The highest belief that an opponent is aggressive."""
        pair = self.model.state.pair[self.index, :, layout.P_BELIEF]
        return float(max(pair[o.index] for o in self.opponents))

    def hostility_to(self, other: Actor) -> float:
        """Hostility toward one opponent."""
        return float(self.model.state.pair[self.index, other.index, layout.P_HOST])

    def belief_about(self, other: Actor) -> float:
        """The belief that one opponent is aggressive."""
        return float(self.model.state.pair[self.index, other.index, layout.P_BELIEF])

    @property
    def troops(self) -> int:
        """Troops in theatre now."""
        return int(self.model.state.actor[self.index, layout.A_TROOPS])

    @property
    def casualties(self) -> float:
        """Deaths suffered so far (battle, strikes and incidents)."""
        return float(self.model.state.actor[self.index, layout.A_DEATHS])

    @property
    def action(self) -> str:
        """Today's action, e.g. 'limited strike'."""
        return Action(int(self.model.state.actor[self.index, layout.A_CHOICE])).label

    @property
    def target(self) -> str:
        """The opponent today's action aimed at ('' for a posture)."""
        target = int(self.model.state.actor[self.index, layout.A_TARGET])
        return self.model.actors[target].name if target >= 0 else ""
