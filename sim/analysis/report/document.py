"""Figures and a Markdown report for a finished sweep (`escalation plot`, `escalation report`)."""

from __future__ import annotations

import tomllib
from functools import partial
from pathlib import Path

import pandas as pd

from sim.analysis import discovery
from sim.analysis import sweep_stats as analysis
from sim.analysis.plots.style import plt
from sim.analysis.plots.sweep import (
    plot_heatmap,
    plot_lines,
    plot_morris,
    plot_outcome_mix,
    plot_sobol,
    plot_survival,
)
from sim.analysis.report import sections
from sim.analysis.report.sections import markdown_table
from sim.analysis.summaries import impossible_without, twin_is_the_run
from sim.experiments import ledger
from sim.experiments.confined import make_folder
from sim.experiments.experiment import Design, Experiment
from sim.experiments.manifest import points_intact, read_manifest, read_points
from sim.experiments.results import write_atomically
from sim.model.outcomes import ROAD_LABELS, Road
from sim.model.scenario import Scenario, ScenarioError

ROADS_NOTE = (
    "`caused_share_ROAD` is the share of a point's escalations that did not happen in the run's "
    "twin without that road (missteps: incidents suppressed; misreading: incidents read "
    "correctly; attacks: attack decisions replaced by holding; warnings: no audience cost for "
    "backing down from a warning; face: no face lost by holding after harm; slips: nothing "
    "escalates out of control). The twins share every other random number. Roads overlap: one "
    "war can need several roads, so the shares need not add to 1. `rd_ROAD` in summary.csv is the "
    "paired risk difference with its 95% interval."
)
NOTE = (
    "Every number here follows from illustrative parameters of a teaching model: it shows "
    "what the mechanisms imply, not what will happen. This is not a forecast."
)


def load_sweep(out_dir: Path) -> tuple[Experiment, Scenario, pd.DataFrame]:
    manifest_path, summary_path = out_dir / "manifest.json", out_dir / "summary.parquet"
    if not manifest_path.exists() or not summary_path.exists():
        raise ScenarioError(f"{out_dir}: not a finished sweep (no manifest.json or "
                            "summary.parquet); run `escalation sweep` first")  # fmt: skip
    manifest = read_manifest(out_dir)
    _verify(out_dir, manifest)
    try:
        data = tomllib.loads(manifest["experiment_file"])
        data.pop("kind", None)
        experiment = Experiment.model_validate(data)
        base = Scenario.model_validate(manifest["base_scenario"], strict=False)
        summary = pd.read_parquet(summary_path)
    except (ValueError, TypeError, KeyError, AttributeError, OSError) as error:
        reason = " ".join(str(error).split())[:200]
        raise ScenarioError(f"{manifest_path}: garbled results: {reason}") from None
    return experiment, base, summary


def _verify(out_dir: Path, manifest: dict) -> None:
    """Refuse results whose summary, design or chunk files are not the ones the sweep wrote,
    before anything is read or drawn."""
    if not points_intact(out_dir, manifest):
        read_points(out_dir, manifest)  # refuses, saying why
    if manifest.get("summary_sha256") != ledger.sha256_of(out_dir / "summary.parquet"):
        raise ScenarioError(
            f"{out_dir}/summary.parquet: not the summary the sweep wrote (checksum differs); "
            "run `escalation sweep` again"
        )
    known = ledger.entries(out_dir)
    present = {p.name for p in Path(out_dir, "chunks").glob("p*-r*.parquet")}
    for name in sorted(present | set(known)):
        path = Path(out_dir, "chunks", name)
        why = "missing" if name not in present else ledger.problem(out_dir, name, None, known)
        if why is not None:
            raise ScenarioError(f"{path}: {why}; run `escalation sweep` again to recompute it")


def headline(experiment: Experiment) -> str:
    """The first outcome the experiment asks for, as its summary column."""
    return f"p_{analysis.slug(experiment.outcomes[0])}"


def timed_runs(out_dir: Path, base: Scenario) -> tuple[pd.DataFrame, pd.Series]:
    """Every run's escalation and end days with its point's values, and each point's R*."""
    design = read_points(out_dir)
    rungs = analysis.escalation_rungs(design, base.world.escalation_rung)
    days = [f"first_rung_{k}_day" for k in sorted(set(rungs))]
    return analysis.read_runs(out_dir, ["run", *days, "end_day"]), rungs


def make_figures(out_dir: str | Path) -> list[Path]:
    """Draw every figure the design allows into out_dir/figures; return their paths."""
    out_dir = Path(out_dir)
    experiment, base, summary = load_sweep(out_dir)
    make_folder(out_dir, "figures")
    params = [p.path for p in experiment.parameters]
    quantity = headline(experiment)
    label = f"P({experiment.outcomes[0]})"
    drawn: dict[str, object] = {}
    grid = experiment.design == Design.GRID
    if grid and len(params) >= 2:
        data = analysis.heatmap_data(summary, params[0], params[1], quantity)
        drawn[f"heatmap_{quantity}.png"] = plot_heatmap(data, label, title=label)
    if grid:
        by = params[1] if len(params) >= 2 else None
        data = analysis.line_data(summary, params[0], quantity, by=by)
        drawn[f"lines_{quantity}.png"] = plot_lines(data, params[0], quantity, by=by,
                                                          label=label, title=label)  # fmt: skip
        drawn["outcomes.png"] = plot_outcome_mix(
            analysis.outcome_mix(summary, params[0]), title="Outcomes"
        )
        figure, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
        for road in ROAD_LABELS:
            data = analysis.line_data(summary, params[0], f"rd_{road}")
            plot_lines(data, params[0], f"rd_{road}", ax=ax,
                             label="P(escalation) − P(escalation in the twin)",
                             title="What each road adds: run minus its twin")  # fmt: skip
        drawn["roads.png"] = figure
    runs, rungs = timed_runs(out_dir, base)
    curves = analysis.survival_data(runs, params[0], rungs, experiment.days or base.world.days)
    drawn["survival.png"] = plot_survival(curves, title="Time to escalation")
    if experiment.design == Design.SOBOL:
        indices = analysis.sobol_indices(summary, experiment, quantity)
        write_atomically(out_dir, "figures/sobol.csv", lambda p: indices.to_csv(p, index=False))
        drawn["sobol.png"] = plot_sobol(indices, title=f"Sobol indices of {label}")
    if experiment.design == Design.MORRIS:
        indices = analysis.morris_indices(summary, experiment, quantity)
        write_atomically(out_dir, "figures/morris.csv", lambda p: indices.to_csv(p, index=False))
        drawn["morris.png"] = plot_morris(indices, title=f"Morris screening of {label}")
    paths = []
    for name, figure in drawn.items():
        save = partial(figure.savefig, dpi=110, format="png")
        path = write_atomically(out_dir, f"figures/{name}", save)
        plt.close(figure)
        paths.append(path)
    return paths


def road_notes(base: Scenario) -> list[str]:
    """The report's notes on what the base scenario makes certain about the roads' twins."""
    notes = []
    # What keeps a twin that keeps attacks from war keeps the run from it too.
    if nowhere := impossible_without(base, Road.MISSTEPS):
        notes.append(
            f"**By construction, not a finding:** no run of the base scenario can reach war "
            f"({nowhere}), so no road causes a war."
        )
    for road in Road:
        if not nowhere and (reason := impossible_without(base, road)):
            notes.append(
                f"**By construction, not a finding:** the {road.label} twin cannot reach war "
                f"here ({reason}), so its caused share is 100% by construction."
            )
        elif reason := twin_is_the_run(base, road):
            notes.append(
                f"**By construction, not a finding:** in the base scenario {reason}: its risk "
                "difference is 0 and it causes no war, by construction."
            )
    return notes


def write_report(out_dir: str | Path) -> Path:
    """Write out_dir/report.md: the experiment, its tables and its figures."""
    out_dir = Path(out_dir)
    experiment, base, summary = load_sweep(out_dir)
    figures = make_figures(out_dir)
    params = [p.path for p in experiment.parameters]
    runs = int(summary["runs"].sum())
    rung = (
        "its point's `world.escalation_rung`"
        if analysis.RUNG_PATH in params
        else str(base.world.escalation_rung)
    )
    lines = [
        f"# {experiment.name}", "", experiment.description, "", f"> {NOTE}", "",
        f"Base scenario `{base.name}`; {experiment.design.value} design over "
        f"{', '.join(f'`{p}`' for p in params)}; {len(summary):,} points × "
        f"{experiment.replicates:,} replicates = {runs:,} runs, each with its six twins; seed "
        f"{experiment.seed}. Escalation means reaching rung {rung}. "
        "Intervals are 95% Wilson intervals.", "",
    ]  # fmt: skip
    columns = [*params]
    for outcome in experiment.outcomes:
        columns.append(f"p_{analysis.slug(outcome)}")
    columns += [f"caused_share_{road}" for road in ROAD_LABELS]
    table = summary[columns].copy()
    if len(table) > 40:
        lines.append(f"The 40 points with the highest {headline(experiment)} (all "
                     f"{len(table):,} are in summary.csv):")  # fmt: skip
        lines.append("")
        table = table.sort_values(headline(experiment), ascending=False).head(40)
    lines.append(markdown_table(table))
    lines += ["", ROADS_NOTE]
    for note in road_notes(base):
        lines += ["", note]
    timed, rungs = timed_runs(out_dir, base)
    horizon = experiment.days or base.world.days
    for section, drawn in (
        sections.survival_section(timed, experiment, rungs, horizon),
        sections.series_section(out_dir, experiment, summary),
        sections.robustness_section(summary, experiment),
        sections.feature_section(summary, experiment),
        sections.discovery_section(out_dir, experiment, experiment.outcomes[0]),
    ):
        lines += ["", *section]
        sections.write_figures(out_dir, drawn)
    sobol_csv = out_dir / "figures" / "sobol.csv"
    if sobol_csv.exists():
        lines += ["", "## Sobol indices", "", markdown_table(pd.read_csv(sobol_csv))]
    morris_csv = out_dir / "figures" / "morris.csv"
    if experiment.design == Design.MORRIS and morris_csv.exists():
        lines += ["", "## Morris screening", "", "Elementary effects (Morris 1991; Campolongo "
                  "et al. 2007) of the headline probability: μ* ranks the parameters by their "
                  "mean absolute effect over the design's steps, σ shows non-linearity or "
                  "interactions. Effects are in units of the probability per whole range.", "",
                  markdown_table(pd.read_csv(morris_csv))]  # fmt: skip
    lines += ["", "## Figures", ""]
    lines += [f"![{f.stem}](figures/{f.name})" for f in figures]
    return write_atomically(out_dir, "report.md", lambda p: p.write_text("\n".join(lines) + "\n"))


def write_discovery(
    out_dir: str | Path,
    outcome: str,
    methods: tuple[str, ...] = discovery.METHODS,
    min_coverage: float = discovery.MIN_COVERAGE,
    boxes: int = 1,
) -> list[Path]:
    """Write out_dir/discovery_OUTCOME.md and its figures; return the paths written."""
    out_dir = Path(out_dir)
    discovery.outcome_column(outcome)  # refuse a bad outcome before reading anything
    experiment, _, _ = load_sweep(out_dir)
    lines, figures = sections.discovery_section(out_dir, experiment, outcome, methods,
                                                min_coverage, boxes)  # fmt: skip
    paths = sections.write_figures(out_dir, figures)
    text = "\n".join([f"# {experiment.name}: scenario discovery", "", f"> {NOTE}", "", *lines])
    name = f"discovery_{analysis.slug(outcome)}.md"
    return [write_atomically(out_dir, name, lambda p: p.write_text(text + "\n")), *paths]
