"""A finished calibration in words: the report (report.md) and its posterior-predictive
check (predictive.md), each a Markdown page written by `escalation calibrate`."""

from __future__ import annotations

import pandas as pd

from sim.analysis.timeline import NOT_A_FORECAST
from sim.record.calibrate import Setup
from sim.record.calibrated import SETTLED_RATIO, SETTLED_SHIFT
from sim.record.fit import predictive_markdown
from sim.record.validate import markdown

PREDICTIVE = (
    "Each pattern's model value and its 95% interval pool every run of the posterior draws, "
    "and the verdict compares that interval with the target; the draws' own 5-95% range and "
    "the share of draws whose value lies inside the target say how much of the posterior "
    "meets the pattern."
)


RECORD_PREDICTIVE = (
    "Each posterior draw runs a replicate of the fitted class (as many runs as the class has "
    "disputes), coded as MID disputes; the model column is the median over draws and the "
    "2.5-97.5% range of the draws' values (parameter spread and the sampling noise of a "
    "record of that size). Verdict: inside (the range holds the record's value), overlaps "
    "(it meets the record's bootstrap interval only), too high or too low. Out-of-sample rows "
    "were not fitted."
)


def predictive_md(setup: Setup, check: pd.DataFrame) -> str:
    """The predictive check as Markdown: against the record's class, or against patterns."""
    title = f"Posterior-predictive check of {setup.calibration.name}"
    if setup.targets is not None:
        return predictive_markdown(check, title, RECORD_PREDICTIVE)
    return markdown(check, title, PREDICTIVE)


def fitted_to(setup: Setup) -> str:
    """What the calibration fitted, in words."""
    if setup.targets is None:
        return "patterns fitted: " + ", ".join(f"`{p.name}`" for p in setup.patterns)
    fit = setup.targets.fit
    size = setup.targets.sizes[fit.reference]
    return (
        f"fitted to the reference class `{fit.reference}` ({size:,} disputes; statistics "
        + ", ".join(f"`{n}`" for n in fit.statistics)
        + ")"
    )


def calibration_report(
    setup: Setup, stats: pd.DataFrame, steps: pd.DataFrame, check: pd.DataFrame
) -> str:
    """A short write-up: what the patterns pin down and what they leave free."""
    c = setup.calibration
    lines = [
        f"# Calibration {c.name}",
        "",
        f"Base scenario `{setup.base.name}`; {fitted_to(setup)}. ABC-SMC (pyabc), "
        f"population {c.population}, {len(steps)} generations, "
        f"{c.runs:,} runs a simulation, seed {c.seed}; "
        f"{int(steps['simulations'].sum()):,} simulations "
        f"({int(steps['simulations'].sum()) * c.runs:,} model runs).",
        "",
        "| parameter | prior | posterior median | 90% interval | width against the prior's |",
        "|---|---|---|---|---|",
    ]
    for row in stats.itertuples():
        verdict = (
            "pinned down" if row.width_of_prior < 0.5
            else ("left free" if row.width_of_prior > 0.8 else "narrowed")
        )  # fmt: skip
        lines.append(
            f"| `{row.parameter}` | {row.prior} | {row.median:.4g} | {row.q05:.4g} to "
            f"{row.q95:.4g} | {row.width_of_prior:.0%} ({verdict}) |"
        )
    lines += [
        "",
        "| generation | threshold | simulations | acceptance | effective particles "
        "| largest median shift | narrowest width ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in steps.itertuples():
        shift = "" if row.generation == 0 else f"{row.largest_shift:.2f} (`{row.shifted}`)"
        ratio = "" if row.generation == 0 else f"{row.narrowest_ratio:.2f} (`{row.narrowed}`)"
        lines.append(
            f"| {row.generation} | {row.threshold:.3g} | {row.simulations:,} | "
            f"{row.acceptance:.0%} | {row.effective_particles:.0f} | {shift} | {ratio} |"
        )
    lines += ["", settled(steps), ""]
    lines += [
        "The last column is the posterior's 90% interval over the prior's own (in logs for a "
        "log-uniform prior): near 100%, the patterns leave the parameter free, and results "
        "that depend on it inherit the prior. The posterior holds the parameters whose runs "
        "met the patterns within the final threshold, not exactly.",
        "",
        predictive_md(setup, check).replace("# Post", "## Post", 1),
        NOT_A_FORECAST,
        "",
    ]
    return "\n".join(lines)


def settled(steps: pd.DataFrame) -> str:
    """Whether the posterior has stopped moving, in words (sim.record.calibrated.movement)."""
    rule = (
        f"a generation moves little when no weighted median moves by more than "
        f"{SETTLED_SHIFT:.0%} of its 90% interval and no interval narrows below "
        f"{SETTLED_RATIO:.0%} of the last (logs for a log-uniform prior); the fit has settled "
        "when two generations in a row move little"
    )
    if len(steps) < 3:
        return f"**Not known whether the posterior has settled**: too few generations ({rule})."
    last = steps.iloc[-1]
    if last["settled"]:
        return (
            f"**Moved little in the last two generations** ({rule}). A sign, not a proof: a "
            "fit can pause and move again while its threshold is still well above the distance "
            "the model's own noise gives a parameter that fits (simulate the best particles "
            "again to find it)."
        )
    return (
        f"**Still moving**: the last generation moved `{last['shifted']}`'s median by "
        f"{last['largest_shift']:.2f} of its interval and narrowed `{last['narrowed']}`'s to "
        f"{last['narrowest_ratio']:.2f} of it ({rule}); more generations "
        "(raise `generations`: the fit goes on from its last) would move it further."
    )
