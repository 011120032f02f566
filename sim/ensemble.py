"""The ensemble engine: many runs of one scenario at once, compiled by numba.

It follows the day's phases of `EscalationModel.step` and the methods of `sim.agents.Actor`,
calling the same rule functions (`sim.rules`) and the same bookkeeping (`sim.outcomes`) over
arrays of actors, one run per loop iteration. The engines are docked (Axtell et al. 1996):
tests/integration/test_docking.py checks that they give identical per-run results.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim import rules
from sim.chance import Stream, day_key, run_key, uniform_at
from sim.ladder import STRIKE_RUNG, WARNING_RUNG
from sim.outcomes import N_METRICS, Event, new_metrics, note_day, note_event
from sim.scenario import Role, Scenario

# Columns of the packed actor table.
(X0, RESOLVE, TAU, KAPPA, RESTRAINT, GRIEVANCE, AUDIENCE, TROOPS, EXPOSURE, TOLERANCE,
 FRAMING, HARDENING, SOLIDARITY, OMEGA, STRIKE_P, NUCLEAR, WARNED, SIDE) = range(18)  # fmt: skip
N_ACTOR_COLS = 18
# Entries of the packed world vector.
(DAYS, HOTLINE, RATE, INTENSITY0, OFF_INTENSITY, HARM, DETERRENCE, BIAS, NOISE, S_MISREAD,
 S_ACCIDENT, S_STRIKE, S_OFFENSIVE, C_MISSTEP, C_STRIKE, LOCK_IN) = range(16)  # fmt: skip
# Entries of the switch vector, in the order of sim.scenario.Mechanisms' fields.
(SW_REACTION, SW_FRAMING, SW_MISSTEPS, SW_MISREADING, SW_TRIPWIRE, SW_WARNING, SW_LOCK_IN,
 SW_WITHDRAWAL, SW_RETALIATION, SW_MISPERCEPTION, SW_NOISE) = range(11)  # fmt: skip


def pack(scenario: Scenario) -> tuple[np.ndarray, ...]:
    """The scenario as arrays: actor table, world vector, switches, thresholds, masks, fronts."""
    actors = np.array(
        [
            [a.initial_hostility, a.resolve, a.threat_perception, a.reactivity, a.restraint,
             a.grievance, a.audience_cost, a.troops, a.exposure, a.casualty_tolerance,
             a.framing, a.hardening, a.solidarity, a.offensive_hazard, a.strike_probability,
             float(a.nuclear_armed), float(a.warned), 0.0 if a.role == Role.CHALLENGER else 1.0]
            for a in scenario.actors
        ],
        dtype=np.float64,
    )  # fmt: skip
    w = scenario.world
    world = np.array(
        [w.days, w.hotline_quality, w.misstep_rate, w.front_intensity, w.offensive_intensity,
         w.harm_multiplier, w.deterrence, w.misperception_bias, w.perception_noise,
         w.misread_shock, w.accident_shock, w.strike_shock, w.offensive_shock,
         w.misstep_casualties, w.strike_casualties, w.lock_in_days],
        dtype=np.float64,
    )  # fmt: skip
    switches = np.array(list(scenario.mechanisms.model_dump().values()), dtype=np.bool_)
    thresholds = np.asarray(w.thresholds, dtype=np.float64)
    side = actors[:, SIDE]
    is_opponent = side[:, None] != side[None, :]
    defenders = [i for i, a in enumerate(scenario.actors) if a.role != Role.CHALLENGER]
    proteges = [i for i in defenders if scenario.actors[i].role == Role.PROTEGE]
    fronts = np.array([0, proteges[0] if proteges else defenders[0]], dtype=np.int64)
    return actors, world, switches, thresholds, is_opponent, fronts


@njit(cache=True)
def _shock(pending, actors, is_opponent, victim, size):
    """The victim feels the shock in full, its allies their solidarity's share (Model.shock)."""
    pending[victim] += rules.felt_shock(size, actors[victim, RESOLVE], 1.0)
    for j in range(actors.shape[0]):
        if j != victim and not is_opponent[victim, j]:
            pending[j] += rules.felt_shock(size, actors[j, RESOLVE], actors[j, SOLIDARITY])


@njit(cache=True)
def simulate_run(actors, world, sw, thresholds, is_opponent, fronts, seed, run, suppress,
                 metrics, casualties):  # fmt: skip
    """One run, phase by phase as in EscalationModel.step; fills metrics and casualties."""
    n = actors.shape[0]
    key = run_key(seed, run)
    hostility = actors[:, X0].copy()
    start = np.empty(n)
    perceived = np.zeros(n)
    troops = actors[:, TROOPS].copy()
    pending = np.zeros(n)
    on_offensive = np.zeros(n, dtype=np.bool_)
    commit = np.full(n, -1, dtype=np.int64)
    rung = np.zeros(n, dtype=np.int64)
    metrics[:] = new_metrics()
    casualties[:] = 0.0
    for i in range(n):
        rung[i] = rules.rung_of(hostility[i], thresholds, actors[i, NUCLEAR] > 0.0)
        if actors[i, WARNED] > 0.0 or rung[i] >= WARNING_RUNG:
            commit[i] = 0
            note_event(metrics, Event.WARNING, 0)
    if note_day(metrics, 0, rung.max()):
        return
    horizon = int(world[DAYS])
    for day in range(1, horizon + 1):
        dkey = day_key(key, day)
        start[:] = hostility
        # perceive
        noise = world[NOISE] if sw[SW_NOISE] else 0.0
        bias = world[BIAS] if sw[SW_MISPERCEPTION] else 0.0
        for i in range(n):
            threat = rules.opposing_hostility(start, is_opponent[i])
            u = uniform_at(dkey, Stream.NOISE, i) if noise > 0.0 else 0.5
            perceived[i] = rules.perceived_hostility(threat, actors[i, TAU], bias, noise, u)
        # consider_offensive
        for i in range(n):
            if on_offensive[i] or actors[i, OMEGA] <= 0.0:
                continue
            deterrent = 0.0
            if sw[SW_TRIPWIRE]:
                for j in range(n):
                    if is_opponent[i, j]:
                        deterrent += rules.deterrent_weight(troops[j], actors[j, RESOLVE])
            chance = rules.offensive_probability(
                actors[i, OMEGA], start[i], world[DETERRENCE], deterrent
            )
            if uniform_at(dkey, Stream.OFFENSIVE, i) < chance:
                on_offensive[i] = True
                _shock(pending, actors, is_opponent, fronts[1 - int(actors[i, SIDE])],
                       world[S_OFFENSIVE])  # fmt: skip
                note_event(metrics, Event.OFFENSIVE, day)
        offensive_on = on_offensive.any()
        intensity = rules.front_intensity(world[INTENSITY0], offensive_on, world[OFF_INTENSITY])
        # suffer_incidents
        if sw[SW_MISSTEPS] and not suppress:
            harm = world[HARM] if (offensive_on and sw[SW_TRIPWIRE]) else 1.0
            for v in range(n):
                exposure = rules.exposure_of(actors[v, EXPOSURE], troops[v], harm)
                if exposure <= 0.0:
                    continue
                chance = rules.incident_probability(world[RATE], intensity, exposure)
                if uniform_at(dkey, Stream.MISSTEP, v) >= chance:
                    continue
                deaths = rules.casualty_count(
                    world[C_MISSTEP], uniform_at(dkey, Stream.MISSTEP_CASUALTIES, v)
                )
                misread = False
                if sw[SW_MISREADING]:
                    chance_misread = rules.misread_probability(actors[v, TAU], world[HOTLINE])
                    misread = uniform_at(dkey, Stream.MISREAD, v) < chance_misread
                shock = rules.incident_shock(misread, world[S_MISREAD], world[S_ACCIDENT])
                casualties[v] += deaths
                _shock(pending, actors, is_opponent, v, shock)
                note_event(metrics, Event.MISSTEP, day)
                if misread:
                    note_event(metrics, Event.MISREAD, day)
        # consider_strike
        if sw[SW_RETALIATION]:
            for i in range(n):
                if rung[i] < STRIKE_RUNG:
                    continue
                if uniform_at(dkey, Stream.STRIKE, i) >= actors[i, STRIKE_P]:
                    continue
                target = rules.most_hostile(start, is_opponent[i])
                deaths = rules.casualty_count(
                    world[C_STRIKE], uniform_at(dkey, Stream.STRIKE_CASUALTIES, i)
                )
                casualties[target] += deaths
                _shock(pending, actors, is_opponent, target, world[S_STRIKE])
                note_event(metrics, Event.STRIKE, day)
        # update_hostility
        for i in range(n):
            reaction = 0.0
            if sw[SW_REACTION]:
                reaction = rules.reaction_coefficient(actors[i, KAPPA], actors[i, RESOLVE])
            days = float(day - commit[i]) if (commit[i] >= 0 and sw[SW_LOCK_IN]) else 0.0
            restraint = rules.effective_restraint(
                actors[i, RESTRAINT], actors[i, AUDIENCE], days, world[LOCK_IN]
            )
            framing = 0.0
            hardening = 0.0
            backdown = 0.0
            if sw[SW_FRAMING]:
                opposing_troops = 0.0
                for j in range(n):
                    if is_opponent[i, j]:
                        opposing_troops += troops[j]
                framing = rules.framing_grievance(actors[i, FRAMING], opposing_troops)
            if sw[SW_WARNING]:
                warned = 0.0
                for j in range(n):
                    if is_opponent[i, j] and commit[j] >= 0:
                        warned = 1.0
                hardening = rules.hardening_grievance(actors[i, HARDENING], warned)
                backdown = rules.backdown_pressure(
                    hostility[i], actors[i, AUDIENCE], 1.0 if commit[i] >= 0 else 0.0, thresholds[0]
                )
            grievance = rules.daily_grievance(
                actors[i, GRIEVANCE], framing, hardening, backdown, pending[i]
            )
            hostility[i] = rules.richardson_step(
                hostility[i], reaction, perceived[i], restraint, grievance
            )
            pending[i] = 0.0
        # settle
        for i in range(n):
            rung[i] = rules.rung_of(hostility[i], thresholds, actors[i, NUCLEAR] > 0.0)
            if commit[i] < 0 and rung[i] >= WARNING_RUNG:
                commit[i] = day
                note_event(metrics, Event.WARNING, day)
            limit = rules.casualty_limit(actors[i, TOLERANCE], actors[i, RESOLVE])
            if sw[SW_WITHDRAWAL] and rules.withdraws(troops[i], casualties[i], limit):
                note_event(metrics, Event.WITHDRAWAL, day)
                troops[i] = 0.0
        if note_day(metrics, day, rung.max()):
            return


@njit(cache=True)
def simulate_runs(actors, world, sw, thresholds, is_opponent, fronts, seed, runs, suppress):
    """Many runs (indices `runs`) of one scenario: metrics and casualties, one row a run.

    One thread: parallelism comes from worker processes over chunks (`sim.runs`), which
    keeps numba's threading layer out of forked processes.
    """
    metrics = np.empty((runs.shape[0], N_METRICS))
    casualties = np.empty((runs.shape[0], actors.shape[0]))
    for k in range(runs.shape[0]):
        simulate_run(actors, world, sw, thresholds, is_opponent, fronts, seed, runs[k],
                     suppress, metrics[k], casualties[k])  # fmt: skip
    return metrics, casualties
