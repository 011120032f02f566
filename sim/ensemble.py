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
(
    X0,
    RESOLVE,
    TAU,
    KAPPA,
    RESTRAINT,
    GRIEVANCE,
    AUDIENCE,
    TROOPS,
    EXPOSURE,
    TOLERANCE,
    FRAMING,
    HARDENING,
    SOLIDARITY,
    OMEGA,
    STRIKE_P,
    NUCLEAR,
    WARNED,
    SIDE,
) = range(18)
N_ACTOR_COLS = 18
# Entries of the packed world vector.
(
    DAYS,
    HOTLINE,
    RATE,
    INTENSITY0,
    OFF_INTENSITY,
    HARM,
    DETERRENCE,
    BIAS,
    NOISE,
    S_MISREAD,
    S_ACCIDENT,
    S_STRIKE,
    S_OFFENSIVE,
    C_MISSTEP,
    C_STRIKE,
    LOCK_IN,
) = range(16)
# Entries of the switch vector, in the order of sim.scenario.Mechanisms' fields.
(
    SW_REACTION,
    SW_FRAMING,
    SW_MISSTEPS,
    SW_MISREADING,
    SW_TRIPWIRE,
    SW_WARNING,
    SW_LOCK_IN,
    SW_WITHDRAWAL,
    SW_RETALIATION,
    SW_MISPERCEPTION,
    SW_NOISE,
) = range(11)


def pack(scenario: Scenario) -> tuple[np.ndarray, ...]:
    """The scenario as arrays: actor table, world vector, switches, thresholds, sides, fronts."""
    actors = np.array(
        [
            [
                a.initial_hostility,
                a.resolve,
                a.threat_perception,
                a.reactivity,
                a.restraint,
                a.grievance,
                a.audience_cost,
                a.troops,
                a.exposure,
                a.casualty_tolerance,
                a.framing,
                a.hardening,
                a.solidarity,
                a.offensive_hazard,
                a.strike_probability,
                float(a.nuclear_armed),
                float(a.warned),
                0.0 if a.role == Role.CHALLENGER else 1.0,
            ]
            for a in scenario.actors
        ],
        dtype=np.float64,
    )
    w = scenario.world
    world = np.array(
        [
            w.days,
            w.hotline_quality,
            w.misstep_rate,
            w.front_intensity,
            w.offensive_intensity,
            w.harm_multiplier,
            w.deterrence,
            w.misperception_bias,
            w.perception_noise,
            w.misread_shock,
            w.accident_shock,
            w.strike_shock,
            w.offensive_shock,
            w.misstep_casualties,
            w.strike_casualties,
            w.lock_in_days,
        ],
        dtype=np.float64,
    )
    switches = np.array(list(scenario.mechanisms.model_dump().values()), dtype=np.bool_)
    thresholds = np.asarray(w.thresholds, dtype=np.float64)
    sides = actors[:, SIDE].astype(np.int64)
    defenders = [i for i, a in enumerate(scenario.actors) if a.role != Role.CHALLENGER]
    proteges = [i for i in defenders if scenario.actors[i].role == Role.PROTEGE]
    fronts = np.array([0, proteges[0] if proteges else defenders[0]], dtype=np.int64)
    return actors, world, switches, thresholds, sides, fronts


@njit(cache=True, error_model="numpy")
def _shock(pending, actors, sides, victim, size):
    """The victim feels the shock in full, its allies their solidarity's share (Model.shock)."""
    pending[victim] += rules.felt_shock(size, actors[victim, RESOLVE], 1.0)
    for j in range(actors.shape[0]):
        if j != victim and sides[j] == sides[victim]:
            pending[j] += rules.felt_shock(size, actors[j, RESOLVE], actors[j, SOLIDARITY])


# Rows of a run's float state, int state; with a bool row (on offensive) and the metrics,
# this is everything a day reads and writes, so a twin forks by copying four arrays.
HOSTILITY, START, PERCEIVED, TROOPS_NOW, PENDING, DEATHS = range(6)
COMMIT, RUNG = range(2)


@njit(cache=True, error_model="numpy")
def _start(actors, thresholds, real, whole, on_offensive, metrics):
    """Day 0: initial hostility, rungs and commitments (EscalationModel.__init__)."""
    n = actors.shape[0]
    real[:] = 0.0
    real[HOSTILITY] = actors[:, X0]
    real[TROOPS_NOW] = actors[:, TROOPS]
    whole[COMMIT] = -1
    on_offensive[:] = False
    metrics[:] = new_metrics()
    for i in range(n):
        whole[RUNG, i] = rules.rung_of(real[HOSTILITY, i], thresholds, actors[i, NUCLEAR] > 0.0)
        if actors[i, WARNED] > 0.0 or whole[RUNG, i] >= WARNING_RUNG:
            whole[COMMIT, i] = 0
            note_event(metrics, Event.WARNING, 0)
    return note_day(metrics, 0, whole[RUNG].max())


@njit(cache=True, error_model="numpy")
def constants(packed):
    """What the agents compute from fixed parameters, computed once for a chunk of runs:
    reaction coefficients, casualty limits, misreading chances, and each actor's restraint
    for every number of days since a commitment (the lock-in rule, tabulated)."""
    actors, world, sw, _, _, _ = packed
    n, horizon = actors.shape[0], int(world[DAYS])
    reaction = np.zeros(n)
    limit = np.empty(n)
    misread_chance = np.zeros(n)
    restraint = np.empty((n, horizon + 1))
    for i in range(n):
        if sw[SW_REACTION]:
            reaction[i] = rules.reaction_coefficient(actors[i, KAPPA], actors[i, RESOLVE])
        limit[i] = rules.casualty_limit(actors[i, TOLERANCE], actors[i, RESOLVE])
        misread_chance[i] = rules.misread_probability(actors[i, TAU], world[HOTLINE])
        for d in range(horizon + 1):
            restraint[i, d] = rules.effective_restraint(
                actors[i, RESTRAINT], actors[i, AUDIENCE], float(d), world[LOCK_IN]
            )
    return reaction, limit, misread_chance, restraint


@njit(cache=True, error_model="numpy")
def _days(packed, fixed, key, suppress, first_day, resume, state, snapshot):
    """Days first_day..H, phase by phase as in EscalationModel.step.

    `packed` is what `pack` returns, `fixed` what `constants` returns; `state` and `snapshot`
    are (real, whole, on_offensive, metrics). With `resume`, the first day starts at the
    strikes phase (a twin forked from its run). Unless `suppress`, the state just before the
    run's first misstep is copied into `snapshot` and its day returned (−1 if no misstep):
    until then the twin, which differs only by its missteps, is the run itself.
    """
    actors, world, sw, thresholds, sides, fronts = packed
    real, whole, on_offensive, metrics = state
    hostility, start, perceived = real[HOSTILITY], real[START], real[PERCEIVED]
    troops, pending, casualties = real[TROOPS_NOW], real[PENDING], real[DEATHS]
    commit, rung = whole[COMMIT], whole[RUNG]
    n = actors.shape[0]
    snap_day = -1
    reaction, limit, misread_chance, restraint_after = fixed
    # Quantities that change only when troops do (a withdrawal) or when an offensive puts
    # troops in harm's way are recomputed only then: the same rule calls, far fewer divisions.
    side_troops = np.zeros(2)
    side_deterrent = np.zeros(2)
    framing_term = np.zeros(n)
    exposure = np.zeros(n)
    exposure_harm = -1.0  # the harm factor `exposure` was computed for; −1: stale
    refresh = True
    side_warned = np.zeros(2)
    for j in range(n):
        if commit[j] >= 0:
            side_warned[sides[j]] = 1.0
    side_threat = np.zeros(2)
    horizon = int(world[DAYS])
    noise = world[NOISE] if sw[SW_NOISE] else 0.0
    bias = world[BIAS] if sw[SW_MISPERCEPTION] else 0.0
    for day in range(first_day, horizon + 1):
        dkey = day_key(key, day)
        if refresh:
            side_troops[:] = 0.0
            side_deterrent[:] = 0.0
            for j in range(n):
                side_troops[sides[j]] += troops[j]
                side_deterrent[sides[j]] += rules.deterrent_weight(troops[j], actors[j, RESOLVE])
            for i in range(n):
                if sw[SW_FRAMING]:
                    framing_term[i] = rules.framing_grievance(
                        actors[i, FRAMING], side_troops[1 - sides[i]]
                    )
            exposure_harm = -1.0
            refresh = False
        if not (resume and day == first_day):
            start[:] = hostility
            # perceive: the threat depends only on the side, so it is found once a side
            side_threat[0] = rules.opposing_hostility(start, sides, 0)
            side_threat[1] = rules.opposing_hostility(start, sides, 1)
            for i in range(n):
                u = uniform_at(dkey, Stream.NOISE, i) if noise > 0.0 else 0.5
                perceived[i] = rules.perceived_hostility(
                    side_threat[sides[i]], actors[i, TAU], bias, noise, u
                )
            # consider_offensive
            for i in range(n):
                if on_offensive[i] or actors[i, OMEGA] <= 0.0:
                    continue
                deterrent = side_deterrent[1 - sides[i]] if sw[SW_TRIPWIRE] else 0.0
                chance = rules.offensive_probability(
                    actors[i, OMEGA], start[i], world[DETERRENCE], deterrent
                )
                if uniform_at(dkey, Stream.OFFENSIVE, i) < chance:
                    on_offensive[i] = True
                    _shock(pending, actors, sides, fronts[1 - sides[i]], world[S_OFFENSIVE])
                    note_event(metrics, Event.OFFENSIVE, day)
            offensive_on = on_offensive.any()
            intensity = rules.front_intensity(world[INTENSITY0], offensive_on, world[OFF_INTENSITY])
            # suffer_incidents
            if sw[SW_MISSTEPS] and not suppress:
                harm = world[HARM] if (offensive_on and sw[SW_TRIPWIRE]) else 1.0
                if harm != exposure_harm:
                    for v in range(n):
                        exposure[v] = rules.exposure_of(actors[v, EXPOSURE], troops[v], harm)
                    exposure_harm = harm
                for v in range(n):
                    if exposure[v] <= 0.0:
                        continue
                    chance = rules.incident_probability(world[RATE], intensity, exposure[v])
                    if uniform_at(dkey, Stream.MISSTEP, v) >= chance:
                        continue
                    if snap_day < 0:
                        snap_day = day
                        _copy(state, snapshot)
                    deaths = rules.casualty_count(
                        world[C_MISSTEP], uniform_at(dkey, Stream.MISSTEP_CASUALTIES, v)
                    )
                    misread = False
                    if sw[SW_MISREADING]:
                        misread = uniform_at(dkey, Stream.MISREAD, v) < misread_chance[v]
                    shock = rules.incident_shock(misread, world[S_MISREAD], world[S_ACCIDENT])
                    casualties[v] += deaths
                    _shock(pending, actors, sides, v, shock)
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
                target = rules.most_hostile(start, sides, sides[i])
                deaths = rules.casualty_count(
                    world[C_STRIKE], uniform_at(dkey, Stream.STRIKE_CASUALTIES, i)
                )
                casualties[target] += deaths
                _shock(pending, actors, sides, target, world[S_STRIKE])
                note_event(metrics, Event.STRIKE, day)
        # update_hostility: troops and commitments change only when the day settles
        for i in range(n):
            days = day - commit[i] if (commit[i] >= 0 and sw[SW_LOCK_IN]) else 0
            restraint = restraint_after[i, days]
            framing = framing_term[i]
            hardening = 0.0
            backdown = 0.0
            if sw[SW_WARNING]:
                hardening = rules.hardening_grievance(
                    actors[i, HARDENING], side_warned[1 - sides[i]]
                )
                backdown = rules.backdown_pressure(
                    hostility[i],
                    actors[i, AUDIENCE],
                    1.0 if commit[i] >= 0 else 0.0,
                    thresholds[0],
                )
            grievance = rules.daily_grievance(
                actors[i, GRIEVANCE], framing, hardening, backdown, pending[i]
            )
            hostility[i] = rules.richardson_step(
                hostility[i], reaction[i], perceived[i], restraint, grievance
            )
            pending[i] = 0.0
        # settle
        top = 0
        for i in range(n):
            rung[i] = rules.rung_of(hostility[i], thresholds, actors[i, NUCLEAR] > 0.0)
            top = max(top, rung[i])
            if commit[i] < 0 and rung[i] >= WARNING_RUNG:
                commit[i] = day
                side_warned[sides[i]] = 1.0
                note_event(metrics, Event.WARNING, day)
            if sw[SW_WITHDRAWAL] and rules.withdraws(troops[i], casualties[i], limit[i]):
                note_event(metrics, Event.WITHDRAWAL, day)
                troops[i] = 0.0
                refresh = True
        if note_day(metrics, day, top):
            return snap_day
    return snap_day


@njit(cache=True)
def _copy(source, target):
    """Copy one run state (real, whole, on_offensive, metrics) into another."""
    target[0][:] = source[0]
    target[1][:] = source[1]
    target[2][:] = source[2]
    target[3][:] = source[3]


@njit(cache=True, error_model="numpy")
def simulate_runs(actors, world, sw, thresholds, sides, fronts, seed, runs, suppress, twins):
    """Runs `runs` of one scenario, one row a run: metrics, casualties, and the twins' metrics.

    With `twins`, each run's twin (missteps suppressed) is forked from the run at its first
    misstep; a run without missteps is its own twin. With `suppress`, the runs themselves are
    twins, each simulated from day 0 (the docking tests compare the two ways).
    One thread: parallelism comes from worker processes over chunks (`sim.runs`), which keeps
    numba's threading layer out of forked processes.
    """
    packed = (actors, world, sw, thresholds, sides, fronts)
    fixed = constants(packed)
    n, m = actors.shape[0], runs.shape[0]
    metrics = np.empty((m, N_METRICS))
    casualties = np.empty((m, n))
    twin_metrics = np.empty((m if twins else 0, N_METRICS))
    state = (
        np.empty((6, n)),
        np.empty((2, n), np.int64),
        np.empty(n, np.bool_),
        np.empty(N_METRICS),
    )
    snapshot = (
        np.empty((6, n)),
        np.empty((2, n), np.int64),
        np.empty(n, np.bool_),
        np.empty(N_METRICS),
    )
    for k in range(m):
        key = run_key(seed, runs[k])
        snap_day = -1
        if not _start(actors, thresholds, state[0], state[1], state[2], state[3]):
            snap_day = _days(packed, fixed, key, suppress, 1, False, state, snapshot)
        metrics[k] = state[3]
        casualties[k] = state[0][DEATHS]
        if not twins:
            continue
        if snap_day >= 0:
            _copy(snapshot, state)
            _days(packed, fixed, key, True, snap_day, True, state, snapshot)
        twin_metrics[k] = state[3]
    return metrics, casualties, twin_metrics
