"""Runs coded as the record codes disputes, and the record's disputes in the same frame.

A coded frame has one row a dispute (of the record, or a run of the model, or one dyad of a
run) and the columns of `CODED`:

- `hostility`: the highest MID hostility level, 2 threat, 3 display, 4 use of force, 5 war
  (1: not a dispute);
- `fatality`: the MID fatality band of the battle deaths of all sides, 0 none to 6 more than
  999 (missing where the record does not know);
- `reciprocated`: whether both sides took a militarized action;
- `duration`: days from the first militarized act to the last (the record's longest possible
  duration, `maxdur`); `censored` marks a run whose crisis had not ended at the horizon (its
  duration is a lower bound);
- `outcome`: the MID outcome grouped as `OUTCOMES`, missing where it cannot be coded.

How a run is coded, code by code, and why, is docs/model.md §3.13. A run is one dispute; its
first militarized act is the first day some dyad saw one (a threat or more, a clash or a
misread incident, combat), and its end the last such day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model.ladder import LADDER
from sim.model.scenario import World
from sim.record.dataset import FATALITY_FLOORS

CODED = ("hostility", "fatality", "reciprocated", "duration", "censored", "outcome")
OUTCOMES = ("victory", "yield", "stalemate", "compromise", "other")
# The record's outcome codes in those groups: 1-2 victory, 3-4 a side yields, 5 stalemate,
# 6 compromise, 7 released, 8 unclear, 9 joins an ongoing war.
RECORD_OUTCOMES = {1: "victory", 2: "victory", 3: "yield", 4: "yield", 5: "stalemate",
                   6: "compromise", 7: "other", 8: "other", 9: "other"}  # fmt: skip
# The MID level of each rung, as the ladder states it ("4 use of force" -> 4).
RUNG_LEVEL = np.array([int(rung.mid_level.split()[0]) for rung in LADDER])
FORCE_LEVEL = 4  # use of force: every clash, deadly or not, is one in the MID codebook
CALM_DAYS = World.model_fields["calm_days"].default
# Per-dyad columns the coding reads (sim.model.outcomes.DYAD_METRIC_NAMES).
DYAD_COLUMNS = ("max_rung", "battle_deaths", "incident_deaths", "clashes", "first_active_day",
                "last_active_day", "first_act_day_challenger", "first_act_day_other")  # fmt: skip
RUN_COLUMNS = ("end_day", "terminated", "n_ceasefire")


def fatality_band(deaths: np.ndarray) -> np.ndarray:
    """The MID fatality band of a number of deaths: 0 none, 1 1-25, ... 6 more than 999."""
    return np.searchsorted(np.asarray(FATALITY_FLOORS), np.asarray(deaths), side="right")


def hostility_level(max_rung: np.ndarray, deaths: np.ndarray, clashes: np.ndarray) -> np.ndarray:
    """The MID hostility level: the highest rung's level, and at least use of force (4) after
    a clash or a death, as MID codes a clash (action 17) a use of force whether or not it kills
    and records deaths only from uses of force (Jones, Bremer & Singer 1996)."""
    level = RUNG_LEVEL[np.asarray(max_rung, dtype=np.int64)]
    forced = (np.asarray(deaths) > 0) | (np.asarray(clashes) > 0)
    return np.where(forced, np.maximum(level, FORCE_LEVEL), level)


def code_disputes(disputes: pd.DataFrame) -> pd.DataFrame:
    """The record's disputes (rows of `Record.disputes`) as a coded frame."""
    outcome = disputes["outcome"].map(RECORD_OUTCOMES)
    return pd.DataFrame(
        {
            "hostility": disputes["hostlev"].to_numpy(dtype=np.int64),
            "fatality": disputes["fatality"]
            .astype("Float64")
            .to_numpy(np.float64, na_value=np.nan),
            "reciprocated": (disputes["recip"] == 1).to_numpy(dtype=bool),
            "duration": disputes["maxdur"].to_numpy(dtype=np.float64),
            "censored": np.zeros(len(disputes), dtype=bool),
            "outcome": pd.Categorical(
                outcome.astype(object).where(outcome.notna(), None), categories=OUTCOMES
            ),
        },
        index=disputes["dispnum"].to_numpy(),
    )


def actors(runs: pd.DataFrame) -> list[str]:
    """The actors of a runs table, the challenger first (its `casualties_` columns)."""
    return [c.removeprefix("casualties_") for c in runs.columns if c.startswith("casualties_")]


def dyads(runs: pd.DataFrame) -> list[str]:
    """The dyads' column prefixes, e.g. 'Russia-France' (sim.model.outcomes.dyad_label)."""
    names = actors(runs)
    return [f"{names[0]}-{other}" for other in names[1:]]


def needed_columns(runs: pd.DataFrame) -> list[str]:
    """The columns of a runs table that the coding reads."""
    wanted = set(RUN_COLUMNS) | {f"{d}_{m}" for d in dyads(runs) for m in DYAD_COLUMNS}
    return [c for c in runs.columns
            if c in wanted or c.startswith(("casualties_", "withdrawal_day_"))]  # fmt: skip


def _per_dyad(runs: pd.DataFrame, metric: str) -> np.ndarray:
    """One column a dyad: the metric of each run (runs × dyads)."""
    return runs[[f"{d}_{metric}" for d in dyads(runs)]].to_numpy(dtype=np.float64)


def _first(days: np.ndarray) -> np.ndarray:
    """The earliest day ≥ 0 along the last axis (−1 where there is none)."""
    earliest = np.where(days >= 0, days, np.inf).min(axis=-1, initial=np.inf)
    return np.where(np.isfinite(earliest), earliest, -1.0)


def _span(first: np.ndarray, last: np.ndarray, end_day: np.ndarray, terminated: np.ndarray,
          calm_days: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Duration in days (first to last act, both counted) and whether it is censored: the
    crisis had not been calm for `calm_days` days (the time a rung takes to step down) when
    the run ended, unless it ended in nuclear use."""
    duration = np.where(first >= 0, last - first + 1.0, np.nan)
    censored = (first >= 0) & ~terminated & (end_day - last < calm_days)
    return duration, censored


def _outcome(yielded_by_challenger: np.ndarray, yielded_by_other: np.ndarray,
             compromise: np.ndarray, coded: np.ndarray) -> pd.Categorical:  # fmt: skip
    """Yield (a side withdrew its troops; both: other), compromise (a ceasefire agreed), else
    stalemate; never victory (the model has no decisive defeat); missing where not coded."""
    label = np.where(
        yielded_by_challenger & yielded_by_other,
        "other",
        np.where(
            yielded_by_challenger | yielded_by_other,
            "yield",
            np.where(compromise, "compromise", "stalemate"),
        ),
    ).astype(object)
    label[~coded] = None
    return pd.Categorical(label, categories=OUTCOMES)


def code_runs(runs: pd.DataFrame, calm_days: int = CALM_DAYS) -> pd.DataFrame:
    """Each run of a runs table coded as a MID dispute (a coded frame, one row a run), with
    `dispute` (hostility ≥ 2), `rung_level` (the level of the highest rung alone, before
    deaths count), `first_day`, `last_day`, `side_a` ('challenger', 'other side' or 'both':
    who acted first) and `not_coded` (why the outcome is missing)."""
    names = actors(runs)
    deaths = runs[[f"casualties_{a}" for a in names]].to_numpy(dtype=np.float64).sum(axis=1)
    max_rung = _per_dyad(runs, "max_rung").max(axis=1, initial=0)
    level = hostility_level(max_rung, deaths, _per_dyad(runs, "clashes").sum(axis=1))
    first = _first(_per_dyad(runs, "first_active_day"))
    last = _per_dyad(runs, "last_active_day").max(axis=1, initial=-1.0)
    by_challenger = _first(_per_dyad(runs, "first_act_day_challenger"))
    by_other = _first(_per_dyad(runs, "first_act_day_other"))
    end_day = runs["end_day"].to_numpy(dtype=np.float64)
    terminated = runs["terminated"].to_numpy() > 0
    duration, censored = _span(first, last, end_day, terminated, calm_days)
    withdrew = runs[[f"withdrawal_day_{a}" for a in names]].to_numpy() >= 0
    dispute = level >= 2
    not_coded = np.select(
        [~dispute, terminated, censored],
        ["not a dispute", "nuclear use (beyond the MID scale)", "ongoing at the horizon"],
        "",
    )
    side_a = np.select(
        [(by_challenger >= 0) & ((by_other < 0) | (by_challenger < by_other)),
         (by_other >= 0) & ((by_challenger < 0) | (by_other < by_challenger)),
         by_challenger >= 0],
        ["challenger", "other side", "both"], "",
    )  # fmt: skip
    return pd.DataFrame(
        {
            "run": runs["run"].to_numpy() if "run" in runs else np.arange(len(runs)),
            "dispute": dispute,
            "hostility": level,
            "rung_level": RUNG_LEVEL[max_rung.astype(np.int64)],
            "fatality": fatality_band(deaths).astype(np.float64),
            "reciprocated": (by_challenger >= 0) & (by_other >= 0),
            "duration": duration,
            "censored": censored,
            "outcome": _outcome(
                withdrew[:, 0],
                withdrew[:, 1:].any(axis=1),
                runs["n_ceasefire"].to_numpy() > 0,
                not_coded == "",
            ),
            "not_coded": not_coded,
            "first_day": first,
            "last_day": last,
            "side_a": side_a,
        }
    )


def code_dyads(runs: pd.DataFrame, calm_days: int = CALM_DAYS) -> pd.DataFrame:
    """Each dyad of each run coded as a dyadic MID (one row a run and dyad). The outcome is
    yield when the dyad's non-challenger withdrew its troops, else stalemate: a ceasefire is
    recorded per run, not per dyad, so compromise is not coded here."""
    names, labels = actors(runs), dyads(runs)
    deaths = _per_dyad(runs, "battle_deaths") + _per_dyad(runs, "incident_deaths")
    max_rung = _per_dyad(runs, "max_rung").astype(np.int64)
    level = hostility_level(max_rung, deaths, _per_dyad(runs, "clashes"))
    first, last = _per_dyad(runs, "first_active_day"), _per_dyad(runs, "last_active_day")
    by_challenger = _per_dyad(runs, "first_act_day_challenger")
    by_other = _per_dyad(runs, "first_act_day_other")
    end_day = runs["end_day"].to_numpy(dtype=np.float64)[:, None]
    terminated = (runs["terminated"].to_numpy() > 0)[:, None]
    duration, censored = _span(first, last, end_day, terminated, calm_days)
    withdrew = runs[[f"withdrawal_day_{a}" for a in names[1:]]].to_numpy() >= 0
    coded = (level >= 2) & ~censored & ~terminated
    shape = level.shape
    outcome = _outcome(np.zeros(shape, bool).ravel(), withdrew.ravel(),
                       np.zeros(shape, bool).ravel(), coded.ravel())  # fmt: skip
    run = runs["run"].to_numpy() if "run" in runs else np.arange(len(runs))
    return pd.DataFrame(
        {
            "run": np.repeat(run, len(labels)),
            "dyad": np.tile(np.array(labels, dtype=object), len(runs)),
            "dispute": (level >= 2).ravel(),
            "hostility": level.ravel(),
            "fatality": fatality_band(deaths).astype(np.float64).ravel(),
            "reciprocated": ((by_challenger >= 0) & (by_other >= 0)).ravel(),
            "duration": duration.ravel(),
            "censored": censored.ravel(),
            "outcome": outcome,
        }
    )
