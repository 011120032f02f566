"""The answer to a question (sim.experiments.question): does its sign survive the rules?

Everything here reads a question's results folder, or tables made from it; nothing runs the
model. A pair is a point's runs at the lever's two settings, run for run (common random
numbers), so the difference P(to) − P(from) carries the paired interval of
`sim.analysis.summaries.paired_difference` (Agresti 2013, §11.1). Over the prior box:

- the **sign** at each design row (its point estimate, and whether its 95% interval excludes 0);
- the **pooled** difference over every run of every row: the answer averaged over the priors;
- **Morris's μ*** of the difference (SALib; per whole prior range, in probability), against
  a noise floor: the μ* that run-to-run noise alone would give at this number of runs;
- **where it flips**: PRIM's first box (ema_workbench, as `sim.analysis.discovery`) on the
  rows whose point estimate has the sign other than the pooled one.

The verdict: the pooled sign is the answer ('yes' if it is the one asked about, 'no' if the
opposite); it is robust unless more rows lie beyond their interval on the other side than
chance alone gives over that many rows (`chance_flips`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import binom

from sim.analysis.discovery import outcome_column, prim_box
from sim.analysis.summaries import Z95, paired_difference, wilson_interval
from sim.analysis.sweep_stats import morris_indices
from sim.experiments.experiment import Experiment
from sim.experiments.question import Question, design_of, resolved_priors
from sim.experiments.sweep import point_runs, write_atomically
from sim.model.scenario import Scenario, ScenarioError

WORDS = {"falls": "falls", "rises": "rises", "none": "no clear sign"}


def hits(table: pd.DataFrame, outcome: str) -> np.ndarray:
    """Whether each run of a per-run table ended in `outcome`."""
    column = outcome_column(outcome)
    values = table[column].to_numpy()
    return (values == outcome) if column == "outcome" else values.astype(bool)


def read_pairs(out_dir: Path, outcome: str) -> pd.DataFrame:
    """One row a pair (part, rule, design row): runs n, hits at each setting and the
    discordant counts, with the design row's parameter values."""
    design = pd.read_parquet(Path(out_dir, "points.parquet"))
    found: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for point, table in point_runs(Path(out_dir)):
        found[point] = (table["run"].to_numpy(), hits(table, outcome))
    rows = []
    for (part, rule, row), group in design.groupby(["part", "rule", "row"], sort=False):
        if len(group) != 2 or any(p not in found for p in group.index):
            raise ScenarioError(f"{out_dir}: the runs of {part} {rule} row {row} are incomplete")
        (runs_a, y_a), (runs_b, y_b) = (found[p] for p in group.sort_values("setting").index)
        if not np.array_equal(runs_a, runs_b):
            raise ScenarioError(f"{out_dir}: the two settings of {rule} row {row} differ in runs")
        first = group.iloc[0]
        rows.append(
            {
                **first.drop(["setting"]).to_dict(),
                "n": len(y_a),
                "hits_from": int(y_a.sum()),
                "hits_to": int(y_b.sum()),
                "only_from": int((y_a & ~y_b).sum()),
                "only_to": int((y_b & ~y_a).sum()),
            }
        )
    return pd.DataFrame(rows)


def sign(low: float, high: float) -> str:
    """'falls' if the interval lies below 0, 'rises' if above, else 'none'."""
    return "falls" if high < 0 else "rises" if low > 0 else "none"


def with_differences(pairs: pd.DataFrame) -> pd.DataFrame:
    """The pairs with P(from), P(to) and their Wilson intervals, the paired difference
    P(to) − P(from) with its interval, and its sign."""
    out = pairs.copy()
    for side in ("from", "to"):
        out[f"p_{side}"] = out[f"hits_{side}"] / out["n"]
        bounds = [wilson_interval(h, n) for h, n in zip(out[f"hits_{side}"], out["n"], strict=True)]
        out[f"p_{side}_low"], out[f"p_{side}_high"] = zip(*bounds, strict=True)
    diffs = [
        paired_difference(b, c, n)
        for b, c, n in zip(out["only_to"], out["only_from"], out["n"], strict=True)
    ]
    out["difference"], out["difference_low"], out["difference_high"] = zip(*diffs, strict=True)
    out["sign"] = [sign(lo, hi) for lo, hi in zip(out["difference_low"], out["difference_high"],
                                                    strict=True)]  # fmt: skip
    return out


def rule_table(pairs: pd.DataFrame, expect: str) -> pd.DataFrame:
    """Per rule: both probabilities, the paired difference, its sign and the answer: 'yes'
    (the sign asked about), 'no: it rises' (or falls: the opposite) or 'no clear sign'."""
    table = with_differences(pairs[pairs["part"] == "rule"]).set_index("rule")
    table["verdict"] = [
        "no runs with the outcome at either setting"
        if hf + ht == 0
        else f"yes: it {expect}"
        if s == expect
        else "no clear sign"
        if s == "none"
        else f"no: it {s}"
        for s, hf, ht in zip(table["sign"], table["hits_from"], table["hits_to"], strict=True)
    ]
    return table


@dataclass(frozen=True)
class Sensitivity:
    """The answer over the prior box."""

    rows: pd.DataFrame  # one row a design row: its values, difference, interval, sign
    pooled: tuple[float, float, float]  # the difference over every run, and its interval
    share_expected: float  # rows whose point estimate has the sign asked about
    share_opposite: float  # rows whose point estimate has the opposite sign
    significant_expected: int  # rows whose interval lies on the sign asked about
    significant_opposite: int  # rows whose interval lies on the opposite side
    morris: pd.DataFrame  # parameter, mu_star, mu_star_conf, mu, sigma, above_noise
    noise_floor: float  # the μ* run-to-run noise alone would give (see noise_floor)
    flip_box: pd.DataFrame  # PRIM's box on the opposite-sign rows (empty: none found)
    flip_density: float  # the share of opposite-sign rows inside that box
    hold_box: pd.DataFrame  # PRIM's box on the rows with the sign asked about
    unread: list[str]  # parameters whose every elementary effect is exactly 0 (as counts)


def noise_floor(rows: pd.DataFrame, levels: int) -> float:
    """The μ* that sampling noise alone gives: an elementary effect is the difference of two
    rows' estimates over the step Δ = levels/(2(levels − 1)) of the unit range, so with
    independent rows of standard error s it is N(0, √2·s/Δ) and its mean absolute value
    √2·s/Δ·√(2/π). Common random numbers make neighbouring rows' errors alike, so this
    overstates the floor (a conservative screen)."""
    se = (rows["difference_high"] - rows["difference_low"]) / (2 * Z95)
    step = levels / (2 * (levels - 1))
    return float(math.sqrt(2) * np.median(se) / step * math.sqrt(2 / math.pi))


def sensitivity(
    pairs: pd.DataFrame, design: Experiment, expect: str, min_flips: int = 3
) -> Sensitivity:
    """The sign of the answer over the prior box, Morris's μ* of the difference and PRIM's
    box where the sign is the opposite one."""
    rows = with_differences(pairs[pairs["part"] == "gsa"]).sort_values("row")
    rows = rows.reset_index(drop=True)
    params = [p.path for p in design.parameters]
    pooled = paired_difference(
        int(rows["only_to"].sum()), int(rows["only_from"].sum()), int(rows["n"].sum())
    )
    estimate = np.sign(rows["difference"].to_numpy())
    asked = -1 if expect == "falls" else 1
    opposite = estimate == -asked
    summary = rows.rename(columns={"row": "point"})
    morris = morris_indices(summary, design, "difference")
    floor = noise_floor(rows, design.levels)
    morris["above_noise"] = morris["mu_star"] > floor
    morris = morris.sort_values("mu_star", ascending=False, ignore_index=True)
    box, density = _box(rows[params], opposite, min_flips)
    hold, _ = _box(rows[params], estimate == asked, min_flips)
    return Sensitivity(
        rows=rows,
        pooled=pooled,
        share_expected=float((estimate == asked).mean()),
        share_opposite=float(opposite.mean()),
        significant_expected=int((rows["sign"] == expect).sum()),
        significant_opposite=int(
            rows["sign"].isin([s for s in ("falls", "rises") if s != expect]).sum()
        ),
        morris=morris,
        noise_floor=floor,
        flip_box=box,
        flip_density=density,
        hold_box=hold,
        unread=list(morris.loc[(morris["mu_star"] == 0) & (morris["sigma"] == 0), "parameter"]),
    )


def _box(values: pd.DataFrame, mask: np.ndarray, min_rows: int) -> tuple[pd.DataFrame, float]:
    """PRIM's first box on the rows in `mask` and its density (empty if too few or all)."""
    if mask.sum() < min_rows or mask.all():
        return pd.DataFrame(columns=["parameter", "low", "high"]), math.nan
    found = prim_box(values.astype(float), mask)
    return found.limits, float(found.box["density"])


def box_words(box: pd.DataFrame, bounds: dict[str, tuple[float, float]]) -> str:
    """A PRIM box as words: 'X > 0.62 and Y < 3'."""
    parts = []
    for _, limit in box.iterrows():
        low, high = bounds[limit["parameter"]]
        if limit["low"] > low:
            parts.append(f"{limit['parameter']} > {limit['low']:.3g}")
        if limit["high"] < high:
            parts.append(f"{limit['parameter']} < {limit['high']:.3g}")
    return " and ".join(parts)


def pinned_words(path: str, pinned: dict[str, str]) -> str:
    """Whether a data set pins a parameter down, as the question file declares."""
    return (
        f"pinned down by {pinned[path]}" if path in pinned else "a parameter no data set pins down"
    )


def chance_flips(rows: int) -> int:
    """How many of `rows` independent design rows may show the opposite sign beyond their 95%
    interval by chance alone, where no row's true difference is opposite: each does with
    probability at most 2.5%; the binomial's 95th percentile (a row-wise test over many rows
    would otherwise call noise a flip)."""
    return int(binom.ppf(0.95, rows, 0.025))


def verdict(result: Sensitivity, expect: str, design: Experiment, pinned: dict[str, str]) -> str:
    """The answer over the priors in words: 'robust (yes)' or 'robust (no)' (the pooled sign,
    against which no more rows than chance gives lie beyond their interval), or where and
    with what it flips, or 'not robust' (no clear sign on average)."""
    low, high = result.pooled[1], result.pooled[2]
    n = len(result.rows)
    deciding = [p for p in result.morris.itertuples() if p.above_noise][:3]
    named = ", ".join(
        f"{p.parameter} (μ* {100 * p.mu_star:.2g} points; {pinned_words(p.parameter, pinned)})"
        for p in deciding
    )
    decided = (
        f" The difference is decided most by {named}."
        if deciding
        else (" No parameter's μ* stands above run-to-run noise at this size.")
    )
    if result.unread:
        decided += (
            " The difference did not move at any step of (μ* and σ exactly 0: not read under "
            "this rule, or too rare an effect to change a count at this size): "
            f"{', '.join(result.unread)}."
        )
    chance = chance_flips(n)
    bounds = {p.path: p.bounds for p in design.parameters}
    pooled = sign(low, high)
    if pooled == "none":
        return (
            f"not robust: averaged over the priors there is no clear sign (pooled difference "
            f"{points_words(result.pooled)}); by point estimate it {expect} at "
            f"{result.share_expected:.0%} of the {n} design rows and {other_sign(expect)} at "
            f"{result.share_opposite:.0%}.{decided}"
        )
    # The answer is the pooled sign: 'yes' if it is the one asked about, else 'no'. It is
    # robust unless more rows than chance gives lie beyond their interval on the other side.
    answer = "yes" if pooled == expect else "no"
    other = other_sign(pooled)
    if pooled == expect:
        against, share_for, share_against = (
            result.significant_opposite,
            result.share_expected,
            result.share_opposite,
        )
        box = result.flip_box
    else:
        against, share_for, share_against = (
            result.significant_expected,
            result.share_opposite,
            result.share_expected,
        )
        box = result.hold_box
    head = f"averaged over the priors it {pooled} ({points_words(result.pooled)})"
    if against <= chance:
        beyond = (
            f"at none of the {n} design rows is its opposite ({other}) beyond the 95% interval"
            if against == 0
            else f"it {other} beyond its 95% interval at {against} of {n} design rows, no "
            f"more than chance alone gives (up to {chance})"
        )
        return (
            f"robust ({answer}): {head}, and {beyond} (point estimates: {share_for:.0%} "
            f"{pooled}, {share_against:.0%} {other}).{decided}"
        )
    where = box_words(box, bounds) if not box.empty else ""
    if where:
        top = box["parameter"].iloc[0]
        place = f"flips to '{other}' when {where} ({pinned_words(top, pinned)})"
    else:
        place = f"flips to '{other}' at scattered rows, in no region PRIM can single out"
    return (
        f"{place}: {head}, but at {against} of {n} design rows it {other} beyond its 95% "
        f"interval (chance alone gives up to {chance}; {share_against:.0%} of rows by point "
        f"estimate).{decided}"
    )


def other_sign(expect: str) -> str:
    return "rises" if expect == "falls" else "falls"


def points_words(d: tuple[float, float, float]) -> str:
    """A difference and its interval in percentage points."""
    return f"{100 * d[0]:+.2f} points, 95% CI {100 * d[1]:+.2f} to {100 * d[2]:+.2f}"


def difference_cell(d: tuple[float, float, float]) -> str:
    """A difference and its interval in points, for a table's cell: '+1.20 (+0.50 to +1.90)'."""
    return points_words(d).replace(" points, 95% CI ", " (") + ")"


def percent_words(p: float, low: float, high: float) -> str:
    return f"{100 * p:.2f}% ({100 * low:.2f}-{100 * high:.2f})"


def markdown(
    title: str,
    rules: pd.DataFrame,
    result: Sensitivity | None,
    words: str,
    sizes: str,
    labels: tuple[str, str],
) -> str:
    """The robustness table and the verdict, as Markdown."""
    lines = [
        f"**{title}**",
        "",
        f"| rule | P at {labels[0]} (95% CI) | P at {labels[1]} (95% CI) | "
        "difference, points (95% CI) | answer |",
        "|---|---|---|---|---|",
    ]
    for rule, row in rules.iterrows():
        diff = (row["difference"], row["difference_low"], row["difference_high"])
        lines.append(
            f"| {rule} | {percent_words(row['p_from'], row['p_from_low'], row['p_from_high'])} | "
            f"{percent_words(row['p_to'], row['p_to_low'], row['p_to_high'])} | "
            f"{difference_cell(diff)} | {row['verdict']} |"
        )
    lines += ["", f"Over the priors: {words}" if result is not None else "", "", sizes]
    return "\n".join(lines) + "\n"


def answer(out_dir: Path, spec: Question, base: Scenario) -> str:
    """Analyse a finished question folder, write answer.md, answer.json, rules.csv, gsa.csv
    and morris.csv into it (each whole or not at all) and return the Markdown answer."""
    pairs = read_pairs(out_dir, spec.outcome)
    rules = rule_table(pairs, spec.expect)
    priors = resolved_priors(spec, base)
    result = words = None
    if priors:
        design = design_of(spec, priors)
        result = sensitivity(pairs, design, spec.expect)
        words = verdict(result, spec.expect, design, spec.sensitivity.pinned)
    gsa = spec.sensitivity
    rows = 0 if result is None else len(result.rows)
    sizes = (
        f"Sizes: {spec.runs:,} runs per rule and setting (seed {spec.seed}); over the priors, "
        f"{len(priors)} parameters (± {gsa.share:.0%} of the scenario's values unless set by "
        f"hand), Morris with {gsa.trajectories} trajectories of {gsa.levels} levels = {rows} "
        f"design rows × {gsa.runs:,} runs per setting, under the {gsa.rule} rule"
        + ("" if result is None else f"; μ* noise floor {100 * result.noise_floor:.2g} points")
        + ". Illustrative parameters: an exploration, not a forecast."
    )
    lever = spec.lever
    labels = tuple(f"{lever} = {v:g}" for v in spec.settings)
    title = (
        spec.description or f"Does P({spec.outcome}) {spec.expect} from {labels[0]} to {labels[1]}?"
    )
    text = markdown(title, rules, result, words or "", sizes, labels)
    out_dir = Path(out_dir)
    write_atomically(out_dir, "answer.md", lambda p: p.write_text(text, encoding="utf-8"))
    write_atomically(out_dir, "rules.csv", lambda p: rules.to_csv(p))
    summary = {
        "question": spec.name,
        "outcome": spec.outcome,
        "lever": lever,
        "settings": spec.settings,
        "expect": spec.expect,
        "rules": json.loads(
            rules.drop(columns=["part", "row"], errors="ignore").to_json(orient="index")
        ),
    }
    if result is not None:
        write_atomically(out_dir, "gsa.csv", lambda p: result.rows.to_csv(p, index=False))
        write_atomically(out_dir, "morris.csv", lambda p: result.morris.to_csv(p, index=False))
        summary["sensitivity"] = {
            "verdict": words,
            "pooled_difference": list(result.pooled),
            "share_expected": result.share_expected,
            "share_opposite": result.share_opposite,
            "rows_significantly_expected": result.significant_expected,
            "rows_significantly_opposite": result.significant_opposite,
            "noise_floor": result.noise_floor,
            "flip_box": json.loads(result.flip_box.to_json(orient="records")),
            "unchanged_by": result.unread,
        }
    write_atomically(out_dir, "answer.json", lambda p: p.write_text(json.dumps(summary, indent=1)))
    if rules.empty:
        raise ScenarioError(f"{out_dir}: no rule was run")
    return text
