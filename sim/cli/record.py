"""Commands that hold the model against the record: `validate`, and the runs of `ensemble
--posterior` over a calibration's posterior."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.common import (
    RESULTS,
    ForceOpt,
    PatternsOpt,
    PlainTable,
    ScenarioArg,
    SeedOpt,
    WaitOpt,
    WorkersOpt,
    app,
    console,
    fails_cleanly,
    progress_bar,
    say,
    scenario_of,
    waiting,
    worker_count,
)
from sim.cli.disputes import ClassesOpt, ResamplesOpt, validate_class
from sim.experiments.folders import claim, folder_name
from sim.model.scenario import Scenario, ScenarioError

if TYPE_CHECKING:
    import pandas as pd


@app.command(rich_help_panel="The record")
@fails_cleanly
def validate(
    scenario: ScenarioArg,
    patterns: PatternsOpt = None,
    runs: Annotated[
        int, typer.Option(min=100, max=10_000_000, help="Runs of the scenario (no twins).")
    ] = 20_000,
    seed: SeedOpt = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for the outputs (default: results/SCENARIO/validate-seed-N, or "
            "validate-CLASS-seed-N with --class).",
            show_default=False,
        ),
    ] = None,
    workers: WorkersOpt = 0,
    force: ForceOpt = False,
    wait: WaitOpt = False,
    reference: Annotated[
        str | None,
        typer.Option(
            "--class",
            help="Compare with this reference class of the record's "
            "disputes (see `escalation record`) instead of the patterns.",
            show_default=False,
        ),
    ] = None,
    classes: ClassesOpt = None,
    resamples: ResamplesOpt = 2_000,
) -> None:
    """Check a scenario against the historical record.

    With --class NAME: runs the scenario, codes each run as the MID data code a dispute
    (hostility level, fatality band, reciprocation, duration, outcome) and compares the
    distributions with the reference class's, statistic by statistic, with bootstrap 95%
    intervals on both sides, the difference, a distance and a verdict (consistent when the
    difference's interval contains 0). Writes comparison.md, comparison.csv, comparison.png
    (model beside record) and the coded runs and dyads. The hand-typed patterns the data now
    measure are left out; those with no data set (the ELN incidents, nuclear non-use) are
    reported beside it.

    Without --class: computes each pattern's quantity (for example P(war within 90 days of an
    incident)) with its 95% interval, and gives a verdict against the pattern's target:
    consistent (the intervals overlap), too high or too low; writes validation.md and
    validation.csv. Exits 0 whatever the verdicts: it reports; bad input exits 2.

    Examples: escalation validate reassurance --class since-1946 --runs 20000 --seed 1;
    escalation validate reassurance --runs 20000 --seed 1
    """

    from sim.analysis.timeline import NOT_A_FORECAST
    from sim.experiments.results import staging
    from sim.experiments.runs import stop_on_interrupt
    from sim.model.finite import drivers
    from sim.record.patterns import by_construction, load_patterns
    from sim.record.validate import markdown, model_text, pattern_table, validation_runs

    spec = scenario_of(scenario, None)
    if reference is not None:
        return validate_class(spec, reference, classes, patterns, runs, seed, resamples, out,
                              workers, force, wait)  # fmt: skip
    every = load_patterns(patterns)
    chosen = [p for p in every if p.applies(spec.name)]
    skipped = [p.name for p in every if not p.applies(spec.name)]
    if not chosen:
        raise ScenarioError(f"no pattern in the patterns file applies to scenario {spec.name!r}")
    out_dir = out if out is not None else RESULTS / folder_name(spec.name) / f"validate-seed-{seed}"
    workers = worker_count(workers)
    try:
        with (
            claim(out_dir, force, wait, waiting),
            stop_on_interrupt() as stop,
            staging(out_dir) as scratch,
            progress_bar(transient=True) as progress,
        ):
            bar = progress.add_task("runs", total=runs)
            table = validation_runs(
                spec, chosen, runs, seed, workers, stop=stop,
                advance=lambda n: progress.advance(bar, n),
            )  # fmt: skip
            stopped = table.attrs["stopped"]  # every run stopped: refused by validation_runs
            result = pattern_table(chosen, table)
            notes = [
                f"{p.name}: by construction, not a finding: {why}."
                for p in chosen
                if (why := by_construction(p.quantity, spec))
            ]
            preamble = (
                f"Scenario '{spec.name}', {runs:,} runs (seed {seed}). A verdict compares the "
                "model's 95% interval with the target's: consistent if they overlap. "
                + " ".join(notes)
                + (f" Not applicable here: {', '.join(skipped)}." if skipped else "")
                + (
                    f" {stopped:,} runs stopped when a hostility left the finite range, driven "
                    f"by {drivers(spec)}; they are left out."
                    if stopped
                    else ""
                )
                + f" {NOT_A_FORECAST}"
            )
            result.to_csv(scratch / "validation.csv", index=False)
            text = markdown(result, f"Validation of {spec.name} against the record", preamble)
            (scratch / "validation.md").write_text(text)
    except KeyboardInterrupt:
        say(f"Interrupted: nothing was written to {out_dir}.", err=True)
        raise typer.Exit(130) from None
    table_view = PlainTable(f"{spec.name} against the record ({runs:,} runs, seed {seed})")
    for column in ("pattern", "target", "model (95%)", "verdict"):
        table_view.add_column(column, justify="left")
    for row in result.itertuples():
        model = model_text(row.model, row.model_low, row.model_high)
        table_view.add_row(row.pattern, row.target, model, row.verdict)
    console.print(table_view)
    for note in notes:
        say(note)
    if skipped:
        say(f"Not applicable to {spec.name}: {', '.join(skipped)}.")
    if stopped:
        say(f"Note: {stopped:,} of {runs:,} runs stopped when a hostility left the finite range, "
            f"driven by {drivers(spec)}; they are left out of every value above.")  # fmt: skip
    say(NOT_A_FORECAST)
    say(f"Wrote {out_dir}/: validation.md, validation.csv")


def constructed(tasks: list) -> dict[str, str]:
    """Per road, why its twin is certain by construction in some draw's scenario, or ''."""
    from sim.analysis.summaries import by_construction
    from sim.model.outcomes import Road

    found = {road.label: "" for road in Road}
    for scenario in {id(t.scenario): t.scenario for t in tasks}.values():
        for road in Road:
            found[road.label] = found[road.label] or by_construction(scenario, road)
    return found


def posterior_notes(table: pd.DataFrame, spec: Scenario, match: str = "--days") -> list[str]:
    """What a reader of runs over a posterior should know: its horizon, and whether it was
    fitted on this scenario (sim.record.calibrated.carried_over); `match` says how to match
    the horizon."""
    made, notes = table.attrs.get("provenance", {}), []
    if made.get("days") not in (None, spec.world.days):
        notes.append(
            f"Note: the posterior was fitted on {made['days']}-day runs; these runs last "
            f"{spec.world.days} days ({match} to match)."
        )
    return notes + [f"Note: {note}." for note in table.attrs.get("notes", [])]


def posterior_ensemble(
    spec: Scenario,
    posterior: Path,
    runs: int,
    seed: int,
    out: Path | None,
    workers: int,
    chunk_size: int,
    force: bool,
    wait: bool,
    roads: bool = False,
) -> None:
    """`escalation ensemble --posterior`: runs over posterior draws (see sim.record.posterior),
    with each run's twins and the roads to war if `roads`."""

    import pandas as pd

    from sim.analysis.timeline import NOT_A_FORECAST
    from sim.experiments.results import ParquetStream, staging
    from sim.experiments.runs import iter_tables, stop_on_interrupt
    from sim.model.finite import kept as finite_runs
    from sim.record.calibrated import read_posterior
    from sim.record.posterior import (
        indicators,
        posterior_roads,
        posterior_summary,
        posterior_tasks,
    )

    table = read_posterior(posterior, spec)
    notes = posterior_notes(table, spec)
    tasks, owners, _ = posterior_tasks(spec, table, runs, seed, chunk_size, twins=roads)
    workers = min(worker_count(workers), len(tasks))
    out_dir = (
        out if out is not None else RESULTS / folder_name(spec.name) / f"posterior-seed-{seed}"
    )
    counts: dict[int, pd.Series] = {}
    by_road = None
    try:
        with (
            claim(out_dir, force, wait, waiting),
            stop_on_interrupt() as stop,
            staging(out_dir) as scratch,
            ParquetStream(scratch / "runs.parquet") as sink,
            progress_bar(transient=True) as progress,
        ):
            bar = progress.add_task("runs", total=2 * runs)
            for owner, part in zip(owners, iter_tables(tasks, workers, stop=stop), strict=True):
                sink.write(part.assign(draw=owner))
                part, _ = finite_runs(part)  # a run stopped out of the finite range: not counted
                tally = indicators(part).sum()
                tally["runs"] = len(part)
                counts[owner] = counts[owner] + tally if owner in counts else tally
                progress.advance(bar, len(part))
            frame = posterior_summary(pd.DataFrame(counts).T)
            frame.to_csv(scratch / "posterior_outcomes.csv", index=False)
            by_road = posterior_roads(pd.DataFrame(counts).T) if roads else None
            if by_road is not None:
                by_road.to_csv(scratch / "posterior_roads.csv", index=False)
    except KeyboardInterrupt:
        say(f"Interrupted: nothing was written to {out_dir}.", err=True)
        raise typer.Exit(130) from None
    for note in notes:  # after the work: a refusal above stays one line
        say(note)
    draws = int(frame["draws"].iloc[0])
    view = PlainTable(
        f"{spec.name} over the posterior {posterior} ({runs:,} runs over {draws} draws, "
        f"seed {seed})"
    )
    for column in ("quantity", "P (posterior)", "95% posterior interval", "P at medians (95%)"):
        view.add_column(column, justify="left" if column == "quantity" else "right")
    for row in frame.itertuples():
        view.add_row(
            row.quantity,
            f"{row.posterior:.2%}",
            f"{row.posterior_low:.2%} to {row.posterior_high:.2%}",
            f"{row.point:.2%} ({row.point_low:.2%} to {row.point_high:.2%})",
        )
    console.print(view)
    say(
        "The posterior interval is the 2.5-97.5% range over posterior draws of each draw's own "
        f"P ({runs // max(draws, 1):,} runs each): the parameters' uncertainty and the runs' "
        "noise together. The interval at the medians holds the runs' noise only."
        + ("" if roads else " No twins are run here (--roads runs them).")
    )
    if by_road is not None:
        print_posterior_roads(by_road, constructed(tasks))
    say(NOT_A_FORECAST)
    say(
        f"Wrote {out_dir}/: runs.parquet (a column 'draw'; -1: the medians), posterior_outcomes.csv"
        + (", posterior_roads.csv" if roads else "")
    )


def share(value: float) -> str:
    """A share of wars as a percentage, or 'no war' where there was none to share."""
    return "no war" if value != value else f"{value:.0%}"  # nan: no war at all


def print_posterior_roads(frame: pd.DataFrame, constructed: dict[str, str]) -> None:
    """The roads to war over the posterior, as a table and a sentence on how to read it."""
    from sim.record.posterior import MIN_WARS

    view = PlainTable("Roads to war over the posterior: each run against its twin without it")
    for column in ("road", "caused", "over draws", "difference", "over draws ", "at medians"):
        view.add_column(column, justify="left" if column == "road" else "right", no_wrap=True)
    for row in frame.itertuples():
        view.add_row(
            row.road + (" *" if constructed.get(row.road) else ""),
            share(row.caused_share),
            "too few wars"
            if row.draws_with_wars == 0
            else f"{row.share_low:.0%}-{row.share_high:.0%}",
            f"{100 * row.risk_difference:+.2f}",
            f"{100 * row.rd_draws_low:+.2f} to {100 * row.rd_draws_high:+.2f}",
            f"{share(row.point_share)}, {100 * row.point_rd:+.2f}",
        )
    console.print(view)
    first = frame.iloc[0]
    say(
        "Caused: the share of wars that escalated while their twin did not, pooled over every "
        f"draw's runs, and its 2.5-97.5% range over the {first.draws_with_wars} of "
        f"{first.draws} draws with at least {MIN_WARS} wars (it holds their runs' noise too). "
        "Difference: P(war) minus P(war in the twin) in "
        "points, pooled (posterior_roads.csv has its paired 95% interval), and its range over "
        "the draws. At medians: both at the posterior medians. One war can need several roads."
    )
    for road, why in constructed.items():
        if why:
            say(f"* {road}: by construction in some draw, not a finding: {why}.")
