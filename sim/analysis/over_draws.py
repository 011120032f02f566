"""The answer to a question over a calibration's posterior: does its sign hold across draws?

A question run with `--posterior` (sim.record.posterior.question_points) has one pair a
posterior draw, each draw its own block of run indices at the lever's two settings (common
random numbers within the draw, none shared between draws), and the posterior medians on
runs 0..n−1. From those pairs:

- each setting's **posterior-predictive P**, pooled over every draw's runs, with its
  **posterior interval**: the 2.5-97.5% range over draws of each draw's own P (the
  parameters' uncertainty and the runs' noise together, as `ensemble --posterior`);
- the **difference** P(to) − P(from) pooled over every run, with two intervals: the 95%
  confidence interval of the mean over the draws (mean ± t·sd/√n of the draws' differences:
  the parameters' spread and the runs' noise, which decides its sign) and the paired one
  (Agresti 2013, §11.1: the runs' noise only); and the 2.5-97.5% range of the draws'
  differences;
- **the sign by draw**: how many draws' differences fall, rise or stay at 0 by point estimate,
  and how many go each way clearly, on their own (an exact McNemar test on the draw's
  discordant runs, two-sided 5%): a draw with no effect falls or rises by noise, so only the
  clear ones count as evidence;
- **what its size follows**: Spearman's ρ between each draw's difference and each parameter,
  and between the parameters it names (a posterior can tie two together).

The verdict: *robust over the posterior* when the mean over the draws is clear of 0, more
than half the draws show its sign clearly on their own, no more draws than chance gives go
the other way, and the medians do not either; *not a finding* when the answer goes both ways,
is shown in part of the posterior only (clear in half the draws or fewer: nil or too small to
show in the rest, as when it follows a parameter no data pin down), or the medians go the
other way; *no clear sign* when the mean spans 0; *a floor* when no run at one setting has
the outcome, so the difference can go one way only. Robustness needs evidence for the sign
(clear draws grow scarcer with fewer runs), not only the absence of evidence against it.
However robust, it is a finding of the calibrated model: the record constrains the world the
calibration ran, not the difference a change of the lever makes, which comes from the
model's rules.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import binom, spearmanr
from scipy.stats import t as student

from sim.analysis.answers import (
    chance_flips,
    difference_cell,
    markdown,
    other_sign,
    percent_words,
    points_words,
    read_pairs,
    rule_table,
    sign,
    with_differences,
)
from sim.analysis.summaries import paired_difference
from sim.experiments.question import Question
from sim.experiments.sweep import write_atomically

FOLLOWS = 0.5  # |Spearman ρ| from which the verdict names a parameter the size follows
NAMED = 3  # at most this many parameters named


@dataclass(frozen=True)
class OverDraws:
    """The answer over the posterior's draws."""

    draws: pd.DataFrame  # one row a draw: its values, P at each setting, difference, exact p
    medians: pd.Series  # the same at the posterior medians
    p_from: tuple[float, float, float]  # pooled P at the first setting, its posterior interval
    p_to: tuple[float, float, float]
    pooled: tuple[float, float, float]  # the difference over every run, its paired interval
    between: tuple[float, float, float]  # the draws' mean difference, mean ± t·sd/√n
    spread: tuple[float, float]  # 2.5-97.5% over draws of each draw's difference
    by_estimate: dict[str, int]  # draws whose difference falls, rises, or is 0
    beyond: dict[str, int]  # draws that fall / rise beyond chance (exact McNemar, 5%)
    spearman: pd.DataFrame  # parameter, rho: each draw's difference against its value
    tied: pd.DataFrame  # first, second, rho: Spearman's ρ between parameters in the draws


def exact_p(only_to: int, only_from: int) -> float:
    """Two-sided exact McNemar p of a draw's discordant runs: 1 when there are none."""
    n = only_to + only_from
    return 1.0 if n == 0 else float(min(1.0, 2 * binom.cdf(min(only_to, only_from), n, 0.5)))


def over_draws(pairs: pd.DataFrame, params: list[str]) -> OverDraws:
    """The answer over the posterior from a question's pairs (sim.analysis.answers.read_pairs)
    with its differences (sim.analysis.answers.with_differences), the draws' parameters named."""
    part = pairs[pairs["part"] == "posterior"]
    draws = part[part["row"] >= 0].sort_values("row").reset_index(drop=True)
    draws["exact_p"] = [exact_p(b, c) for b, c in zip(draws["only_to"], draws["only_from"],
                                                       strict=True)]  # fmt: skip
    medians = part[part["row"] == -1].iloc[0]
    pooled = paired_difference(
        int(draws["only_to"].sum()), int(draws["only_from"].sum()), int(draws["n"].sum())
    )
    difference = draws["difference"].to_numpy()
    n = len(difference)
    half = student.ppf(0.975, n - 1) * difference.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
    mean = float(difference.mean())
    significant = draws["exact_p"] < 0.05
    spearman = _ranked(params, lambda p: _rho(draws[p].to_numpy(dtype=float), difference))
    named = list(_named(spearman)["parameter"])
    tied = pd.DataFrame(
        [(a, b, _rho(draws[a].to_numpy(dtype=float), draws[b].to_numpy(dtype=float)))
         for i, a in enumerate(named) for b in named[i + 1 :]],
        columns=["first", "second", "rho"],
    )  # fmt: skip
    return OverDraws(
        draws=draws,
        medians=medians,
        p_from=_pooled(draws, "from"),
        p_to=_pooled(draws, "to"),
        pooled=pooled,
        between=(mean, mean - half, mean + half),
        spread=tuple(np.quantile(difference, [0.025, 0.975])),
        by_estimate={
            "falls": int((difference < 0).sum()),
            "rises": int((difference > 0).sum()),
            "stays": int((difference == 0).sum()),
        },
        beyond={
            "falls": int((significant & (difference < 0)).sum()),
            "rises": int((significant & (difference > 0)).sum()),
        },
        spearman=spearman,
        tied=tied,
    )


def _rho(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's ρ, or nan when either does not vary."""
    return np.nan if np.ptp(x) == 0 or np.ptp(y) == 0 else float(spearmanr(x, y).statistic)


def _named(spearman: pd.DataFrame) -> pd.DataFrame:
    """The parameters the difference's size follows: |ρ| from FOLLOWS, the NAMED largest."""
    return spearman[spearman["rho"].abs() >= FOLLOWS][:NAMED]


def _ranked(params: list[str], rho: Callable[[str], float]) -> pd.DataFrame:
    """Each parameter's ρ, the largest |ρ| first."""
    table = pd.DataFrame({"parameter": params, "rho": [rho(p) for p in params]})
    order = table["rho"].abs().sort_values(ascending=False).index
    return table.reindex(order).reset_index(drop=True)


def _pooled(draws: pd.DataFrame, side: str) -> tuple[float, float, float]:
    """P at one setting pooled over the draws' runs, and the 2.5-97.5% range of the draws' P."""
    low, high = np.quantile(draws[f"p_{side}"], [0.025, 0.975])
    return float(draws[f"hits_{side}"].sum() / draws["n"].sum()), float(low), float(high)


def verdict(result: OverDraws, expect: str) -> str:
    """The answer over the posterior in words (see the module docstring): 'robust over the
    posterior (yes)' or '(no)'; 'not a finding' (both ways, shown in part of the posterior
    only, or the medians the other way); 'no clear sign'; or 'no finding, a floor'."""
    n = len(result.draws)
    est, chance, m = result.by_estimate, chance_flips(n), result.medians
    counts = (
        f"by point estimate it falls in {est['falls']}, rises in {est['rises']} and does not "
        f"change in {est['stays']} of {n} draws; on its own (exact McNemar test, 5%) a draw "
        f"falls in {result.beyond['falls']} and rises in {result.beyond['rises']}"
    )
    at_medians = f"at the posterior medians {points_words(tuple(m[_DIFF]))}"
    few = int(result.draws["n"].median())
    caveat = (
        f" Each draw has only {few:,} runs a setting: a draw can rarely show its own sign."
        if few < 1000
        else ""
    )
    tail = f"{counts}; {at_medians}.{_follows(result)}{caveat}"
    floor = _floor(result)
    if floor:
        return f"no finding, a floor: {floor}; {tail}"
    if min(result.beyond.values()) > chance:
        return (
            f"not a finding, it goes both ways: {result.beyond['falls']} of {n} draws fall and "
            f"{result.beyond['rises']} rise on their own (chance alone gives up to {chance} "
            f"each way); the mean over the draws is {_between(result)}; {tail}"
        )
    average = sign(*result.between[1:])
    if average == "none":
        return (
            f"no clear sign over the posterior: the mean over the draws, {_between(result)}, "
            f"spans 0; {tail}"
        )
    other = other_sign(average)
    plural = {"falls": "fall", "rises": "rise"}[other]
    head = f"over the posterior it {average} on average ({_between(result)})"
    clear = result.beyond[average]
    if result.beyond[other] > chance:
        return (
            f"not a finding, it goes both ways: {head}, but {result.beyond[other]} of {n} draws "
            f"{plural} on their own (chance alone gives up to {chance}); {tail}"
        )
    if clear <= n / 2:
        return (
            f"not a finding, shown in part of the posterior: {head} and clearly (on its own, "
            f"beyond chance) in {clear} of {n} draws, but not in the rest, where it is nil or "
            f"too small for a draw's runs to show; no more draws {plural} on their own than "
            f"chance gives (up to {chance}); {tail}"
        )
    if m["sign"] == other:
        return (
            f"not a finding: {head} and clearly in {clear} of {n} draws, but at the posterior "
            f"medians it {other} ({points_words(tuple(m[_DIFF]))}); {tail}"
        )
    answer = "yes" if average == expect else "no"
    return (
        f"robust over the posterior ({answer}): {head} and clearly (on its own, beyond chance) "
        f"in {clear} of {n} draws, no more draws {plural} on their own than chance gives (up "
        f"to {chance}), nor do the medians; {tail}"
    )


def _floor(result: OverDraws) -> str:
    """Why the difference can go one way only, or '': no run at one setting, draws and
    medians alike, has the outcome, so its P there is 0 and nothing can go below it."""
    for side, setting, way in (("from", "first", "fall"), ("to", "second", "rise")):
        hits = [*result.draws[f"hits_{side}"], result.medians[f"hits_{side}"]]
        if not any(hits):
            return (
                f"no run at the {setting} setting has the outcome: its P there is 0, so the "
                f"difference cannot {way}"
            )
    return ""


def _between(result: OverDraws) -> str:
    """The draws' mean difference and its interval over the draws, in points."""
    d, low, high = result.between
    return f"{100 * d:+.2f} points, 95% CI of the mean {100 * low:+.2f} to {100 * high:+.2f}"


def _follows(result: OverDraws) -> str:
    """Which parameters the difference's size follows across draws, and which move together."""
    named = [f"{r.parameter} (Spearman {r.rho:+.2f})" for r in _named(result.spearman).itertuples()]
    if not named:
        return f" No parameter's |Spearman ρ| with the difference reaches {FOLLOWS}."
    tied = [
        f"{r.first} and {r.second} move together in the draws (ρ {r.rho:+.2f})"
        for r in result.tied.itertuples()
        if abs(r.rho) >= FOLLOWS
    ]
    return (
        f" Across draws the size of the difference follows {', '.join(named)}"
        + (f"; {'; '.join(tied)}, so the draws cannot tell them apart" if tied else "")
        + f". Whether the record pins {'them' if len(named) > 1 else 'it'} down: the "
        "calibration's posterior_summary.csv."
    )


_DIFF = ["difference", "difference_low", "difference_high"]


def section(result: OverDraws, labels: tuple[str, str], words: str) -> str:
    """The answer over the posterior as Markdown: the table, the verdict, what it follows."""
    m, n = result.medians, len(result.draws)
    p_from = percent_words(m["p_from"], m["p_from_low"], m["p_from_high"])
    p_to = percent_words(m["p_to"], m["p_to_low"], m["p_to_high"])
    lines = [
        f"| over | P at {labels[0]} | P at {labels[1]} | difference, points (95%) |",
        "|---|---|---|---|",
        f"| the posterior ({n} draws; posterior interval) | {percent_words(*result.p_from)} | "
        f"{percent_words(*result.p_to)} | {difference_cell(result.between)} CI of the mean "
        "over draws; "
        f"runs' noise only {100 * result.pooled[1]:+.2f} to {100 * result.pooled[2]:+.2f}; "
        "the draws' own "
        f"{100 * result.spread[0]:+.2f} to {100 * result.spread[1]:+.2f} |",
        f"| the posterior medians (Wilson) | {p_from} | {p_to} | "
        f"{difference_cell(tuple(m[_DIFF]))} paired |",
        "",
        f"Over the posterior: {words}",
        "",
        "| parameter | Spearman ρ with the draw's difference |",
        "|---|---|",
        *(
            f"| {r.parameter} | {'—' if np.isnan(r.rho) else f'{r.rho:+.2f}'} |"
            for r in result.spearman.itertuples()
        ),
    ]
    return "\n".join(lines) + "\n"


def answer(out_dir: Path, spec: Question, base_name: str, params: list[str], runs: int) -> str:
    """Analyse a finished question folder run over a posterior, write answer.md, answer.json,
    rules.csv and draws.csv into it (each whole or not at all) and return the Markdown."""
    pairs = read_pairs(out_dir, spec.outcome)
    rules = rule_table(pairs, spec.expect)
    posterior = with_differences(pairs[pairs["part"] == "posterior"])
    result = over_draws(posterior, params)
    words = verdict(result, spec.expect)
    labels = tuple(f"{spec.lever} = {v:g}" for v in spec.settings)
    title = (
        spec.description or f"Does P({spec.outcome}) {spec.expect} from {labels[0]} to {labels[1]}?"
    )
    n = len(result.draws)
    distinct = len(result.draws[params].drop_duplicates())
    sizes = (
        f"Sizes: {spec.runs:,} runs per rule and setting (seed {spec.seed}); over the posterior, "
        f"{runs:,} runs per setting shared over {n} draws ({distinct} distinct: drawn by weight "
        f"with replacement; {runs // n:,} runs each, its own run "
        f"indices, the same at both settings) of the calibration fitted on {base_name!r}, "
        f"and {runs:,} at its medians. The rules' rows keep the scenario's illustrative values; "
        "the posterior's rows give its calibrated parameters their fitted values. The record "
        "constrains the world the calibration ran, not the difference a change of "
        f"{spec.lever} makes: that comes from the model's rules. An exploration, not a forecast."
    )
    text = markdown(title, rules, None, "", "", labels).rstrip("\n") + "\n\n"
    text += section(result, labels, words) + "\n" + sizes + "\n"
    out_dir = Path(out_dir)
    write_atomically(out_dir, "answer.md", lambda p: p.write_text(text, encoding="utf-8"))
    write_atomically(out_dir, "rules.csv", lambda p: rules.to_csv(p))
    write_atomically(out_dir, "draws.csv", lambda p: result.draws.to_csv(p, index=False))
    summary = {
        "question": spec.name,
        "outcome": spec.outcome,
        "lever": spec.lever,
        "settings": spec.settings,
        "expect": spec.expect,
        "rules": json.loads(
            rules.drop(columns=["part", "row"], errors="ignore").to_json(orient="index")
        ),
        "posterior": {
            "verdict": words,
            "draws": n,
            "runs": runs,
            "p_from": list(result.p_from),
            "p_to": list(result.p_to),
            "pooled_difference": list(result.pooled),
            "between_draws": list(result.between),
            "draws_difference_range": list(result.spread),
            "by_estimate": result.by_estimate,
            "on_their_own": result.beyond,
            "medians": {k: float(result.medians[k]) for k in ("p_from", "p_to", *_DIFF)},
            "spearman": {
                p: None if np.isnan(r) else r
                for p, r in zip(result.spearman["parameter"], result.spearman["rho"], strict=True)
            },
        },
    }
    write_atomically(out_dir, "answer.json", lambda p: p.write_text(json.dumps(summary, indent=1)))
    return text
