"""One browser session of the teaching app, without Solara: its run, safe under any timing.

The page's controls and its Play loop reach the model only through a `Session`, whose lock
lets one of them at a time step or replace the model. What the page draws is a `View`: an
immutable picture of the run taken under that lock after each change, so the page never reads
a model while it steps (the Mesa DataCollector's dictionaries are not safe to read while they
grow: SolaraViz's Play crashed on exactly that).

Play runs in the session's own thread and never waits for the page: it steps, publishes a new
view (`version` goes up, `wait` wakes), and steps on. The page draws the newest view when it
is ready, so a slow drawing drops stale views instead of queueing them, and the chart and the
day counter come from the same view. Pause, Step, Reset and a change of settings stop Play
before the next simulated day (the loop checks between days), so they act at once at any
speed. A session is made in one place and ends in one place (`close`: Play stops, waiters
wake, and the session takes no more work).
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analysis.timeline import describe, outcome_line, timeline_lines, twin_lines
from sim.app.settings import caption, scenario_of
from sim.model.ladder import LADDER, WAR_RUNG
from sim.model.mesa_model import EscalationModel, road_mask
from sim.model.outcomes import DM_BATTLE_DEATHS, Event, Road, dyad_label

SPEEDS = (1, 2, 5, 10, 20, 40)  # days per second of Play
FRAME_SECONDS = 0.25  # Play publishes a view at most this often
# Sessions not yet closed, by id (a count for the tests; weak: it keeps none alive).
OPEN: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


@dataclass(frozen=True, eq=False)
class History:
    """Per day so far (rows 0..day): each dyad's rung, battle deaths and whether an offensive
    is under way, and each actor's hostility to its most hated opponent."""

    dyads: tuple[str, ...]  # "Russia-France", as the run's tables name them
    actors: tuple[str, ...]
    rungs: np.ndarray  # (days, dyads) int
    battle_deaths: np.ndarray  # (days, dyads) int: the dyad's total so far
    offensive: np.ndarray  # (days, dyads) bool
    hostility: np.ndarray  # (days, actors) float


class _Track:
    """The history of one run, filled day by day as the run steps (preallocated)."""

    def __init__(self, model: EscalationModel) -> None:
        size = model.world.days + 1
        self.model = model
        self.dyads = tuple(dyad_label(c.name, o.name) for c, o in model.dyads)
        self.actors = tuple(a.name for a in model.actors)
        self.rungs = np.zeros((size, len(self.dyads)), dtype=np.int64)
        self.battle = np.zeros((size, len(self.dyads)), dtype=np.int64)
        self.offensive = np.zeros((size, len(self.dyads)), dtype=bool)
        self.hostility = np.zeros((size, len(self.actors)))
        self.casualties = np.zeros((size, len(self.actors)), dtype=np.int64)
        self.days = 0
        self.record()

    def record(self) -> None:
        """Today's row (call it after each step)."""
        from sim.model.state import D_OFF_BY

        model, d = self.model, self.model.day
        dyad = model.state.dyad
        for k, (_, other) in enumerate(model.dyads):
            self.rungs[d, k] = model.rung_of(other)
            self.battle[d, k] = int(model.dyad_metrics[other.index, DM_BATTLE_DEATHS])
            self.offensive[d, k] = bool(dyad[other.index, D_OFF_BY] >= 0)
        for k, actor in enumerate(model.actors):
            self.hostility[d, k] = actor.hostility
            self.casualties[d, k] = int(actor.casualties)
        self.days = d + 1

    def casualties_before(self, day: int, name: str) -> int | None:
        """An actor's deaths at the end of the day before `day` (for the timeline)."""
        if not 0 < day <= self.days:
            return None
        return int(self.casualties[day - 1, self.actors.index(name)])

    def history(self) -> History:
        n = self.days
        return History(
            self.dyads,
            self.actors,
            self.rungs[:n].copy(),
            self.battle[:n].copy(),
            self.offensive[:n].copy(),
            self.hostility[:n].copy(),
        )


def war_spans(rungs: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) day of each stretch of days a dyad stood at open war or above."""
    at_war = np.concatenate([[False], rungs >= WAR_RUNG, [False]])
    edges = np.flatnonzero(at_war[1:] != at_war[:-1])
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def dyad_line(name: str, rungs: np.ndarray, deaths: int, day: int) -> str:
    """A dyad's rung today, and when its wars began and ended, e.g. 'Russia–France: rung 0,
    ceasefire holds; at open war from day 136 to day 240 (3,211 battle deaths)'."""
    rung = int(rungs[-1])
    text = f"{name.replace('-', '–')}: rung {rung}, {LADDER[rung].name}"
    spans = war_spans(rungs)
    if spans:
        told = [
            f"from day {a}" + (" (still at war)" if b == day else f" to day {b}") for a, b in spans
        ]
        text += f"; at open war {' and '.join(told)} ({deaths:,} battle deaths)"
    elif deaths:
        text += f" ({deaths:,} battle deaths, no open war)"
    return text


def actor_lines(actor) -> list[str]:
    """A card's lines: name and role, troops, losses, today's action and its target."""
    today = actor.action + (f" → {actor.target}" if actor.target else "")
    return [
        f"{actor.name} ({actor.role.value})",
        f"troops {actor.troops:,}",
        f"losses {int(actor.casualties):,}",
        f"today: {today}",
    ]


def actor_rung(model: EscalationModel, actor) -> int:
    """The highest rung of the dyads the actor is in (the card's colour)."""
    return model.rung if actor.index == 0 else model.rung_of(actor)


def decision_lines(model: EscalationModel) -> list[str]:
    """Today's decisions other than holding, each with its reason, and today's events."""
    roles = {a.name: a.role.value for a in model.actors}
    lines = []
    for event in model.events:
        if event.day == model.day and (text := describe(event, roles)) is not None:
            lines.append(text)
    return lines or ["Everyone holds: no decision to tell today."]


def deaths_words(total: int, battle: int, incidents: int) -> str:
    """All deaths so far, and why they differ from the battle deaths: incidents' dead are
    nobody's battle deaths (docs/model.md §3.4.5)."""
    if total == battle:
        return f"deaths {total:,}" + (" (all in battle)" if total else "")
    parts = [f"{battle:,} in battle (strikes and offensives: the dyads' battle deaths)"]
    if incidents:
        parts.append(f"{incidents:,} in incidents (missteps: not battle deaths)")
    if (other := total - battle - incidents) != 0:
        parts.append(f"{other:,} otherwise")
    return f"deaths {total:,}: " + "; ".join(parts)


def so_far(model: EscalationModel) -> str:
    """The outcome of a run still going (the whole outcome line is told when it ends)."""
    return f"So far: {model.outcome.label} (crisis rung {model.rung}: {LADDER[model.rung].name})"


@dataclass(frozen=True, eq=False)  # compared by identity
class View:
    """What the page shows of one run at one moment (taken under the session's lock)."""

    version: int
    settings: dict[str, Any]
    caption: str
    day: int
    horizon: int
    running: bool  # the run can go on
    playing: bool  # Play is on
    speed: int  # Play's days per second
    rung: int
    deaths: str  # all deaths, and why they differ from the battle deaths
    dyads: list[str]
    cards: list[tuple[list[str], int]]
    timeline: list[str]  # every line of the run so far, as `escalation run` tells it
    decisions: list[str]
    outcome: str  # the outcome so far, or at the end
    history: History
    events: tuple  # the run's logged events so far (sim.model.mesa_model.LoggedEvent)
    roles: dict[str, str]
    result: dict[str, Any] | None  # the run's record (`runs.parquet`'s columns) once it ended
    twins: list[str] | None = None
    notice: str = ""


def snapshot(session: Session, twins: list[str] | None = None) -> View:
    """The view of the session's run now (call it with the session's lock held)."""
    model, track = session.model, session.track
    history = track.history()
    total = int(sum(a.casualties for a in model.actors))
    battle = int(history.battle_deaths[-1].sum())
    incidents = sum(int(e.details["deaths"]) for e in model.events if e.kind is Event.MISSTEP)
    return View(
        version=session.version,
        settings=dict(session.settings),
        caption=caption(session.settings),
        day=model.day,
        horizon=model.world.days,
        running=model.running,
        playing=session.playing,
        speed=session.speed,
        rung=model.rung,
        deaths=deaths_words(total, battle, incidents),
        dyads=[
            dyad_line(name, history.rungs[:, k], int(history.battle_deaths[-1, k]), model.day)
            for k, name in enumerate(history.dyads)
        ],
        cards=[(actor_lines(a), actor_rung(model, a)) for a in model.actors],
        timeline=timeline_lines(model, track.casualties_before),
        decisions=decision_lines(model),
        outcome=outcome_line(model) if not model.running else so_far(model),
        history=history,
        events=tuple(model.events),
        roles={a.name: a.role.value for a in model.actors},
        result=None if model.running else model.result(),
        twins=twins,
        notice=session.notice if model.day == 0 else "",  # until the new run moves on
    )


def run_twins(model: EscalationModel) -> list[str]:
    """The run's twins (one a road) played to the end, told beside it (twin_lines)."""
    twins = {
        road: EscalationModel(model.spec, model.seed, suppress=road_mask(road)).run()
        for road in Road
    }
    ended = EscalationModel(model.spec, model.seed).run()
    return [outcome_line(ended), *twin_lines(ended, twins)]


class Session:
    """A browser session's run. Every change goes through the lock; `view` is what to show."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.version = 0
        self.playing = False
        self.speed = 20
        self.closed = False
        self.notice = ""
        self._stop = threading.Event()
        self._player: threading.Thread | None = None
        self._new_run(settings)
        self.view = snapshot(self)
        OPEN[id(self)] = self

    # -- the run

    def _new_run(self, settings: dict[str, Any]) -> None:
        model = EscalationModel(scenario_of(settings), seed=settings["seed"])  # may raise
        self.settings, self.model, self.track = dict(settings), model, _Track(model)

    def _publish(self, twins: list[str] | None = None) -> View:
        self.version += 1
        self.view = snapshot(self, twins)
        self.changed.notify_all()
        return self.view

    def _one_day(self) -> None:
        self.model.step()
        self.track.record()

    def restart(self, settings: dict[str, Any], notice: str = "") -> View:
        """A new run with these settings (raises ValueError if they make no valid scenario,
        and then keeps the run as it was)."""
        scenario_of(settings)  # checked before Play is stopped
        self.pause()
        with self.lock:
            self._new_run(settings)
            self.notice = notice
            return self._publish()

    def step(self, until: int | None = None) -> bool:
        """Pause, then one day (or up to day `until`); False if the run has ended or the
        session is closed (its page has gone: nothing steps the run again)."""
        self.pause()
        with self.lock:
            if self.closed:
                return False
            target = self.model.day + 1 if until is None else min(until, self.model.world.days)
            while self.model.running and self.model.day < target:
                self._one_day()
            self._publish()
            return self.model.running

    def show_twins(self) -> View:
        """The run's twins (the whole run and each twin to its end), beside the run."""
        with self.lock:
            model = self.model
        lines = run_twins(model)  # new models only: no lock needed while they run
        with self.lock:
            if model is self.model:
                return self._publish(twins=lines)
            return self.view

    # -- Play

    def play(self, speed: int | None = None) -> None:
        """Play from today at `speed` days per second (the session's speed if None), in the
        session's own thread, until the run ends or Play is stopped."""
        with self.lock:
            if speed is not None:
                self.speed = speed
            if self.closed or self.playing or not self.model.running:
                self._publish()
                return
            self._stop = threading.Event()
            self.playing = True
            self._player = threading.Thread(
                target=self._play, args=(self._stop,), name="play", daemon=True
            )
            self._player.start()
            self._publish()

    def set_speed(self, speed: int) -> None:
        """Play's speed from now on (Play keeps going, at the new pace)."""
        with self.lock:
            self.speed = speed
            self._publish()

    def pause(self) -> None:
        """Stop Play before its next day; returns once it has stopped."""
        self._stop.set()  # before the lock: Play checks it between days, lock held
        with self.lock:
            self._stop.set()  # (Play may have started anew meanwhile)
            if self.playing:
                self.playing = False
                self._publish()
        player = self._player
        if player is not None and player is not threading.current_thread():
            player.join(timeout=5)

    def _play(self, stop: threading.Event) -> None:
        """Step at the speed asked, by the clock, publishing a view each frame."""
        with self.lock:
            model, start, speed = self.model, self.model.day, self.speed
        began = time.monotonic()
        while not stop.is_set():
            with self.lock:
                if stop.is_set() or model is not self.model:
                    return
                if self.speed != speed:  # a new pace from here
                    start, speed, began = model.day, self.speed, time.monotonic()
                target = start + max(1, math.floor(speed * (time.monotonic() - began)))
                while model.running and model.day < target and not stop.is_set():
                    self._one_day()
                if not model.running:
                    self.playing = False
                self._publish()
                if not model.running:
                    return
            stop.wait(FRAME_SECONDS)

    # -- the page's side

    def wait(self, version: int, timeout: float) -> int:
        """Wait until the view is newer than `version` (or the session closed, or `timeout`
        seconds passed); return the current version."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != version or self.closed, timeout)
            return self.version

    def close(self) -> None:
        """End the session: Play stops, waiters wake; nothing else will run in it."""
        self.pause()
        with self.lock:
            self.closed = True
            OPEN.pop(id(self), None)
            self.changed.notify_all()
