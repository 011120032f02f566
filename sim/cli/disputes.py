"""The record's disputes on the command line: `escalation record` (each reference class's
statistics) and the work of `escalation validate SCENARIO --class NAME`."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from sim.cli.common import (
    RESULTS,
    ForceOpt,
    WaitOpt,
    app,
    console,
    fails_cleanly,
    progress_bar,
    say,
    waiting,
    worker_count,
)
from sim.experiments.folders import claim, folder_name, printable
from sim.model.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from sim.record.classes import ReferenceClass
    from sim.record.statistics import Summary

    Summaries = list[tuple[ReferenceClass, Summary]]

ClassesOpt = Annotated[
    Path | None,
    typer.Option(
        "--classes",
        help='A reference-classes file (TOML, kind = "reference-classes"; default: the '
        "shipped one, sim/record/classes.toml).",
        show_default=False,
    ),
]
ResamplesOpt = Annotated[
    int,
    typer.Option(min=100, max=100_000, help="Bootstrap resamples for the 95% intervals."),
]


def inert(text: str) -> Text:
    """Text from a file, shown as it is: no markup, control characters as '?'."""
    return Text(printable(text))


def _summary_view(title: str, summary: Summary) -> Table:
    from sim.record.comparison import interval_text

    view = Table(title=title, title_justify="left", box=None)
    for column in ("statistic", "value (95% interval)", "basis"):
        view.add_column(column, justify="left")
    group = None
    for row in summary.table.itertuples():
        if row.group != group:
            view.add_row(Text(row.group, style="bold"), "", "")
            group = row.group
        view.add_row(
            f"  {row.label}", interval_text(row.value, row.low, row.high, row.unit), row.basis
        )
    return view


@app.command(rich_help_panel="The record")
@fails_cleanly
def record(
    reference: Annotated[
        str | None,
        typer.Option(
            "--class", help="One reference class (default: every class).", show_default=False
        ),
    ] = None,
    classes: ClassesOpt = None,
    resamples: ResamplesOpt = 2_000,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Also write record.csv and record.md into this folder.", show_default=False
        ),
    ] = None,
    force: ForceOpt = False,
    wait: WaitOpt = False,
) -> None:
    """Print the record's statistics for each reference class of disputes.

    The record is the Gibler-Miller-Little MID data (2,174 militarized interstate disputes,
    1816-2010) shipped with the project and checked against its checksums. For each class
    declared in the classes file (all disputes, since 1946, nuclear-armed states on a side,
    ...): its defence, its number of disputes, and the shares of each hostility level,
    fatality band and outcome, the share reciprocated, the quartiles of duration and the
    conditional statistics, each with a bootstrap 95% percentile interval (disputes
    resampled with replacement; seed 0).

    Example: escalation record --class since-1946
    """
    from sim.record.classes import load_classes
    from sim.record.statistics import SEED, class_statistics

    loaded = load_classes(classes)
    chosen = [loaded.find(reference)] if reference is not None else list(loaded.classes)
    summaries = [(c, class_statistics(c, loaded, resamples, SEED)) for c in chosen]
    if out is not None:
        from sim.experiments.results import staging

        frame = _long(summaries)
        with claim(out, force, wait, waiting), staging(out) as scratch:
            frame.to_csv(scratch / "record.csv", index=False)
            (scratch / "record.md").write_text(_markdown(summaries, resamples))
    for c, summary in summaries:
        title = Text.assemble(
            (f"{c.name}", "bold"), ": ", inert(c.title), f" ({summary.disputes:,} disputes)"
        )
        console.print(title)
        console.print(inert(c.defence), style="italic")
        console.print(_summary_view("", summary))
    say(
        f"Bootstrap 95% percentile intervals: {resamples:,} resamples of each class's disputes "
        f"(seed {SEED}); where a share is 0 or 1 in the sample, the Wilson interval. Shares of "
        "fatality bands count disputes whose band is known; outcomes, "
        "those with a known outcome. Data: Gibler, Miller & Little (2016), GML MID 2.2.1."
    )
    if out is not None:
        say(f"Wrote {out}/: record.csv, record.md")


def _long(summaries: Summaries) -> pd.DataFrame:
    import pandas as pd

    return pd.concat(
        [s.table.assign(reference_class=c.name, disputes=s.disputes) for c, s in summaries],
        ignore_index=True,
    )


def _markdown(summaries: Summaries, resamples: int) -> str:
    from sim.record.comparison import interval_text
    from sim.record.statistics import SEED

    lines = ["# The record's statistics by reference class", ""]
    lines += [
        f"Source: Gibler, Miller & Little (2016), GML MID 2.2.1 (`sim/record/data/`). Bootstrap "
        f"95% percentile intervals, {resamples:,} resamples, seed {SEED} (the Wilson interval "
        "where a share is 0 or 1 in the sample). Made by "
        "`escalation record`.",
        "",
    ]
    for c, s in summaries:
        lines += [f"## {c.name}: {c.title} ({s.disputes:,} disputes)", "", c.defence, ""]
        lines += ["| statistic | value (95%) | basis |", "|---|---|---|"]
        for row in s.table.itertuples():
            value = interval_text(row.value, row.low, row.high, row.unit)
            lines.append(f"| {row.group}: {row.label} | {value} | {row.basis} |")
        lines.append("")
    return printable("\n".join(lines))


def validate_class(
    spec: Scenario,
    reference: str,
    classes: Path | None,
    patterns: Path | None,
    runs: int,
    seed: int,
    resamples: int,
    out: Path | None,
    workers: int,
    force: bool,
    wait: bool,
) -> None:
    """`escalation validate SCENARIO --class NAME` (see sim.record.validate.class_validation)."""
    from sim.analysis.timeline import NOT_A_FORECAST
    from sim.experiments.results import staging
    from sim.experiments.runs import stop_on_interrupt
    from sim.model.finite import drivers
    from sim.record.classes import load_classes
    from sim.record.comparison import interval_text, markdown, verdict_counts
    from sim.record.dataset import load_record
    from sim.record.patterns import load_patterns
    from sim.record.plots import plot_comparison
    from sim.record.validate import MEASURED, class_validation, holds_disputes
    from sim.record.validate import markdown as pattern_markdown

    loaded = load_classes(classes)
    chosen = loaded.find(reference)
    every = load_patterns(patterns)
    load_record()  # checksums first: nothing is run or written on a damaged record
    holds_disputes(chosen, loaded)
    out_dir = (
        out
        if out is not None
        else RESULTS / folder_name(spec.name) / f"validate-{folder_name(reference)}-seed-{seed}"
    )
    workers = worker_count(workers)
    try:
        with (
            claim(out_dir, force, wait, waiting),
            stop_on_interrupt() as stop,
            staging(out_dir) as scratch,
            progress_bar(transient=True) as progress,
        ):
            bar = progress.add_task("runs", total=runs)
            result = class_validation(
                spec, chosen, loaded, every, runs, seed, workers, resamples, stop=stop,
                advance=lambda n: progress.advance(bar, n),
            )  # fmt: skip
            disputes = int(result.runs["dispute"].sum())
            title = f"{spec.name} against the record: {chosen.name}"
            preamble = (
                f"Scenario '{spec.name}', {runs:,} runs (seed {seed}), {disputes:,} of them "
                f"disputes (MID hostility level 2 or more), coded as the record codes disputes "
                f"(docs/model.md §3.13); reference class '{chosen.name}': {chosen.title}, "
                f"{result.record:,} disputes (GML MID 2.2.1). {chosen.defence} "
                + " ".join(result.remarks)
                + (
                    f" {result.stopped:,} runs stopped when a hostility left the finite range, "
                    f"driven by {drivers(spec)}; they are left out."
                    if result.stopped
                    else ""
                )
                + " Intervals: "
                f"bootstrap 95% percentile intervals, {resamples:,} resamples of runs and of "
                "disputes; a verdict is *consistent* when the 95% interval of the difference "
                f"contains 0. {verdict_counts(result.table)}. {NOT_A_FORECAST}"
            )
            result.table.to_csv(scratch / "comparison.csv", index=False)
            text = markdown(result.table, title, preamble, result.notes)
            if len(result.patterns):
                text += "\n" + pattern_markdown(
                    result.patterns, "Patterns without a data set",
                    "The hand-typed patterns that no data set measures, against their targets.",
                ).replace("# Patterns", "## Patterns", 1)  # fmt: skip
            (scratch / "comparison.md").write_text(printable(text))
            heading = printable(f"{spec.name} against '{chosen.name}'")  # no escapes drawn
            figure = plot_comparison(result.table, heading)
            figure.savefig(scratch / "comparison.png", dpi=120)
            result.runs.to_parquet(scratch / "mid_runs.parquet", index=False)
            result.dyads.to_parquet(scratch / "mid_dyads.parquet", index=False)
            result.patterns.to_csv(scratch / "patterns.csv", index=False)
    except KeyboardInterrupt:
        say(f"Interrupted: nothing was written to {out_dir}.", err=True)
        raise typer.Exit(130) from None
    view = Table(title=Text(printable(f"{title} ({disputes:,} disputes of {runs:,} runs)")),
                 title_justify="left", box=None)  # fmt: skip
    for column in ("statistic", "record (95%)", "model (95%)", "distance", "verdict"):
        view.add_column(column, justify="left")
    group = None
    for row in result.table.itertuples():
        if row.group != group:
            view.add_row(Text(row.group, style="bold"), "", "", "", "")
            group = row.group
        mark = " ¹" if row.statistic in result.notes else ""
        view.add_row(
            f"  {row.label}{mark}",
            interval_text(row.record, row.record_low, row.record_high, row.unit),
            interval_text(row.model, row.model_low, row.model_high, row.unit),
            f"{row.distance:+.1f}" if math.isfinite(row.distance) else "n/a",
            row.verdict,
        )
    console.print(view)
    say(
        f"{verdict_counts(result.table)} (of {len(result.table)} statistics). Distance: model "
        "minus record over the standard error of the difference; the differences with their "
        "intervals are in comparison.md."
    )
    for remark in result.remarks:
        say(remark)
    if result.stopped:
        say(
            f"Note: {result.stopped:,} of {runs:,} runs stopped when a hostility left the finite "
            f"range, driven by {drivers(spec)}; they are left out of every value above."
        )
    for name, note in result.notes.items():
        say(f"¹ {name}: by construction or bounded, not a finding: {note}.")
    left = sorted({p.name for p in every if p.quantity in MEASURED})
    if left:
        say(f"Hand-typed patterns left to the data here: {', '.join(left)}.")
    for row in result.patterns.itertuples():
        say(f"Pattern {row.pattern} (no data set): {row.verdict}.")
    say(NOT_A_FORECAST)
    say(
        f"Wrote {out_dir}/: comparison.md, comparison.csv, comparison.png, mid_runs.parquet, "
        "mid_dyads.parquet, patterns.csv"
    )
