"""Report sections of the analyst's toolkit: each returns Markdown lines and its figures.

`sim.analysis.report.document` puts them into report.md; `escalation discover` writes the discovery
section on its own. Every section reads a verified results folder and never runs the model.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis import discovery, robustness
from sim.analysis import sweep_stats as analysis
from sim.analysis.plots.discovery import (
    plot_cart,
    plot_feature_scores,
    plot_peeling,
    plot_robustness,
)
from sim.analysis.plots.style import plt
from sim.analysis.plots.sweep import plot_series
from sim.experiments.experiment import Design, Experiment, Xlrm
from sim.model.outcomes import OUTCOME_LABELS
from sim.model.scenario import ScenarioError

Section = tuple[list[str], dict[str, Figure]]


def markdown_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A Markdown table; numbers to `digits` significant figures."""

    def cell(value: object) -> str:
        if isinstance(value, float) and value.is_integer() and abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}g}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |",
             "|" + "---|" * len(frame.columns)]  # fmt: skip
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join(lines)


def discovery_section(
    out_dir: Path,
    experiment: Experiment,
    outcome: str,
    methods: tuple[str, ...] = discovery.METHODS,
    min_coverage: float = discovery.MIN_COVERAGE,
    boxes: int = 1,
) -> Section:
    """Scenario discovery for one outcome: PRIM's boxes and trajectories, CART's leaves."""
    params = [p.path for p in experiment.parameters]
    x, y = discovery.run_data(out_dir, params, outcome)
    name = analysis.slug(outcome)
    lines = [f"## Scenario discovery: which inputs lead to {outcome}", ""]
    share = float(y.mean())
    lines += [f"{int(y.sum()):,} of {len(y):,} runs ({share:.2%}) {_with(outcome)}. Each run "
              "counts once; a point's replicates share its parameter values.", ""]  # fmt: skip
    if share in (0.0, 1.0):
        which = "none of the runs" if share == 0 else "all the runs"
        lines += [f"**Nothing to discover:** {which} {_with(outcome)}, so no box of inputs "
                  "can separate them.", ""]  # fmt: skip
        return lines, {}
    figures: dict[str, Figure] = {}
    if "prim" in methods:
        found_boxes = discovery.prim_boxes(x, y, boxes, min_coverage=min_coverage)
        if len(found_boxes) < boxes:
            lines += [f"PRIM found {len(found_boxes)} box(es) of the {boxes} asked for: among "
                      "the runs the boxes leave out, no further box restricts anything.",
                      ""]  # fmt: skip
        for k, found in enumerate(found_boxes, start=1):
            suffix = "" if k == 1 else f"_box{k}"
            lines += _prim_lines(found, outcome, min_coverage, k, len(found_boxes))
            lines += [f"![PRIM](figures/prim_{name}{suffix}.png)", ""]
            figures[f"prim_{name}{suffix}.png"] = plot_peeling(
                found.trajectory,
                found.chosen,
                title=f"PRIM peeling trajectory: {outcome}" + (f", box {k}" if k > 1 else ""),
            )
    if "cart" in methods:
        tree = discovery.cart_tree(x, y)
        leaves = tree.leaves.head(8)
        lines += ["### CART", "", f"The tree's leaves, densest first ({len(tree.leaves)} in all; "
                  "leaves hold at least 5% of the runs):", "",
                  markdown_table(leaves), ""]  # fmt: skip
        figures[f"cart_{name}.png"] = plot_cart(
            tree.tree, tree.feature_names, title=f"CART: {outcome}"
        )
    if "cart" in methods:
        lines += [f"![CART](figures/cart_{name}.png)", ""]
    return lines, figures


def _prim_lines(
    found: discovery.PrimResult, outcome: str, min_coverage: float, k: int, of: int
) -> list[str]:
    """One PRIM box in words and a table of its limits."""
    box = found.box
    among = "" if k == 1 else ", among the runs the boxes before it leave out"
    lines = [
        "### PRIM" + (f", box {k} of {of}" if of > 1 else ""),
        "",
        f"The chosen box is the densest on the peeling trajectory{among} with coverage of at "
        f"least {min_coverage:.0%} (step {found.chosen}), without the restrictions whose "
        f"quasi-p-values are all at least {discovery.SIGNIFICANT}"
        + (f" (dropped: {', '.join(f'`{d}`' for d in found.dropped)})" if found.dropped
           else "") + ". "
        f"Inside it, {box['density']:.1%} of the runs {_with(outcome)} (against "
        f"{found.base_rate:.1%} overall); it holds {box['coverage']:.1%} of those runs and "
        f"{box['mass']:.1%} of all runs.",
        "",
    ]  # fmt: skip
    if found.limits.empty:
        return [*lines, "No restriction is significant: no box of inputs stands out.", ""]
    shown = found.limits.astype(object).where(found.limits.notna(), "")
    shown = shown.rename(columns={"qp_low": "quasi-p (low)", "qp_high": "quasi-p (high)"})
    return [*lines, markdown_table(shown), "",
            "A quasi-p-value (Bryant & Lempert 2010) is a one-sided "
            "binomial test that the limit raises the density; blank: that side is not "
            "restricted. It treats runs as independent, which runs of different points sharing "
            "random numbers are not quite: read it as a guide.", ""]  # fmt: skip


def _with(outcome: str) -> str:
    """'ended in wider war' or 'were `escalated`', as a sentence needs it."""
    return f"ended in {outcome}" if outcome in OUTCOME_LABELS else f"were `{outcome}`"


def feature_section(summary: pd.DataFrame, experiment: Experiment) -> Section:
    """Extra-trees feature scores of each outcome's probability over the design's points."""
    params = [p.path for p in experiment.parameters]
    columns = {o: f"p_{analysis.slug(o)}" for o in experiment.outcomes}
    outcomes = pd.DataFrame({o: summary[c] for o, c in columns.items()})
    scores = discovery.feature_scores(summary[params].astype(float), outcomes, experiment.seed)
    lines = ["## Feature scores", "",
             "Extra-trees feature scores (Geurts et al. 2006, via ema_workbench) of each "
             "outcome's probability at the design's points: the share of the trees' impurity "
             "reduction each parameter brings (a column sums to 1). A screening, not a "
             "variance decomposition.", ""]  # fmt: skip
    if len(params) == 1:
        lines += ["**By construction, not a finding:** with one parameter its score is 1.", ""]
    if len(summary) < 50:
        lines += [f"With {len(summary)} points the scores are a rough screening at best.", ""]
    lines += [markdown_table(scores.reset_index()), "",
              "![feature scores](figures/feature_scores.png)", ""]  # fmt: skip
    figure = plot_feature_scores(scores, title="Feature scores (extra trees)")
    return lines, {"feature_scores.png": figure}


def robustness_section(summary: pd.DataFrame, experiment: Experiment) -> Section:
    """Levers against uncertainties: each policy across the states of the world."""
    if experiment.design != Design.XLRM:
        return [], {}
    levers = [p.path for p in experiment.marked(Xlrm.LEVER)]
    uncertainties = [p.path for p in experiment.marked(Xlrm.UNCERTAINTY)]
    outcome = experiment.robustness.outcome or experiment.outcomes[0]
    threshold = experiment.robustness.threshold
    quantity = f"p_{analysis.slug(outcome)}"
    matrix = robustness.outcome_matrix(summary, levers, uncertainties, quantity)
    ranked = robustness.robustness(matrix, threshold)
    labels = [robustness.policy_label(p, levers) for p in ranked.index]
    shown = ranked.reset_index(drop=True)
    shown.insert(0, "policy (levers)", labels)
    lines = [
        "## Levers against uncertainties: which choice is robust",
        "",
        f"Levers (chosen): {', '.join(f'`{p}`' for p in levers)}; uncertainties (nobody "
        f"controls them): {', '.join(f'`{p}`' for p in uncertainties)}, "
        f"{matrix.shape[1]:,} states of the world (a Latin hypercube), the same for every "
        f"policy and the same random numbers in each (common random numbers). For "
        f"P({outcome}), lower is better: worst case is its highest value across the states; "
        "regret is a policy's P minus the best policy's P in the same state (the best policy "
        f"of a state has regret 0 there); the satisficing share is the share of states with "
        f"P({outcome}) < {threshold:g}. Policies by maximum regret, then worst case:",
        "",
        markdown_table(shown),
        "",
        f"Each state's P is estimated from {experiment.replicates:,} runs: a regret smaller "
        "than the points' 95% intervals (summary.csv) is no evidence of a difference.",
        "",
        "![robustness](figures/robustness.png)",
        "",
    ]
    ordered = matrix.loc[ranked.index]
    figure = plot_robustness(
        ordered, labels, threshold, f"P({outcome})", title="Each policy across the states"
    )
    return lines, {"robustness.png": figure}


def survival_section(
    runs: pd.DataFrame, experiment: Experiment, rungs: pd.Series, horizon: int
) -> Section:
    """Cox proportional hazards of the time to escalation over the swept parameters."""
    from sim.analysis.survival import cox_hazards

    params = [p.path for p in experiment.parameters]
    hazards, notes = cox_hazards(runs, params, rungs, horizon)
    lines = ["## Time to escalation: Cox proportional hazards", ""]
    if hazards.empty:
        lines += ["**Nothing to model:** no run escalated, every run did, or no parameter "
                  "varies, so there is no hazard ratio to estimate.", ""]  # fmt: skip
        return lines, {}
    lines += [
        "Hazard ratios of escalation (Cox 1972, fitted with lifelines; Efron's ties) over "
        "every run, censored at its last day: a ratio above 1 makes escalation come sooner "
        "(or at all). Continuous parameters are standardised over the runs (a ratio per "
        "standard deviation of the design); a switch's ratio is on against off. Intervals "
        "are robust ones clustered on the run index (every point runs the same run indices "
        "with the same random numbers). Proportional "
        "hazards is the model's assumption, not checked here: read it beside the "
        "Kaplan-Meier curves (figures/survival.png, with 95% bands).",
        "",
        markdown_table(hazards),
        "",
    ]
    if notes:
        lines += ["**The fit is not to be trusted as it stands:** lifelines warned: "
                  + "; ".join(dict.fromkeys(notes)) + ". With few runs or an input that "
                  "separates the runs that escalate, the ratios and intervals mean little.",
                  ""]  # fmt: skip
    return lines, {}


def series_section(out_dir: Path, experiment: Experiment, summary: pd.DataFrame) -> Section:
    """Daily quantile bands of the recorded runs, for up to four points."""
    from sim.experiments.series import QUANTILES, read_series

    if not experiment.series:
        return [], {}
    series = read_series(out_dir)
    if series is None:
        raise ScenarioError(
            f"{out_dir}/series.parquet: missing, or not the one the sweep wrote (checksum "
            "differs); run `escalation sweep` again"
        )
    params = [p.path for p in experiment.parameters]
    every = sorted(series["point"].unique())
    chosen = [every[i] for i in sorted({round(i) for i in np.linspace(0, len(every) - 1, 4)})]
    rows = summary.set_index("point").loc[chosen, params]
    labels = {
        p: ", ".join(f"{k} = {v:.3g}" if not isinstance(v, bool) else f"{k} = {v}"
                     for k, v in rows.loc[p].items())
        for p in chosen
    }  # fmt: skip
    lines = [
        "## The daily course of many runs",
        "",
        f"For every point, its first {experiment.series:,} runs were followed day by day: "
        f"each dyad's rung and hostility (the mean of its two sides'), kept as the "
        f"{', '.join(f'{int(q * 100)}%' for q in QUANTILES)} quantiles of each day "
        "(series.parquet). A run that ended in nuclear use keeps its last state. "
        f"Shown: {len(chosen)} of {len(every):,} points.",
        "",
        "![series](figures/series.png)",
        "",
    ]
    figure = plot_series(series, labels, title="Each dyad's course: median and 10-90%")
    return lines, {"series.png": figure}


def write_figures(out_dir: Path, figures: dict[str, Figure]) -> list[Path]:
    """Save and close each figure into out_dir/figures (atomically); return their paths."""
    from sim.experiments.confined import make_folder
    from sim.experiments.results import write_atomically

    make_folder(out_dir, "figures")
    paths = []
    for name, figure in figures.items():
        save = partial(figure.savefig, dpi=110, format="png")
        paths.append(write_atomically(out_dir, f"figures/{name}", save))
        plt.close(figure)
    return paths
