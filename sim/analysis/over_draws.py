"""The answer to a question over a calibration's posterior: does its sign hold across draws?

A question run with `--posterior` (sim.record.posterior.question_points) has one pair a
posterior draw, each draw its own block of run indices at the lever's two settings (common
random numbers within the draw, none shared between draws), and the posterior medians on
runs 0..n−1. From those pairs:

- each setting's **posterior-predictive P**, pooled over every draw's runs, with its
  **posterior interval**: the 2.5-97.5% range over draws of each draw's own P (the
  parameters' uncertainty and the runs' noise together, as `ensemble --posterior`);
- the **paired difference** pooled over every run, with its paired 95% interval (the runs'
  noise of that average only), and the 2.5-97.5% range over draws of each draw's difference;
- **the sign by draw**: how many draws' differences fall, rise or stay at 0 by point estimate,
  and how many lie beyond their own paired 95% interval on each side;
- **what decides it**: Spearman's ρ between each draw's difference and each parameter.

The verdict treats draws as `sim.analysis.answers` treats design rows: the pooled sign is
the answer, robust unless more draws than chance gives lie beyond their interval on the
other side. An answer whose sign differs between draws is not a finding of the calibrated
model; the parameters it follows are named, for the reader to see whether the record pins
them down (the calibration's posterior_summary.csv).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

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

FOLLOWS = 0.5  # |Spearman ρ| from which the verdict names a parameter the sign follows


@dataclass(frozen=True)
class OverDraws:
    """The answer over the posterior's draws."""

    draws: pd.DataFrame  # one row a draw: its values, P at each setting, difference, sign
    medians: pd.Series  # the same at the posterior medians
    p_from: tuple[float, float, float]  # pooled P at the first setting, its posterior interval
    p_to: tuple[float, float, float]
    pooled: tuple[float, float, float]  # the paired difference over every run, its 95% interval
    spread: tuple[float, float]  # 2.5-97.5% over draws of each draw's difference
    by_estimate: dict[str, int]  # draws whose difference falls, rises, or is 0
    beyond: dict[str, int]  # draws whose 95% interval lies below 0 ('falls') or above ('rises')
    spearman: pd.DataFrame  # parameter, rho: each draw's difference against its value


def over_draws(pairs: pd.DataFrame, params: list[str]) -> OverDraws:
    """The answer over the posterior from a question's pairs (sim.analysis.answers.read_pairs)
    with its differences (sim.analysis.answers.with_differences), the draws' parameters named."""
    part = pairs[pairs["part"] == "posterior"]
    draws = part[part["row"] >= 0].sort_values("row").reset_index(drop=True)
    medians = part[part["row"] == -1].iloc[0]
    pooled = paired_difference(
        int(draws["only_to"].sum()), int(draws["only_from"].sum()), int(draws["n"].sum())
    )
    difference = draws["difference"].to_numpy()
    rho = []
    for p in params:
        values = draws[p].to_numpy(dtype=float)
        same = np.ptp(values) == 0 or np.ptp(difference) == 0
        rho.append(np.nan if same else float(spearmanr(values, difference).statistic))
    spearman = pd.DataFrame({"parameter": params, "rho": rho})
    spearman = spearman.reindex(spearman["rho"].abs().sort_values(ascending=False).index)
    return OverDraws(
        draws=draws,
        medians=medians,
        p_from=_pooled(draws, "from"),
        p_to=_pooled(draws, "to"),
        pooled=pooled,
        spread=tuple(np.quantile(difference, [0.025, 0.975])),
        by_estimate={
            "falls": int((difference < 0).sum()),
            "rises": int((difference > 0).sum()),
            "stays": int((difference == 0).sum()),
        },
        beyond={s: int((draws["sign"] == s).sum()) for s in ("falls", "rises")},
        spearman=spearman.reset_index(drop=True),
    )


def _pooled(draws: pd.DataFrame, side: str) -> tuple[float, float, float]:
    """P at one setting pooled over the draws' runs, and the 2.5-97.5% range of the draws' P."""
    low, high = np.quantile(draws[f"p_{side}"], [0.025, 0.975])
    return float(draws[f"hits_{side}"].sum() / draws["n"].sum()), float(low), float(high)


def verdict(result: OverDraws, expect: str) -> str:
    """The answer over the posterior in words: 'robust over the posterior (yes)' or '(no)'
    (the pooled sign, against which no more draws than chance gives lie beyond their interval
    and the medians do not go the other way), 'not a finding' (they do) or 'no clear sign'."""
    n = len(result.draws)
    est, chance = result.by_estimate, chance_flips(n)
    half = 50 * (result.draws["difference_high"] - result.draws["difference_low"]).median()
    counts = (
        f"by point estimate it falls in {est['falls']}, rises in {est['rises']} and does not "
        f"change in {est['stays']} of {n} draws, and lies beyond its own 95% interval "
        f"(± {half:.2f} points, median) below 0 in {result.beyond['falls']} and above 0 in "
        f"{result.beyond['rises']}"
    )
    m = result.medians
    at_medians = f"at the posterior medians {points_words(tuple(m[_DIFF]))}"
    named = [
        f"{r.parameter} (Spearman {r.rho:+.2f})"
        for r in result.spearman.itertuples()
        if abs(r.rho) >= FOLLOWS
    ][:3]
    follows = (
        f" Across draws the difference follows {', '.join(named)}: whether the record pins "
        "these down, see the calibration's posterior_summary.csv."
        if named
        else f" No parameter's |Spearman ρ| with the difference reaches {FOLLOWS}."
    )
    pooled = sign(*result.pooled[1:])
    if pooled == "none":
        return (
            f"no clear sign over the posterior (pooled difference {points_words(result.pooled)}); "
            f"{counts}; {at_medians}.{follows}"
        )
    other = other_sign(pooled)
    against = result.beyond[other]
    head = (
        f"over the posterior it {pooled} on average ({points_words(result.pooled)}; each draw's "
        f"difference from {100 * result.spread[0]:+.2f} to {100 * result.spread[1]:+.2f} "
        "points, 2.5-97.5%)"
    )
    if against <= chance and m["sign"] != other:
        answer = "yes" if pooled == expect else "no"
        beyond = (
            "no draw"
            if against == 0
            else f"only {against} of {n} draws (chance alone gives up to {chance})"
        )
        return (
            f"robust over the posterior ({answer}): {head}, and {beyond} {other} beyond its "
            f"95% interval; {counts}; {at_medians}.{follows}"
        )
    why = (
        f"in {against} of {n} draws it {other} beyond its 95% interval (chance alone gives "
        f"up to {chance})"
        if against > chance
        else f"at the posterior medians it {other} ({points_words(tuple(m[_DIFF]))})"
    )
    tail = counts if against <= chance else f"{counts}; {at_medians}"
    return f"not a finding: {head}, but {why}; {tail}.{follows}"


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
        f"{percent_words(*result.p_to)} | {difference_cell(result.pooled)} paired; draws "
        f"{100 * result.spread[0]:+.2f} to {100 * result.spread[1]:+.2f} |",
        f"| the posterior medians (Wilson) | {p_from} | {p_to} | "
        f"{difference_cell(tuple(m[_DIFF]))} paired |",
        "",
        f"Over the posterior: {words}",
        "",
        "| parameter | Spearman ρ with the draw's difference |",
        "|---|---|",
        *(f"| {r.parameter} | {r.rho:+.2f} |" for r in result.spearman.itertuples()),
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
    sizes = (
        f"Sizes: {spec.runs:,} runs per rule and setting (seed {spec.seed}); over the posterior, "
        f"{runs:,} runs per setting shared over {n} draws ({runs // n:,} each, its own run "
        f"indices, the same at both settings) of the calibration fitted on {base_name!r}, "
        f"and {runs:,} at its medians. The rules' rows keep the scenario's illustrative values; "
        "the posterior's rows give its calibrated parameters their fitted values. An "
        "exploration, not a forecast."
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
            "draws_difference_range": list(result.spread),
            "by_estimate": result.by_estimate,
            "beyond_interval": result.beyond,
            "medians": {k: float(result.medians[k]) for k in ("p_from", "p_to", *_DIFF)},
            "spearman": dict(
                zip(result.spearman["parameter"], result.spearman["rho"], strict=True)
            ),
        },
    }
    write_atomically(out_dir, "answer.json", lambda p: p.write_text(json.dumps(summary, indent=1)))
    return text
